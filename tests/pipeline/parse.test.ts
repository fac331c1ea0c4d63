import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/pipeline/decode.ts';
import { ParseError, parse } from '../../src/pipeline/parse.ts';

const URL_ = 'https://feeds.example.org/path/feed.xml';
const fx = (name: string) => decode(new Uint8Array(readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url))));
const parseFx = (name: string) => parse(fx(name), { url: URL_ });

describe('parse: formats', () => {
  it('RSS 2.0 with a bare AT&T, entities, ttl and self link', () => {
    const f = parseFx('bare-ampersand.rss');
    expect(f.format).toBe('rss');
    expect(f.title).toBe('AT&T & Partners news');
    expect(f.ttlMinutes).toBe(45);
    expect(f.selfUrl).toBe('https://att.example.com/feed');
    const [e] = f.entries;
    expect(e?.title).toBe('AT&T buys Q&A site & more ’s —');
    expect(e?.url).toBe('https://att.example.com/news?id=1&page=2');
    expect(e?.guid).toBe('att-1');
    expect(e?.published).toBe('2025-06-02T13:05:00.000Z');
  });

  it('Atom 1.0: xml:base on feed and entry, hub/self, html titles as text, sanitised summary', () => {
    const f = parseFx('xml-base.atom');
    expect(f.format).toBe('atom');
    expect(f.title).toBe('Justice & probation news');
    expect(f.siteUrl).toBe('https://justice.example.org/');
    expect(f.hub).toBe('https://hub.example.net/');
    expect(f.selfUrl).toBe('https://justice.example.org/news/feed.atom');
    const [a, b] = f.entries;
    expect(a?.url).toBe('https://justice.example.org/news/2025/06/probation-reform');
    expect(a?.summary).toContain('href="https://justice.example.org/press/1"');
    expect(a?.summary).toContain('src="https://justice.example.org/news/img/a.png"');
    expect(a?.summary).not.toContain('script');
    expect(a?.published).toBe('2025-06-03T08:00:00.000Z');
    expect(a?.author).toBe('Press Office');
    expect(a?.categories).toEqual(['probation', 'Reform']);
    expect(b?.url).toBe('https://other.example.com/blog/post-2');
    expect(b?.title).toBe('Entry with own base');
    expect(b?.content).toContain('href="https://other.example.com/blog/x"');
  });

  it('Atom 0.3 (issued, escaped content)', () => {
    const f = parseFx('atom03.xml');
    expect(f.format).toBe('atom');
    expect(f.entries[0]?.published).toBe('2005-07-31T10:29:29.000Z');
    expect(f.entries[0]?.content).toBe('<p>Hello <strong>world</strong></p>');
  });

  it('RDF / RSS 1.0 with dc: fields and sy: update period', () => {
    const f = parseFx('rdf.xml');
    expect(f.format).toBe('rdf');
    expect(f.ttlMinutes).toBe(720);
    expect(f.entries[0]).toMatchObject({ title: 'RDF item one', url: 'https://rdf.example.org/1', author: 'RDF Author', published: '2025-06-03T07:00:00.000Z', categories: ['prisons'] });
  });

  it('RSS 0.91 with a DOCTYPE', () => {
    expect(parseFx('rss091.xml').entries[0]?.url).toBe('http://old.example.net/item');
  });

  it('JSON Feed: relative url, hub, self, content_html sanitised, content_text escaped', () => {
    const f = parseFx('feed.json');
    expect(f.format).toBe('json');
    expect(f.hub).toBe('https://hub.example.net/');
    expect(f.selfUrl).toBe('https://union.example.org/feed.json');
    const [a, b] = f.entries;
    expect(a).toMatchObject({ guid: '1', url: 'https://feeds.example.org/news/one', title: 'Pay award for family court staff', author: 'Jo Bloggs', published: '2025-06-01T11:00:00.000Z', categories: ['pay', 'family court'] });
    expect(a?.content).not.toContain('script');
    expect(b).toMatchObject({ url: 'https://elsewhere.example.com/story', title: '', content: 'Only text, no title.', published: '2025-06-02T00:00:00.000Z' });
  });

  it('decoded legacy charsets reach the titles intact', () => {
    expect(parseFx('windows-1252.xml').entries[0]?.title).toBe('“Probation” pay – €5 rise’s due');
    expect(parseFx('windows-1252.xml').entries[0]?.published).toBe('2025-06-03T08:15:00.000Z');
    expect(parseFx('koi8-r.xml').entries[0]?.title).toBe('Привет, мир');
    expect(parseFx('utf16le-bom.xml').entries[0]?.title).toBe('Wide é');
  });
});

describe('parse: hostile and broken input', () => {
  it('never expands entities: billion laughs stays small and fast, external entities are not read', () => {
    const f = parseFx('billion-laughs.xml');
    expect(JSON.stringify(f).length).toBeLessThan(2000);
    expect(JSON.stringify(f)).not.toContain('root:');
  });

  it('salvages the complete items of a truncated feed', () => {
    const f = parseFx('truncated.rss');
    expect(f.entries.map((e) => e.title)).toEqual(['First complete item', 'Second complete item']);
    expect(f.entries[1]?.url).toBe('https://feeds.example.org/2');
  });

  it('drops only the broken item when one item is malformed', () => {
    const xml = '<rss version="2.0"><channel><title>x</title><item><title>ok 1</title></item><item><title>bad <b>unclosed</title></item><item><title>ok 2</title></item></channel></rss>';
    const titles = parse(xml, { url: URL_ }).entries.map((e) => e.title);
    expect(titles).toContain('ok 1');
    expect(titles).toContain('ok 2');
  });

  it('an empty but valid feed has no entries rather than an error', () => {
    expect(parse('<rss version="2.0"><channel></channel></rss>', { url: URL_ }).entries).toEqual([]);
    expect(parse('<feed xmlns="http://www.w3.org/2005/Atom"></feed>', { url: URL_ }).format).toBe('atom');
  });

  it('refuses an HTML page with a message that says what to do', () => {
    expect(() => parseFx('html-error-page.html')).toThrow(ParseError);
    expect(() => parseFx('html-error-page.html')).toThrow(/HTML page, not a feed — check the source URL or add it as an html source/);
  });

  it.each([
    ['', /empty document/],
    ['just some text', /unable to detect feed format/],
    ['<kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>', /root element <kml>/],
    ['<opml version="2.0"><body/></opml>', /OPML/],
    ['{"not": "a feed"', /invalid JSON/],
    ['{"hello": "world"}', /not a JSON Feed/],
    ['<rss version="2.0"><channel><title>a</b></channel></rss>', /malformed RSS feed that could not be repaired/],
    ['<feed xmlns="http://www.w3.org/2005/Atom"><title>x</tit', /malformed Atom feed/],
  ])('refuses %j with a ParseError', (text, message) => {
    expect(() => parse(text, { url: URL_ })).toThrow(ParseError);
    expect(() => parse(text, { url: URL_ })).toThrow(message);
  });

  it('survives pathological nesting without a stack overflow escaping', () => {
    const deep = `<rss version="2.0"><channel><item><description>${'<div>'.repeat(20000)}</description></item></channel></rss>`;
    try {
      parse(deep, { url: URL_ });
    } catch (err) {
      expect(err).toBeInstanceOf(ParseError);
    }
  });
});
