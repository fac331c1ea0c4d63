import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobData, MAINTENANCE_TASKS, createQueues, installSchedules, keepSchedules, startWorker } from '../../src/adapters/queues.ts';
import { dropPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';

const until = async (check: () => Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition not met in time');
};

describe('workers on real Redis', () => {
  const prefix = uniquePrefix();
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await redis.quit();
    await dropPrefix(prefix);
  });

  it('hands a running job back to the queue on shutdown, and another worker completes it', async () => {
    const queues = createQueues(redis, prefix);
    const started: string[] = [];
    // A job that only ends when aborted, like a fetch in flight when SIGTERM arrives.
    const first = startWorker(
      'process-item',
      (job: Job<JobData['process-item']>, signal) => {
        started.push(job.id!);
        return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
      },
      { connection: redis, prefix, concurrency: 1 },
    );
    const job = await queues.add('process-item', { itemId: 7 });
    await until(async () => started.length === 1);
    await first.stop(100);

    const state = await queues.get('process-item').getJob(job.id!);
    expect(await state!.getState()).toBe('waiting');
    expect(state!.attemptsMade).toBe(0); // handed back, not failed

    const done: number[] = [];
    const second = startWorker(
      'process-item',
      async (j: Job<JobData['process-item']>) => {
        done.push(j.data.itemId);
        return 'ok';
      },
      { connection: redis, prefix, concurrency: 1 },
    );
    await until(async () => (await queues.get('process-item').getJob(job.id!))?.finishedOn !== undefined);
    expect(done).toEqual([7]);
    expect(await (await queues.get('process-item').getJob(job.id!))!.getState()).toBe('completed');
    await second.stop(100);
    await queues.close();
  });

  it('lets a job that finishes within the grace period complete normally', async () => {
    const queues = createQueues(redis, prefix);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const running: string[] = [];
    const w = startWorker(
      'retag',
      async (job) => {
        running.push(job.id!);
        await gate;
        return 'sent';
      },
      { connection: redis, prefix, concurrency: 1 },
    );
    const job = await queues.add('retag', { runId: 1 });
    await until(async () => running.length === 1);
    const stopping = w.stop(5_000);
    release();
    await stopping;
    expect(await (await queues.get('retag').getJob(job.id!))!.getState()).toBe('completed');
    await queues.close();
  });
});

const DIGEST_TIMES = { digestDailyAt: '07:30', digestWeeklyDay: 'friday' } as const;

describe('maintenance schedules', () => {
  it('build digests every minute, and daily and weekly at the UK time set', async () => {
    const prefix = uniquePrefix();
    const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const queues = createQueues(redis, prefix);
    try {
      await installSchedules(queues, DIGEST_TIMES);
      await installSchedules(queues, DIGEST_TIMES); // every process installs them: still one each
      const got = await queues.get('digests').getJobSchedulers();
      const by = Object.fromEntries(got.map((s) => [s.key, s]));
      expect(Object.keys(by).sort()).toEqual(['digest-daily', 'digest-instant', 'digest-weekly']);
      expect(by['digest-instant']!.every).toBe(60_000);
      expect(by['digest-daily']!.pattern).toBe('30 7 * * *');
      expect(by['digest-weekly']!.pattern).toBe('30 7 * * 5');
      expect(by['digest-daily']!.tz).toBe('Europe/London');
      // The relevance model's hourly retrain (which learns only when new verdicts came).
      const [retrain] = await queues.get('retrain-relevance').getJobSchedulers();
      expect(retrain).toMatchObject({ key: 'retrain-relevance', every: 3_600_000, template: { data: { requestedBy: null, force: false } } });
    } finally {
      await queues.close();
      await redis.quit();
      await dropPrefix(prefix);
    }
  });

  it('come back when Redis loses them (a restart without persistence, a flush)', async () => {
    const prefix = uniquePrefix();
    const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const queues = createQueues(redis, prefix);
    const names = async () => (await queues.get('maintenance').getJobSchedulers()).map((s) => s.key).sort();
    let stop = () => {};
    try {
      await installSchedules(queues, DIGEST_TIMES);
      const all = Object.keys(MAINTENANCE_TASKS).sort();
      expect(await names()).toEqual(all);
      await dropPrefix(prefix); // Redis came back empty
      expect(await names()).toEqual([]);
      stop = keepSchedules(queues, redis, DIGEST_TIMES, 100);
      await until(async () => (await names()).length === all.length);
      expect(await names()).toEqual(all);
      await until(async () => (await queues.get('digests').getJobSchedulers()).length === 3);
    } finally {
      stop();
      await queues.close();
      await redis.quit();
      await dropPrefix(prefix);
    }
  });
});
