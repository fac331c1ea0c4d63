import { describe, expect, it } from 'vitest';
import { nextSlot } from '../../src/pipeline/page-slot.ts';

const W = 60_000;

/** Asks for `n` slots at the given times (one per entry), as the Redis window would hand them out. */
function hand(times: number[], limit: number, windowMs = W): number[] {
  const slots: number[] = [];
  for (const now of times) slots.push(nextSlot(slots, now, limit, windowMs));
  return slots;
}

describe('nextSlot', () => {
  it('lets fetches start now while the window has room', () => {
    expect(nextSlot([], 1000, 3, W)).toBe(1000);
    expect(nextSlot([900, 950], 1000, 3, W)).toBe(1000);
  });

  it('over the limit, reserves the moment the limit-th newest slot leaves the window', () => {
    expect(nextSlot([100, 200, 300], 1000, 3, W)).toBe(100 + W);
    expect(nextSlot([100, 200, 300], 1000, 2, W)).toBe(200 + W);
  });

  it('ignores slots that already left the window', () => {
    expect(nextSlot([0, 10, 20_000], 70_000, 2, W)).toBe(70_000);
  });

  it('delays rather than drops: a burst gets one turn each, limit per window, in order', () => {
    const burst = hand(Array(7).fill(5_000), 3);
    expect(burst).toEqual([5_000, 5_000, 5_000, 65_000, 65_000, 65_000, 125_000]);
  });

  it('never lets any window hold more than the limit, however the asks arrive', () => {
    let x = 42;
    const rand = () => {
      x = (x * 1103515245 + 12345) >>> 0;
      return x;
    };
    for (const limit of [1, 2, 5, 30]) {
      let t = 0;
      const times = Array.from({ length: 400 }, () => (t += rand() % 4_000));
      const slots = hand(times, limit);
      for (const [i, s] of slots.entries()) {
        expect(s).toBeGreaterThanOrEqual(times[i]!); // never before it was asked for
        if (i > 0) expect(s).toBeGreaterThanOrEqual(slots[i - 1]!);
        if (i >= limit) expect(s - slots[i - limit]!).toBeGreaterThanOrEqual(W);
      }
    }
  });

  it('has no limit at 0', () => {
    expect(hand([1, 1, 1, 1], 0)).toEqual([1, 1, 1, 1]);
  });
});
