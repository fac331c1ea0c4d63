// All SQL about stories: putting items into stories (candidates by band key, the pure `placeBatch` decides,
// one transaction applies), the story's derived state, "is this story new?", and editors' split and merge.
// Concurrency: items sharing a band key serialise on advisory locks of those keys (PGlite has them too), so
// two workers clustering two copies at once see each other's story instead of making two; story rows are
// locked in id order before they change, and a story merged meanwhile is followed to the one it went into.
import { hash32 } from '../pipeline/cluster/minhash.ts';
import {
  type BatchItem,
  type BatchPlan,
  CANDIDATE_LIMIT,
  type ClusterOptions,
  KEY_SCAN_LIMIT,
  type Signature,
  type StoredStory,
  WINDOW_HOURS,
  bandKeys,
  placeBatch,
  signature,
} from '../pipeline/cluster.ts';
import { TIER_PRIORITY, pickHeadline, sourceTier } from '../pipeline/headline.ts';
import { audit } from './audit.ts';
import type { Db } from './db.ts';

/** Advisory-lock class for band keys (the two-int form: never collides with single-key locks). */
const LOCK_CLASS = 5005;
/** An item's time: its feed date, unless the feed claims a time after we fetched it. */
const ITEM_TIME = 'least(i.published_at, i.fetched_at)';

export type Assignment =
  | { kind: 'kept'; storyId: number }
  | { kind: 'new'; storyId: number }
  | { kind: 'join'; storyId: number; score: number }
  | { kind: 'merge'; storyId: number; merged: number[]; score: number };

export interface StoryState {
  id: number;
  headlineItemId: number | null;
  headlineOverride: number | null;
  headline: string | null;
  topics: string[];
  firstSeen: Date;
  lastSeen: Date;
  lastUpdated: Date;
  createdAt: Date;
  sourceCount: number;
  itemCount: number;
}

interface ItemRow {
  id: number;
  title: string;
  summary: string | null;
  body: string | null;
  t: Date;
  story_id: number | null;
}

const loadItems = (db: Db, ids: readonly number[], lock = false) =>
  db.query<ItemRow>(
    `SELECT i.id, i.title, i.summary_html AS summary, coalesce(i.body_text, i.content_html) AS body, ${ITEM_TIME} AS t, i.story_id
     FROM items i WHERE i.id = ANY($1::bigint[]) ORDER BY i.id${lock ? ' FOR UPDATE' : ''}`,
    [ids],
  );
const loadItem = async (db: Db, id: number, lock = false) => (await loadItems(db, [id], lock))[0];

const itemSignature = (r: ItemRow): Signature => signature({ title: r.title, summary: r.summary ?? undefined, body: r.body ?? undefined });

/**
 * Puts an item into a story: joins the best-matching live story in the window, starts a new one, or merges
 * the stories it bridges. Idempotent: an item already in a story stays there. The one-item case of
 * assignStories.
 */
export async function assignStory(db: Db, itemId: number, now: Date, opts: ClusterOptions = {}): Promise<Assignment> {
  return (await assignStories(db, [itemId], now, opts))[0]!;
}

/**
 * Puts a batch of items (a poll's inline batch) into stories in ONE transaction with a constant number of
 * statements: locks on the union of their band keys, one candidate query, the pure placeBatch (items of the
 * batch can join each other's new stories), one write of the plan, one refresh of every touched story.
 * Same outcome as assignStory item by item in published order; idempotent (an item with a story is kept).
 * Run after tagging (a story's topics are the union of its items' item_topics). Answers in the given order;
 * a story id is the item's story once the whole batch is placed.
 */
export async function assignStories(db: Db, itemIds: readonly number[], now: Date, opts: ClusterOptions = {}): Promise<Assignment[]> {
  const ids = [...new Set(itemIds)];
  const out = new Map<number, Assignment>();
  const loaded = new Map((await loadItems(db, ids)).map((r) => [Number(r.id), r]));
  const todo: (BatchItem & { itemId: number })[] = [];
  for (const id of ids) {
    const r = loaded.get(id);
    if (!r) throw new Error(`stories: item ${id} does not exist; store it (items) before clustering it`);
    if (r.story_id !== null) out.set(id, { kind: 'kept', storyId: Number(r.story_id) });
    else {
      const sig = itemSignature(r);
      todo.push({ itemId: id, id: String(id), t: new Date(r.t).getTime(), sig, keys: bandKeys(sig) });
    }
  }
  if (todo.length > 0) {
    await db.tx(async (t) => {
      await lockKeys(t, todo.flatMap((x) => x.keys));
      const current = new Map((await t.query<{ id: number; story_id: number | null }>(
        'SELECT id, story_id FROM items WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE',
        [todo.map((x) => x.itemId)],
      )).map((r) => [Number(r.id), r.story_id]));
      const open = todo.filter((x) => {
        if (!current.has(x.itemId)) throw new Error(`stories: item ${x.itemId} disappeared while clustering; retry the job`);
        const story = current.get(x.itemId);
        if (story !== null && story !== undefined) out.set(x.itemId, { kind: 'kept', storyId: Number(story) });
        return story === null;
      });
      if (open.length === 0) return;
      const windowMs = (opts.windowHours ?? WINDOW_HOURS) * 3_600_000;
      const found = await findCandidates(t, open, windowMs);
      const plan = placeBatch(found.items, found.stored, opts);
      for (const [id, a] of await applyPlan(t, plan, found.items, now)) out.set(id, a);
    });
  }
  return itemIds.map((id) => out.get(id)!);
}

/** Band keys share this many advisory locks: a batch of 50 items has ~1,900 keys, and each lock held is an
 *  entry in PostgreSQL's shared lock table (max_locks_per_transaction x max_connections, 6,400 by default),
 *  so a transaction takes at most this many. Two keys on one lock only serialise a little more. */
const LOCK_BUCKETS = 4096;

/** Advisory locks on band keys, in sorted order (no deadlock between workers locking overlapping sets). */
async function lockKeys(db: Db, keys: readonly string[]): Promise<void> {
  const locks = [...new Set(keys.map((k) => hash32(k) % LOCK_BUCKETS))].sort((a, b) => a - b);
  await db.query(`SELECT pg_advisory_xact_lock(${LOCK_CLASS}, k) FROM unnest($1::int4[]) AS k`, [locks]);
}

interface CandidateRow {
  id: number;
  items: number[];
  first_seen: Date;
  last_seen: Date;
  split_items: number[];
  apart: number[];
  first_item: number | null;
  first_sig: Signature | null;
  last_item: number | null;
  last_sig: Signature | null;
}

/**
 * Candidate stories for every item of the batch, in ONE query: live stories sharing keys with the item whose
 * latest item is within ± window of it, ranked by shared keys (CANDIDATE_LIMIT per item). A key counts only
 * its newest KEY_SCAN_LIMIT stories (index story_bands_key_story): a frequent title word filed under thousands
 * of stories made each lookup scan and group them all. Stories an item was split out of (followed through
 * later merges) are not its candidates. Each story comes with its representatives (first and latest item:
 * more let a story drift, docs/stories.md), the batch items split out of it, and the stories it is kept apart
 * from: split apart by an editor, or left by one of its items.
 */
async function findCandidates<T extends BatchItem & { itemId: number }>(db: Db, items: readonly T[], windowMs: number): Promise<{ stored: StoredStory[]; items: T[] }> {
  const rowItem: number[] = [];
  const rowTime: string[] = [];
  const rowKey: string[] = [];
  for (const x of items) {
    for (const k of x.keys) {
      rowItem.push(x.itemId);
      rowTime.push(new Date(x.t).toISOString());
      rowKey.push(k);
    }
  }
  const rows = await db.query<CandidateRow>(
    `WITH RECURSIVE
     wanted(item, t, key) AS (SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[])),
     split_from(item, id) AS (
       SELECT item_id, story_id FROM story_decisions WHERE kind = 'split' AND item_id = ANY($4::bigint[])
       UNION SELECT a.item, s.merged_into FROM split_from a JOIN stories s ON s.id = a.id WHERE s.merged_into IS NOT NULL),
     filed(key, story_id) AS MATERIALIZED (
       SELECT k.key, b.story_id FROM (SELECT DISTINCT key FROM wanted) k
       CROSS JOIN LATERAL (SELECT story_id FROM story_bands WHERE band_key = k.key ORDER BY story_id DESC LIMIT $6) b),
     hits AS (
       SELECT w.item, f.story_id, count(*) AS n FROM wanted w JOIN filed f ON f.key = w.key JOIN stories s ON s.id = f.story_id
       WHERE s.merged_into IS NULL AND s.last_seen BETWEEN w.t - $5 * interval '1 millisecond' AND w.t + $5 * interval '1 millisecond'
         AND NOT EXISTS (SELECT 1 FROM split_from a WHERE a.item = w.item AND a.id = f.story_id)
       GROUP BY w.item, f.story_id),
     found AS (
       SELECT story_id AS id, array_agg(item ORDER BY item) AS items FROM (
         SELECT item, story_id, row_number() OVER (PARTITION BY item ORDER BY n DESC, story_id DESC) AS r FROM hits) x
       WHERE r <= $7 GROUP BY story_id),
     chain(orig, id, next) AS (
       SELECT s.id, s.id, s.merged_into FROM stories s
       WHERE s.id IN (SELECT story_id FROM story_decisions WHERE kind = 'split' UNION SELECT other_story_id FROM story_decisions WHERE kind = 'split')
       UNION ALL SELECT c.orig, s.id, s.merged_into FROM chain c JOIN stories s ON s.id = c.next),
     pairs(a, b) AS (
       SELECT x.id, y.id FROM story_decisions d
       JOIN chain x ON x.orig = d.story_id AND x.next IS NULL JOIN chain y ON y.orig = d.other_story_id AND y.next IS NULL
       WHERE d.kind = 'split')
     SELECT f.id, f.items, s.first_seen, s.last_seen,
       ARRAY(SELECT a.item FROM split_from a WHERE a.id = f.id) AS split_items,
       ARRAY(SELECT b FROM pairs WHERE a = f.id UNION SELECT a FROM pairs WHERE b = f.id
             UNION SELECT c.id FROM story_decisions d JOIN items i ON i.id = d.item_id JOIN chain c ON c.orig = d.story_id AND c.next IS NULL
             WHERE d.kind = 'split' AND i.story_id = f.id) AS apart,
       r1.id AS first_item, r1.sig AS first_sig, r2.id AS last_item, r2.sig AS last_sig
     FROM found f JOIN stories s ON s.id = f.id
     LEFT JOIN LATERAL (SELECT i.id, g.sig FROM items i JOIN item_signatures g ON g.item_id = i.id
                        WHERE i.story_id = f.id ORDER BY ${ITEM_TIME}, i.id LIMIT 1) r1 ON true
     LEFT JOIN LATERAL (SELECT i.id, g.sig FROM items i JOIN item_signatures g ON g.item_id = i.id
                        WHERE i.story_id = f.id ORDER BY ${ITEM_TIME} DESC, i.id DESC LIMIT 1) r2 ON true`,
    [rowItem, rowTime, rowKey, items.map((x) => x.itemId), windowMs, KEY_SCAN_LIMIT, CANDIDATE_LIMIT],
  );
  const stored: StoredStory[] = [];
  const per = new Map<number, { candidates: string[]; splitFrom: string[] }>(items.map((x) => [x.itemId, { candidates: [], splitFrom: [] }]));
  for (const r of rows) {
    const id = String(r.id);
    const sigs: Signature[] = [];
    if (r.first_sig) sigs.push(r.first_sig);
    if (r.last_sig && r.last_item !== r.first_item) sigs.push(r.last_sig);
    stored.push({ id, firstSeen: new Date(r.first_seen).toISOString(), lastSeen: new Date(r.last_seen).toISOString(), sigs, apart: r.apart.map(String) });
    for (const item of r.items) per.get(Number(item))?.candidates.push(id);
    for (const item of r.split_items) per.get(Number(item))?.splitFrom.push(id);
  }
  return { stored, items: items.map((x) => ({ ...x, ...per.get(x.itemId)! })) };
}

/** Writes a plan: story ids for new stories, stored stories locked (and followed if merged meanwhile), then
 *  one statement for every row and one refresh of every touched story. Answers per item. */
async function applyPlan(db: Db, plan: BatchPlan, items: readonly BatchItem[], now: Date): Promise<Map<number, Assignment>> {
  const changing = new Set<number>();
  for (const p of plan.placements) if (plan.stories[p.home]!.stored !== undefined) changing.add(Number(plan.stories[p.home]!.stored));
  for (const s of plan.stories) if (s.stored !== undefined && s.into !== undefined) changing.add(Number(s.stored));
  const live = await lockLive(db, [...changing]);
  const fresh = plan.stories.flatMap((s, slot) => (s.stored === undefined ? [slot] : []));
  const made = fresh.length > 0
    ? (await db.query<{ id: number }>(`SELECT nextval(pg_get_serial_sequence('stories', 'id')) AS id FROM generate_series(1, $1::int)`, [fresh.length]))
        .map((r) => Number(r.id)).sort((a, b) => a - b)
    : [];
  const ids = new Map<number, number>(fresh.map((slot, k) => [slot, made[k]!]));
  plan.stories.forEach((s, slot) => {
    if (s.stored !== undefined) ids.set(slot, live.get(Number(s.stored)) ?? Number(s.stored));
  });
  const idOf = (slot: number) => ids.get(slot)!;

  const keys = new Map(items.map((x) => [x.id, x]));
  const bands = new Set<string>();
  const w: Writes = { fresh: [], placed: [], bands: [], folds: [], decisions: [] };
  for (const slot of fresh) {
    const s = plan.stories[slot]!;
    w.fresh!.push({ id: idOf(slot), first: new Date(s.firstMs), into: s.into === undefined ? null : idOf(s.into) });
  }
  for (const p of plan.placements) {
    const item = keys.get(p.itemId)!;
    w.placed!.push({ item: Number(p.itemId), home: idOf(p.home), sig: JSON.stringify(item.sig) });
    for (const k of item.keys) {
      if (bands.has(`${p.home}\u0000${k}`)) continue;
      bands.add(`${p.home}\u0000${k}`);
      w.bands!.push({ story: idOf(p.home), key: k });
    }
  }
  plan.stories.forEach((s, slot) => {
    if (s.stored !== undefined && s.into !== undefined && idOf(slot) !== idOf(s.into)) w.folds!.push({ other: idOf(slot), target: idOf(s.into) });
  });
  const merged = new Map<string, number[]>();
  for (const m of plan.merges) {
    if (idOf(m.into) === idOf(m.other)) continue;
    w.decisions!.push({ story: idOf(m.into), other: idOf(m.other), actor: null, note: `item ${m.itemId} bridged them (score ${m.score.toFixed(2)})` });
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

/** Story id -> the live story it now is (following merges). */
export async function resolve(db: Db, ids: number[]): Promise<Map<number, number>> {
  const rows = await db.query<{ orig: number; id: number }>(
    `WITH RECURSIVE chain(orig, id, next) AS (
       SELECT s.id, s.id, s.merged_into FROM stories s WHERE s.id = ANY($1::bigint[])
       UNION ALL SELECT c.orig, s.id, s.merged_into FROM chain c JOIN stories s ON s.id = c.next)
     SELECT orig, id FROM chain WHERE next IS NULL`,
    [ids],
  );
  return new Map(rows.map((r) => [Number(r.orig), Number(r.id)]));
}

async function lockStories(db: Db, ids: number[]): Promise<{ id: number; merged_into: number | null }[]> {
  return db.query('SELECT id, merged_into FROM stories WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE', [ids]);
}

/** Locks the stories in id order; one merged meanwhile (by another worker or an editor) is followed to the
 *  live story it went into, which is locked too. Story id -> live id. */
async function lockLive(db: Db, ids: number[]): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const rows = await lockStories(db, ids);
  if (rows.every((r) => r.merged_into === null)) return new Map(ids.map((id) => [id, id]));
  const live = await resolve(db, ids);
  await lockStories(db, [...new Set(live.values())]);
  return live;
}

async function fileKeys(db: Db, storyId: number, keys: string[]): Promise<void> {
  await db.query('INSERT INTO story_bands (story_id, band_key) SELECT $1, k FROM unnest($2::text[]) AS k ON CONFLICT DO NOTHING', [storyId, keys]);
}

/** Rows to write for a batch (or an editor's merge). */
interface Writes {
  /** New stories; `into` set for one folded within the same batch. */
  fresh?: { id: number; first: Date; into: number | null }[];
  /** Batch items into their (final) stories, with their signatures. */
  placed?: { item: number; home: number; sig: string }[];
  /** Keys filed under stories. */
  bands?: { story: number; key: string }[];
  /** Stored stories folded into another: items and keys move, the row stays, pointing at target. */
  folds?: { other: number; target: number }[];
  /** A 'merge' decision row per fold. */
  decisions?: { story: number; other: number; actor: string | null; note: string }[];
}

/** ONE statement for all of a plan's rows (data-modifying CTEs; foreign keys are checked at its end). */
async function writePlan(db: Db, w: Writes, now: Date): Promise<void> {
  const col = <T, K extends keyof T>(rows: T[] | undefined, k: K) => (rows ?? []).map((r) => r[k]);
  await db.query(
    `WITH
     made AS (
       INSERT INTO stories (id, first_seen, last_seen, last_updated, created_at, merged_into)
       SELECT x.id, x.t, x.t, $1::timestamptz, $1::timestamptz, x.m FROM unnest($2::bigint[], $3::timestamptz[], $4::bigint[]) AS x(id, t, m)),
     folds(other, target) AS (SELECT * FROM unnest($5::bigint[], $6::bigint[])),
     moved AS (UPDATE items i SET story_id = f.target FROM folds f WHERE i.story_id = f.other),
     placed AS (UPDATE items i SET story_id = p.home FROM unnest($7::bigint[], $8::bigint[]) AS p(item, home) WHERE i.id = p.item),
     signed AS (
       INSERT INTO item_signatures (item_id, sig, created_at) SELECT x.item, x.sig::jsonb, $1::timestamptz FROM unnest($7::bigint[], $9::text[]) AS x(item, sig)
       ON CONFLICT (item_id) DO UPDATE SET sig = excluded.sig),
     unfiled AS (DELETE FROM story_bands b USING folds f WHERE b.story_id = f.other),
     filed AS (
       INSERT INTO story_bands (story_id, band_key)
       SELECT DISTINCT k.story_id, k.band_key FROM (
         SELECT * FROM unnest($10::bigint[], $11::text[]) AS x(story_id, band_key)
         UNION ALL SELECT f.target, b.band_key FROM story_bands b JOIN folds f ON f.other = b.story_id) k
       ON CONFLICT DO NOTHING),
     folded AS (
       UPDATE stories s SET merged_into = f.target, item_count = 0, source_count = 0, last_updated = $1::timestamptz
       FROM folds f WHERE s.id = f.other OR s.merged_into = f.other),
     decided AS (
       INSERT INTO story_decisions (kind, story_id, other_story_id, actor, note, at)
       SELECT 'merge', d.s, d.o, d.a, d.n, $1::timestamptz FROM unnest($12::bigint[], $13::bigint[], $14::text[], $15::text[]) AS d(s, o, a, n))
     SELECT 1`,
    [
      now,
      col(w.fresh, 'id'), col(w.fresh, 'first').map((d) => d.toISOString()), col(w.fresh, 'into'),
      col(w.folds, 'other'), col(w.folds, 'target'),
      col(w.placed, 'item'), col(w.placed, 'home'), col(w.placed, 'sig'),
      col(w.bands, 'story'), col(w.bands, 'key'),
      col(w.decisions, 'story'), col(w.decisions, 'other'), col(w.decisions, 'actor'), col(w.decisions, 'note'),
    ],
  );
}

// The item's link, the source's name and its feed URL each say something about the outlet ("BBC News" is
// national, though its feed lives on feeds.bbci.co.uk): the strongest of the three counts.
const priority = (m: { url: string | null; name: string; feed: string }) =>
  Math.max(...[m.url ?? undefined, m.name, m.feed].map((s) => TIER_PRIORITY[sourceTier(s)]));

/** Recomputes a story's derived state from its items: counts, times, topics, headline. Call after tagging
 *  changes an item's topics; the clusterer and editors' actions call it themselves. */
export async function refreshStory(db: Db, storyId: number, now: Date): Promise<void> {
  await refreshStories(db, [storyId], now);
}

/** refreshStory for many stories: one read of their items (for the headline), one UPDATE of them all. */
export async function refreshStories(db: Db, storyIds: readonly number[], now: Date): Promise<void> {
  const ids = [...new Set(storyIds)];
  if (ids.length === 0) return;
  const members = await db.query<{ story: number; id: number; url: string | null; name: string; feed: string; published: Date | null; override: number | null }>(
    `SELECT i.story_id AS story, i.id, i.url, src.name, src.url AS feed, i.published_at AS published, s.headline_override AS override
     FROM items i JOIN sources src ON src.id = i.source_id JOIN stories s ON s.id = i.story_id WHERE i.story_id = ANY($1::bigint[])`,
    [ids],
  );
  const byStory = new Map<number, typeof members>();
  for (const m of members) {
    const list = byStory.get(Number(m.story));
    if (list) list.push(m);
    else byStory.set(Number(m.story), [m]);
  }
  const headlines = ids.map((id) => {
    const list = byStory.get(id);
    if (!list) return null;
    const override = list[0]!.override;
    if (override !== null && list.some((m) => m.id === override)) return override;
    return Number(pickHeadline(list.map((m) => ({ id: String(m.id), sourcePriority: priority(m), published: m.published ? new Date(m.published).toISOString() : undefined }))));
  });
  await db.query(
    `UPDATE stories s SET item_count = a.n, source_count = a.sources, first_seen = coalesce(a.first, s.first_seen),
       last_seen = coalesce(a.last, s.last_seen), last_updated = $3, headline_item_id = coalesce(x.headline, s.headline_item_id),
       topics = coalesce((SELECT array_agg(DISTINCT t.topic ORDER BY t.topic) FROM item_topics t JOIN items i ON i.id = t.item_id
                          WHERE i.story_id = s.id), '{}')
     FROM unnest($1::bigint[], $2::bigint[]) AS x(id, headline)
     CROSS JOIN LATERAL (SELECT count(*)::int AS n, count(DISTINCT i.source_id)::int AS sources, min(${ITEM_TIME}) AS first, max(${ITEM_TIME}) AS last
                         FROM items i WHERE i.story_id = x.id) a
     WHERE s.id = x.id`,
    [ids, headlines, now],
  );
}

const STATE = `SELECT s.id, s.headline_item_id, s.headline_override, h.title AS headline, s.topics, s.first_seen, s.last_seen,
  s.last_updated, s.created_at, s.source_count, s.item_count FROM stories s LEFT JOIN items h ON h.id = s.headline_item_id`;

interface StateRow {
  id: number;
  headline_item_id: number | null;
  headline_override: number | null;
  headline: string | null;
  topics: string[];
  first_seen: Date;
  last_seen: Date;
  last_updated: Date;
  created_at: Date;
  source_count: number;
  item_count: number;
}

const toState = (r: StateRow): StoryState => ({
  id: Number(r.id),
  headlineItemId: r.headline_item_id === null ? null : Number(r.headline_item_id),
  headlineOverride: r.headline_override === null ? null : Number(r.headline_override),
  headline: r.headline,
  topics: r.topics,
  firstSeen: new Date(r.first_seen),
  lastSeen: new Date(r.last_seen),
  lastUpdated: new Date(r.last_updated),
  createdAt: new Date(r.created_at),
  sourceCount: r.source_count,
  itemCount: r.item_count,
});

/** The live story an id leads to (a merged story's id leads to the story it went into); undefined if none. */
export async function storyState(db: Db, id: number): Promise<StoryState | undefined> {
  const live = (await resolve(db, [id])).get(id);
  if (live === undefined) return undefined;
  const [row] = await db.query<StateRow>(`${STATE} WHERE s.id = $1`, [live]);
  return row && toState(row);
}

/**
 * "Is this story new?" for drafts and digests: true when nothing of the story (followed through merges) was
 * published or fetched before `since`. A story that merely gained coverage since then is not new.
 */
export async function isNewStory(db: Db, storyId: number, opts: { since: Date }): Promise<boolean> {
  const s = await storyState(db, storyId);
  if (!s) throw new Error(`stories: story ${storyId} does not exist; pass a story id from items.story_id`);
  return s.firstSeen.getTime() >= opts.since.getTime();
}

export interface EditorAction {
  /** The editor's email, kept in story_decisions. */
  actor: string;
  /** The editor's user id for the audit log (null from the CLI). */
  userId: number | null;
  now: Date;
  note?: string;
}

/**
 * An editor moves an item out of its story into a story of its own. Kept: the clusterer never puts the item
 * back, nor merges the two stories; an editor's merge can still join them.
 */
export async function splitItem(db: Db, itemId: number, act: EditorAction, fromStory?: number): Promise<number> {
  return db.tx(async (t) => {
    const item = await loadItem(t, itemId, true);
    if (!item) throw new Error(`stories: item ${itemId} does not exist; check the id on the story page`);
    if (item.story_id === null) throw new Error(`stories: item ${itemId} is in no story yet; wait for clustering`);
    if (fromStory !== undefined && item.story_id !== fromStory) {
      throw new Error(`stories: item ${itemId} is no longer in story ${fromStory} (now ${item.story_id}); reload the page`);
    }
    const from = item.story_id;
    await lockStories(t, [from]);
    const [{ n }] = (await t.query<{ n: number }>('SELECT count(*)::int AS n FROM items WHERE story_id = $1', [from])) as [{ n: number }];
    if (n < 2) throw new Error(`stories: item ${itemId} is the only item of story ${from}; there is nothing to split it from`);
    const [row] = await t.query<{ id: number }>(
      'INSERT INTO stories (first_seen, last_seen, last_updated, created_at) VALUES ($1, $1, $2, $2) RETURNING id',
      [new Date(item.t), act.now],
    );
    const to = row!.id;
    await t.query('UPDATE items SET story_id = $2 WHERE id = $1', [itemId, to]);
    await fileKeys(t, to, bandKeys(itemSignature(item)));
    await t.query(
      `INSERT INTO story_decisions (kind, story_id, other_story_id, item_id, actor, note, at) VALUES ('split', $1, $2, $3, $4, $5, $6)`,
      [from, to, itemId, act.actor, act.note ?? null, act.now],
    );
    await audit(t, { userId: act.userId, action: 'story.split', objectType: 'story', objectId: from, detail: { item: itemId, to, note: act.note }, at: act.now });
    await refreshStories(t, [from, to], act.now);
    return to;
  });
}

/** An editor merges story `from` into story `into` (both followed through earlier merges). */
export async function mergeStories(db: Db, into: number, from: number, act: EditorAction): Promise<number> {
  return db.tx(async (t) => {
    const live = await resolve(t, [into, from]);
    const a = live.get(into);
    const b = live.get(from);
    if (a === undefined || b === undefined) throw new Error(`stories: story ${a === undefined ? into : from} does not exist; check the id`);
    if (a === b) return a;
    await lockStories(t, [a, b]);
    await writePlan(t, { folds: [{ other: b, target: a }], decisions: [{ story: a, other: b, actor: act.actor, note: act.note ?? 'merged by an editor' }] }, act.now);
    await audit(t, { userId: act.userId, action: 'story.merged', objectType: 'story', objectId: a, detail: { from: b, note: act.note }, at: act.now });
    await refreshStory(t, a, act.now);
    return a;
  });
}

/** An editor picks the headline item (null: back to the source priority). */
export async function setHeadline(db: Db, storyId: number, itemId: number | null, act: EditorAction): Promise<void> {
  await db.tx(async (t) => {
    if (itemId !== null) {
      const [row] = await t.query<{ n: number }>('SELECT count(*)::int AS n FROM items WHERE id = $1 AND story_id = $2', [itemId, storyId]);
      if (!row?.n) throw new Error(`stories: item ${itemId} is not in story ${storyId}; pick one of the story's items`);
    }
    await t.query('UPDATE stories SET headline_override = $2 WHERE id = $1', [storyId, itemId]);
    await t.query(
      `INSERT INTO story_decisions (kind, story_id, item_id, actor, note, at) VALUES ('headline', $1, $2, $3, $4, $5)`,
      [storyId, itemId, act.actor, act.note ?? null, act.now],
    );
    await audit(t, { userId: act.userId, action: 'story.headline_set', objectType: 'story', objectId: storyId, detail: { item: itemId }, at: act.now });
    await refreshStory(t, storyId, act.now);
  });
}
