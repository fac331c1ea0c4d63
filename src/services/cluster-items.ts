// Clustering freshly tagged items into stories: lock -> candidates -> place -> apply, in ONE transaction per
// batch with a constant number of statements. Storage reads and writes the rows; the pure placeBatch decides
// (items of the batch can join each other's new stories). Run after tagging: a story's topics are the union
// of its items' topics.
import { lanes } from '../adapters/coalesce.ts';
import type { Assignment } from '../domain/stories.ts';
import { hash32 } from '../pipeline/cluster/minhash.ts';
import {
  type BatchItem,
  type BatchPlan,
  CANDIDATE_LIMIT,
  type ClusterOptions,
  KEY_SCAN_LIMIT,
  WINDOW_HOURS,
  bandKeys,
  placeBatch,
  signature,
} from '../pipeline/cluster.ts';
import type { Db } from '../storage/db.ts';
import { type StoryWrites, clusterItemRows, findCandidates, lockBands, lockItemStories, lockLive, newStoryIds, writePlan } from '../storage/stories.ts';
import type { IngestDeps } from './deps.ts';
import { refreshStories } from './refresh-stories.ts';

export interface Clustered {
  itemId: number;
  assignment?: Assignment;
  /** Why the item is in no story; it stays searchable on its own and the next run retries it. */
  error?: string;
}

/**
 * Puts the items into stories as one batch. When the batch fails as a whole, each item is tried on its own,
 * so one bad item does not keep the others out of their stories; a failure is reported and the rest go on: a
 * poll must not fail because one item could not be clustered. Idempotent. Answers oldest id first.
 */
export async function clusterItems(deps: Pick<IngestDeps, 'db' | 'now'>, items: { itemId: number }[]): Promise<Clustered[]> {
  const ids = [...new Set(items.map((i) => i.itemId))].sort((a, b) => a - b);
  if (ids.length > 1) {
    try {
      const got = await assignStories(deps.db, ids, deps.now());
      return ids.map((itemId, i) => ({ itemId, assignment: got[i]! }));
    } catch (err) {
      process.stderr.write(`stories: the batch of ${ids.length} items failed (${(err as Error).message}); clustering them one at a time\n`);
    }
  }
  const out: Clustered[] = [];
  for (const itemId of ids) {
    try {
      out.push({ itemId, assignment: (await assignStories(deps.db, [itemId], deps.now()))[0]! });
    } catch (err) {
      const error = `stories: item ${itemId} was not put into a story (${(err as Error).message}); it is searchable on its own`;
      process.stderr.write(`${error}\n`);
      out.push({ itemId, error });
    }
  }
  return out;
}

/** Clustering transactions in flight per database and process. Each holds a pool connection while it waits
 *  on band-key locks, and with one per poll (48 in flight) they took every connection the polls' own
 *  statements needed ("timeout exceeded when trying to connect" on PostgreSQL, items left without a story).
 *  Two keep both cores busy; the rest wait here, which slows the polls that wait for them (back-pressure)
 *  instead of failing them. */
const CLUSTER_LANES = 2;
const inFlight = new WeakMap<Db, ReturnType<typeof lanes>>();
const laneOf = (db: Db) => {
  let l = inFlight.get(db);
  if (!l) {
    l = lanes(CLUSTER_LANES);
    inFlight.set(db, l);
  }
  return l;
};

/** Band keys share this many advisory locks: a batch of 50 items has ~1,900 keys, and each lock held is an
 *  entry in PostgreSQL's shared lock table (max_locks_per_transaction x max_connections, 6,400 by default),
 *  so a transaction takes at most this many. Two keys on one lock only serialise a little more. */
const LOCK_BUCKETS = 4096;

/**
 * Puts items into stories: each joins the best-matching live story in the window, starts a new one, or merges
 * the stories it bridges. Same outcome as one item at a time in published order; an item already in a story
 * stays there. Answers in the given order; a story id is the item's story once the whole batch is placed.
 */
export async function assignStories(db: Db, itemIds: readonly number[], now: Date, opts: ClusterOptions = {}): Promise<Assignment[]> {
  const ids = [...new Set(itemIds)];
  const out = new Map<number, Assignment>();
  const loaded = new Map((await clusterItemRows(db, ids)).map((r) => [Number(r.id), r]));
  const todo: (BatchItem & { itemId: number })[] = [];
  for (const id of ids) {
    const r = loaded.get(id);
    if (!r) throw new Error(`stories: item ${id} does not exist; store it (items) before clustering it`);
    if (r.story_id !== null) out.set(id, { kind: 'kept', storyId: Number(r.story_id) });
    else {
      const sig = signature({ title: r.title, summary: r.summary ?? undefined, body: r.body ?? undefined, url: r.url ?? undefined });
      todo.push({ itemId: id, id: String(id), t: new Date(r.t).getTime(), sig, keys: bandKeys(sig) });
    }
  }
  if (todo.length > 0) {
    await laneOf(db)(() => db.tx(async (t) => {
      // Sorted, so workers locking overlapping sets cannot deadlock.
      await lockBands(t, [...new Set(todo.flatMap((x) => x.keys).map((k) => hash32(k) % LOCK_BUCKETS))].sort((a, b) => a - b));
      const current = await lockItemStories(t, todo.map((x) => x.itemId));
      const open = todo.filter((x) => {
        if (!current.has(x.itemId)) throw new Error(`stories: item ${x.itemId} disappeared while clustering; retry the job`);
        const story = current.get(x.itemId);
        if (story !== null && story !== undefined) out.set(x.itemId, { kind: 'kept', storyId: story });
        return story === null;
      });
      if (open.length === 0) return;
      const windowMs = (opts.windowHours ?? WINDOW_HOURS) * 3_600_000;
      const found = await findCandidates(t, open, { windowMs, keyScanLimit: KEY_SCAN_LIMIT, candidateLimit: CANDIDATE_LIMIT });
      const placed = open.map((x) => ({ ...x, ...found.per.get(x.itemId)! }));
      const plan = placeBatch(placed, found.stored, opts);
      for (const [id, a] of await applyPlan(t, plan, placed, now)) out.set(id, a);
    }));
  }
  return itemIds.map((id) => out.get(id)!);
}

/** Writes a plan: story ids for new stories, stored stories locked (and followed if merged meanwhile), then
 *  one statement for every row and one refresh of every touched story. Answers per item. */
async function applyPlan(db: Db, plan: BatchPlan, items: readonly BatchItem[], now: Date): Promise<Map<number, Assignment>> {
  const changing = new Set<number>();
  for (const p of plan.placements) if (plan.stories[p.home]!.stored !== undefined) changing.add(Number(plan.stories[p.home]!.stored));
  for (const s of plan.stories) if (s.stored !== undefined && s.into !== undefined) changing.add(Number(s.stored));
  const live = await lockLive(db, [...changing]);
  const fresh = plan.stories.flatMap((s, slot) => (s.stored === undefined ? [slot] : []));
  const made = await newStoryIds(db, fresh.length);
  const ids = new Map<number, number>(fresh.map((slot, k) => [slot, made[k]!]));
  plan.stories.forEach((s, slot) => {
    if (s.stored !== undefined) ids.set(slot, live.get(Number(s.stored)) ?? Number(s.stored));
  });
  const idOf = (slot: number) => ids.get(slot)!;

  const keys = new Map(items.map((x) => [x.id, x]));
  const bands = new Set<string>();
  const w: Required<StoryWrites> = { fresh: [], placed: [], bands: [], folds: [], decisions: [] };
  for (const slot of fresh) {
    const s = plan.stories[slot]!;
    w.fresh.push({ id: idOf(slot), first: new Date(s.firstMs), into: s.into === undefined ? null : idOf(s.into) });
  }
  for (const p of plan.placements) {
    const item = keys.get(p.itemId)!;
    w.placed.push({ item: Number(p.itemId), home: idOf(p.home), sig: JSON.stringify(item.sig) });
    for (const k of item.keys) {
      if (bands.has(`${p.home}\u0000${k}`)) continue;
      bands.add(`${p.home}\u0000${k}`);
      w.bands.push({ story: idOf(p.home), key: k });
    }
  }
  plan.stories.forEach((s, slot) => {
    if (s.stored !== undefined && s.into !== undefined && idOf(slot) !== idOf(s.into)) w.folds.push({ other: idOf(slot), target: idOf(s.into) });
  });
  const merged = new Map<string, number[]>();
  for (const m of plan.merges) {
    if (idOf(m.into) === idOf(m.other)) continue;
    w.decisions.push({ story: idOf(m.into), other: idOf(m.other), actor: null, note: `item ${m.itemId} bridged them (score ${m.score.toFixed(2)})` });
    merged.set(m.itemId, [...(merged.get(m.itemId) ?? []), idOf(m.other)]);
  }
  await writePlan(db, w, now);
  await refreshStories(db, plan.placements.map((p) => idOf(p.home)), now);

  const out = new Map<number, Assignment>();
  for (const p of plan.placements) {
    const storyId = idOf(p.home);
    const folded = merged.get(p.itemId);
    out.set(
      Number(p.itemId),
      p.kind === 'new' ? { kind: 'new', storyId }
        : folded ? { kind: 'merge', storyId, merged: folded, score: p.score! }
        : { kind: 'join', storyId, score: p.score! },
    );
  }
  return out;
}
