// extract() on self-written fixtures shaped like a gov.uk news story, a newspaper page with JSON-LD, and an
// index page with no story, plus small inline pages for the metadata edge cases.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extract, MAX_HTML_CHARS, toIsoUtc } from '../../src/pipeline/extract.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/pages/extract/${name}`, import.meta.url), 'utf8');
const noScript = (html: string) => {
  expect(html).not.toMatch(/<script|<iframe|\son\w+\s*=|javascript:/i);
};
const para = (s: string) => `<p>${s} ${'The probation service supervises people on licence in the community. '.repeat(6)}</p>`;

describe('extract: gov.uk news story', () => {
  const url = 'https://www.gov.uk/government/news/new-caseload-limits-announced-for-probation-practitioners';
  const r = extract(fixture('govuk-news.html'), { url });

  it('finds the story text and leaves the page chrome behind', () => {
    expect(r.text).toContain('Every probation practitioner in England and Wales will have a maximum caseload from April');
    expect(r.text).toContain('1,200 additional trainee probation officers');
    expect(r.text).toContain('Regional probation directors will publish caseload data each quarter.');
    for (const chrome of ['essential cookies', 'Births, death, marriages', 'Open Government Licence', 'Prison officer pay award', 'Accessibility statement']) {
      expect(r.text).not.toContain(chrome);
    }
  });

  it('scripts and event handlers never survive, in the html or the text', () => {
    noScript(r.html);
    expect(r.text).not.toMatch(/tracked-inside-body|js-enabled|trackGovspeak|alert\(/);
    expect(r.html).toContain('maximum caseload');
  });

  it('reads title, canonical URL, dates in UTC, the organisation as author, and the rest', () => {
    expect(r).toMatchObject({
      title: 'New caseload limits announced for probation practitioners',
      canonicalUrl: url,
      published: '2026-10-14T08:30:00.000Z',
      modified: '2026-10-15T10:02:17.000Z',
      authors: ['Ministry of Justice'],
      siteName: 'GOV.UK',
      description: 'Probation practitioners in England and Wales will see caseload limits introduced from next April, the Justice Secretary has announced.',
      image: 'https://www.gov.uk/assets/static/govuk-opengraph-image.png',
      lang: 'en',
    });
  });
});

describe('extract: newspaper page with a JSON-LD @graph', () => {
  const url = 'https://www.dailyledger.example/uk-news/2026/nov/03/family-court-backlog-children-waiting';
  const r = extract(fixture('newspaper-jsonld.html'), { url });

  it('finds the story text without rails, comments, ads or tracking', () => {
    expect(r.text).toContain('Children at the centre of family court disputes in England are waiting almost a year');
    expect(r.text).toContain('including cases involving allegations of domestic abuse.');
    for (const chrome of ['Most read', 'Storm warning', 'Comments (124)', 'dataLayer', 'tracker.example', 'Registered in England']) {
      expect(r.text).not.toContain(chrome);
    }
    noScript(r.html);
  });

  it('prefers JSON-LD dates over meta tags, resolves @id authors, ignores profile URLs as names', () => {
    expect(r.published).toBe('2026-11-03T07:15:00.000Z');
    expect(r.modified).toBe('2026-11-03T09:40:00.000Z');
    expect(r.authors).toEqual(['Priya Raman', 'Tom Okafor']);
  });

  it('falls back to og:url for the canonical URL and normalises the language tag', () => {
    expect(r.canonicalUrl).toBe('https://www.dailyledger.example/uk-news/2026/nov/03/family-court-backlog-children-waiting?utm_source=twitter');
    expect(r.title).toBe('Family court backlog leaves children waiting a year for decisions');
    expect(r.siteName).toBe('The Daily Ledger');
    expect(r.lang).toBe('en-GB');
    expect(r.image).toBe('https://i.dailyledger.example/img/family-court.jpg');
  });
});

describe('extract: a page with no story', () => {
  const r = extract(fixture('no-article.html'), { url: 'https://union.example/news/?page=1' });
  it('gives empty text and html but keeps the metadata', () => {
    expect(r.text).toBe('');
    expect(r.html).toBe('');
    expect(r.title).toBe('Latest news');
    expect(r.canonicalUrl).toBe('https://union.example/news/');
    expect(r.siteName).toBe('Justice Sector Trade Union');
    expect(r.authors).toEqual([]);
  });
});

describe('extract: metadata edge cases', () => {
  const url = 'https://example.org/story';
  it('JSON-LD author as a string, a top-level array, a date-time without offset read as UTC', () => {
    const html = `<html><head><title>T - Site</title><script type="application/ld+json">[{"@type":"WebPage"},
      {"@type":"Article","headline":"Parole board review","author":"Sam Lee","datePublished":"2026-05-01T10:00:00","image":{"url":"/i.png"}}]</script>
      </head><body><article>${para('One.')}${para('Two.')}</article></body></html>`;
    const r = extract(html, { url });
    expect(r.authors).toEqual(['Sam Lee']);
    expect(r.published).toBe('2026-05-01T10:00:00.000Z');
    expect(r.title).toBe('Parole board review');
    expect(r.image).toBe('https://example.org/i.png');
  });

  it('meta name=author and article:published_time when there is no JSON-LD; article:author URLs ignored', () => {
    const html = `<html><head><meta name="author" content="  Jo  Bloggs ">
      <meta property="article:author" content="https://example.org/profile/jo">
      <meta property="article:published_time" content="2026-02-03T04:05:06+02:00"></head>
      <body><article>${para('One.')}${para('Two.')}</article></body></html>`;
    const r = extract(html, { url });
    expect(r.authors).toEqual(['Jo Bloggs']);
    expect(r.published).toBe('2026-02-03T02:05:06.000Z');
  });

  it('a short notice that declares itself an article is read even below the readerable threshold', () => {
    const short = '<p>The Parole Board has decided to refuse release following an oral hearing this week.</p><p>The panel considered the probation reports and the evidence given at the hearing.</p>';
    const html = (type: string) => `<html><head>${type}</head><body><main>${short}</main></body></html>`;
    expect(extract(html('<meta property="og:type" content="article">'), { url }).text).toContain('refuse release');
    expect(extract(html(''), { url }).text).toBe('');
  });

  it('a fragment without <html> still yields its text', () => {
    const r = extract(`${para('Fragment one.')}${para('Fragment two.')}${para('Fragment three.')}`, { url });
    expect(r.text).toContain('Fragment two.');
  });

  it('drops non-http canonical and image URLs and unparsable dates', () => {
    const html = `<html><head><link rel="canonical" href="javascript:alert(1)"><meta property="og:image" content="data:image/png;base64,AAAA">
      <meta property="article:published_time" content="last Tuesday"></head><body>${para('x')}</body></html>`;
    const r = extract(html, { url });
    expect(r.canonicalUrl).toBeUndefined();
    expect(r.image).toBeUndefined();
    expect(r.published).toBeUndefined();
  });

  it('toIsoUtc', () => {
    expect(toIsoUtc('2026-11-03')).toBe('2026-11-03T00:00:00.000Z');
    expect(toIsoUtc('Tue, 03 Nov 2026 07:15:00 GMT')).toBe('2026-11-03T07:15:00.000Z');
    expect(toIsoUtc('12')).toBeUndefined();
    expect(toIsoUtc(42)).toBeUndefined();
  });
});

describe('extract: bounded work', () => {
  it('refuses a page over the size cap with a clear error', () => {
    const huge = `<html><body>${'<p>x</p>'.repeat(MAX_HTML_CHARS / 8 + 1)}</body></html>`;
    expect(() => extract(huge, { url: 'https://example.org/huge' })).toThrow(/^extract: https:\/\/example\.org\/huge is \d+ characters of HTML, over the 5242880 cap/);
  });

  it('gives up on the main text of a page with a pathological element count, keeping metadata', () => {
    const html = `<html><head><meta property="og:title" content="Big"></head><body>${para('Real text.')}${'<div><span>a</span></div>'.repeat(40_000)}</body></html>`;
    const r = extract(html, { url: 'https://example.org/big' });
    expect(r.title).toBe('Big');
    expect(r.text).toBe('');
  });
});
