// Lenient fallback for truncated or slightly broken XML feeds. A feed cut off mid-download, or one item with
// an unclosed tag, should cost us that item, not the whole poll: keep the document head, keep every complete
// item/entry that parses on its own, and close whatever the head left open.

const ITEM_OPEN = /<(?:[\w-]+:)?(?:item|entry)\b/i;
const ITEM = /<((?:[\w-]+:)?(?:item|entry))\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const NOISE = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<![A-Z][^>]*>/gi;
const TAG = /<(\/?)([\w:.-]+)[^>]*?(\/?)>/g;
const MAX_TRIALS = 2000;
const MAX_HEAD = 256 * 1024;

/** Closing tags for the elements still open at the end of `head`, innermost first. */
function closers(head: string): string {
  const stack: string[] = [];
  for (const m of head.replace(NOISE, '').matchAll(TAG)) {
    const name = m[2] as string;
    if (m[3]) continue; // self-closing
    if (!m[1]) {
      stack.push(name);
      continue;
    }
    const at = stack.lastIndexOf(name);
    if (at >= 0) stack.length = at;
  }
  return stack.reverse().map((n) => `</${n}>`).join('');
}

/**
 * A repaired document that `accepts` (a trial parse) takes, or undefined when the head itself is broken.
 * `items` reports how many complete items were kept and how many were dropped.
 */
export function salvage(text: string, accepts: (xml: string) => boolean): { xml: string; kept: number; dropped: number } | undefined {
  const start = text.search(ITEM_OPEN);
  if (start < 0) return undefined;
  const head = text.slice(0, start);
  const close = closers(head);
  const chunks = [...text.slice(start).matchAll(ITEM)].map((m) => m[0]);
  // Truncation is the common case: everything complete parses together in one go.
  const all = head + chunks.join('\n') + close;
  if (accepts(all)) return { xml: all, kept: chunks.length, dropped: 0 };
  // One trial parse per item costs head x items: bound it so a huge broken feed fails fast instead.
  if (chunks.length > MAX_TRIALS || head.length > MAX_HEAD || !accepts(head + close)) return undefined;
  const good = chunks.filter((c) => accepts(head + c + close));
  return { xml: head + good.join('\n') + close, kept: good.length, dropped: chunks.length - good.length };
}
