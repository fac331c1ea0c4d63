import { describe, expect, it } from 'vitest';
import type { FeedEntry } from '../../src/domain/types.ts';
import { identity, normalize, normalizeUrl } from '../../src/pipeline/normalize.ts';

const FEED = 'https://news.example.org/feeds/all.xml';
const NOW = new Date('2025-06-03T12:00:00Z');
const entry = (e: Partial<FeedEntry>): FeedEntry => ({ title: 'T', categories: [], ...e });

describe('normalizeUrl', () => {
  it('lower-cases the host, drops the fragment and tracking parameters, keeps the rest in order', () => {
    expect(normalizeUrl('HTTPS://News.Example.ORG:443/Story/1?b=2&utm_source=rss&a=1&fbclid=x&UTM_Medium=y#comments'))
      .toBe('https://news.example.org/Story/1?b=2&a=1');
    expect(normalizeUrl('https://www.bbc.co.uk/news/uk-1?at_medium=RSS&at_campaign=KARANGA')).toBe('https://www.bbc.co.uk/news/uk-1');
    expect(normalizeUrl('https://x.org/a?gclid=1&mc_cid=2&mc_eid=3&ocid=4&cmpid=5&CMP=twt_gu')).toBe('https://x.org/a');
    expect(normalizeUrl('https://x.org/search?q=probation&page=2')).toBe('https://x.org/search?q=probation&page=2');
  });

  it('unwraps Google News and Google Alerts links that carry the real URL', () => {
    expect(normalizeUrl('https://news.google.com/news/url?sa=t&url=https://www.theguardian.com/society/probation%3Futm_source%3Dx&ct=ga'))
      .toBe('https://www.theguardian.com/society/probation');
    expect(normalizeUrl('https://www.google.com/url?rct=j&sa=t&url=https://insidetime.org/a-story/&ct=ga&cd=1&usg=AOv'))
      .toBe('https://insidetime.org/a-story/');
  });

  it('keeps opaque Google News article ids as they are', () => {
    const opaque = 'https://news.google.com/rss/articles/CBMiWkFVX3lxTE1abc?oc=5';
    expect(normalizeUrl(opaque)).toBe(opaque);
  });

  it('returns unparseable input trimmed rather than throwing', () => {
    expect(normalizeUrl('  not a url ')).toBe('not a url');
  });
});

describe('identity', () => {
  it('uses the guid, falling back to the canonical link, then a hash', () => {
    expect(identity(entry({ guid: ' g-1 ', url: '/a' }), 'guid', FEED)).toBe('guid:g-1');
    expect(identity(entry({ url: '/a?utm_source=x' }), 'guid', FEED)).toBe('link:https://news.example.org/a');
    expect(identity(entry({}), 'guid', FEED)).toMatch(/^hash:[0-9a-f]{40}$/);
  });

  it('link policy prefers the link; title_link hashes both', () => {
    const e = entry({ guid: 'g', url: 'https://x.org/a#top', title: 'A' });
    expect(identity(e, 'link', FEED)).toBe('link:https://x.org/a');
    const h = identity(e, 'title_link', FEED);
    expect(h).toMatch(/^hash:/);
    expect(identity({ ...e, guid: 'other', url: 'https://x.org/a?utm_medium=y' }, 'title_link', FEED)).toBe(h);
    expect(identity({ ...e, title: 'B' }, 'title_link', FEED)).not.toBe(h);
  });

  it('tells apart link-less entries by their summary', () => {
    expect(identity(entry({ summary: 'one' }), 'guid', FEED)).not.toBe(identity(entry({ summary: 'two' }), 'guid', FEED));
  });
});

describe('normalize', () => {
  it('keeps only web links: javascript: and data: links from a feed are dropped', () => {
    for (const url of ['javascript:alert(1)', ' JavaScript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', 'file:///etc/passwd']) {
      expect(normalize(entry({ url }), { feedUrl: FEED, now: NOW }).url).toBeUndefined();
    }
    expect(normalize(entry({ url: '/story/1' }), { feedUrl: FEED, now: NOW }).url).toBe('https://news.example.org/story/1');
  });

  it('makes the URL absolute and canonical, and keeps a feed date', () => {
    const n = normalize(entry({ url: '../story?id=3&utm_campaign=z', published: '2025-06-02T10:00:00.000Z' }), { feedUrl: FEED, now: NOW });
    expect(n.url).toBe('https://news.example.org/story?id=3');
    expect(n.published).toBe('2025-06-02T10:00:00.000Z');
    expect(n.publishedDefaulted).toBe(false);
  });

  it('defaults published to now when missing or more than a day ahead', () => {
    expect(normalize(entry({}), { feedUrl: FEED, now: NOW }).published).toBe(NOW.toISOString());
    const future = normalize(entry({ published: '2025-06-05T12:00:00Z' }), { feedUrl: FEED, now: NOW });
    expect(future.published).toBe(NOW.toISOString());
    expect(future.publishedDefaulted).toBe(true);
    expect(normalize(entry({ published: '2025-06-04T06:00:00Z' }), { feedUrl: FEED, now: NOW }).published).toBe('2025-06-04T06:00:00.000Z');
  });

  it('trims the title and falls back to the first words of the summary', () => {
    expect(normalize(entry({ title: '  Strike   vote \n' }), { feedUrl: FEED, now: NOW }).title).toBe('Strike vote');
    const n = normalize(entry({ title: '', summary: '<p>Probation staff in <b>Wales</b> will ballot on industrial action over pay and workloads next month</p>' }), { feedUrl: FEED, now: NOW });
    expect(n.title).toBe('Probation staff in Wales will ballot on industrial action over pay and…');
  });

  it('drops duplicate categories case-insensitively', () => {
    expect(normalize(entry({ categories: ['Prisons', 'prisons', ' ', 'Courts'] }), { feedUrl: FEED, now: NOW }).categories).toEqual(['Prisons', 'Courts']);
  });
});
