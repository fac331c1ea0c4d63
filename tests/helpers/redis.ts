// Each test gets its own BullMQ prefix on the shared test Redis, and removes its keys afterwards.
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { uniqueName } from './db.ts';

export const testRedisUrl = () => inject('redisUrl');
export const uniquePrefix = () => uniqueName('pdtest');

export async function dropPrefix(prefix: string) {
  const r = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) await r.del(...keys);
  } while (cursor !== '0');
  await r.quit();
}
