import { describe, expect, it } from 'vitest';
import { findSpikes } from '../../src/pipeline/spikes.ts';
import type { HourCount } from '../../src/pipeline/topic-volume.ts';

const NOW = new Date('2026-12-07T15:20:00Z');
const H = 3_600_000;
/** `perDay[k]` items on the k-th 24-hour block back from NOW (0 = the last 24 hours), spread over its hours. */
function series(topic: string, perDay: number[], at = (k: number, i: number) => new Date(Math.floor(NOW.getTime() / H) * H - k * 24 * H - (i % 24) * H)): HourCount[] {
  return perDay.flatMap((n, k) => Array.from({ length: n }, (_, i) => ({ topic, hour: at(k, i), n: 1 })));
}
const steady = (today: number, usual: number[]) => [today, ...usual];

describe('findSpikes', () => {
  it('flags a topic whose last 24 hours are far above its 14-day baseline', () => {
    const rows = series('prisons', steady(40, [4, 5, 3, 6, 4, 5, 4, 3, 5, 4, 6, 5, 4, 4]));
    const [s] = findSpikes(rows, ['prisons'], NOW);
    expect(s).toMatchObject({ topic: 'prisons', recent: 40 });
    expect(s!.usual).toBeCloseTo(4.4, 1);
    expect(s!.ratio).toBeGreaterThan(8);
  });

  it('does not flag an ordinary busy day of a busy, variable topic', () => {
    const rows = series('courts', steady(30, [20, 35, 15, 28, 22, 33, 18, 25, 30, 21, 27, 19, 24, 26]));
    expect(findSpikes(rows, ['courts'], NOW)).toEqual([]);
  });

  it('needs a minimum: three items on a quiet topic are not a spike', () => {
    expect(findSpikes(series('parole', steady(3, Array(14).fill(0))), ['parole'], NOW)).toEqual([]);
    expect(findSpikes(series('parole', steady(6, Array(14).fill(0))), ['parole'], NOW)).toMatchObject([{ topic: 'parole', recent: 6, usual: 0, ratio: 6 }]);
  });

  it('counts only the last 24 hours as recent: yesterday\'s burst is baseline today', () => {
    const rows = series('probation', steady(2, [40, ...Array(13).fill(2)]));
    expect(findSpikes(rows, ['probation'], NOW)).toEqual([]);
    // The same burst seen from a day earlier is a spike.
    expect(findSpikes(rows, ['probation'], new Date(NOW.getTime() - 24 * H)).map((s) => s.topic)).toEqual(['probation']);
  });

  it('ignores rows older than the baseline and topics not asked for, and sorts by ratio', () => {
    const rows = [
      ...series('prisons', steady(20, Array(14).fill(2))),
      ...series('youth', steady(30, Array(14).fill(1))),
      { topic: 'prisons', hour: new Date(NOW.getTime() - 20 * 24 * H), n: 500 },
      ...series('other', steady(99, Array(14).fill(0))),
    ];
    expect(findSpikes(rows, ['prisons', 'youth'], NOW).map((s) => s.topic)).toEqual(['youth', 'prisons']);
  });
});
