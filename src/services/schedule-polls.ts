// Claims due sources and queues their polls, at most POLL_PER_HOST per host in flight. Three callers keep
// every host's allowance busy:
//   - pollNextOf: the moment a poll is recorded, its host's next due source is claimed (after
//     POLL_HOST_DELAY_MS), so a host with many feeds never waits for a tick between polls;
//   - keepPolling: each polling process checks every second, so a new, re-enabled, pushed or "poll now"
//     source starts within a second whichever process changed it (web, CLI over the admin socket, a hub);
//   - the 15 s maintenance tick (housekeep), a safety net when no polling process runs the check.
// The database claim is the real guard against double polls; the job id (source + due time) only saves Redis a
// duplicate when two claims race.
import { coalesce } from '../adapters/coalesce.ts';
import { claimDueSources, releaseClaim } from '../storage/polls.ts';
import type { IngestDeps } from './deps.ts';

export const PER_HOST = 2;
/** A claimed poll that has not been recorded by then is due again (its worker died). */
export const CLAIM_LEASE_S = 300;
const BATCH = 500;
const CHECK_EVERY_MS = 1000;

type ScheduleDeps = Pick<IngestDeps, 'db' | 'queues' | 'now'> & { config?: Pick<IngestDeps['config'], 'pollPerHost' | 'pollHostDelayMs'> };

/** Claims due sources (of `hosts` only, when given) and queues one poll-source job each; returns what was queued. */
export async function schedulePolls(rt: ScheduleDeps, opts: { perHost?: number; hosts?: string[]; delayMs?: number } = {}): Promise<{ sourceId: number; jobId: string }[]> {
  const now = rt.now();
  const perHost = opts.perHost ?? rt.config?.pollPerHost ?? PER_HOST;
  const claimed = await claimDueSources(rt.db, { now, perHost, limit: BATCH, leaseS: CLAIM_LEASE_S, hosts: opts.hosts });
  if (!claimed.length) return [];
  const jobs = claimed.map((c) => ({ sourceId: c.id, jobId: `poll-${c.id}-${c.nextPollAt.getTime()}` }));
  const delay = opts.delayMs || undefined;
  try {
    await rt.queues.get('poll-source').addBulk(jobs.map((j) => ({ name: 'poll-source', data: { sourceId: j.sourceId }, opts: { jobId: j.jobId, delay } })));
  } catch (err) {
    for (const c of claimed) await releaseClaim(rt.db, c.id, now);
    throw err;
  }
  return jobs;
}

const nextOf = new WeakMap<object, (host: string) => Promise<void>>();

/** Claims the next due sources of `host`, whose poll was just recorded. Concurrent calls share one claim
 *  statement. A failure here loses nothing (the claim is released, the check or the tick claims it later), so
 *  it never fails the poll that called it. */
export function pollNextOf(rt: ScheduleDeps, host: string): Promise<void> {
  let next = nextOf.get(rt.queues);
  if (!next) {
    next = coalesce(async (hosts: string[]) => {
      await schedulePolls(rt, { hosts: [...new Set(hosts)], delayMs: rt.config?.pollHostDelayMs }).catch(() => []);
      return hosts.map(() => undefined);
    });
    nextOf.set(rt.queues, next);
  }
  return next(host);
}

/** The every-second check of a polling process; returns its stop. Overlapping checks are skipped. */
export function keepPolling(rt: ScheduleDeps, onError: (err: unknown) => void = () => {}): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    schedulePolls(rt)
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, CHECK_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
