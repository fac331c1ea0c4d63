// A scheduled release is cancelled, until distribution starts (the status lock refuses after that).
import { cancelRelease as cancelRow } from '../storage/releases.ts';
import type { ReleaseDeps } from './deps.ts';
import { type ScheduleResult, refusal } from './schedule-release.ts';

export async function cancelRelease(deps: Pick<ReleaseDeps, 'db' | 'queues' | 'now'>, c: { releaseId: number; userId: number | null }): Promise<ScheduleResult> {
  const release = await cancelRow(deps.db, c.releaseId, c.userId, deps.now());
  if (!release) return refusal(deps, c.releaseId, 'cancelled');
  // Tidy the delayed job away; if it fires anyway it finds the release cancelled and does nothing.
  await deps.queues.get('distribute').remove(`distribute-${release.id}-${release.sendAt?.getTime() ?? 0}`).catch(() => 0);
  return { ok: true, release };
}
