// Lenient fallback for truncated or slightly broken XML feeds. A feed cut off mid-download, or one item with
// an unclosed tag, should cost us that item, not the whole poll: keep the document head, keep every complete
// item/entry that parses on its own, and close whatever the head left open. Every scan is linear in the
// document (parse/scan.ts says why), and a trial parse costs its item, not the head: see `salvage`.
import { type Noise, stripNoise } from './scan.ts';

const ITEM_OPEN = /<((?:[\w-]+:)?(?:item|entry))\b/gi;
const NOISE: Noise[] = [
  { open: /<!--/y, close: '-->' },
  { open: /<!\[CDATA\[/iy, close: ']]>' },
  { open: /<\?/y, close: '?>' },
  { open: /<![A-Z]/iy, close: '>' },
];
const TAG_NAME = /<(\/?)([\w:.-]+)/y;
const MAX_TRIALS = 2000;
const MAX_HEAD = 256 * 1024;
/** Trial parses run on the open tags of the head, not the head: past this they would cost head x items. */
const MAX_TRIAL_HEAD = 8 * 1024;

/** The elements still open at the end of `head`, outermost first: their names and opening tags. */
function openElements(head: string): { names: string[]; tags: string[] } {
  const text = stripNoise(head, NOISE);
  const names: string[] = [];
  const tags: string[] = [];
  const depths = new Map<string, number[]>(); // name -> its depths in `names`, so a closing tag finds it in O(1)
  for (let i = text.indexOf('<'); i >= 0; ) {
    TAG_NAME.lastIndex = i;
    const m = TAG_NAME.exec(text);
    if (!m) {
      i = text.indexOf('<', i + 1);
      continue;
    }
    const gt = text.indexOf('>', TAG_NAME.lastIndex);
    if (gt < 0) break; // no tag can end after here
    i = text.indexOf('<', gt + 1);
    const name = m[2] as string;
    if (text[gt - 1] === '/') continue; // self-closing
    if (!m[1]) {
      const d = depths.get(name) ?? [];
      d.push(names.length);
      depths.set(name, d);
      names.push(name);
      tags.push(text.slice(m.index, gt + 1));
      continue;
    }
    const at = depths.get(name)?.at(-1);
    if (at === undefined) continue; // closes nothing open
    while (names.length > at) {
      depths.get(names.pop() as string)!.pop();
      tags.pop();
    }
  }
  return { names, tags };
}

/** Complete items/entries in document order, each from its opening tag to the first closing tag of its name. */
function completeItems(text: string): string[] {
  const out: string[] = [];
  const closing = new Map<string, { at: number; end: number }>(); // name -> the next closing tag found (-1: none left)
  const open = new RegExp(ITEM_OPEN.source, 'gi');
  for (let m = open.exec(text); m; m = open.exec(text)) {
    const gt = text.indexOf('>', open.lastIndex);
    if (gt < 0) break;
    const name = (m[1] as string).toLowerCase();
    let c = closing.get(name);
    if (!c || (c.at >= 0 && c.at <= gt)) {
      const re = new RegExp(`</${name}\\s*>`, 'gi');
      re.lastIndex = gt + 1;
      const found = re.exec(text);
      c = found ? { at: found.index, end: re.lastIndex } : { at: -1, end: -1 };
      closing.set(name, c);
    }
    if (c.at < 0) continue;
    out.push(text.slice(m.index, c.end));
    open.lastIndex = c.end;
  }
  return out;
}

/**
 * A repaired document that `accepts` (a trial parse) takes, or undefined when the head itself is broken or no
 * item is complete.
 * `items` reports how many complete items were kept and how many were dropped.
 */
export function salvage(text: string, accepts: (xml: string) => boolean): { xml: string; kept: number; dropped: number } | undefined {
  const start = text.search(ITEM_OPEN);
  if (start < 0) return undefined;
  const head = text.slice(0, start);
  const { names, tags } = openElements(head);
  const close = names.map((n) => `</${n}>`).reverse().join('');
  const chunks = completeItems(text.slice(start));
  // Items begun but none finished (`<item>` x 170,000) is a broken feed, not an empty one.
  if (!chunks.length) return undefined;
  // Truncation is the common case: everything complete parses together in one go.
  const all = head + chunks.join('\n') + close;
  if (accepts(all)) return { xml: all, kept: chunks.length, dropped: 0 };
  // One trial parse per item: bounded so a huge broken feed fails fast instead. Each item is tried inside the
  // elements that enclose it (`<rss …><channel>`, namespaces and all), not after the whole head.
  const enclosing = tags.join('');
  if (chunks.length > MAX_TRIALS || head.length > MAX_HEAD || enclosing.length > MAX_TRIAL_HEAD || !accepts(head + close)) return undefined;
  const good = chunks.filter((c) => accepts(enclosing + c + close));
  return { xml: head + good.join('\n') + close, kept: good.length, dropped: chunks.length - good.length };
}
