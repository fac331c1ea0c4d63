// Every minute: an approved draft whose release was never made (its process died after the approval) gets
// it now, and a scheduled release whose delayed job was lost (Redis came back empty) is queued again. Both
// steps are idempotent, so running this beside the normal path sends nothing twice.
import { listDueReleases, approvedWithoutRelease } from '../storage/releases.ts';
import { approveRelease } from './approve-release.ts';
import type { ReleaseDeps } from './deps.ts';
import { queueDistribute } from './queue-distribute.ts';

export async function releaseApproved(deps: Pick<ReleaseDeps, 'db' | 'queues' | 'now'>): Promise<{ made: number; requeued: number }> {
  let made = 0;
  for (const d of await approvedWithoutRelease(deps.db)) {
    if ((await approveRelease(deps, { draftId: d.draftId, approvedBy: d.decidedBy })).ok) made++;
  }
  const due = await listDueReleases(deps.db, deps.now());
  for (const r of due) await queueDistribute(deps, r);
  return { made, requeued: due.length };
}
