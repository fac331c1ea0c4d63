// page-slot: the per-host page-fetch limit (PAGE_FETCHES_PER_HOST_PER_MINUTE) as a sliding window of
// reserved slots. `slots` are the start times (ms) already given to fetches from one host, oldest first; the
// next fetch gets the earliest time at which no window of `windowMs` holds more than `limit` of them: now, or
// when the limit-th newest slot leaves the window. A slot may lie in the future: a page fetch that must wait
// reserves its turn when it first asks, and is delayed until then (src/services/process-item.ts), so jobs
// waiting on one host wake one at a time instead of all retrying at once. Slots come out non-decreasing, so
// any `limit`+1 consecutive ones span at least `windowMs`.
//
// src/adapters/page-slots.ts runs the same rule atomically in Redis (a Lua script, for every process at once);
// a test holds the two to each other. limit 0 = no limit.
export function nextSlot(slots: readonly number[], now: number, limit: number, windowMs: number): number {
  if (limit <= 0) return now;
  // Slots that left the window before `now` no longer count.
  const live = slots.filter((s) => s > now - windowMs);
  if (live.length < limit) return now;
  return Math.max(now, live[live.length - limit]! + windowMs);
}
