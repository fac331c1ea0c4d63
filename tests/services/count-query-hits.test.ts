// The structured editor's hits per row: one pass counts every query, each exactly as tagging would match it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileRules } from '../../src/rules/compile.ts';
import { countQueryHits } from '../../src/services/count-query-hits.ts';
import { tag } from '../../src/pipeline/tag.ts';
import { insertItems, type NewItem } from '../../src/storage/items.ts';
import { itemTextBatch } from '../../src/storage/rules.ts';
import { addSource } from '../../src/storage/sources.ts';
import { backends, type TestDb } from '../helpers/db.ts';

const NOW = new Date('2026-11-20T12:00:00Z');
const DAY = 86_400_000;
const TITLES = ['Prison officers strike', 'Jail overcrowding', 'Probation service cuts', 'Approved premises full', 'Prisoners’ café opens', 'Weather', 'Crème brûlée at HMP Leeds'];
const item = (n: number, title: string, daysAgo: number): NewItem => ({
  identity: `h${n}`, canonicalUrl: null, guid: null, url: `https://news.example/${n}`, title, summaryHtml: null, contentHtml: null,
  bodyText: `Story ${n} about ${title.toLowerCase()}.`, author: null, publishedAt: new Date(NOW.getTime() - daysAgo * DAY).toISOString(), categories: [], extractStatus: 'done',
});
const QUERIES = ['prison*', 'jail OR "approved premises"', '"probation service"', 'creme', 'source:agency', 'title:(weather OR jail)', 'pr* AND (', 'nothing'];

for (const b of backends()) {
  describe.skipIf(!b.available)(`countQueryHits (${b.name})`, () => {
    let t: TestDb;
    beforeAll(async () => {
      t = await b.open();
      const s = (await addSource(t.db, { url: 'http://a.example/feed', name: 'Agency' })).source.id;
      // Every title twice: once inside the 30 days, once outside.
      await insertItems(t.db, s, TITLES.flatMap((title, i) => [item(i, title, 1 + i), item(100 + i, title, 40 + i)]), NOW);
    });
    afterAll(async () => t?.close());

    it('counts each query over the window as the matcher tags items; null for one that does not parse', async () => {
      const since = new Date(NOW.getTime() - 30 * DAY);
      const hits = await countQueryHits({ db: t.db }, { queries: QUERIES, since });
      // The same count the slow way: tag every stored item of the window with each query alone.
      const items = await itemTextBatch(t.db, { since, afterId: 0, limit: 1000 });
      const naive = QUERIES.map((query, i) => {
        if (i === 6) return null;
        const m = compileRules({ topics: [{ id: 't', name: 't', rules: [{ id: 'q', query }], exclude: [] }], exclude: [] });
        return items.filter((it) => tag(m, it).topics.length > 0).length;
      });
      expect(hits).toEqual({ counts: naive, scanned: TITLES.length });
      expect(hits.counts).toEqual([2, 2, 1, 1, 7, 2, null, 0]);
    });

    it('runs one count at a time: a second waits until the first is done', async () => {
      const since = new Date(NOW.getTime() - 30 * DAY);
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const calls = { a: 0, b: 0 };
      // Each count on its own view of the database, counting its queries; the first count's queries wait.
      const view = (k: 'a' | 'b') =>
        new Proxy(t.db, {
          get: (target, p) =>
            p === 'query'
              ? async (...args: Parameters<typeof target.query>) => {
                  calls[k]++;
                  if (k === 'a') await gate;
                  return target.query(...args);
                }
              : Reflect.get(target, p),
        });
      const a = countQueryHits({ db: view('a') }, { queries: ['prison*'], since });
      const b = countQueryHits({ db: view('b') }, { queries: ['jail'], since });
      while (calls.a === 0) await new Promise(setImmediate);
      for (let i = 0; i < 50; i++) await new Promise(setImmediate);
      expect(calls.b).toBe(0);
      release();
      expect((await a).counts).toEqual([2]);
      expect((await b).counts).toEqual([1]);
      expect(calls.b).toBeGreaterThan(0);
      expect(await countQueryHits({ db: t.db }, { queries: [], since })).toEqual({ counts: [], scanned: TITLES.length });
    });
  });
}
