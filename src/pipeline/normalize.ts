// normalize: a parsed FeedEntry -> the NormalizedEntry we store. Canonical URLs (so the same story reached
// through two sources, or with two sets of tracking tags, is one item), a published time we can sort on, a
// title that is never empty, and the per-source identity that the storage UNIQUE constraint uses.
import { createHash } from 'node:crypto';
import type { DedupPolicy, FeedEntry } from '../domain/types.ts';
import { htmlToText } from './text.ts';

export interface NormalizedEntry extends FeedEntry {
  title: string;
  /** ISO-8601 UTC; the poll time when the feed gave none or one more than a day ahead. */
  published: string;
  /** True when `published` is the poll time, not the feed's own date. */
  publishedDefaulted: boolean;
}

export interface NormalizeOptions {
  feedUrl: string;
  now: Date;
}

// Query parameters that only say how a reader arrived, never which page they get.
const TRACKING = new Set([
  'fbclid', 'gclid', 'gclsrc', 'dclid', 'msclkid', 'yclid', 'twclid', 'igshid', 'mc_cid', 'mc_eid', 'ocid',
  'cmpid', 'cmp', 'mkt_tok', '_ga', '_gl', '_hsenc', '_hsmi', 'wt_mc', 'wt.mc_id', 'ito', 'ns_mchannel',
  'ns_source', 'ns_campaign', 'ns_linkname', 'ns_fee', 's_cid', 'sr_share', 'ref_src', 'smid',
  '__twitter_impression', 'ftag', 'spm',
]);
const TRACKING_PREFIX = /^(?:utm_|at_|itm_|pk_|mtm_|hsa_|oly_)/i;

// Redirect wrappers whose real destination is in a query parameter (Google News, Google Alerts, Bing News).
const WRAPPERS: Record<string, string[]> = {
  'news.google.com': ['url'],
  'www.google.com': ['url', 'q'],
  'google.com': ['url', 'q'],
  'www.bing.com': ['url'],
};

const MAX_GUID = 512;

/** Canonical form of an absolute URL; the input (trimmed) when it does not parse. */
export function normalizeUrl(url: string): string {
  const raw = url.trim();
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return raw;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return u.href;
  const wrapped = WRAPPERS[u.hostname];
  if (wrapped) {
    for (const name of wrapped) {
      const target = u.searchParams.get(name);
      // Only unwrap a real URL; Google News' opaque /rss/articles/CBMi... ids stay as they are.
      if (target && /^https?:\/\//i.test(target)) return normalizeUrl(target);
    }
  }
  u.hash = '';
  const kept = [...u.searchParams].filter(([k]) => !TRACKING.has(k.toLowerCase()) && !TRACKING_PREFIX.test(k));
  if (kept.length !== [...u.searchParams].length) {
    u.search = kept.length ? `?${new URLSearchParams(kept).toString()}` : '';
  }
  return u.href.replace(/\?$/, '');
}

function sha1(s: string): string {
  return createHash('sha1').update(s).digest('hex');
}

/**
 * The entry's identity within one source. `guid` falls back to the link, `link` to the guid, and both to a
 * hash of title+link (title+summary when there is no link either) so an entry always has one.
 */
export function identity(entry: FeedEntry, policy: DedupPolicy, feedUrl: string): string {
  const guid = entry.guid?.trim();
  const url = entry.url ? normalizeUrl(absolute(entry.url, feedUrl) ?? entry.url) : undefined;
  const hash = () => `hash:${sha1(`${entry.title.trim()}\n${url ?? htmlToText(entry.summary ?? entry.content ?? '')}`)}`;
  const g = guid ? `guid:${guid.length > MAX_GUID ? sha1(guid) : guid}` : undefined;
  const l = url ? `link:${url.length > MAX_GUID ? sha1(url) : url}` : undefined;
  switch (policy) {
    case 'guid':
      return g ?? l ?? hash();
    case 'link':
      return l ?? g ?? hash();
    case 'title_link':
      return hash();
  }
}

function absolute(href: string, base: string): string | undefined {
  try {
    return new URL(href.trim(), base).href;
  } catch {
    return undefined;
  }
}

/** First words of a text, for entries with no title. */
function firstWords(text: string, max = 12): string {
  const words = text.split(' ').filter(Boolean);
  return words.length > max ? `${words.slice(0, max).join(' ')}…` : words.join(' ');
}

const DAY_MS = 86_400_000;

/** Normalise one parsed entry for storage. */
export function normalize(entry: FeedEntry, opts: NormalizeOptions): NormalizedEntry {
  // Only web links are kept: a feed's javascript: or data: "link" would otherwise be rendered as one.
  const link = entry.url ? absolute(entry.url, opts.feedUrl) : undefined;
  const url = link && /^https?:\/\//i.test(link) ? link : undefined;
  const published = entry.published ? Date.parse(entry.published) : Number.NaN;
  const defaulted = !Number.isFinite(published) || published > opts.now.getTime() + DAY_MS;
  let title = htmlToText(entry.title);
  if (!title) title = firstWords(htmlToText(entry.summary ?? entry.content ?? '')) || (url ?? '(untitled)');
  if (title.length > 500) title = `${title.slice(0, 499)}…`;
  const seen = new Set<string>();
  return {
    guid: entry.guid?.trim() || undefined,
    url: url ? normalizeUrl(url) : undefined,
    title,
    summary: entry.summary?.trim() || undefined,
    content: entry.content?.trim() || undefined,
    author: entry.author?.replace(/\s+/g, ' ').trim() || undefined,
    published: defaulted ? opts.now.toISOString() : new Date(published).toISOString(),
    publishedDefaulted: defaulted,
    categories: entry.categories.filter((c) => {
      const k = c.trim().toLowerCase();
      if (!k || seen.has(k)) return false;
      seen.add(k);
      return true;
    }),
  };
}
