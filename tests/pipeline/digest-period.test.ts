import { describe, expect, it } from 'vitest';
import { DIGEST_GRACE_MS, digestPeriod } from '../../src/pipeline/digest-period.ts';

describe('digestPeriod', () => {
  it('names daily digests by the UK date, across midnight in summer time', () => {
    // 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    expect(digestPeriod('daily', new Date('2026-06-30T23:30:00Z')).period).toBe('D2026-07-01');
    expect(digestPeriod('daily', new Date('2026-12-31T23:30:00Z')).period).toBe('D2026-12-31');
  });

  it('names weekly digests by the ISO week, whose year can differ from the date', () => {
    expect(digestPeriod('weekly', new Date('2026-12-07T07:00:00Z')).period).toBe('W2026-W50');
    expect(digestPeriod('weekly', new Date('2027-01-01T12:00:00Z')).period).toBe('W2026-W53'); // a Friday in 2026's week 53
    expect(digestPeriod('weekly', new Date('2024-12-30T12:00:00Z')).period).toBe('W2025-W01');
  });

  it('cuts off a grace before now, and names instant digests by that minute', () => {
    const now = new Date('2026-03-02T08:00:10Z');
    const p = digestPeriod('instant', now);
    expect(p.cutoff.getTime()).toBe(now.getTime() - DIGEST_GRACE_MS);
    expect(p.period).toBe('I2026-03-02T07:59');
    expect(digestPeriod('instant', new Date('2026-03-02T08:00:40Z')).period).toBe('I2026-03-02T08:00');
  });
});
