// A scheduled release gets a new time (and embargo) until distribution starts. The status lock is the
// guard: once a distribute job moved it to sending, it refuses and says so.
import type { Release } from '../domain/releases.ts';
import { getRelease, rescheduleRelease } from '../storage/releases.ts';
import type { ReleaseDeps } from './deps.ts';
import { queueDistribute } from './queue-distribute.ts';

export type ScheduleResult = { ok: true; release: Release } | { ok: false; reason: 'missing' | 'state'; message: string };

export async function refusal(deps: Pick<ReleaseDeps, 'db'>, id: number, doing: string): Promise<ScheduleResult> {
  const r = await getRelease(deps.db, id);
  if (!r) return { ok: false, reason: 'missing', message: `releases: release ${id} does not exist` };
  return { ok: false, reason: 'state', message: `releases: release ${id} is ${r.status} and can no longer be ${doing}` };
}

export async function scheduleRelease(
  deps: Pick<ReleaseDeps, 'db' | 'queues' | 'now'>,
  s: { releaseId: number; sendAt: Date | null; embargoUntil: Date | null },
): Promise<ScheduleResult> {
  const release = await rescheduleRelease(deps.db, s.releaseId, s.sendAt, s.embargoUntil);
  if (!release) return refusal(deps, s.releaseId, 'rescheduled');
  await queueDistribute(deps, release);
  return { ok: true, release };
}
