// Topic volume: tagged items per topic per hour (as storage counts them) -> aligned series per hour or per UK
// day, ending at `now`. Empty buckets are zeros, so a chart's bars are evenly spaced in time. Pure.
import { ukDayKey } from './uk-clock.ts';

/** Items of a topic whose time falls in the hour starting at `hour` (UTC-aligned: UK hours are too). */
export interface HourCount {
  topic: string;
  hour: Date;
  n: number;
}

export interface Bucket {
  start: Date;
  /** "14:00" for an hour, "Mon 7 Dec" for a day, in UK time. */
  label: string;
  /** For an hour that starts a UK day: that day ("Mon 7"), so an hourly axis can name its days. */
  tick?: string;
  n: number;
}

export interface VolumeSeries {
  topic: string;
  unit: 'hour' | 'day';
  buckets: Bucket[];
  total: number;
}

const HOUR = 3_600_000;
const ukHour = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const ukDayLabel = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'short', day: 'numeric', month: 'short' });
/** An hourly axis names seven days in a row: the month adds nothing there and crowds a phone's axis. */
const ukDayTick = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'short', day: 'numeric' });

export const hourStart = (d: Date) => new Date(Math.floor(d.getTime() / HOUR) * HOUR);

/** Series for `topics` over the last `days` days, by hour or by UK calendar day (today last). */
export function topicVolume(rows: readonly HourCount[], topics: readonly string[], now: Date, o: { unit: 'hour' | 'day'; days: number }): VolumeSeries[] {
  const last = hourStart(now).getTime();
  const byTopic = new Map<string, Map<number, number>>(topics.map((t) => [t, new Map()]));
  for (const r of rows) {
    const m = byTopic.get(r.topic);
    if (m) m.set(r.hour.getTime(), (m.get(r.hour.getTime()) ?? 0) + r.n);
  }
  return topics.map((topic) => {
    const hours = byTopic.get(topic)!;
    const buckets = o.unit === 'hour' ? byHour(hours, last, o.days * 24) : byDay(hours, last, o.days);
    return { topic, unit: o.unit, buckets, total: buckets.reduce((n, b) => n + b.n, 0) };
  });
}

function byHour(hours: Map<number, number>, last: number, count: number): Bucket[] {
  return Array.from({ length: count }, (_, i) => {
    const start = new Date(last - (count - 1 - i) * HOUR);
    const label = ukHour.format(start);
    const n = hours.get(start.getTime()) ?? 0;
    return label === '00:00' ? { start, label, tick: ukDayTick.format(start), n } : { start, label, n };
  });
}

/** UK days, so a day starts at UK midnight whether it is summer time or not. */
function byDay(hours: Map<number, number>, last: number, days: number): Bucket[] {
  const out: Bucket[] = [];
  const index = new Map<string, Bucket>();
  // Walk back hour by hour over enough hours to cover `days` UK days (a day is 23–25 hours).
  for (let t = last; out.length <= days; t -= HOUR) {
    const key = ukDayKey(new Date(t));
    let b = index.get(key);
    if (!b) {
      if (out.length === days) break;
      b = { start: new Date(t), label: ukDayLabel.format(new Date(t)), n: 0 };
      index.set(key, b);
      out.push(b);
    }
    b.start = new Date(t);
    b.n += hours.get(t) ?? 0;
  }
  return out.reverse();
}
