// retag: re-tags stored items with one rule version after a rule change, in batches. Each batch replaces its
// items' topics and advances the run's cursor in ONE transaction, so a retried or interrupted job resumes
// after the last batch done and never duplicates item_topics; a finished run is left alone (status lock).
import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import type { JobData } from '../src/adapters/queues.ts';
import { tag } from '../src/pipeline/tag.ts';
import { activeRules } from '../src/rules/active.ts';
import { compileRules } from '../src/rules/compile.ts';
import { SHIPPED_PACK_FILE, shippedRulePack } from '../src/rules/pack.ts';
import { loadRuleSet } from '../src/rules/ruleset.ts';
import { saveTopicsMany } from '../src/storage/items.ts';
import {
  type RetagRun,
  countItemsSince,
  createRetagRun,
  finishRetagRun,
  getRetagRun,
  getRuleVersion,
  itemTextBatch,
  recordRetagProgress,
  startRetagRun,
  storedTopics,
} from '../src/storage/rules.ts';
import type { Runtime } from '../src/runtime.ts';
import { MAX_STORED_HITS } from './process-item.ts';

export type RetagRuntime = Pick<Runtime, 'db' | 'queues' | 'now'>;

const BATCH = 500;

/** Records a run for the active rules over items dated since `since` (all when null) and queues it. */
export async function requestRetag(rt: RetagRuntime, r: { since: Date | null; requestedBy: number | null }): Promise<RetagRun> {
  const { version } = await activeRules(rt.db);
  const run = await createRetagRun(rt.db, { version: version || null, since: r.since, requestedBy: r.requestedBy, now: rt.now() });
  await rt.queues.add('retag', { runId: run.id }, { jobId: `retag-${run.id}` });
  return run;
}

export const retagJob =
  (rt: Pick<Runtime, 'db' | 'now'>) =>
  async (job: Job<JobData['retag']>, signal: AbortSignal): Promise<{ runId: number; progress?: number; changed?: number; skipped?: boolean }> => {
    const { runId } = job.data;
    const queued = await getRetagRun(rt.db, runId);
    if (!queued) throw new UnrecoverableError(`retag: run ${runId} does not exist; request a new one with \`pressdesk rules retag\``);
    const total = await countItemsSince(rt.db, queued.since);
    const run = await startRetagRun(rt.db, runId, total, rt.now());
    if (!run) return { runId, skipped: true };
    const ruleSet = run.version === null ? loadRuleSet(shippedRulePack(), SHIPPED_PACK_FILE).ruleSet : (await getRuleVersion(rt.db, run.version))?.ruleSet;
    if (!ruleSet) {
      await finishRetagRun(rt.db, runId, { error: `retag: rule version ${run.version} is missing; request a new run`, now: rt.now() });
      throw new UnrecoverableError(`retag: rule version ${run.version} of run ${runId} is missing`);
    }
    const matcher = compileRules(ruleSet);
    let cursor = run.cursorId;
    let progress = run.progress;
    let changed = run.changed;
    for (;;) {
      if (signal.aborted) throw new Error('retag: interrupted; the run resumes from its cursor');
      const items = await itemTextBatch(rt.db, { since: run.since, afterId: cursor, limit: BATCH });
      if (!items.length) break;
      const before = await storedTopics(rt.db, items.map((i) => i.itemId));
      let batchChanged = 0;
      const batch = items.map((it) => {
        const r = tag(matcher, it);
        if ((before.get(it.itemId) ?? []).join() !== [...r.topics].sort().join()) batchChanged++;
        // One row per topic, credited to its first rule, highlights capped: as the pipeline stores them.
        const topics = r.topics.map((t) => {
          const m = r.matches.find((x) => x.topic === t);
          return { topic: t, rule: m?.rule ?? null, matches: m?.terms.slice(0, MAX_STORED_HITS) ?? null };
        });
        return { itemId: it.itemId, topics };
      });
      cursor = items[items.length - 1]!.itemId;
      await rt.db.tx(async (t) => {
        await saveTopicsMany(t, batch, rt.now());
        await recordRetagProgress(t, runId, { done: items.length, changed: batchChanged, cursorId: cursor });
      });
      progress += items.length;
      changed += batchChanged;
      await job.updateProgress(total ? Math.round((100 * progress) / total) : 100).catch(() => {});
    }
    await finishRetagRun(rt.db, runId, { now: rt.now() });
    return { runId, progress, changed };
  };
