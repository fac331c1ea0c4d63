// Concurrent polls share statements: their source reads become one SELECT, their known-entry lookups another,
// their items one INSERT (insertFeeds) and their outcomes one UPDATE (recordPolls). Only batching of calls
// lives here; the SQL stays in storage/sources.ts, items.ts and polls.ts.
import { Failed, coalesce } from '../adapters/coalesce.ts';
import type { Source } from '../domain/types.ts';
import type { Db } from '../storage/db.ts';
import { type FeedItems, type InsertedItem, insertFeeds, storedIdentities } from '../storage/items.ts';
import { type PollRecord, recordPolls } from '../storage/polls.ts';
import { getSources } from '../storage/sources.ts';

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
 *  outcomes in one UPDATE (storage/polls.ts recordPolls). */
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
