// The whole ingest path through real BullMQ queues and workers on the test Redis: the schedule-polls task
// claims the due sources, poll-source workers poll them, process-item workers fetch the teasers' pages;
// items end stored, extracted and tagged, and a second tick (nothing due) queues nothing.
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type WorkerHandle } from '../../src/adapters/queues.ts';
import { itemsOfSource, topicsOf } from '../../src/storage/items.ts';
import { addSource, getSource } from '../../src/storage/sources.ts';
import { schedulePolls } from '../../src/services/schedule-polls.ts';
import { pollSource } from '../../workers/poll-source.ts';
import { processItem } from '../../workers/process-item.ts';
import { backends, type TestDb } from '../helpers/db.ts';
import { type LoopbackServer, startLoopbackServer } from '../helpers/loopback-server.ts';
import { rss, type TestRuntime, testRuntime } from '../helpers/ingest.ts';

const para = '<p>Probation officers in the region carry caseloads far above the recommended level, the inspectorate found, and some people on licence had no named officer for weeks.</p>';

async function settled(job: Job | undefined, timeoutMs = 90_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const state = await job?.getState();
    if (state === 'completed' || state === 'failed') return state;
    await new Promise((r) => setTimeout(r, 50));
  }
  return 'timeout';
}

for (const b of backends()) {
  describe.skipIf(!b.available)(`ingest through real queues and workers (${b.name})`, () => {
    let t: TestDb;
    let rt: TestRuntime;
    let srv: LoopbackServer;
    const workers: WorkerHandle[] = [];
    beforeAll(async () => {
      t = await b.open();
      rt = testRuntime(t.db);
      rt.now = () => new Date();
      srv = await startLoopbackServer({ '/gone.xml': { status: 410 } });
      srv.route('/page', { body: `<html><head><title>Caseloads</title></head><body><article><h1>Caseloads</h1>${para.repeat(4)}</article></body></html>` });
      srv.route('/feed.xml', { body: rss([{ id: 'i1', link: srv.url('/page') }, { id: 'i2', description: para.repeat(3) }]), etag: '"e1"' });
      const opts = { connection: rt.redis, prefix: rt.prefix, concurrency: 4 };
      workers.push(startWorker('poll-source', pollSource(rt), opts), startWorker('process-item', processItem(rt), opts));
    });
    afterAll(async () => {
      for (const w of workers) await w.stop(1000);
      for (const w of workers) (w.worker.opts.connection as { disconnect?: () => void }).disconnect?.();
      await srv?.close();
      await rt?.close();
      await t?.close();
    });

    it('polls due sources, extracts teasers, tags, and records a failing source without failing the job', async () => {
      const good = (await addSource(t.db, { url: srv.url('/feed.xml'), name: 'Good' })).source.id;
      const gone = (await addSource(t.db, { url: srv.url('/gone.xml'), name: 'Gone' })).source.id;
      const queued = await schedulePolls(rt);
      expect(queued.map((q) => q.sourceId).sort()).toEqual([good, gone].sort());
      const q = rt.queues.get('poll-source');
      for (const j of queued) expect(await settled(await q.getJob(j.jobId))).toBe('completed');
      const goodJob = await q.getJob(queued.find((j) => j.sourceId === good)!.jobId);
      const teaserIds: number[] = goodJob!.returnvalue.queued;
      expect(teaserIds).toHaveLength(1);
      expect(await settled(await rt.queues.get('process-item').getJob(`item-${teaserIds[0]}`))).toBe('completed');

      const items = await itemsOfSource(t.db, good);
      expect(items.map((i) => i.extractStatus).sort()).toEqual(['done', 'not_needed']);
      for (const i of items) expect((await topicsOf(t.db, i.id)).map((x) => x.topic)).toContain('probation');
      expect((await getSource(t.db, gone))?.lastError).toMatch(/HTTP 410/);
      expect(await schedulePolls(rt)).toEqual([]);
    });
  });
}
