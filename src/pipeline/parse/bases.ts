// xml:base scan. feedsmith drops xml:base attributes, so we read them from the opening tags ourselves: the
// root/channel base and one per item/entry, in document order (the mapper pairs them with parsed entries
// by index and ignores them when the counts differ).
import { openTags } from './scan.ts';

const ATTR = /\bxml:base\s*=\s*(?:"([^"]*)"|'([^']*)')/i;
const ROOT = /<(?:[\w-]+:)?(?:rss|feed|RDF|channel)\b/gi;
const ENTRY = /<(?:[\w-]+:)?(?:item|entry)\b/gi;

function attr(tag: string): string | undefined {
  const m = ATTR.exec(tag);
  const v = m?.[1] ?? m?.[2];
  return v?.replace(/&amp;/g, '&').trim() || undefined;
}

/** Resolve `href` against `base`; `href` unchanged when it cannot be resolved. */
export function resolve(href: string | undefined, base: string | undefined): string | undefined {
  const h = href?.trim();
  if (!h) return undefined;
  if (!base) return h;
  try {
    return new URL(h, base).href;
  } catch {
    return h;
  }
}

export interface Bases {
  feed: string;
  /** Absolute base per entry, undefined where the entry has none of its own. */
  entries: (string | undefined)[];
}

/** The absolute base URL of the feed and of each entry; `feedUrl` when the document sets none. */
export function xmlBases(text: string, feedUrl: string): Bases {
  if (!text.includes('xml:base')) return { feed: feedUrl, entries: [] };
  let feed = feedUrl;
  const firstEntry = text.search(/<(?:[\w-]+:)?(?:item|entry)\b/i);
  const head = firstEntry < 0 ? text : text.slice(0, firstEntry);
  for (const tag of openTags(head, ROOT)) {
    const b = attr(tag);
    if (b) feed = resolve(b, feed) ?? feed;
  }
  const entries: (string | undefined)[] = [];
  for (const tag of openTags(text, ENTRY)) {
    const b = attr(tag);
    entries.push(b ? resolve(b, feed) : undefined);
  }
  return { feed, entries };
}
