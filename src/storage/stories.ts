// All SQL about stories: the reads and writes that put items into stories (services/cluster-items.ts
// decides with the pure pipeline in between), a story's derived state, "is this story new?", and the rows of
// editors' split and merge. Concurrency: items sharing a band key serialise on advisory locks of those keys
// (PGlite has them too), so two workers clustering two copies at once see each other's story instead of
// making two; story rows are locked in id order before they change, and a story merged meanwhile is followed
// to the one it went into.
import type { EditorAction, Signature, StoredStory } from '../domain/stories.ts';
import { audit } from './audit.ts';
import type { Db } from './db.ts';

export type { Assignment, EditorAction } from '../domain/stories.ts';

/** Advisory-lock class for band keys (the two-int form: never collides with single-key locks). */
const LOCK_CLASS = 5005;
/** An item's time: its feed date, unless the feed claims a time after we fetched it. */
const ITEM_TIME = 'least(i.published_at, i.fetched_at)';

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

/** An item as clustering reads it. */
export interface ClusterItemRow {
  id: number;
  title: string;
  summary: string | null;
  body: string | null;
  url: string | null;
  t: Date;
  story_id: number | null;
}

/** Items to cluster, oldest id first; `lock` takes their row locks (an editor's split). */
export const clusterItemRows = (db: Db, ids: readonly number[], lock = false) =>
  db.query<ClusterItemRow>(
    `SELECT i.id, i.title, i.summary_html AS summary, coalesce(i.body_text, i.content_html) AS body, i.url, ${ITEM_TIME} AS t, i.story_id
     FROM items i WHERE i.id = ANY($1::bigint[]) ORDER BY i.id${lock ? ' FOR UPDATE' : ''}`,
    [ids],
  );
/** Row-locks the items and answers each one's story (null: in none yet). */
export async function lockItemStories(db: Db, ids: readonly number[]): Promise<Map<number, number | null>> {
  const rows = await db.query<{ id: number; story_id: number | null }>('SELECT id, story_id FROM items WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE', [ids]);
  return new Map(rows.map((r) => [Number(r.id), r.story_id === null ? null : Number(r.story_id)]));
}

/** Advisory locks (class LOCK_CLASS) on the given band-key buckets, which the caller sorts: workers that lock
 *  overlapping sets in the same order cannot deadlock. */
export async function lockBands(db: Db, buckets: readonly number[]): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(${LOCK_CLASS}, k) FROM unnest($1::int4[]) AS k`, [buckets]);
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
 * its newest KEY_SCAN_LIMIT stories (story_bands' primary key, over the key's hash): a frequent title word filed under thousands
 * of stories made each lookup scan and group them all. Stories an item was split out of (followed through
 * later merges) are not its candidates. Each story comes with its representatives (first and latest item:
 * more let a story drift, docs/stories.md), the batch items split out of it, and the stories it is kept apart
 * from: split apart by an editor, or left by one of its items.
 */
export async function findCandidates(
  db: Db,
  items: readonly { itemId: number; t: number; keys: readonly string[] }[],
  q: { windowMs: number; keyScanLimit: number; candidateLimit: number },
): Promise<{ stored: StoredStory[]; per: Map<number, { candidates: string[]; splitFrom: string[] }> }> {
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
     wanted(item, t, key) AS (SELECT x.item, x.t, hashtextextended(x.key, 0) FROM unnest($1::bigint[], $2::timestamptz[], $3::text[]) AS x(item, t, key)),
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
    [rowItem, rowTime, rowKey, items.map((x) => x.itemId), q.windowMs, q.keyScanLimit, q.candidateLimit],
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
  return { stored, per };
}

/** `n` fresh story ids, ascending (the oldest new story wins a merge within a batch). */
export async function newStoryIds(db: Db, n: number): Promise<number[]> {
  if (n === 0) return [];
  const rows = await db.query<{ id: number }>(`SELECT nextval(pg_get_serial_sequence('stories', 'id')) AS id FROM generate_series(1, $1::int)`, [n]);
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

/** The merge chain of the stories whose ids are $1 (bigint[]): `chain(orig, id, next)`, where `next IS NULL`
 *  marks the live story `orig` leads to. A query prefix, for reads that follow merges in the same statement. */
export const MERGE_CHAIN = `WITH RECURSIVE chain(orig, id, next) AS (
       SELECT s.id, s.id, s.merged_into FROM stories s WHERE s.id = ANY($1::bigint[])
       UNION ALL SELECT c.orig, s.id, s.merged_into FROM chain c JOIN stories s ON s.id = c.next)`;

/** Story id -> the live story it now is (following merges). */
export async function resolve(db: Db, ids: number[]): Promise<Map<number, number>> {
  const rows = await db.query<{ orig: number; id: number }>(
    `${MERGE_CHAIN}
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
export async function lockLive(db: Db, ids: number[]): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const rows = await lockStories(db, ids);
  if (rows.every((r) => r.merged_into === null)) return new Map(ids.map((id) => [id, id]));
  const live = await resolve(db, ids);
  await lockStories(db, [...new Set(live.values())]);
  return live;
}

/** Rows to write for a batch (or an editor's merge). */
export interface StoryWrites {
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

/** ONE statement for all of a plan's rows (data-modifying CTEs; foreign keys are checked at its end). The folded
 *  stories' items are found through `= ANY` of their ids, which uses items_story: joined to the CTE alone,
 *  the planner scanned all of items for every batch with a merge. */
export async function writePlan(db: Db, w: StoryWrites, now: Date): Promise<void> {
  const col = <T, K extends keyof T>(rows: T[] | undefined, k: K) => (rows ?? []).map((r) => r[k]);
  await db.query(
    `WITH
     made AS (
       INSERT INTO stories (id, first_seen, last_seen, last_updated, created_at, merged_into)
       SELECT x.id, x.t, x.t, $1::timestamptz, $1::timestamptz, x.m FROM unnest($2::bigint[], $3::timestamptz[], $4::bigint[]) AS x(id, t, m)),
     folds(other, target) AS (SELECT * FROM unnest($5::bigint[], $6::bigint[])),
     moved AS (UPDATE items i SET story_id = f.target FROM folds f WHERE i.story_id = f.other AND i.story_id = ANY($5::bigint[])),
     placed AS (UPDATE items i SET story_id = p.home FROM unnest($7::bigint[], $8::bigint[]) AS p(item, home) WHERE i.id = p.item),
     signed AS (
       INSERT INTO item_signatures (item_id, sig, created_at) SELECT x.item, x.sig::jsonb, $1::timestamptz FROM unnest($7::bigint[], $9::text[]) AS x(item, sig)
       ON CONFLICT (item_id) DO UPDATE SET sig = excluded.sig),
     unfiled AS (DELETE FROM story_bands b USING folds f WHERE b.story_id = f.other),
     filed AS (
       INSERT INTO story_bands (story_id, band_key)
       SELECT DISTINCT k.story_id, k.band_key FROM (
         SELECT x.story_id, hashtextextended(x.key, 0) AS band_key FROM unnest($10::bigint[], $11::text[]) AS x(story_id, key)
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

/** An item of a story as the headline choice reads it. */
export interface StoryMember {
  story: number;
  id: number;
  url: string | null;
  name: string;
  feed: string;
  published: Date | null;
  override: number | null;
}

/** The items of the given stories, with their sources and the stories' headline overrides. */
export function storyMembers(db: Db, storyIds: readonly number[]): Promise<StoryMember[]> {
  return db.query<StoryMember>(
    `SELECT i.story_id AS story, i.id, i.url, src.name, src.url AS feed, i.published_at AS published, s.headline_override AS override
     FROM items i JOIN sources src ON src.id = i.source_id JOIN stories s ON s.id = i.story_id WHERE i.story_id = ANY($1::bigint[])`,
    [storyIds],
  );
}

/** Recomputes the stories' counts, times and topics from their items, and sets their headline items (null:
 *  keep the current one). A topic a story carries for the first time is recorded with `now` in
 *  story_topics_seen: the digests' clock. Topics are read by item id (the pkey of item_topics): joined on
 *  items.story_id, a stale estimate of a story's size made PostgreSQL hash all of item_topics once per story
 *  (~1.7 ms a story at 50,000 items, growing with the table). */
export async function saveStoryState(db: Db, storyIds: readonly number[], headlines: readonly (number | null)[], now: Date): Promise<void> {
  await db.query(
    `WITH u AS (UPDATE stories s SET item_count = a.n, source_count = a.sources, first_seen = coalesce(a.first, s.first_seen),
       last_seen = coalesce(a.last, s.last_seen), last_updated = $3, headline_item_id = coalesce(x.headline, s.headline_item_id),
       topics = coalesce((SELECT array_agg(DISTINCT t.topic ORDER BY t.topic) FROM item_topics t
                          WHERE t.item_id = ANY(ARRAY(SELECT i.id FROM items i WHERE i.story_id = s.id))), '{}')
     FROM unnest($1::bigint[], $2::bigint[]) AS x(id, headline)
     CROSS JOIN LATERAL (SELECT count(*)::int AS n, count(DISTINCT i.source_id)::int AS sources, min(${ITEM_TIME}) AS first, max(${ITEM_TIME}) AS last
                         FROM items i WHERE i.story_id = x.id) a
     WHERE s.id = x.id RETURNING s.id, s.topics)
     INSERT INTO story_topics_seen (story_id, topic, first_at) SELECT u.id, t, $3 FROM u CROSS JOIN LATERAL unnest(u.topics) AS t
     ON CONFLICT DO NOTHING`,
    [storyIds, headlines, now],
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

/**
 * The rows of an editor's split (inside the caller's transaction, the item locked by clusterItemRows): the
 * item moves from its story into a new one filed under `keys`, and the decision is kept, so the clusterer
 * never puts it back nor merges the two stories. Answers the new story's id.
 */
export async function splitOut(db: Db, x: { item: ClusterItemRow; keys: readonly string[]; act: EditorAction }): Promise<number> {
  const { item, act } = x;
  const from = Number(item.story_id);
  await lockStories(db, [from]);
  const [{ n }] = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM items WHERE story_id = $1', [from])) as [{ n: number }];
  if (n < 2) throw new Error(`stories: item ${item.id} is the only item of story ${from}; there is nothing to split it from`);
  const [row] = await db.query<{ id: number }>(
    'INSERT INTO stories (first_seen, last_seen, last_updated, created_at) VALUES ($1, $1, $2, $2) RETURNING id',
    [new Date(item.t), act.now],
  );
  const to = Number(row!.id);
  await db.query('UPDATE items SET story_id = $2 WHERE id = $1', [item.id, to]);
  await db.query('INSERT INTO story_bands (story_id, band_key) SELECT $1, hashtextextended(k, 0) FROM unnest($2::text[]) AS k ON CONFLICT DO NOTHING', [to, x.keys]);
  await db.query(
    `INSERT INTO story_decisions (kind, story_id, other_story_id, item_id, actor, note, at) VALUES ('split', $1, $2, $3, $4, $5, $6)`,
    [from, to, item.id, act.actor, act.note ?? null, act.now],
  );
  await audit(db, { userId: act.userId, action: 'story.split', objectType: 'story', objectId: from, detail: { item: item.id, to, note: act.note }, at: act.now });
  return to;
}

/** The rows of an editor's merge of story `from` into `into` (both followed through earlier merges), inside
 *  the caller's transaction. Answers the live story, or undefined when either does not exist. */
export async function mergeInto(db: Db, into: number, from: number, act: EditorAction): Promise<number | undefined> {
  const live = await resolve(db, [into, from]);
  const a = live.get(into);
  const b = live.get(from);
  if (a === undefined || b === undefined) return undefined;
  if (a === b) return a;
  await lockStories(db, [a, b]);
  await writePlan(db, { folds: [{ other: b, target: a }], decisions: [{ story: a, other: b, actor: act.actor, note: act.note ?? 'merged by an editor' }] }, act.now);
  await audit(db, { userId: act.userId, action: 'story.merged', objectType: 'story', objectId: a, detail: { from: b, note: act.note }, at: act.now });
  return a;
}

/** The rows of an editor's headline choice (null: back to the source priority), inside the caller's transaction. */
export async function saveHeadlineChoice(db: Db, storyId: number, itemId: number | null, act: EditorAction): Promise<void> {
  if (itemId !== null) {
    const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM items WHERE id = $1 AND story_id = $2', [itemId, storyId]);
    if (!row?.n) throw new Error(`stories: item ${itemId} is not in story ${storyId}; pick one of the story's items`);
  }
  await db.query('UPDATE stories SET headline_override = $2 WHERE id = $1', [storyId, itemId]);
  await db.query(
    `INSERT INTO story_decisions (kind, story_id, item_id, actor, note, at) VALUES ('headline', $1, $2, $3, $4, $5)`,
    [storyId, itemId, act.actor, act.note ?? null, act.now],
  );
  await audit(db, { userId: act.userId, action: 'story.headline_set', objectType: 'story', objectId: storyId, detail: { item: itemId }, at: act.now });
}

/** The stories the items are in (for a refresh after their topics changed). */
export async function storiesOfItems(db: Db, itemIds: readonly number[]): Promise<number[]> {
  if (itemIds.length === 0) return [];
  const rows = await db.query<{ story_id: unknown }>('SELECT DISTINCT story_id FROM items WHERE id = ANY($1::bigint[]) AND story_id IS NOT NULL', [itemIds]);
  return rows.map((r) => Number(r.story_id));
}
