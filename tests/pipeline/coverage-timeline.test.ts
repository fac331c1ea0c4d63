import { describe, expect, it } from 'vitest';
import { coverageTimeline } from '../../src/pipeline/coverage-timeline.ts';

const at = (iso: string) => new Date(iso);

describe('coverageTimeline', () => {
  it('draws hours from the first item to the last for a story of a day', () => {
    const m = coverageTimeline([at('2026-03-02T09:10:00Z'), at('2026-03-02T09:50:00Z'), at('2026-03-02T12:05:00Z')], 'Leeds <strike>')!;
    expect(m.bars.map((b) => [b.label, b.n])).toEqual([['09:00', 2], ['10:00', 0], ['11:00', 0], ['12:00', 1]]);
    expect(m.title).toBe('Coverage of "Leeds <strike>" per hour');
  });

  it('switches to UK days past three days, and has nothing to draw for one item', () => {
    const m = coverageTimeline([at('2026-03-01T09:00:00Z'), at('2026-03-06T09:00:00Z'), at('2026-03-06T10:00:00Z')], 'x')!;
    expect(m.bars[0]).toMatchObject({ label: 'Sun 1 Mar', n: 1 });
    expect(m.bars.at(-1)).toMatchObject({ label: 'Fri 6 Mar', n: 2 });
    expect(m.bars.reduce((n, b) => n + b.n, 0)).toBe(3);
    expect(coverageTimeline([at('2026-03-01T09:00:00Z')], 'x')).toBeUndefined();
  });
});
