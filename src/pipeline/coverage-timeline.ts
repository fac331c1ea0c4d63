// A story's coverage over time: its items' times -> bars per hour (a story of up to three days) or per UK
// day (longer), from its first item to its last, as a chart model. Pure.
import type { ChartModel } from '../render/chart.ts';
import { topicVolume } from './topic-volume.ts';

const HOUR = 3_600_000;
const HOURLY_UP_TO_H = 72;

export function coverageTimeline(times: readonly Date[], headline: string): ChartModel | undefined {
  if (times.length < 2) return undefined;
  const sorted = [...times].sort((a, b) => a.getTime() - b.getTime());
  const first = sorted[0]!;
  const last = sorted.at(-1)!;
  const spanH = (Math.floor(last.getTime() / HOUR) - Math.floor(first.getTime() / HOUR)) + 1;
  const rows = sorted.map((t) => ({ topic: 's', hour: new Date(Math.floor(t.getTime() / HOUR) * HOUR), n: 1 }));
  const hourly = spanH <= HOURLY_UP_TO_H;
  const [series] = topicVolume(rows, ['s'], last, { unit: hourly ? 'hour' : 'day', days: Math.ceil(spanH / 24) + 1 });
  // From the first item's hour (or day): the series starts earlier, with nothing in it.
  const buckets = series!.buckets.slice(series!.buckets.findIndex((b) => b.n > 0));
  return {
    title: `Coverage of "${headline}" ${hourly ? 'per hour' : 'per day'}`,
    desc: `${times.length} items between the first and the latest.`,
    noun: 'items',
    labelEvery: Math.max(1, Math.ceil(buckets.length / 8)),
    bars: buckets.map((b) => ({ label: b.label, n: b.n })),
  };
}
