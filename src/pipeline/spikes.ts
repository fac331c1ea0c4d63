// Spikes: a topic whose last 24 hours carry far more items than its usual day. The usual day is the 14
// 24-hour blocks before them (not calendar days, so a spike at 01:00 is judged on a full day). "Far more":
// at least MIN_ITEMS, at least twice the mean, and three standard deviations above it (a topic that is
// always busy does not spike on an ordinary busy day; one that is always quiet needs MIN_ITEMS). Pure.
import type { HourCount } from './topic-volume.ts';
import { hourStart } from './topic-volume.ts';

export interface Spike {
  topic: string;
  /** Items in the last 24 hours. */
  recent: number;
  /** Mean items per 24 hours over the baseline days. */
  usual: number;
  /** recent / usual (recent itself when the usual is 0). */
  ratio: number;
}

export interface SpikeOptions {
  baselineDays?: number;
  minItems?: number;
  factor?: number;
  sigmas?: number;
}

const HOUR = 3_600_000;

/** Topics spiking at `now`, biggest ratio first. */
export function findSpikes(rows: readonly HourCount[], topics: readonly string[], now: Date, o: SpikeOptions = {}): Spike[] {
  const { baselineDays = 14, minItems = 5, factor = 2, sigmas = 3 } = o;
  // Block 0 is the last 24 hours (the current hour included), block k the k-th day before.
  const end = hourStart(now).getTime() + HOUR;
  const blocks = new Map<string, number[]>(topics.map((t) => [t, new Array<number>(baselineDays + 1).fill(0)]));
  for (const r of rows) {
    const b = blocks.get(r.topic);
    const k = Math.floor((end - 1 - r.hour.getTime()) / (24 * HOUR));
    if (b && k >= 0 && k <= baselineDays) b[k]! += r.n;
  }
  const out: Spike[] = [];
  for (const [topic, b] of blocks) {
    const recent = b[0]!;
    const base = b.slice(1);
    const usual = base.reduce((s, n) => s + n, 0) / baselineDays;
    const sd = Math.sqrt(base.reduce((s, n) => s + (n - usual) ** 2, 0) / baselineDays);
    if (recent >= minItems && recent >= factor * usual && recent >= usual + sigmas * Math.max(sd, 1)) {
      out.push({ topic, recent, usual: Math.round(usual * 10) / 10, ratio: usual > 0 ? Math.round((recent / usual) * 10) / 10 : recent });
    }
  }
  return out.sort((a, b) => b.ratio - a.ratio || b.recent - a.recent);
}
