// Linear-time scans over markup for the parse helpers. A regex such as /<!--[\s\S]*?-->/g or /<a\b[^>]*>/g
// restarts its search for the end at every opener, so a document of unterminated openers (`<!--` x 60,000)
// costs the square of its length; these walk the text once with indexOf and remember which ends are missing.

/** A kind of markup to cut: it starts where `open` (a sticky regex) matches and ends after the first `close`. */
export interface Noise {
  open: RegExp;
  close: string;
}

/**
 * `text` without the markup of `kinds` (tried in order at each `<`, like a regex alternation; one whose end
 * never comes is not cut). The same result as `text.replace(/k1|k2|…/g, '')`, in one pass.
 */
export function stripNoise(text: string, kinds: Noise[]): string {
  const missingFrom = new Map<string, number>(); // close -> a position after which it never occurs
  const end = (close: string, from: number): number => {
    if (from >= (missingFrom.get(close) ?? Number.POSITIVE_INFINITY)) return -1;
    const at = text.indexOf(close, from);
    if (at < 0) missingFrom.set(close, from);
    return at < 0 ? -1 : at + close.length;
  };
  const parts: string[] = [];
  let kept = 0;
  for (let i = text.indexOf('<'); i >= 0; ) {
    let stop = -1;
    for (const k of kinds) {
      k.open.lastIndex = i;
      if (k.open.test(text)) stop = end(k.close, k.open.lastIndex);
      if (stop >= 0) break;
    }
    if (stop < 0) {
      i = text.indexOf('<', i + 1);
      continue;
    }
    parts.push(text.slice(kept, i));
    kept = stop;
    i = text.indexOf('<', stop);
  }
  parts.push(text.slice(kept));
  return parts.join('');
}

/**
 * The opening tags whose start `name` (a global regex like /<item\b/gi) matches, each up to the first `>`
 * after the name, in document order; the scan resumes after that `>`. Same as matching `name` + `[^>]*>`.
 */
export function* openTags(text: string, name: RegExp): Generator<string> {
  const re = new RegExp(name.source, name.flags.includes('g') ? name.flags : `${name.flags}g`);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const gt = text.indexOf('>', re.lastIndex);
    if (gt < 0) return; // no tag can end after here
    yield text.slice(m.index, gt + 1);
    re.lastIndex = gt + 1;
  }
}
