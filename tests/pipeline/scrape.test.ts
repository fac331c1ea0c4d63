import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/pipeline/parse.ts';
import { scrape } from '../../src/pipeline/scrape.ts';

const page = readFileSync(new URL('../fixtures/pages/union-news.html', import.meta.url), 'utf8');
const URL_ = 'https://union.example.org/news';
const selectors = { item: 'li.news-item', link: '.news-title', title: '.news-title', date: 'time, .date', summary: '.excerpt' };

describe('scrape', () => {
  it('reads items with absolute links (against <base href>), titles, dates and sanitised summaries', () => {
    const f = scrape(page, { url: URL_, selectors });
    expect(f.format).toBe('html');
    expect(f.title).toBe('News | Example Union of Probation Staff');
    expect(f.entries).toHaveLength(2);
    const [a, b] = f.entries;
    expect(a).toMatchObject({
      url: 'https://union.example.org/news/2025/06/pay-offer-rejected?utm_source=site',
      guid: 'https://union.example.org/news/2025/06/pay-offer-rejected?utm_source=site',
      title: 'Members reject the pay offer',
      published: '2025-06-03T09:30:00.000Z',
    });
    expect(a?.summary).toContain('<strong>by 78%</strong>');
    expect(a?.summary).toContain('href="https://union.example.org/ballot"');
    expect(a?.summary).not.toContain('script');
    expect(b).toMatchObject({ title: 'Family court staffing & workloads', published: '2025-06-02T00:00:00.000Z' });
  });

  it('falls back to the link text when there is no title selector', () => {
    const f = scrape(page, { url: URL_, selectors: { item: 'li.news-item', link: 'h3 a' } });
    expect(f.entries.map((e) => e.title)).toEqual(['Members reject the pay offer', 'Family court staffing & workloads']);
  });

  it('names an invalid selector', () => {
    expect(() => scrape(page, { url: URL_, selectors: { item: 'li[[', link: 'a' } })).toThrow(/invalid item selector "li\[\["/);
    expect(() => scrape(page, { url: URL_, selectors: { ...selectors, date: 'time:::x' } })).toThrow(/invalid date selector/);
  });

  it('names a stale selector that matches nothing', () => {
    expect(() => scrape(page, { url: URL_, selectors: { item: '.article-card', link: 'a' } })).toThrow(ParseError);
    expect(() => scrape(page, { url: URL_, selectors: { item: '.article-card', link: 'a' } })).toThrow(/item selector ".article-card" matched nothing/);
    expect(() => scrape(page, { url: URL_, selectors: { item: 'li.news-item', link: '.nope' } })).toThrow(/link selector ".nope" found no usable links/);
  });
});
