// Coalescing concurrent calls of an I/O function into one call over all their inputs: concurrent polls share
// one statement instead of one each (services/poll-batch.ts).

/** What a batch function returns for one input that failed on its own: that caller is rejected with `cause`,
 *  the others get their answers. */
export class Failed {
  constructor(readonly cause: unknown) {}
}

/** How coalesce may group calls. */
export interface CoalesceLimits<I> {
  /** Inputs in one batch (default 256). */
  max?: number;
  /** Batches in flight at once (default 1). */
  lanes?: number;
  /** An input's size, and the most a batch may hold: a batch always takes at least one input. */
  weigh?: (input: I) => number;
  maxWeight?: number;
}

/** Coalesces concurrent calls into one call of `run` over all their inputs (outputs in input order). The first
 *  call waits only for the end of the current event-loop turn; calls made while a batch is in flight go together
 *  in the next one (within the limits), with at most `lanes` batches in flight. Idle, a poll waits for one
 *  statement as before; under load, one statement serves many polls. Each caller still awaits its own row:
 *  nothing is acknowledged before it is written. */
export function coalesce<I, O>(run: (batch: I[]) => Promise<(O | Failed)[]>, limits: CoalesceLimits<I> = {}): (input: I) => Promise<O> {
  const { max = 256, lanes = 1, weigh, maxWeight = Number.POSITIVE_INFINITY } = limits;
  const queue: { input: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  let running = 0;
  const lane = async () => {
    while (queue.length) {
      let n = 1;
      let weight = weigh ? weigh(queue[0]!.input) : 0;
      while (n < queue.length && n < max) {
        const w = weigh ? weigh(queue[n]!.input) : 0;
        if (weight + w > maxWeight) break;
        weight += w;
        n++;
      }
      const batch = queue.splice(0, n);
      try {
        const out = await run(batch.map((b) => b.input));
        for (const [i, b] of batch.entries()) {
          const o = out[i]!;
          if (o instanceof Failed) b.reject(o.cause);
          else b.resolve(o);
        }
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    running--;
  };
  return (input) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ input, resolve, reject });
      if (running >= lanes) return;
      running++;
      setImmediate(lane);
    });
}

/** At most `n` calls of an I/O function in flight; the others wait their turn, in order. */
export function lanes(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (running >= n) await new Promise<void>((r) => waiting.push(r));
    else running++;
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
