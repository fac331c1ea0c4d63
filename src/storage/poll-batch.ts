// Concurrent polls share statements: their source reads become one SELECT, their known-entry lookups another,
// their items one INSERT (insertFeeds) and their outcomes one UPDATE (recordPolls). Only batching of calls
// lives here; the SQL stays in sources.ts, items.ts and polls.ts.
import type { Db } from './db.ts';
import { type FeedItems, type InsertedItem, insertFeeds, storedIdentities } from './items.ts';
import { type PollRecord, recordPolls } from './polls.ts';
import type { Source } from '../domain/types.ts';
import { getSources } from './sources.ts';

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

/** Item inserts in flight at once per process. Concurrent inserts into the same indexes contend: PostgreSQL's
 *  CPU per item is about the same with two as with one, 1.2x with four, 1.6x with eight and 2.2x with 24 (one
 *  per poll, as before) — `npm run bench -- insert`. Two keep both cores of a small machine busy; more worker
 *  processes add theirs. */
const INSERT_LANES = 2;
/** Feeds per insert statement, and items: a few MB of JSON, however large the feeds (one feed always goes). */
const INSERT_FEEDS = 32;
const INSERT_ITEMS = 2_000;

/** A feed's items in one shared insert: each feed's rows, or, when the shared statement failed, its own. */
async function insertTogether(db: Db, feeds: FeedItems[]): Promise<(InsertedItem[] | Failed)[]> {
  try {
    return await insertFeeds(db, feeds);
  } catch (err) {
    if (feeds.length === 1) return [new Failed(err)];
    // One feed's bad row must not fail the others: each goes again alone, in the same order (the earlier feed
    // still gets a shared canonical URL), and only the bad one fails.
    const out: (InsertedItem[] | Failed)[] = [];
    for (const f of feeds) out.push(await insertFeeds(db, [f]).then((r) => r[0]!, (e: unknown) => new Failed(e)));
    return out;
  }
}

type Recorded = PollRecord & { sourceId: number };
interface Batchers {
  load: (id: number) => Promise<Source | undefined>;
  known: (ask: { sourceId: number; identities: string[] }) => Promise<Set<string>>;
  insert: (feed: FeedItems) => Promise<InsertedItem[]>;
  record: (p: Recorded) => Promise<Source | undefined>;
}
const batched = new WeakMap<Db, Batchers>();

/** The per-database batchers: concurrent polls load their sources in one SELECT, look up the entries they
 *  stored before in another, insert their items in one INSERT (two at a time at most) and record their
 *  outcomes in one UPDATE (src/storage/polls.ts recordPolls). */
export function pollBatch(db: Db): Batchers {
  let b = batched.get(db);
  if (!b) {
    b = {
      load: coalesce(async (ids: number[]) => {
        const found = await getSources(db, ids);
        return ids.map((id) => found.get(id));
      }),
      known: coalesce((asks: { sourceId: number; identities: string[] }[]) => storedIdentities(db, asks)),
      insert: coalesce((feeds: FeedItems[]) => insertTogether(db, feeds), {
        max: INSERT_FEEDS,
        lanes: INSERT_LANES,
        weigh: (f) => f.items.length,
        maxWeight: INSERT_ITEMS,
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
