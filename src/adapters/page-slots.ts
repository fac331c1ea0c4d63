// Page-fetch slots per host in Redis: src/pipeline/page-slot.ts's rule (nextSlot), run atomically by a Lua
// script so every worker process shares one window per host. One sorted set per host, scored by slot time
// (Redis's own clock, so processes with drifting clocks still agree), pruned as slots leave the window and
// expiring once the host's last slot has. BullMQ's per-group rate limits are a BullMQ Pro feature; this is
// the part of one we need.
import type { Redis } from 'ioredis';

// KEYS[1]: the host's set. ARGV: limit, window ms, a member unique to the asker. Returns { slot, now } in ms.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
local slot = now
if n >= limit then
  local e = redis.call('ZRANGE', KEYS[1], n - limit, n - limit, 'WITHSCORES')
  slot = math.max(now, tonumber(e[2]) + window)
end
redis.call('ZADD', KEYS[1], slot, slot .. ':' .. ARGV[3])
redis.call('PEXPIRE', KEYS[1], slot - now + window)
return { slot, now }
`;

export interface Slot {
  /** When the fetch may start (Redis time, ms). */
  at: number;
  /** Redis's time when the slot was given (ms): `at - now` is how long to wait. */
  now: number;
}

/** Reserves the next page-fetch slot for `host` (limit > 0). */
export async function takePageSlot(redis: Redis, o: { prefix: string; host: string; limit: number; windowMs: number; member: string }): Promise<Slot> {
  const [at, now] = (await redis.eval(TAKE, 1, pageSlotsKey(o.prefix, o.host), o.limit, o.windowMs, o.member)) as [number, number];
  return { at: Number(at), now: Number(now) };
}

/** The sorted set of one host's slots, under the queue prefix (so a deployment's keys stay together). */
export const pageSlotsKey = (prefix: string, host: string) => `${prefix}:page-slots:${host}`;
