// After a rule change: a retag run for the active rules over items dated since `since` (all when null),
// recorded and queued; the retag worker runs it (services/retag.ts).
import { type RetagRun, createRetagRun } from '../storage/rules.ts';
import { activeRules } from './active-rules.ts';
import type { Deps } from './deps.ts';

export async function requestRetag(deps: Pick<Deps, 'db' | 'queues' | 'now'>, r: { since: Date | null; requestedBy: number | null }): Promise<RetagRun> {
  const { version } = await activeRules(deps.db);
  const run = await createRetagRun(deps.db, { version: version || null, since: r.since, requestedBy: r.requestedBy, now: deps.now() });
  await deps.queues.add('retag', { runId: run.id }, { jobId: `retag-${run.id}` });
  return run;
}
