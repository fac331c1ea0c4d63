// send-window: the sliding-window send limit. Given when the recent sends were (ms since the epoch), how long
// to wait before one more so no window of `windowMs` holds more than `limit` sends. 0 = send now.
export function sendWait(recent: readonly number[], now: number, limit: number, windowMs: number): number {
  if (limit <= 0) return 0;
  const inWindow = recent.filter((t) => t > now - windowMs && t <= now).sort((a, b) => b - a);
  if (inWindow.length < limit) return 0;
  // The send that must leave the window first is the limit-th newest.
  const oldestThatCounts = inWindow[limit - 1]!;
  return Math.max(1, oldestThatCounts + windowMs - now);
}
