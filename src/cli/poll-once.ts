// What `pressdesk poll --once` does (src/cli/poll.ts registers it): poll the due (or all) sources through the
// SAME queues and workers as `start`, wait until every poll and the process-item jobs it spawned have settled,
// and say per source what the database recorded. With `start` running its workers take the jobs; without,
// this process runs poll-source and process-item workers itself.
import { concurrencyFor, type QueueName, startWorker, type WorkerHandle } from '../adapters/queues.ts';
import { limitWords } from '../pipeline/limit-words.ts';
import type { Runtime } from '../runtime.ts';
import { claimedCount, dueSourceIds, makeDue, recentFetches } from '../storage/polls.ts';
import { getSource } from '../storage/sources.ts';
import type { PollSummary } from '../services/poll-source.ts';
import { schedulePolls } from '../services/schedule-polls.ts';
import { processorsFor, say } from './context.ts';

const TICK_MS = 100;
/** Progress: first after a second, then every few seconds. */
const FIRST_PROGRESS_MS = 1_000;
const PROGRESS_MS = 5_000;
const GIVE_UP_MS = 15 * 60_000;
/** Jobs still waiting this long with none taken: no worker is serving the queues. */
const NO_WORKER_MS = 2 * 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs in-process workers for the ingest queues nobody else is serving. */
async function ensureWorkers(rt: Runtime): Promise<WorkerHandle[]> {
  const processors = await processorsFor(rt);
  const handles: WorkerHandle[] = [];
  for (const q of ['poll-source', 'process-item'] as QueueName[]) {
    if ((await rt.queues.get(q).getWorkersCount()) > 0) continue;
    handles.push(startWorker(q, processors[q] as never, { connection: rt.redis, prefix: rt.config.queuePrefix, concurrency: concurrencyFor(q, rt.config) }));
  }
  return handles;
}

/** Polls and waits; returns the source ids it set out to poll. */
export async function pollOnce(
  rt: Runtime,
  opts: { all?: boolean; perHost?: number; progress?: (line: string) => void },
): Promise<{ ids: number[]; ranWorkers: boolean }> {
  const start = rt.now();
  const ids = opts.all ? await makeDue(rt.db, start) : await dueSourceIds(rt.db, start);
  if (!ids.length) return { ids, ranWorkers: false };
  const handles = await ensureWorkers(rt);
  const pending = new Map<string, QueueName>();
  let polled = 0;
  let pages = 0;
  const watch = async () => {
    for (const [jobId, q] of [...pending]) {
      const state = await rt.queues.get(q).getJobState(jobId);
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') continue;
      pending.delete(jobId);
      if (q === 'poll-source') polled++;
      else pages++;
      if (q === 'poll-source' && state === 'completed') {
        const job = await rt.queues.get('poll-source').getJob(jobId);
        for (const itemId of (job?.returnvalue as PollSummary | undefined)?.queued ?? []) pending.set(`item-${itemId}`, 'process-item');
      }
    }
  };
  try {
    const giveUp = Date.now() + GIVE_UP_MS;
    let shown = Date.now() - PROGRESS_MS + FIRST_PROGRESS_MS;
    let moved = Date.now();
    let last = '';
    for (;;) {
      const queued = await schedulePolls(rt, { perHost: opts.perHost });
      for (const j of queued) pending.set(j.jobId, 'poll-source');
      await watch();
      // Done when nothing of ours is pending and none of the sources is being polled elsewhere (by `start`).
      if (!pending.size && !queued.length && (await claimedCount(rt.db, ids, rt.now())) === 0) break;
      if (opts.progress && Date.now() - shown >= PROGRESS_MS) {
        shown = Date.now();
        const left = [...pending.values()];
        const pagesLeft = left.filter((q) => q === 'process-item').length;
        opts.progress(`poll: ${polled} of ${ids.length} sources polled${pages + pagesLeft ? `, ${pages} of ${pages + pagesLeft} pages fetched` : ''}…`);
      }
      const mark = `${polled}/${pages}/${pending.size}`;
      if (mark !== last) {
        last = mark;
        moved = Date.now();
      } else if (pending.size && Date.now() - moved > NO_WORKER_MS && (await noneTaken(rt, pending))) {
        say(
          `poll: no worker has taken the ${pending.size} queued jobs in ${NO_WORKER_MS / 60_000} min; they stay queued. ` +
            'Check that `pressdesk start` (or `pressdesk worker`) is running and healthy (/healthz), then run `pressdesk poll --once` again',
        );
        break;
      }
      if (Date.now() > giveUp) {
        say(`poll: gave up waiting after ${GIVE_UP_MS / 60_000} min with ${pending.size} jobs unsettled; they finish in the background`);
        break;
      }
      await sleep(TICK_MS);
    }
  } finally {
    await Promise.all(
      handles.map(async (h) => {
        // startWorker hands BullMQ a duplicated connection, which BullMQ treats as shared and leaves open.
        await h.stop(5_000);
        (h.worker.opts.connection as { disconnect?: () => void }).disconnect?.();
      }),
    );
  }
  return { ids, ranWorkers: handles.length > 0 };
}

/** True when every pending job is still waiting or delayed: nobody is working on any of them. */
async function noneTaken(rt: Runtime, pending: Map<string, QueueName>): Promise<boolean> {
  for (const [jobId, q] of pending) {
    const state = await rt.queues.get(q).getJobState(jobId);
    if (state === 'active') return false;
  }
  return true;
}

/** One line per source from what the database recorded since `since`: the database is the truth. */
export async function summaryLines(rt: Pick<Runtime, 'db'>, ids: number[], since: Date): Promise<string[]> {
  const lines: string[] = [];
  for (const id of ids) {
    const s = await getSource(rt.db, id);
    const [f] = await recentFetches(rt.db, id, 1);
    const name = s?.name ?? `source ${id}`;
    if (!f) {
      lines.push(`${name}: not polled (disabled, or claimed by another process that has not finished)`);
      continue;
    }
    // Polled by another process (a running `start`) just before this run could claim it: still the latest word.
    const when = f.at < since ? ` (polled at ${f.at.toISOString()}, just before this run)` : '';
    if (f.result === 'error') lines.push(`${name}: FAILED ${f.error}${when}`);
    else {
      const what = f.result === 'ok' ? `${f.newItems} new item${f.newItems === 1 ? '' : 's'}` : f.result === 'not_modified' ? 'not modified (304)' : 'unchanged';
      const limits = limitWords(f);
      lines.push(`${name}: ${what} in ${f.ms} ms${limits ? ` (${limits})` : ''}${when}`);
    }
  }
  return lines;
}

