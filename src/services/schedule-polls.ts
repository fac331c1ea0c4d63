// Claims due sources (at most PER_HOST per host in flight) and queues their polls. The database claim is the real guard against double polls; the job id (source + due time) only saves
// Redis a duplicate when two ticks race.
import { claimDueSources, releaseClaim } from '../storage/polls.ts';
import type { IngestDeps } from './deps.ts';

export const PER_HOST = 2;
/** A claimed poll that has not been recorded by then is due again (its worker died). */
export const CLAIM_LEASE_S = 300;
const BATCH = 500;

/** Claims due sources and queues one poll-source job each; returns what was queued. */
export async function schedulePolls(rt: Pick<IngestDeps, 'db' | 'queues' | 'now'>, opts: { perHost?: number } = {}): Promise<{ sourceId: number; jobId: string }[]> {
  const now = rt.now();
  const claimed = await claimDueSources(rt.db, { now, perHost: opts.perHost ?? PER_HOST, limit: BATCH, leaseS: CLAIM_LEASE_S });
  if (!claimed.length) return [];
  const jobs = claimed.map((c) => ({ sourceId: c.id, jobId: `poll-${c.id}-${c.nextPollAt.getTime()}` }));
  try {
    await rt.queues.get('poll-source').addBulk(jobs.map((j) => ({ name: 'poll-source', data: { sourceId: j.sourceId }, opts: { jobId: j.jobId } })));
  } catch (err) {
    for (const c of claimed) await releaseClaim(rt.db, c.id, now);
    throw err;
  }
  return jobs;
}
