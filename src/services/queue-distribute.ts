// Queues a release's distribute job, delayed until its send time. The job id carries the send time: a
// second call for the same time adds nothing (BullMQ keeps one job per id), and a rescheduled release gets a
// job of its own; a job that fires for an old time finds the release not yet due and does nothing.
import type { Release } from '../domain/releases.ts';
import type { ReleaseDeps } from './deps.ts';

export async function queueDistribute(deps: Pick<ReleaseDeps, 'queues' | 'now'>, release: Pick<Release, 'id' | 'sendAt'>): Promise<void> {
  const at = release.sendAt?.getTime() ?? 0;
  const delay = Math.max(0, at - deps.now().getTime());
  await deps.queues.add('distribute', { releaseId: release.id }, { jobId: `distribute-${release.id}-${at}`, delay });
}
