import { describe, expect, it } from 'vitest';
import { topicVolume } from '../../src/pipeline/topic-volume.ts';

const H = 3_600_000;

describe('topicVolume', () => {
  it('gives one bucket per hour ending with the current hour, zeros where nothing came', () => {
    const now = new Date('2026-12-07T15:20:00Z');
    const rows = [
      { topic: 'prisons', hour: new Date('2026-12-07T15:00:00Z'), n: 3 },
      { topic: 'prisons', hour: new Date('2026-12-07T13:00:00Z'), n: 2 },
      { topic: 'prisons', hour: new Date('2026-11-01T13:00:00Z'), n: 9 },
      { topic: 'courts', hour: new Date('2026-12-07T14:00:00Z'), n: 1 },
    ];
    const [prisons, parole] = topicVolume(rows, ['prisons', 'parole'], now, { unit: 'hour', days: 1 });
    expect(prisons!.buckets).toHaveLength(24);
    expect(prisons!.buckets.at(-1)).toMatchObject({ label: '15:00', n: 3 });
    expect(prisons!.buckets.at(-3)).toMatchObject({ label: '13:00', n: 2 });
    expect(prisons!.total).toBe(5);
    expect(parole!.total).toBe(0);
  });

  it('names the day on the hour that starts it in UK time, and on no other hour', () => {
    // 23:00 UTC on 1 July is midnight on 2 July in London (BST).
    const [s] = topicVolume([], ['prisons'], new Date('2026-07-02T10:00:00Z'), { unit: 'hour', days: 2 });
    const ticks = s!.buckets.filter((b) => b.tick).map((b) => [b.start.toISOString(), b.tick]);
    expect(ticks).toEqual([
      ['2026-06-30T23:00:00.000Z', 'Wed 1'],
      ['2026-07-01T23:00:00.000Z', 'Thu 2'],
    ]);
  });

  it('groups days at UK midnight, in summer time too', () => {
    // 23:30 UTC on 1 July is 00:30 on 2 July in London (BST): it belongs to the 2nd.
    const now = new Date('2026-07-02T10:00:00Z');
    const rows = [
      { topic: 'prisons', hour: new Date('2026-07-01T23:00:00Z'), n: 4 },
      { topic: 'prisons', hour: new Date('2026-07-01T22:00:00Z'), n: 1 },
    ];
    const [s] = topicVolume(rows, ['prisons'], now, { unit: 'day', days: 7 });
    expect(s!.buckets).toHaveLength(7);
    expect(s!.buckets.at(-1)).toMatchObject({ label: 'Thu 2 Jul', n: 4 });
    expect(s!.buckets.at(-2)).toMatchObject({ label: 'Wed 1 Jul', n: 1 });
    expect(s!.buckets[0]!.label).toBe('Fri 26 Jun');
  });

  it('a 30-day series spans the clocks going back as 30 days', () => {
    const now = new Date('2026-11-10T12:00:00Z');
    const [s] = topicVolume([{ topic: 't', hour: new Date(now.getTime() - 29 * 24 * H), n: 1 }], ['t'], now, { unit: 'day', days: 30 });
    expect(s!.buckets).toHaveLength(30);
    expect(s!.buckets[0]).toMatchObject({ label: 'Mon 12 Oct', n: 1 });
  });
});
