// The per-host page-fetch window in Redis hands out the same slots as the pure rule (src/pipeline/page-slot.ts),
// atomically across clients, one window per host, and tidies up after itself.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageSlotsKey, takePageSlot } from '../../src/adapters/page-slots.ts';
import { nextSlot } from '../../src/pipeline/page-slot.ts';
import { dropPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';

describe('page-fetch slots in Redis', () => {
  const prefix = uniquePrefix();
  let a: Redis;
  let b: Redis;
  beforeAll(() => {
    a = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    b = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await a?.quit();
    await b?.quit();
    await dropPrefix(prefix);
  });

  it('gives the slots nextSlot gives, from two connections at once, and keeps hosts apart', async () => {
    const o = { prefix, host: 'news.example', limit: 3, windowMs: 60_000 };
    const asks = await Promise.all(Array.from({ length: 8 }, (_, i) => takePageSlot(i % 2 ? a : b, { ...o, member: `job-${i}` })));
    // Redis ran them one at a time; in the order it did (by its clock, then by slot), each is the pure rule's.
    const ordered = [...asks].sort((x, y) => x.now - y.now || x.at - y.at);
    const given: number[] = [];
    for (const s of ordered) {
      expect(s.at).toBe(nextSlot(given, s.now, o.limit, o.windowMs));
      given.push(s.at);
    }
    const first = ordered[0]!.now;
    // Three now, three a window later, two a window after that: delayed, none refused.
    expect(given.map((g) => Math.round((g - first) / 60_000))).toEqual([0, 0, 0, 1, 1, 1, 2, 2]);
    expect(await a.zcard(pageSlotsKey(prefix, 'news.example'))).toBe(8);
    const ttl = await a.pttl(pageSlotsKey(prefix, 'news.example'));
    expect(ttl).toBeGreaterThan(2 * 60_000);
    expect(ttl).toBeLessThanOrEqual(3 * 60_000 + 1000);

    const other = await takePageSlot(a, { ...o, host: 'other.example', member: 'job-x' });
    expect(other.at).toBe(other.now);
  });

  it('forgets slots once they leave the window', async () => {
    const o = { prefix, host: 'short.example', limit: 1, windowMs: 50 };
    const s1 = await takePageSlot(a, { ...o, member: '1' });
    const s2 = await takePageSlot(a, { ...o, member: '2' });
    expect(s2.at).toBe(Math.max(s2.now, s1.at + 50));
    // Wait (on the condition, polling Redis) until both slots have left the window: the key expires with them.
    const key = pageSlotsKey(prefix, o.host);
    await expect.poll(() => a.exists(key), { timeout: 5_000, interval: 20 }).toBe(0);
    const s3 = await takePageSlot(a, { ...o, member: '3' });
    expect(s3.at).toBe(s3.now);
  });
});
