// digestPeriod: which digest a run at `now` builds. The period names the digest (one per subscriber and
// period, UNIQUE in the database): daily by the UK date, weekly by the ISO week of the UK date, instant by
// its cut-off minute. The cut-off trails `now` by a grace, so a story whose tagging transaction is still
// committing when the run starts goes in the next digest instead of falling between two.
import type { Frequency } from '../domain/digests.ts';
import { toUkLocal } from './uk-local-time.ts';

export const DIGEST_GRACE_MS = 30_000;

export interface DigestPeriod {
  period: string;
  cutoff: Date;
}

/** ISO 8601 week of a calendar date: "2026-W49". */
function isoWeek(y: number, m: number, d: number): string {
  const date = new Date(Date.UTC(y, m - 1, d));
  const weekday = date.getUTCDay() || 7; // Monday 1 .. Sunday 7
  date.setUTCDate(date.getUTCDate() + 4 - weekday); // the Thursday of this week decides the year
  const year = date.getUTCFullYear();
  const week = Math.ceil(((date.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export function digestPeriod(frequency: Frequency, now: Date): DigestPeriod {
  const cutoff = new Date(now.getTime() - DIGEST_GRACE_MS);
  const day = toUkLocal(now).slice(0, 10);
  if (frequency === 'daily') return { period: `D${day}`, cutoff };
  if (frequency === 'weekly') {
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    return { period: `W${isoWeek(y, m, d)}`, cutoff };
  }
  return { period: `I${cutoff.toISOString().slice(0, 16)}`, cutoff };
}
