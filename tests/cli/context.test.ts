// Progress for slow steps: on a terminal's stderr only (pipes and files stay clean for scripts), and only
// once a step has taken a second. Fake timers: no waiting.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { slow, ticker } from '../../src/cli/context.ts';

const stream = (isTTY: boolean) => {
  const lines: string[] = [];
  return { lines, out: { isTTY, write: (s: string) => lines.push(s) > 0 } };
};

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('slow', () => {
  it('says what it is waiting for once the work has taken a second, on a terminal', async () => {
    const { lines, out } = stream(true);
    let finish!: (v: number) => void;
    const done = slow('storage: opening the embedded database', new Promise<number>((r) => (finish = r)), out);
    await vi.advanceTimersByTimeAsync(999);
    expect(lines).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(lines).toEqual(['storage: opening the embedded database…\n']);
    finish(7);
    expect(await done).toBe(7);
  });

  it('says nothing for quick work, or when stderr is not a terminal', async () => {
    const tty = stream(true);
    expect(await slow('quick', Promise.resolve(1), tty.out)).toBe(1);
    const piped = stream(false);
    const work = slow('piped', new Promise((r) => setTimeout(r, 5000)), piped.out);
    await vi.advanceTimersByTimeAsync(5000);
    await work;
    await vi.advanceTimersByTimeAsync(5000);
    expect([...tty.lines, ...piped.lines]).toEqual([]);
  });
});

describe('ticker', () => {
  it('reports done of total at most once a second, never the last step', () => {
    const { lines, out } = stream(true);
    const progress = ticker('sources', 100, out);
    progress(10);
    vi.advanceTimersByTime(1000);
    progress(40);
    progress(41);
    vi.advanceTimersByTime(1000);
    progress(100);
    expect(lines).toEqual(['sources: 40 of 100…\n']);
    const piped = stream(false);
    const quiet = ticker('sources', 100, piped.out);
    vi.advanceTimersByTime(5000);
    quiet(50);
    expect(piped.lines).toEqual([]);
  });
});
