// send-window: the sliding-window send limit. Given the limit-th newest send still inside the window (ms since
// the epoch; undefined = fewer sends than the limit), how long to wait before one more so no window of
// `windowMs` holds more than the limit: until that send leaves the window. 0 = send now.
export function sendWait(limitThNewest: number | undefined, now: number, windowMs: number): number {
  if (limitThNewest === undefined) return 0;
  return Math.max(1, limitThNewest + windowMs - now);
}
