// The UK wall clock (Europe/London, with summer time): quiet hours and the duty rota are written in it.
const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** The UK local weekday (0 = Sunday) and minute of the day at `now`. */
export function ukClock(now: Date): { weekday: number; minute: number } {
  const p = Object.fromEntries(parts.formatToParts(now).map((x) => [x.type, x.value]));
  return { weekday: WEEKDAYS[p.weekday!]!, minute: Number(p.hour) * 60 + Number(p.minute) };
}

const dayKey = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The UK calendar date at `at` as YYYY-MM-DD: the day of digests, spikes' alerts and charts' day buckets. */
export const ukDayKey = (at: Date): string => dayKey.format(at);

/** The UK midnight that began today (an hour out on the two days the clocks change). */
export const ukDayStart = (now: Date): Date => new Date(now.getTime() - ukClock(now).minute * 60_000 - (now.getTime() % 60_000));
