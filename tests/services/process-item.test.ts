import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getItem, insertItems, type NewItem, topicsOf } from '../../src/storage/items.ts';
import { addSource } from '../../src/storage/sources.ts';
import { processItem } from '../../src/services/process-item.ts';
import { backends, type TestDb } from '../helpers/db.ts';
import { type LoopbackServer, startLoopbackServer } from '../helpers/loopback-server.ts';
import { type TestRuntime, testRuntime } from '../helpers/ingest.ts';

const page = (canonical: string, body: string) => `<!doctype html><html><head><title>Inspectors criticise probation caseloads</title>
<link rel="canonical" href="${canonical}"><meta property="article:published_time" content="2026-11-19T07:00:00Z">
<meta name="author" content="Jane Reporter"></head><body><nav>Home | News</nav><article><h1>Inspectors criticise probation caseloads</h1>
${body}</article><footer>© news</footer></body></html>`;
const para = '<p>HM Inspectorate of Probation found that probation officers in the region were carrying caseloads far above the recommended level, and that staff shortages had left some people on licence without a named officer for weeks.</p>';

const teaser = (n: string, url: string): NewItem => ({
  identity: `guid:${n}`, canonicalUrl: url, guid: n, url, title: 'Inspectors criticise caseloads', summaryHtml: '<p>A short teaser.</p>',
  contentHtml: null, bodyText: 'A short teaser.', author: null, publishedAt: null, categories: [], extractStatus: 'pending',
});
const run = (rt: TestRuntime, itemId: number) => processItem(rt, itemId, new AbortController().signal);

for (const b of backends()) {
  describe.skipIf(!b.available)(`process-item (${b.name})`, () => {
    let t: TestDb;
    let rt: TestRuntime;
    let srv: LoopbackServer;
    let sourceId: number;
    beforeAll(async () => {
      t = await b.open();
      rt = testRuntime(t.db);
      srv = await startLoopbackServer();
      sourceId = (await addSource(t.db, { url: srv.url('/feed'), name: 'Test news' })).source.id;
    });
    afterAll(async () => {
      await srv?.close();
      await rt?.close();
      await t?.close();
    });

    it('fetches the page of a teaser, stores its main text and metadata, and tags it', async () => {
      srv.route('/story-1', { body: page(srv.url('/canonical-1'), para.repeat(5)), headers: { 'content-type': 'text/html; charset=utf-8' } });
      const [row] = await insertItems(t.db, sourceId, [teaser('1', srv.url('/story-1'))], rt.now());
      const out = await run(rt, row!.id);
      expect(out.topics).toContain('probation');
      const item = await getItem(t.db, row!.id);
      expect(item).toMatchObject({ extractStatus: 'done', canonicalUrl: srv.url('/canonical-1'), author: 'Jane Reporter', publishedAt: '2026-11-19T07:00:00.000Z' });
      expect(item!.bodyText).toMatch(/caseloads far above the recommended level/);
      expect(item!.bodyText).not.toMatch(/Home \| News/);
      expect((await topicsOf(t.db, row!.id)).map((x) => x.topic)).toContain('probation');
    });

    it('marks an item whose page is canonically an item already stored as a duplicate, and does not tag it', async () => {
      srv.route('/story-1-amp', { body: page(srv.url('/canonical-1'), para.repeat(5)) });
      const [row] = await insertItems(t.db, sourceId, [teaser('1b', srv.url('/story-1-amp'))], rt.now());
      expect(await run(rt, row!.id)).toEqual({ itemId: row!.id, duplicate: true });
      expect(await getItem(t.db, row!.id)).toMatchObject({ extractStatus: 'duplicate', processedAt: null });
      expect(await topicsOf(t.db, row!.id)).toEqual([]);
    });

    it('records a page that fails and still tags the item on its summary', async () => {
      const [row] = await insertItems(t.db, sourceId, [teaser('2', srv.url('/missing'))], rt.now());
      await run(rt, row!.id);
      const item = await getItem(t.db, row!.id);
      expect(item).toMatchObject({ extractStatus: 'failed', extractError: expect.stringMatching(/HTTP 404/) });
      expect(item!.processedAt).not.toBeNull();
    });

    it('over its host\'s page fetches per minute, reserves a turn and says how long to wait, touching nothing', async () => {
      const limited = testRuntime(t.db, { PAGE_FETCHES_PER_HOST_PER_MINUTE: '1' });
      try {
        srv.route('/story-3', { body: page(srv.url('/canonical-3'), para.repeat(5)) });
        srv.route('/story-4', { body: page(srv.url('/canonical-4'), para.repeat(5)) });
        const [first, second] = await insertItems(t.db, sourceId, [teaser('3', srv.url('/story-3')), teaser('4', srv.url('/story-4'))], rt.now());
        expect((await run(limited, first!.id)).topics).toContain('probation');
        const waited = await run(limited, second!.id);
        expect(waited).toEqual({ itemId: second!.id, wait: expect.any(Number) });
        expect(waited.wait).toBeGreaterThan(50_000);
        expect(waited.wait).toBeLessThanOrEqual(60_000);
        expect(await getItem(t.db, second!.id)).toMatchObject({ extractStatus: 'pending', processedAt: null });
        expect(srv.hits('/story-4')).toEqual([]);
        // When its turn comes, the holder of the reserved turn fetches without asking again.
        expect((await processItem(limited, second!.id, new AbortController().signal, { turn: false })).topics).toContain('probation');
        expect(await getItem(t.db, second!.id)).toMatchObject({ extractStatus: 'done' });
      } finally {
        await limited.close();
      }
    });
  });
}
