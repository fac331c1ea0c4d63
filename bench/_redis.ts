// A bench's queues live under a prefix of its own on the shared Redis; this removes everything under it (job
// hashes, lists, events, markers) when the bench ends.
import type { Redis } from 'ioredis';

export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
