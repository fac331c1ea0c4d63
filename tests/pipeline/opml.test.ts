import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportOpml, importOpml, sourceSpec } from '../../src/pipeline/opml.ts';

const now = new Date('2026-11-20T12:00:00Z');

describe('importOpml', () => {
  it('reads nested outlines, names, categories as topics, and reports bad ones without stopping', () => {
    const text = `<?xml version="1.0"?>
<opml version="2.0"><head><title>mine</title></head><body>
  <outline text="Justice">
    <outline text="MoJ &amp; friends" type="rss" xmlUrl="https://www.gov.uk/government/organisations/ministry-of-justice.atom" category="/prisons,/probation"/>
    <outline text="Broken" type="rss" xmlUrl="ftp://example.org/feed"/>
    <outline text="Inner"><outline title="Titled" text="t" xmlUrl="https://insidetime.org/feed/"/></outline>
  </outline>
  <outline text="just a folder"/>
</body></opml>`;
    const { sources, problems } = importOpml(text);
    expect(sources.map((s) => [s.name, s.url, s.topics])).toEqual([
      ['MoJ & friends', 'https://www.gov.uk/government/organisations/ministry-of-justice.atom', ['prisons', 'probation']],
      ['Titled', 'https://insidetime.org/feed/', []],
    ]);
    expect(problems).toEqual(['ftp://example.org/feed: only http and https sources can be polled']);
  });

  it('says clearly when the text is not OPML', () => {
    expect(() => importOpml('<html><body>hello</body></html>')).toThrow(/^opml: not an OPML document .* export the subscription list again/);
  });

  it('round-trips pressdesk settings (html sources, intervals, charset, dedup, disabled) through export', () => {
    const specs = [
      { url: 'https://a.example/feed', name: 'A & B', nameIsDefault: false, kind: 'feed' as const, minIntervalS: 600, maxIntervalS: 7200, charset: 'windows-1252', dedupPolicy: 'link' as const, topics: ['prisons'], enabled: false, selectors: null },
      { url: 'https://napo.example/news', name: 'Napo', nameIsDefault: false, kind: 'html' as const, selectors: { item: '.row', link: 'a', title: 'h3' }, topics: [], enabled: true, charset: null },
    ];
    const xml = exportOpml(specs, { title: 'pressdesk sources', now });
    expect(xml).toContain('<opml version="2.0">');
    expect(xml).toContain('text="A &amp; B"');
    const back = importOpml(xml);
    expect(back.problems).toEqual([]);
    expect(back.sources).toEqual(specs);
  });

  it('marks a name that is only the host (none given) as the default, for the feed title to replace', () => {
    expect(sourceSpec({ url: 'https://www.example.org/feed' })).toMatchObject({ name: 'www.example.org', nameIsDefault: true });
    expect(sourceSpec({ url: 'https://www.example.org/feed', name: '  ' })).toMatchObject({ name: 'www.example.org', nameIsDefault: true });
    expect(sourceSpec({ url: 'https://www.example.org/feed', name: 'Example' })).toMatchObject({ name: 'Example', nameIsDefault: false });
  });
});

describe('the shipped uk-justice source pack', () => {
  const pack = JSON.parse(readFileSync(new URL('../../src/packs/sources/uk-justice.json', import.meta.url), 'utf8'));
  it('holds only valid, distinct sources, covering what the union asked for', () => {
    const specs = pack.sources.map((s: Record<string, unknown>) => sourceSpec(s));
    expect(specs.filter((s: object) => 'problem' in s)).toEqual([]);
    const urls = specs.map((s: { url: string }) => s.url);
    expect(new Set(urls).size).toBe(urls.length);
    const hosts = new Set(urls.map((u: string) => new URL(u).hostname));
    for (const h of ['www.gov.uk', 'www.justiceinspectorates.gov.uk', 'insidetime.org', 'www.theguardian.com', 'feeds.bbci.co.uk', 'news.google.com', 'probationmatters.blogspot.com', 'www.russellwebster.com', 'prisonreformtrust.org.uk', 'howardleague.org', 'www.napo.org.uk']) {
      expect(hosts).toContain(h);
    }
    expect(specs.find((s: { kind: string }) => s.kind === 'html')).toMatchObject({ name: 'Napo news', selectors: { item: expect.any(String), link: expect.any(String) } });
  });
});
