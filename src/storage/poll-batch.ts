// Concurrent polls share statements: their source reads become one SELECT and their outcomes one UPDATE
// (recordPolls). Only batching of calls lives here; the SQL stays in sources.ts and polls.ts.
import type { Db } from './db.ts';
import { type PollRecord, recordPolls } from './polls.ts';
import { getSources, type Source } from './sources.ts';

/** Coalesces concurrent calls into one call of `run` over all their inputs (outputs in input order). The first
 *  call waits only for the end of the current event-loop turn; calls made while a batch is in flight go together
 *  in the next one (at most `max`). Idle, a poll waits for one statement as before; under load, one statement
 *  serves many polls. Each caller still awaits its own row: nothing is acknowledged before it is written. */
export function coalesce<I, O>(run: (batch: I[]) => Promise<O[]>, max = 256): (input: I) => Promise<O> {
  const queue: { input: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  let busy = false;
  const drain = async () => {
    while (queue.length) {
      const batch = queue.splice(0, max);
      try {
        const out = await run(batch.map((b) => b.input));
        for (const [i, b] of batch.entries()) b.resolve(out[i]!);
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    busy = false;
  };
  return (input) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ input, resolve, reject });
      if (busy) return;
      busy = true;
      setImmediate(drain);
    });
}

type Recorded = PollRecord & { sourceId: number };
const batched = new WeakMap<Db, { load: (id: number) => Promise<Source | undefined>; record: (p: Recorded) => Promise<Source | undefined> }>();

/** The per-database batchers: concurrent polls load their sources in one SELECT and record their outcomes in
 *  one UPDATE (src/storage/polls.ts recordPolls). */
export function pollBatch(db: Db) {
  let b = batched.get(db);
  if (!b) {
    b = {
      load: coalesce(async (ids: number[]) => {
        const found = await getSources(db, ids);
        return ids.map((id) => found.get(id));
      }),
      record: coalesce(async (polls: Recorded[]) => {
        const done = await recordPolls(db, polls);
        return polls.map((p) => done.get(p.sourceId));
      }),
    };
    batched.set(db, b);
  }
  return b;
}
