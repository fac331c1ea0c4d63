// relative-time: a moment as people say it beside `now` ("12 min ago", "in 3 h", "2 days ago"): compact table
// cells, with the exact time kept in the page's <time datetime> and title.
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export function relativeTime(d: Date, now: Date): string {
  const ms = d.getTime() - now.getTime();
  const a = Math.abs(ms);
  if (a < MIN) return 'just now';
  const amount = a < HOUR ? `${Math.round(a / MIN)} min` : a < 2 * DAY ? `${Math.round(a / HOUR)} h` : `${Math.round(a / DAY)} days`;
  return ms < 0 ? `${amount} ago` : `in ${amount}`;
}
