import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobData, startWorker } from '../../src/adapters/queues.ts';
import { activeRules } from '../../src/services/active-rules.ts';
import { requestRetag } from '../../src/services/request-retag.ts';
import { loadRuleSet } from '../../src/rules/ruleset.ts';
import { insertItems, topicsOf } from '../../src/storage/items.ts';
import { getRetagRun, saveRuleVersion } from '../../src/storage/rules.ts';
import { addSource } from '../../src/storage/sources.ts';
import { retag as retagJob } from '../../workers/retag.ts';
import { backends, type TestDb } from '../helpers/db.ts';
import { type TestRuntime, testRuntime } from '../helpers/ingest.ts';
import { newItem } from '../helpers/items.ts';

const YAML_A = `topics:
  - id: prisons
    name: Prisons
    rules:
      - id: prison
        query: prison*
`;
const YAML_B = `topics:
  - id: prisons
    name: Prisons
    rules:
      - id: jail
        query: jail
  - id: courts
    name: Courts
    rules:
      - id: court
        query: court
`;
const item = (n: number, title: string) => newItem({ identity: `g${n}`, title, publishedAt: '2026-11-19T00:00:00Z' });
const activeMatcher = async (rt: TestRuntime) => (await activeRules(rt.db)).matcher;
const fakeJob = (runId: number, progress: number[] = []) =>
  ({ data: { runId }, updateProgress: async (p: number) => void progress.push(p) }) as unknown as Job<JobData['retag']>;

for (const b of backends()) {
  describe.skipIf(!b.available)(`retag worker (${b.name})`, () => {
    let t: TestDb;
    let rt: TestRuntime;
    let ids: number[];
    beforeAll(async () => {
      t = await b.open();
      rt = testRuntime(t.db);
      const s = (await addSource(t.db, { url: 'http://a.example/feed', name: 'a' })).source.id;
      const titles = Array.from({ length: 1203 }, (_, i) => (i % 3 === 0 ? `Prison ${i}` : i % 3 === 1 ? `Jail and court ${i}` : `Weather ${i}`));
      ids = (await insertItems(t.db, s, titles.map((x, i) => item(i, x)), rt.now())).map((r) => r.id);
    });
    afterAll(async () => {
      await rt?.close();
      await t?.close();
    });

    it('the active matcher follows saved versions and falls back to the shipped pack', async () => {
      const shipped = await activeMatcher(rt);
      expect(shipped.topics.map((x) => x.id)).toContain('probation');
      expect(await activeMatcher(rt)).toBe(shipped); // cached
      await saveRuleVersion(t.db, { yaml: YAML_A, ruleSet: loadRuleSet(YAML_A).ruleSet, authorId: null, message: 'a', now: rt.now() });
      const a = await activeMatcher(rt);
      expect(a.topics.map((x) => x.id)).toEqual(['prisons']);
      expect(await activeMatcher(rt)).toBe(a);
    });

    it('re-tags every stored item with the run\'s version, in batches, with progress; running it again changes nothing', async () => {
      const first = await requestRetag(rt, { since: null, requestedBy: null });
      expect(first).toMatchObject({ version: 1, status: 'queued' });
      expect(await rt.queues.get('retag').getJob(`retag-${first.id}`)).toBeTruthy();
      const progress: number[] = [];
      expect(await retagJob(rt)(fakeJob(first.id, progress), new AbortController().signal)).toEqual({ runId: first.id, progress: 1203, changed: 401 });
      expect(progress).toEqual([42, 83, 100]);
      expect(await topicsOf(t.db, ids[0]!)).toEqual([{ topic: 'prisons', rule: 'prison', matches: [{ field: 'title', start: 0, end: 6, text: 'Prison' }] }]);

      await saveRuleVersion(t.db, { yaml: YAML_B, ruleSet: loadRuleSet(YAML_B).ruleSet, authorId: null, message: 'b', now: rt.now() });
      const second = await requestRetag(rt, { since: null, requestedBy: null });
      const job = retagJob(rt);
      expect(await job(fakeJob(second.id), new AbortController().signal)).toMatchObject({ progress: 1203, changed: 802 });
      expect((await topicsOf(t.db, ids[1]!)).map((x) => x.topic)).toEqual(['courts', 'prisons']);
      expect(await topicsOf(t.db, ids[0]!)).toEqual([]);
      // Delivered again: the status lock skips it; item_topics hold one row per item and topic.
      expect(await job(fakeJob(second.id), new AbortController().signal)).toEqual({ runId: second.id, skipped: true });
      const [{ n }] = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM item_topics')) as [{ n: number }];
      expect(n).toBe(802);
      expect(await getRetagRun(t.db, second.id)).toMatchObject({ status: 'done', total: 1203, progress: 1203, changed: 802 });
    });

    it('runs through a real BullMQ worker on the retag queue', async () => {
      const handle = startWorker('retag', retagJob(rt), { connection: rt.redis, prefix: rt.prefix, concurrency: 1 });
      try {
        const run = await requestRetag(rt, { since: new Date('2026-11-01T00:00:00Z'), requestedBy: null });
        let state = await getRetagRun(t.db, run.id);
        for (let i = 0; i < 900 && state?.status !== 'done'; i++) {
          await new Promise((r) => setTimeout(r, 100));
          state = await getRetagRun(t.db, run.id);
        }
        expect(state).toMatchObject({ status: 'done', total: 1203, progress: 1203 });
        const job = await rt.queues.get('retag').getJob(`retag-${run.id}`);
        expect(job?.progress).toBe(100);
      } finally {
        await handle.stop(1000);
      }
    });

    it('an interrupted run resumes from its cursor', async () => {
      const run = await requestRetag(rt, { since: null, requestedBy: null });
      const ac = new AbortController();
      const job = { data: { runId: run.id }, updateProgress: async () => ac.abort() } as unknown as Job<JobData['retag']>;
      await expect(retagJob(rt)(job, ac.signal)).rejects.toThrow(/interrupted/);
      expect(await getRetagRun(t.db, run.id)).toMatchObject({ status: 'running', progress: 500 });
      expect(await retagJob(rt)(fakeJob(run.id), new AbortController().signal)).toMatchObject({ progress: 1203, changed: 0 });
    });
  });
}
