// retag: re-tags stored items with one rule version (and the active relevance model, as new items are) after a
// rule change, in batches. Each batch replaces its items' topics and the model's decisions and advances the
// run's cursor in ONE transaction, so a retried or interrupted job resumes
// after the last batch done and never duplicates item_topics; a finished run is left alone (status lock).
// The stories of items whose topics changed are refreshed in the same transaction: their topics are what
// lists, drafts and digests read.
import { UnrecoverableError } from 'bullmq';
import { verdicts } from '../pipeline/verdicts.ts';
import { compileRules } from '../rules/compile.ts';
import { SHIPPED_PACK_FILE, shippedRulePack } from '../rules/pack.ts';
import { loadRuleSet } from '../rules/ruleset.ts';
import { saveTopicsMany } from '../storage/items.ts';
import { saveDecisions } from '../storage/relevance.ts';
import { storiesOfItems } from '../storage/stories.ts';
import { refreshStories } from './refresh-stories.ts';
import {
  countItemsSince,
  finishRetagRun,
  getRetagRun,
  getRuleVersion,
  itemTextBatch,
  recordRetagProgress,
  startRetagRun,
  storedTopics,
} from '../storage/rules.ts';
import { activeModel } from './active-model.ts';
import type { Deps } from './deps.ts';

const BATCH = 500;

export interface Retagged {
  runId: number;
  progress?: number;
  changed?: number;
  skipped?: boolean;
}

/** Runs (or resumes) retag run `runId`; `onProgress` gets the percentage done after each batch. */
export async function retag(
  rt: Pick<Deps, 'db' | 'now'>,
  runId: number,
  opts: { signal: AbortSignal; onProgress?: (percent: number) => unknown },
): Promise<Retagged> {
  const { signal } = opts;
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
  const model = await activeModel(rt.db);
  let cursor = run.cursorId;
  let progress = run.progress;
  let changed = run.changed;
  for (;;) {
    if (signal.aborted) throw new Error('retag: interrupted; the run resumes from its cursor');
    const items = await itemTextBatch(rt.db, { since: run.since, afterId: cursor, limit: BATCH });
    if (!items.length) break;
    const before = await storedTopics(rt.db, items.map((i) => i.itemId));
    const found = verdicts(matcher, items, model);
    const moved: number[] = [];
    const batch = items.map((it, i) => {
      const topics = found[i]!.topics;
      if ((before.get(it.itemId) ?? []).join() !== topics.map((t) => t.topic).sort().join()) moved.push(it.itemId);
      return { itemId: it.itemId, topics };
    });
    const batchChanged = moved.length;
    cursor = items[items.length - 1]!.itemId;
    await rt.db.tx(async (t) => {
      await saveTopicsMany(t, batch, rt.now());
      await saveDecisions(t, items.map((it, i) => ({ itemId: it.itemId, model: model.version, decisions: found[i]!.decisions })), rt.now());
      await refreshStories(t, await storiesOfItems(t, moved), rt.now());
      await recordRetagProgress(t, runId, { done: items.length, changed: batchChanged, cursorId: cursor });
    });
    progress += items.length;
    changed += batchChanged;
    await Promise.resolve(opts.onProgress?.(total ? Math.round((100 * progress) / total) : 100)).catch(() => {});
  }
  await finishRetagRun(rt.db, runId, { now: rt.now() });
  return { runId, progress, changed };
}
