// BullMQ queues. Payloads carry ids only: the database holds the truth, and UNIQUE constraints plus status
// locks make every hop idempotent, so a job that runs twice does no harm.
import { type Job, type JobsOptions, Queue, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueueName } from '../domain/queues.ts';

export { QUEUE_NAMES, type QueueName } from '../domain/queues.ts';

export interface JobData {
  maintenance: { task: string };
  'poll-source': { sourceId: number; force?: boolean };
  /** turnAt: the attempt in which the job was delayed for its reserved page-fetch turn (it holds that turn). */
  'process-item': { itemId: number; turnAt?: number };
  retag: { runId: number };
  'draft-release': { storyId: number };
  'request-approval': { draftId: number };
  distribute: { releaseId: number };
  'send-email': { deliveryId: number };
  digests: { frequency: 'instant' | 'daily' | 'weekly' };
  'send-digests': { digestIds: number[] };
  /** force: learn even when no verdict came since the last version (an editor asked). */
  'retrain-relevance': { requestedBy: number | null; force: boolean };
}

/** send-email retries: SMTP 4xx answers (greylisting, "try again later") clear in minutes, not seconds. */
export const SEND_JOB_OPTIONS: JobsOptions = { attempts: 10, backoff: { type: 'exponential', delay: 30_000 } };

/** Repeatable maintenance tasks and how often they run (ms); workers/maintenance.ts maps each to a service. */
export const MAINTENANCE_TASKS = { 'schedule-polls': 15_000, 'websub-renew': 5 * 60_000, 'chase-drafts': 60_000, 'release-approved': 60_000, 'spike-alerts': 15 * 60_000 } as const;

const WEEKDAY_NUMBER = { sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6 } as const;

/** When digests are built: instant every minute (a story reaches subscribers within two), daily and weekly at
 *  a UK wall-clock time (BullMQ cron in Europe/London, so summer time moves with the clocks). */
export function digestSchedules(c: { digestDailyAt: string; digestWeeklyDay: keyof typeof WEEKDAY_NUMBER }) {
  const [h, m] = c.digestDailyAt.split(':').map(Number);
  return [
    { id: 'digest-instant', frequency: 'instant', repeat: { every: 60_000 } },
    { id: 'digest-daily', frequency: 'daily', repeat: { pattern: `${m} ${h} * * *`, tz: 'Europe/London' } },
    { id: 'digest-weekly', frequency: 'weekly', repeat: { pattern: `${m} ${h} * * ${WEEKDAY_NUMBER[c.digestWeeklyDay]}`, tz: 'Europe/London' } },
  ] as const;
}

/** The relevance model's retrain: hourly, skipped by the service when no verdict came since the last version. */
export const RETRAIN_EVERY_MS = 3_600_000;

/** Installs the maintenance, digest and retrain schedules under stable ids (upsertJobScheduler), so every
 *  deploy and every process can install them again without making duplicates. */
export async function installSchedules(queues: Queues, digestTimes: Parameters<typeof digestSchedules>[0]): Promise<void> {
  for (const [name, every] of Object.entries(MAINTENANCE_TASKS)) {
    await queues.get('maintenance').upsertJobScheduler(name, { every }, { name, data: { task: name }, opts: { attempts: 1 } });
  }
  for (const d of digestSchedules(digestTimes)) {
    await queues.get('digests').upsertJobScheduler(d.id, { ...d.repeat }, { name: d.id, data: { frequency: d.frequency }, opts: { attempts: 3 } });
  }
  await queues
    .get('retrain-relevance')
    .upsertJobScheduler('retrain-relevance', { every: RETRAIN_EVERY_MS }, { name: 'retrain-relevance', data: { requestedBy: null, force: false }, opts: { attempts: 1 } });
}

/** Keeps the schedules installed: again on every Redis (re)connect and every `everyMs`, because a Redis that
 *  comes back empty (restart without persistence, failover, a flush) would otherwise stop polling for good.
 *  Upserting is idempotent, so this costs a few commands a minute. Returns a stop function. */
export function keepSchedules(queues: Queues, redis: Redis, digestTimes: Parameters<typeof digestSchedules>[0], everyMs = 60_000): () => void {
  const install = () => {
    installSchedules(queues, digestTimes).catch((err: Error) => process.stderr.write(`queues: could not install the schedules (${err.message}); trying again\n`));
  };
  redis.on('ready', install);
  const timer = setInterval(install, everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    redis.off('ready', install);
  };
}

// Bounded history so Redis does not grow forever; retries with backoff for transient failures.
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { count: 1_000, age: 24 * 3600 },
  removeOnFail: { count: 5_000, age: 14 * 24 * 3600 },
};

export interface Queues {
  prefix: string;
  get<Q extends QueueName>(name: Q): Queue<JobData[Q]>;
  add<Q extends QueueName>(name: Q, data: JobData[Q], opts?: JobsOptions): Promise<Job<JobData[Q]>>;
  close(): Promise<void>;
}

export function createQueues(connection: Redis, prefix: string): Queues {
  const made = new Map<QueueName, Queue>();
  const seen = new Set<string>();
  const get = <Q extends QueueName>(name: Q): Queue<JobData[Q]> => {
    let q = made.get(name);
    if (!q) {
      q = new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
      // Without a listener BullMQ prints every reconnect failure; /healthz and the callers' own errors
      // already say Redis is down, so one line per distinct message is enough.
      q.on('error', (err) => {
        if (seen.has(err.message)) return;
        seen.add(err.message);
        process.stderr.write(`queues: ${name}: ${err.message}\n`);
      });
      made.set(name, q);
    }
    return q as unknown as Queue<JobData[Q]>;
  };
  return {
    prefix,
    get,
    add: (name, data, opts) => (get(name) as Queue).add(name, data, opts) as never,
    async close() {
      await Promise.all([...made.values()].map((q) => q.close()));
    },
  };
}

export type Processor<Q extends QueueName> = (job: Job<JobData[Q]>, signal: AbortSignal) => Promise<unknown>;

/** The worker table (workers/index.ts): a processor per queue. */
export type Processors = { [Q in QueueName]?: Processor<Q> };

export interface WorkerHandle {
  name: QueueName;
  worker: Worker;
  /** Stops taking jobs; running ones get `graceMs` to finish, then are handed back to the queue. */
  stop(graceMs: number): Promise<void>;
}

const SHUTDOWN = 'pressdesk: shutting down';

export function startWorker<Q extends QueueName>(
  name: Q,
  processor: Processor<Q>,
  opts: { connection: Redis; prefix: string; concurrency: number },
): WorkerHandle {
  const worker = new Worker<JobData[Q]>(
    name,
    async (job, token, signal) => {
      const s = signal ?? new AbortController().signal;
      try {
        return await processor(job, s);
      } catch (err) {
        // Interrupted by shutdown: put the job back untouched so another worker runs it (no attempt used).
        if (s.aborted && s.reason === SHUTDOWN) {
          await job.moveToWait(token);
          throw new WaitingError();
        }
        throw err;
      }
    },
    { connection: opts.connection.duplicate(), prefix: opts.prefix, concurrency: opts.concurrency, autorun: true },
  );
  worker.on('error', () => {}); // connection blips are retried by ioredis; failures are on the job
  return {
    name,
    worker,
    async stop(graceMs: number) {
      const closing = worker.close();
      const timer = setTimeout(() => worker.cancelAllJobs(SHUTDOWN), graceMs);
      await closing;
      clearTimeout(timer);
    },
  };
}

/** Jobs at once per process for a queue: polls wait on the network, the rest on CPU and the database; a retrain
 *  is a CPU-bound thread of its own, one at a time. */
export const concurrencyFor = (name: QueueName, c: { workerConcurrency: number; pollConcurrency: number }) =>
  name === 'poll-source' ? c.pollConcurrency : name === 'digests' || name === 'retrain-relevance' ? 1 : c.workerConcurrency;
