// coalesce: concurrent calls share one call of the batch function, each caller gets its own answer, and a
// failed batch fails every caller in it (nothing is acknowledged that was not written).
import { describe, expect, it } from 'vitest';
import { coalesce } from '../../src/storage/poll-batch.ts';

describe('coalesce', () => {
  it('runs calls made in one turn as one batch and answers each caller in order', async () => {
    const batches: number[][] = [];
    const double = coalesce(async (xs: number[]) => {
      batches.push(xs);
      return xs.map((x) => x * 2);
    });
    expect(await Promise.all([1, 2, 3].map(double))).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('groups calls made while a batch is in flight into the next batch, at most `max` at a time', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const echo = coalesce(async (xs: number[]) => {
      batches.push(xs);
      if (batches.length === 1) await gate;
      return xs;
    }, 2);
    const first = echo(0);
    await new Promise((r) => setImmediate(r));
    const later = [1, 2, 3].map(echo);
    release();
    expect(await Promise.all([first, ...later])).toEqual([0, 1, 2, 3]);
    expect(batches).toEqual([[0], [1, 2], [3]]);
  });

  it('rejects every caller of a failed batch and goes on with the next', async () => {
    let calls = 0;
    const flaky = coalesce(async (xs: string[]) => {
      calls++;
      if (calls === 1) throw new Error('database down');
      return xs;
    });
    const failed = await Promise.allSettled(['a', 'b'].map(flaky));
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await flaky('c')).toBe('c');
  });
});
