// feedsmith's format-specific shapes -> our ParsedFeed. One function per format; the rules they share:
// titles become plain text, summary/content become sanitised HTML with absolute links, dates ISO-8601 UTC,
// links resolved against the entry's xml:base, else the feed's, else the feed URL.
import type { AnyFeed, AtomFeed, JsonFeed, RdfFeed, RssFeed } from 'feedsmith';
import type { FeedEntry, ParsedFeed } from '../../domain/types.ts';
import { sanitize } from '../sanitize.ts';
import { htmlToText } from '../text.ts';
import { type Bases, resolve } from './bases.ts';
import { parseDate } from './dates.ts';

type Text = { value?: string; type?: string } | undefined;
type Link = { href?: string; rel?: string; type?: string };

const first = <T>(xs: (T | undefined)[] | undefined): T | undefined => xs?.find((x) => x !== undefined && x !== '');

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Plain text of an Atom text construct: only html/xhtml types carry markup. */
function atomText(t: Text): string {
  if (!t?.value) return '';
  return /html/i.test(t.type ?? '') ? htmlToText(t.value) : t.value.replace(/\s+/g, ' ').trim();
}

/** Sanitised HTML of an Atom text construct; plain text is escaped, not interpreted. */
function atomHtml(t: Text, base: string): string | undefined {
  if (!t?.value?.trim()) return undefined;
  return /html/i.test(t.type ?? '') ? sanitize(t.value, base) || undefined : escapeHtml(t.value.trim());
}

const html = (s: string | undefined, base: string) => (s?.trim() ? sanitize(s, base) || undefined : undefined);

function categories(names: (string | undefined)[]): string[] {
  const out = new Set<string>();
  for (const n of names) {
    const c = n ? htmlToText(n) : '';
    if (c) out.add(c);
  }
  return [...out];
}

function linkByRel(links: Link[] | undefined, rel: string, base: string): string | undefined {
  return resolve(links?.find((l) => l.rel?.toLowerCase() === rel && l.href)?.href, base);
}

/** The entry's web page: rel=alternate (HTML first), then a link without rel. */
function alternate(links: Link[] | undefined, base: string): string | undefined {
  const alts = (links ?? []).filter((l) => l.href && (!l.rel || l.rel.toLowerCase() === 'alternate'));
  const pick = alts.find((l) => !l.type || /html/i.test(l.type)) ?? alts[0];
  return resolve(pick?.href, base);
}

const isHttp = (s: string | undefined): s is string => !!s && /^https?:\/\//i.test(s.trim());

/** sy:updatePeriod/updateFrequency -> minutes between updates. */
function syMinutes(sy: { updatePeriod?: string; updateFrequency?: number } | undefined): number | undefined {
  if (!sy?.updatePeriod) return undefined;
  const period = { hourly: 60, daily: 1440, weekly: 10080, monthly: 43200, yearly: 525600 }[sy.updatePeriod.trim().toLowerCase()];
  if (!period) return undefined;
  const freq = sy.updateFrequency && sy.updateFrequency > 0 ? sy.updateFrequency : 1;
  return Math.max(1, Math.round(period / freq));
}

function entryBase(bases: Bases, i: number): string {
  return bases.entries[i] ?? bases.feed;
}

function rssEntry(item: RssFeed.Item<string>, base: string): FeedEntry {
  const guid = item.guid?.value?.trim() || undefined;
  const permalink = item.guid?.isPermaLink !== false && isHttp(guid) ? guid : undefined;
  const link = item.link?.trim() || alternate(item.atom?.links, base) || permalink;
  return {
    guid,
    url: resolve(link, base),
    title: htmlToText(item.title ?? first(item.dc?.titles) ?? ''),
    summary: html(item.description, base),
    content: html(item.content?.encoded, base),
    author: htmlToText(first(item.authors?.map((a) => a.name ?? a.email)) ?? first(item.dc?.creators) ?? item.itunes?.author ?? '') || undefined,
    published: parseDate(item.pubDate) ?? parseDate(first(item.dc?.dates)) ?? parseDate(item.atom?.published) ?? parseDate(item.atom?.updated),
    categories: categories([...(item.categories?.map((c) => c.name) ?? []), ...(item.dc?.subjects ?? [])]),
  };
}

function rss(feed: RssFeed.Feed<string>, bases: Bases): ParsedFeed {
  return {
    format: 'rss',
    title: htmlToText(feed.title ?? '') || undefined,
    siteUrl: resolve(feed.link, bases.feed),
    hub: linkByRel(feed.atom?.links, 'hub', bases.feed),
    selfUrl: linkByRel(feed.atom?.links, 'self', bases.feed),
    ttlMinutes: feed.ttl && feed.ttl > 0 ? feed.ttl : syMinutes(feed.sy),
    entries: (feed.items ?? []).map((it, i) => rssEntry(it, entryBase(bases, i))),
  };
}

function atomEntry(e: AtomFeed.Entry<string>, base: string, feedAuthor: string | undefined): FeedEntry {
  const id = e.id?.trim() || undefined;
  return {
    guid: id,
    url: alternate(e.links, base) ?? (isHttp(id) ? id : undefined),
    title: atomText(e.title) || htmlToText(first(e.dc?.titles) ?? ''),
    summary: atomHtml(e.summary, base),
    content: e.content?.src ? undefined : atomHtml(e.content, base),
    author: first(e.authors?.map((a) => a.name?.trim())) ?? first(e.dc?.creators) ?? feedAuthor,
    published: parseDate(e.published) ?? parseDate(e.updated) ?? parseDate(first(e.dc?.dates)),
    categories: categories([...(e.categories?.map((c) => c.label ?? c.term) ?? []), ...(e.dc?.subjects ?? [])]),
  };
}

function atom(feed: AtomFeed.Feed<string>, bases: Bases): ParsedFeed {
  const author = first(feed.authors?.map((a) => a.name?.trim()));
  return {
    format: 'atom',
    title: atomText(feed.title) || undefined,
    siteUrl: alternate(feed.links, bases.feed),
    hub: linkByRel(feed.links, 'hub', bases.feed),
    selfUrl: linkByRel(feed.links, 'self', bases.feed),
    ttlMinutes: syMinutes(feed.sy),
    entries: (feed.entries ?? []).map((e, i) => atomEntry(e, entryBase(bases, i), author)),
  };
}

function rdf(feed: RdfFeed.Feed<string>, bases: Bases): ParsedFeed {
  const f = feed as RdfFeed.Feed<string> & { sy?: { updatePeriod?: string; updateFrequency?: number } };
  return {
    format: 'rdf',
    title: htmlToText(feed.title ?? '') || undefined,
    siteUrl: resolve(feed.link, bases.feed),
    ttlMinutes: syMinutes(f.sy),
    entries: (feed.items ?? []).map((it, i) => {
      const base = entryBase(bases, i);
      const item = it as RdfFeed.Item<string> & { dc?: { creators?: string[]; dates?: string[]; subjects?: string[]; titles?: string[] }; content?: { encoded?: string } };
      return {
        guid: undefined,
        url: resolve(item.link, base),
        title: htmlToText(item.title ?? first(item.dc?.titles) ?? ''),
        summary: html(item.description, base),
        content: html(item.content?.encoded, base),
        author: first(item.dc?.creators)?.trim() || undefined,
        published: parseDate(first(item.dc?.dates)),
        categories: categories(item.dc?.subjects ?? []),
      };
    }),
  };
}

function json(feed: JsonFeed.Feed<string>, bases: Bases): ParsedFeed {
  const feedAuthor = first(feed.authors?.map((a) => a.name?.trim()));
  return {
    format: 'json',
    title: htmlToText(feed.title ?? '') || undefined,
    siteUrl: resolve(feed.home_page_url, bases.feed),
    hub: resolve(first(feed.hubs?.map((h) => h.url)), bases.feed),
    selfUrl: resolve(feed.feed_url, bases.feed),
    entries: (feed.items ?? []).map((it) => ({
      guid: it.id !== undefined && it.id !== null ? String(it.id).trim() || undefined : undefined,
      url: resolve(it.url ?? it.external_url, bases.feed),
      title: htmlToText(it.title ?? ''),
      summary: it.summary?.trim() ? escapeHtml(it.summary.trim()) : undefined,
      content: html(it.content_html, bases.feed) ?? (it.content_text?.trim() ? escapeHtml(it.content_text.trim()) : undefined),
      author: first(it.authors?.map((a) => a.name?.trim())) ?? feedAuthor,
      published: parseDate(it.date_published) ?? parseDate(it.date_modified),
      categories: categories(it.tags ?? []),
    })),
  };
}

/** Map one feedsmith result onto ParsedFeed. */
export function toParsedFeed(parsed: AnyFeed<string>, bases: Bases): ParsedFeed {
  switch (parsed.format) {
    case 'rss':
      return rss(parsed.feed, bases);
    case 'atom':
      return atom(parsed.feed, bases);
    case 'rdf':
      return rdf(parsed.feed, bases);
    case 'json':
      return json(parsed.feed, bases);
  }
}
