// scrape: an HTML listing page without a feed -> ParsedFeed, using the CSS selectors an editor gave the
// source (Napo's news page is the motivating case). Selectors are data typed by a person, so a bad or stale
// one is reported by name instead of silently yielding nothing.
import * as cheerio from 'cheerio';
import type { FeedEntry, ParsedFeed, ScrapeSelectors } from '../domain/types.ts';
import { ParseError } from './parse.ts';
import { parseDate } from './parse/dates.ts';
import { sanitize } from './sanitize.ts';

export interface ScrapeOptions {
  url: string;
  selectors: ScrapeSelectors;
}

type Field = keyof ScrapeSelectors;

// cheerio's .text() is already decoded: only whitespace needs collapsing.
const plain = (s: string) => s.replace(/\s+/g, ' ').trim();

function select<T>(field: Field, selector: string, run: () => T): T {
  try {
    return run();
  } catch (err) {
    throw new ParseError(`scrape: invalid ${field} selector "${selector}" (${(err as Error).message}) — fix the source's selectors`);
  }
}

function resolve(href: string | undefined, base: string): string | undefined {
  if (!href?.trim()) return undefined;
  try {
    const u = new URL(href.trim(), base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** Scrape the items of a listing page. Throws ParseError naming the selector that is invalid or stale. */
export function scrape(html: string, opts: ScrapeOptions): ParsedFeed {
  const { selectors: s, url } = opts;
  if (!s.item?.trim() || !s.link?.trim()) throw new ParseError('scrape: the item and link selectors are required — set them on the source');
  const $ = cheerio.load(html);
  const base = resolve($('base[href]').first().attr('href'), url) ?? url;
  const items = select('item', s.item, () => $(s.item));
  if (items.length === 0) {
    throw new ParseError(`scrape: the item selector "${s.item}" matched nothing — the page layout may have changed; update the source's selectors`);
  }
  // Validate the optional selectors once, up front, so the error names the selector, not an item.
  for (const f of ['link', 'title', 'date', 'summary'] as const) {
    const sel = s[f];
    if (sel) select(f, sel, () => items.first().find(sel));
  }

  const seen = new Set<string>();
  const entries: FeedEntry[] = [];
  items.each((_, el) => {
    const item = $(el);
    const pick = (sel: string) => (item.is(sel) ? item : item.find(sel).first());
    let link = pick(s.link);
    if (link.length && !link.is('a[href]')) link = link.find('a[href]').first().length ? link.find('a[href]').first() : link.closest('a[href]');
    const href = resolve(link.attr('href'), base);
    if (!href || seen.has(href)) return;
    seen.add(href);
    const dateEl = s.date ? pick(s.date) : undefined;
    const rawDate = dateEl?.attr('datetime') ?? dateEl?.attr('content') ?? dateEl?.text();
    const summaryHtml = s.summary ? pick(s.summary).html() : undefined;
    entries.push({
      guid: href,
      url: href,
      title: plain((s.title ? pick(s.title).text() : '') || link.text() || link.attr('title') || ''),
      summary: summaryHtml ? sanitize(summaryHtml, base) || undefined : undefined,
      published: parseDate(rawDate),
      categories: [],
    });
  });
  if (entries.length === 0) {
    throw new ParseError(`scrape: the link selector "${s.link}" found no usable links inside the ${items.length} items — update the source's selectors`);
  }
  return { format: 'html', title: plain($('title').first().text()) || undefined, siteUrl: url, entries };
}
