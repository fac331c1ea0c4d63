// The queue prefix belongs to one installation: a second database on the same Redis and prefix is refused
// with what to do, a claim is renewed by its owner, and one left by a stopped installation lapses.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREFIX_CLAIM_MS, QueuePrefixTaken, claimQueuePrefix, keepQueuePrefix } from '../../src/adapters/redis.ts';
import { dropPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';

describe('queue prefix claim', () => {
  let redis: Redis;
  const prefix = uniquePrefix();
  beforeAll(() => {
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await redis.quit();
    await dropPrefix(prefix);
  });

  it('is taken by the first installation, renewed by it, refused to another until it lapses', async () => {
    await claimQueuePrefix(redis, prefix, 'install-a');
    const ttl = await redis.pttl(`${prefix}:installation`);
    expect(ttl).toBeGreaterThan(PREFIX_CLAIM_MS - 10_000);
    await claimQueuePrefix(redis, prefix, 'install-a'); // renewing is fine
    const refused = await claimQueuePrefix(redis, prefix, 'install-b').catch((e: Error) => e);
    expect(refused).toBeInstanceOf(QueuePrefixTaken);
    expect((refused as Error).message).toContain(`set QUEUE_PREFIX to a name of its own for this one (e.g. QUEUE_PREFIX=${prefix}_2)`);
    // Installation A stopped: its claim lapses (here at once) and B may take the prefix.
    await redis.pexpire(`${prefix}:installation`, 1);
    await expect.poll(() => redis.exists(`${prefix}:installation`)).toBe(0);
    await claimQueuePrefix(redis, prefix, 'install-b');
    expect(await redis.get(`${prefix}:installation`)).toBe('install-b');
  });

  it('is taken again by its owner after Redis lost it, and reports when another took it meanwhile', async () => {
    const p = `${prefix}_keep`;
    await claimQueuePrefix(redis, p, 'owner');
    const lost: Error[] = [];
    const conn = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const stop = keepQueuePrefix(conn, p, 'owner', (e) => lost.push(e));
    try {
      await redis.del(`${p}:installation`); // a flush
      conn.emit('ready'); // what ioredis emits when it reconnects to the emptied Redis
      await expect.poll(() => redis.get(`${p}:installation`)).toBe('owner');
      await redis.set(`${p}:installation`, 'intruder');
      conn.emit('ready');
      await expect.poll(() => lost.length).toBe(1);
      expect(lost[0]).toBeInstanceOf(QueuePrefixTaken);
    } finally {
      stop();
      await conn.quit();
      await dropPrefix(p);
    }
  });
});
