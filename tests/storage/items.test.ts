import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getItem, insertFeeds, insertItems, itemsOfSource, type NewItem, saveExtraction, saveTopics, storedIdentities, topicsOf } from '../../src/storage/items.ts';
import { addSource } from '../../src/storage/sources.ts';
import { backends, type TestDb } from '../helpers/db.ts';

const T0 = new Date('2026-11-20T10:00:00Z');
const item = (n: string, over: Partial<NewItem> = {}): NewItem => ({
  identity: `guid:${n}`,
  canonicalUrl: `https://news.example/${n}`,
  guid: n,
  url: `https://news.example/${n}?utm_source=x`,
  title: `Story ${n} — “quoted”`,
  summaryHtml: '<p>short</p>',
  contentHtml: null,
  bodyText: 'short',
  author: null,
  publishedAt: '2026-11-19T08:30:00.000Z',
  categories: ['Prisons', 'Probation'],
  extractStatus: 'pending',
  ...over,
});

for (const b of backends()) {
  describe.skipIf(!b.available)(`items storage (${b.name})`, () => {
    let t: TestDb;
    let s1: number;
    let s2: number;
    beforeAll(async () => {
      t = await b.open();
      s1 = (await addSource(t.db, { url: 'http://a.example/feed', name: 'a' })).source.id;
      s2 = (await addSource(t.db, { url: 'http://b.example/feed', name: 'b' })).source.id;
    });
    afterAll(async () => t?.close());

    it('inserts a batch once: a re-poll, a duplicate inside the batch and the same URL via another source add nothing', async () => {
      const first = await insertItems(t.db, s1, [item('1'), item('2'), item('2'), item('3', { canonicalUrl: null })], T0);
      expect(first.map((r) => r.identity)).toEqual(['guid:1', 'guid:2', 'guid:3']);
      expect(await insertItems(t.db, s1, [item('1'), item('2'), item('3', { canonicalUrl: null })], T0)).toEqual([]);
      // Source b carries story 2 (same canonical URL, its own guid) and a new one.
      const viaB = await insertItems(t.db, s2, [item('2', { identity: 'guid:b-2' }), item('4')], T0);
      expect(viaB.map((r) => r.identity)).toEqual(['guid:4']);
      const stored = await itemsOfSource(t.db, s1);
      expect(stored).toHaveLength(3);
      expect(stored[0]).toMatchObject({ title: 'Story 1 — “quoted”', categories: ['Prisons', 'Probation'], publishedAt: '2026-11-19T08:30:00.000Z', extractStatus: 'pending', sourceId: s1 });
    });

    it('saves an extraction, and marks an item whose page is canonically another item as its duplicate', async () => {
      const [a, c] = await insertItems(t.db, s1, [item('10'), item('11')], T0);
      expect(await saveExtraction(t.db, a!.id, { status: 'done', bodyText: 'the whole text', canonicalUrl: 'https://news.example/canon-10', author: 'A. Writer' })).toEqual({});
      expect(await getItem(t.db, a!.id)).toMatchObject({ extractStatus: 'done', bodyText: 'the whole text', canonicalUrl: 'https://news.example/canon-10', author: 'A. Writer' });
      expect(await saveExtraction(t.db, c!.id, { status: 'done', bodyText: 'same story', canonicalUrl: 'https://news.example/canon-10' })).toEqual({ duplicateOf: a!.id });
      expect(await getItem(t.db, c!.id)).toMatchObject({ extractStatus: 'duplicate', duplicateOf: a!.id, bodyText: 'short' });
    });

    it('replaces topics on re-tagging and marks the item processed', async () => {
      const [x] = await insertItems(t.db, s1, [item('20')], T0);
      await saveTopics(t.db, x!.id, [{ topic: 'prisons', rule: 'prison*', matches: [{ term: 'prison', at: 3 }] }, { topic: 'probation' }], T0);
      expect((await topicsOf(t.db, x!.id)).map((m) => m.topic)).toEqual(['prisons', 'probation']);
      await saveTopics(t.db, x!.id, [{ topic: 'courts' }], T0);
      expect(await topicsOf(t.db, x!.id)).toEqual([{ topic: 'courts', rule: null, matches: null }]);
      expect((await getItem(t.db, x!.id))?.processedAt).not.toBeNull();
    });

    it('says which entries each source stored before, for several sources in one read', async () => {
      await insertItems(t.db, s1, [item('40'), item('41')], T0);
      await insertItems(t.db, s2, [item('42')], T0);
      const known = await storedIdentities(t.db, [
        { sourceId: s1, identities: ['guid:40', 'guid:42', 'guid:new'] },
        { sourceId: s2, identities: ['guid:40', 'guid:42'] },
      ]);
      expect(known.map((k) => [...k].sort())).toEqual([['guid:40'], ['guid:42']]);
      expect(await storedIdentities(t.db, [])).toEqual([]);
    });

    it('inserts several feeds in one statement as the same inserts one after another would', async () => {
      const later = new Date(T0.getTime() + 60_000);
      const tagged = item('33', { extractStatus: 'not_needed', processedAt: T0.toISOString(), topics: [{ topic: 'prisons', rule: 'r1', matches: [] }] });
      const out = await insertFeeds(t.db, [
        { sourceId: s1, items: [item('30'), item('31')], fetchedAt: T0 },
        // b carries a's story 31 under its own guid (canonical URL taken by the feed before it), and a tagged item.
        { sourceId: s2, items: [item('31', { identity: 'guid:b-31' }), tagged, item('32')], fetchedAt: later },
        // a again in the same batch (a push and a scheduled poll): what its first entry stored is not new twice.
        { sourceId: s1, items: [item('30'), item('34')], fetchedAt: later },
        { sourceId: s2, items: [], fetchedAt: later },
      ]);
      expect(out.map((f) => f.map((r) => r.identity))).toEqual([['guid:30', 'guid:31'], ['guid:33', 'guid:32'], ['guid:34'], []]);
      const ids = out.flat().map((r) => r.id);
      expect(new Set(ids).size).toBe(5);
      const b33 = await getItem(t.db, out[1]![0]!.id);
      expect(b33).toMatchObject({ sourceId: s2, title: item('33').title });
      expect(b33!.fetchedAt.getTime()).toBe(later.getTime());
      expect((await getItem(t.db, out[0]![0]!.id))!.fetchedAt.getTime()).toBe(T0.getTime());
      expect(await topicsOf(t.db, out[1]![0]!.id)).toEqual([{ topic: 'prisons', rule: 'r1', matches: [] }]);
      expect(await topicsOf(t.db, out[1]![1]!.id)).toEqual([]);
    });
  });
}
