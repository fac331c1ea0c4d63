// PAGE_FETCHES_PER_HOST_PER_MINUTE through real BullMQ workers on the test Redis: a burst of process-item jobs
// for one host runs `limit` pages per window; the others are delayed to their reserved turn (no attempt used)
// and then fetch. Nothing fails, nothing is dropped, no page is fetched before its turn. The window is
// shortened to two seconds (IngestDeps.pageWindowMs) so the test waits seconds, not minutes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageSlotsKey } from '../../src/adapters/page-slots.ts';
import { startWorker, type WorkerHandle } from '../../src/adapters/queues.ts';
import { getItem, insertItems, type NewItem } from '../../src/storage/items.ts';
import { addSource } from '../../src/storage/sources.ts';
import { processItem } from '../../workers/process-item.ts';
import { openTestPglite, type TestDb } from '../helpers/db.ts';
import { type LoopbackServer, startLoopbackServer } from '../helpers/loopback-server.ts';
import { type TestRuntime, testRuntime } from '../helpers/ingest.ts';

const WINDOW_MS = 2_000;
const LIMIT = 2;
const para = '<p>Probation officers in the region carry caseloads far above the recommended level, the inspectorate found, and some people on licence had no named officer for weeks.</p>';
const teaser = (n: number, url: string): NewItem => ({
  identity: `guid:burst-${n}`, canonicalUrl: url, guid: `burst-${n}`, url, title: `Caseloads ${n}`, summaryHtml: '<p>Teaser.</p>',
  contentHtml: null, bodyText: 'Teaser.', author: null, publishedAt: null, categories: [], extractStatus: 'pending',
});

describe('process-item jobs under the per-host page-fetch limit (real workers)', () => {
  let t: TestDb;
  let rt: TestRuntime;
  let srv: LoopbackServer;
  let worker: WorkerHandle;
  const fetchedAt = new Map<string, number>();
  beforeAll(async () => {
    t = await openTestPglite();
    rt = testRuntime(t.db, { PAGE_FETCHES_PER_HOST_PER_MINUTE: String(LIMIT) });
    rt.now = () => new Date();
    rt.pageWindowMs = WINDOW_MS;
    srv = await startLoopbackServer();
    worker = startWorker('process-item', processItem(rt), { connection: rt.redis, prefix: rt.prefix, concurrency: 5 });
  });
  afterAll(async () => {
    await worker?.stop(1000);
    (worker?.worker.opts.connection as { disconnect?: () => void } | undefined)?.disconnect?.();
    await srv?.close();
    await rt?.close();
    await t?.close();
  });

  it('delays the jobs over the limit to their turn instead of failing or dropping them', async () => {
    const sourceId = (await addSource(t.db, { url: srv.url('/feed.xml'), name: 'burst' })).source.id;
    const n = 5;
    for (let i = 0; i < n; i++) {
      srv.route(`/burst-${i}`, () => {
        fetchedAt.set(`/burst-${i}`, Date.now());
        return { body: `<html><head><title>Caseloads ${i}</title></head><body><article><h1>Caseloads ${i}</h1>${para.repeat(4)}</article></body></html>` };
      });
    }
    const rows = await insertItems(t.db, sourceId, Array.from({ length: n }, (_, i) => teaser(i, srv.url(`/burst-${i}`))), rt.now());
    const q = rt.queues.get('process-item');
    await q.addBulk(rows.map((r) => ({ name: 'process-item', data: { itemId: r.id }, opts: { jobId: `item-${r.id}` } })));

    // Wait on the condition: every job finished (completed or failed), within a generous bound. Meanwhile note
    // the turns in the host's window: each stays there a window past its time, and the set expires after.
    const seen = new Map<string, number>();
    const key = pageSlotsKey(rt.prefix, '127.0.0.1');
    await expect
      .poll(
        async () => {
          const raw = await rt.redis.zrange(key, '0', '-1', 'WITHSCORES');
          for (let i = 0; i < raw.length; i += 2) seen.set(raw[i]!, Number(raw[i + 1]));
          return (await q.getJobCounts('completed', 'failed')) as Record<string, number>;
        },
        { timeout: 90_000, interval: 50 },
      )
      .toSatisfy((c: Record<string, number>) => (c.completed ?? 0) + (c.failed ?? 0) === n);
    expect(await q.getJobCounts('completed', 'failed')).toMatchObject({ completed: n, failed: 0 });
    for (const r of rows) expect(await getItem(t.db, r.id)).toMatchObject({ extractStatus: 'done' });
    expect(fetchedAt.size).toBe(n);

    // Those over the limit were delayed for their turn (and held it when they ran again).
    const jobs = await Promise.all(rows.map((r) => q.getJob(`item-${r.id}`)));
    const delayed = jobs.filter((j) => j?.data.turnAt === 0);
    expect(delayed.length).toBeGreaterThanOrEqual(n - LIMIT - 1);
    // Waiting used no attempt: each job completed on its first.
    expect(jobs.map((j) => j?.attemptsMade)).toEqual(rows.map(() => 1));

    // The host's window: no WINDOW_MS holds more than LIMIT turns, and no page was fetched before its turn.
    const turns = [...seen].map(([member, at]) => ({ at, jobId: member.split(':')[1]! })).sort((x, y) => x.at - y.at);
    expect(turns).toHaveLength(n);
    for (let i = LIMIT; i < turns.length; i++) expect(turns[i]!.at - turns[i - LIMIT]!.at).toBeGreaterThanOrEqual(WINDOW_MS);
    for (const turn of turns) {
      const itemId = Number(turn.jobId.replace('item-', ''));
      const path = `/burst-${rows.findIndex((r) => r.id === itemId)}`;
      expect(fetchedAt.get(path)!).toBeGreaterThanOrEqual(turn.at - 5);
    }
  });
});
