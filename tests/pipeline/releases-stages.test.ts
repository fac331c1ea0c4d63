import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseFeed } from 'feedsmith';
import { describe, expect, it } from 'vitest';
import type { Contact } from '../../src/domain/releases.ts';
import { selectRecipients } from '../../src/pipeline/recipients.ts';
import { releaseFeed } from '../../src/pipeline/release-feed.ts';
import { sendWait } from '../../src/pipeline/send-window.ts';
import { releaseSlug } from '../../src/pipeline/slug.ts';

const contact = (id: number, topics: string[], over: Partial<Contact> = {}): Contact => ({
  id, name: `C${id}`, outlet: null, email: `c${id}@example.org`, topics, doNotContact: false, notes: null, createdAt: new Date(0), updatedAt: new Date(0), ...over,
});

describe('release slugs', () => {
  it('makes readable, unique, URL-safe slugs', () => {
    expect(releaseSlug('Napo responds: “10,000 prison places” — £ & €', 12)).toBe('napo-responds-10-000-prison-places-and-12');
    expect(releaseSlug('Café réponse', 3)).toBe('cafe-reponse-3');
    expect(releaseSlug('!!!', 7)).toBe('release-7');
    expect(releaseSlug('a'.repeat(200), 1)).toMatch(/^a{80}-1$/);
  });
});

describe('recipient selection', () => {
  it('takes contacts covering a topic or named, never do-not-contact or suppressed ones, and counts those', () => {
    const all = [
      contact(1, ['probation']),
      contact(2, ['prisons']),
      contact(3, ['probation'], { doNotContact: true }),
      contact(4, ['probation', 'courts'], { email: 'Sup@Example.org' }),
      contact(5, ['courts']),
      contact(6, []),
    ];
    const r = selectRecipients(all, { topics: ['probation', 'courts'], contactIds: [6] }, new Set(['sup@example.org']));
    expect(r.recipients.map((c) => c.id)).toEqual([1, 5, 6]);
    expect(r).toMatchObject({ doNotContact: 1, suppressed: 1 });
    expect(selectRecipients(all, { topics: [] }, new Set()).recipients).toEqual([]);
  });
});

describe('sliding-window send limit', () => {
  it('waits until the oldest counted send leaves the window', () => {
    expect(sendWait(undefined, 1000, 60_000)).toBe(0); // fewer sends than the limit in the window
    expect(sendWait(0, 30, 60_000)).toBe(59_970);
    expect(sendWait(5, 30, 60_000)).toBe(5 + 60_000 - 30);
    expect(sendWait(0, 60_000, 60_000)).toBe(1); // never 0 while the window is full
  });
});

describe('release feed', () => {
  const releases = [
    { slug: 'second-2', subject: 'Second <script>alert(1)</script> & "more"', html: '<p>Body &amp; <b>bold</b></p><script>x</script>', text: 'Body & bold\u0001', sentAt: new Date('2026-07-02T10:00:00Z') },
    { slug: 'first-1', subject: 'First', html: '<p>One</p>', text: 'One', sentAt: new Date('2026-07-01T10:00:00Z') },
  ];
  const xml = releaseFeed({ title: 'Napo press releases', siteUrl: 'https://union.example/releases', selfUrl: 'https://union.example/releases.atom', author: 'Napo', releases, now: new Date('2026-07-03T00:00:00Z') });

  it('is well-formed Atom 1.0 with the required elements, newest first', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml);
    const feed = doc.feed;
    expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.id).toBe('https://union.example/releases.atom');
    expect(feed.updated).toBe('2026-07-02T10:00:00.000Z');
    expect(feed.author.name).toBe('Napo');
    expect(feed.entry).toHaveLength(2);
    for (const e of feed.entry) for (const k of ['id', 'title', 'updated', 'link']) expect(e[k], k).toBeDefined();

    const parsed = parseFeed(xml);
    expect(parsed.format).toBe('atom');
    type Text = { value?: string } | string | undefined;
    const v = (t: Text) => (typeof t === 'string' ? t : t?.value);
    const f = parsed.feed as { title?: Text; entries?: { title?: Text; id?: string; content?: Text; links?: { href?: string }[] }[] };
    expect(v(f.title)).toBe('Napo press releases');
    expect(f.entries?.map((e) => e.id)).toEqual(['https://union.example/releases/second-2', 'https://union.example/releases/first-1']);
    expect(f.entries?.[0]?.links?.[0]?.href).toBe('https://union.example/releases/second-2');
    expect(v(f.entries?.[0]?.title)).toBe('Second <script>alert(1)</script> & "more"');
    expect(v(f.entries?.[0]?.content)).toBe('<p>Body &amp; <b>bold</b></p><script>x</script>');
  });

  it('escapes everything: no markup from a release leaks into the feed', () => {
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain('<b>');
    expect(xml).not.toContain('\u0001');
    expect(xml).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;more&quot;');
  });

  it('an empty archive is still a valid feed', () => {
    const empty = releaseFeed({ title: 'T', siteUrl: 'https://u.example/releases', selfUrl: 'https://u.example/releases.atom', author: 'U', releases: [], now: new Date('2026-07-03T00:00:00Z') });
    expect(XMLValidator.validate(empty)).toBe(true);
    expect(empty).toContain('<updated>2026-07-03T00:00:00.000Z</updated>');
  });
});
