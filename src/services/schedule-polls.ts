// Maintenance tasks of ingestion:
//   schedule-polls (every 15 s): claim due sources (at most PER_HOST per host in flight) and queue their polls;
//     tell editors, once, about sources failing for a day; prune the fetch log.
//   websub-renew (every 5 min): subscribe to hubs feeds advertise, and renew leases before they end.
// The database claim is the real guard against double polls; the job id (source + due time) only saves
// Redis a duplicate when two ticks race.
import { randomBytes } from 'node:crypto';
import { requestSubscription } from '../src/adapters/websub.ts';
import { LEASE_REQUEST_S, RENEW_MARGIN_S } from '../src/pipeline/websub.ts';
import { renderTemplate } from '../src/render/index.ts';
import { claimDueSources, claimFailingNotices, editorEmails, pruneFetchLog, releaseClaim } from '../src/storage/polls.ts';
import { setWebsub, websubToRenew } from '../src/storage/websub.ts';
import { defineTask } from './maintenance.ts';
import { type IngestRuntime, userAgent } from './process-item.ts';

export const PER_HOST = 2;
/** A claimed poll that has not been recorded by then is due again (its worker died). */
export const CLAIM_LEASE_S = 300;
const BATCH = 500;
const FAILING_FOR_MS = 24 * 3600_000;
const FETCH_LOG_DAYS = 14;

/** Claims due sources and queues one poll-source job each; returns what was queued. */
export async function schedulePolls(rt: IngestRuntime, opts: { perHost?: number } = {}): Promise<{ sourceId: number; jobId: string }[]> {
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

/** One email per failing spell to every editor; without editors (or users) yet, a log line instead. */
export async function notifyFailing(rt: IngestRuntime): Promise<number> {
  const now = rt.now();
  const sources = await claimFailingNotices(rt.db, new Date(now.getTime() - FAILING_FOR_MS), now);
  if (!sources.length) return 0;
  const to = await editorEmails(rt.db);
  const sourcesUrl = `${rt.config.publicUrl}/sources`;
  for (const source of sources) {
    const ctx = { source, sourcesUrl };
    if (!to.length) {
      process.stderr.write(`schedule-polls: source ${source.id} "${source.name}" failing since ${source.failingSince?.toISOString()}: ${source.lastError} (no editor to email yet)\n`);
      continue;
    }
    await rt.mailer.send({
      to,
      subject: renderTemplate('emails/source-failing.subject', ctx).trim(),
      text: renderTemplate('emails/source-failing.text', ctx),
      html: renderTemplate('emails/source-failing.html', ctx),
    });
  }
  return sources.length;
}

/** Subscribes to newly seen hubs and renews leases ending soon. Failures are retried in six hours. */
export async function renewWebsub(rt: IngestRuntime, signal?: AbortSignal): Promise<number> {
  const now = rt.now();
  const due = await websubToRenew(rt.db, new Date(now.getTime() + RENEW_MARGIN_S * 1000));
  for (const s of due) {
    const secret = s.websubSecret ?? randomBytes(24).toString('hex');
    const r = await requestSubscription(
      { hub: s.websubHub!, topic: s.websubTopic ?? s.url, callback: `${rt.config.publicUrl}/websub/${s.id}`, secret, mode: 'subscribe', leaseSeconds: LEASE_REQUEST_S },
      { allowPrivate: rt.config.fetchAllowPrivate, userAgent: userAgent(rt), signal },
    );
    // Until the hub verifies, lease_until is only the time to ask again.
    const retryIn = r.ok ? 86_400 : 6 * 3600;
    await setWebsub(rt.db, s.id, { secret, state: 'subscribing', leaseUntil: new Date(now.getTime() + retryIn * 1000) });
    if (!r.ok) process.stderr.write(`${r.error}\n`);
  }
  return due.length;
}

defineTask('schedule-polls', 15_000, async (rt) => {
  const queued = await schedulePolls(rt);
  const notified = await notifyFailing(rt);
  await pruneFetchLog(rt.db, new Date(rt.now().getTime() - FETCH_LOG_DAYS * 86_400_000));
  return { queued: queued.length, notified };
});

defineTask('websub-renew', 5 * 60_000, (rt, signal) => renewWebsub(rt, signal));
