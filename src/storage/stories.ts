// All SQL about stories: putting an item into a story (candidates by band key, the pure `cluster` decides,
// one transaction applies), the story's derived state, "is this story new?", and editors' split and merge.
// Concurrency: items sharing a band key serialise on advisory locks of those keys (PGlite has them too), so
// two workers clustering two copies at once see each other's story instead of making two; story rows are
// locked in id order before they change, and a story merged meanwhile is followed to the one it went into.
import { hash32 } from '../pipeline/cluster/minhash.ts';
import { CANDIDATE_LIMIT, type ClusterOptions, type Signature, type StoryCandidate, WINDOW_HOURS, bandKeys, cluster, signature } from '../pipeline/cluster.ts';
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

const loadItem = async (db: Db, id: number, lock = false) =>
  (
    await db.query<ItemRow>(
      `SELECT i.id, i.title, i.summary_html AS summary, coalesce(i.body_text, i.content_html) AS body, ${ITEM_TIME} AS t, i.story_id
       FROM items i WHERE i.id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    )
  )[0];

const itemSignature = (r: ItemRow): Signature => signature({ title: r.title, summary: r.summary ?? undefined, body: r.body ?? undefined });

/**
 * Puts an item into a story: joins the best-matching live story in the window, starts a new one, or merges
 * the stories it bridges. Idempotent: an item already in a story stays there. Run after tagging (the story's
 * topics are the union of its items' item_topics).
 */
export async function assignStory(db: Db, itemId: number, now: Date, opts: ClusterOptions = {}): Promise<Assignment> {
  const first = await loadItem(db, itemId);
  if (!first) throw new Error(`stories: item ${itemId} does not exist; store it (items) before clustering it`);
  if (first.story_id !== null) return { kind: 'kept', storyId: first.story_id };
  const sig = itemSignature(first);
  const keys = bandKeys(sig);
  const locks = [...new Set(keys.map((k) => hash32(k) | 0))].sort((a, b) => a - b);
  return db.tx(async (t) => {
    await t.query(`SELECT pg_advisory_xact_lock(${LOCK_CLASS}, k) FROM unnest($1::int4[]) AS k`, [locks]);
    const item = await loadItem(t, itemId, true);
    if (!item) throw new Error(`stories: item ${itemId} disappeared while clustering; retry the job`);
    if (item.story_id !== null) return { kind: 'kept', storyId: item.story_id };
    const time = new Date(item.t);
    const windowMs = (opts.windowHours ?? WINDOW_HOURS) * 3_600_000;
    const candidates = await findCandidates(t, itemId, keys, time, windowMs);
    const d = cluster({ id: String(itemId), published: time.getTime(), sig }, candidates, opts);

    let target: number;
    let result: Assignment;
    if (d.kind === 'new') {
      const [row] = await t.query<{ id: number }>(
        'INSERT INTO stories (first_seen, last_seen, last_updated, created_at) VALUES ($1, $1, $2, $2) RETURNING id',
        [time, now],
      );
      target = row!.id;
      result = { kind: 'new', storyId: target };
    } else {
      const wanted = d.kind === 'join' ? [Number(d.storyId)] : await keepApart(t, d.storyIds.map(Number));
      const live = [...new Set((await resolve(t, wanted)).values())];
      await lockStories(t, live);
      target = Math.min(...live);
      const others = live.filter((id) => id !== target);
      if (others.length > 0) await fold(t, target, others, now, null, `item ${itemId} bridged them (score ${d.score.toFixed(2)})`);
      result = others.length > 0 ? { kind: 'merge', storyId: target, merged: others, score: d.score } : { kind: 'join', storyId: target, score: d.score };
    }
    await t.query('UPDATE items SET story_id = $2 WHERE id = $1', [itemId, target]);
    await t.query(
      'INSERT INTO item_signatures (item_id, sig, created_at) VALUES ($1, $2, $3) ON CONFLICT (item_id) DO UPDATE SET sig = excluded.sig',
      [itemId, JSON.stringify(sig), now],
    );
    await fileKeys(t, target, keys);
    await refreshStory(t, target, now);
    return result;
  });
}

/** Live stories sharing keys with the item, in the window, best first, with their representative signatures
 *  (first and latest item: more let a story drift, docs/stories.md). Stories the item was split out of are
 *  never candidates. One query. */
async function findCandidates(db: Db, itemId: number, keys: string[], time: Date, windowMs: number): Promise<StoryCandidate[]> {
  const rows = await db.query<{ id: number; last_seen: Date; sigs: Signature[] }>(
    `WITH RECURSIVE apart(id) AS (
       SELECT story_id FROM story_decisions WHERE kind = 'split' AND item_id = $1
       UNION SELECT s.merged_into FROM apart a JOIN stories s ON s.id = a.id WHERE s.merged_into IS NOT NULL),
     hits AS (
       SELECT b.story_id, count(*) AS n FROM story_bands b JOIN stories s ON s.id = b.story_id
       WHERE b.band_key = ANY($2::text[]) AND s.merged_into IS NULL AND s.last_seen BETWEEN $3 AND $4
         AND b.story_id NOT IN (SELECT id FROM apart)
       GROUP BY b.story_id ORDER BY n DESC, b.story_id DESC LIMIT $5)
     SELECT h.story_id AS id, s.last_seen, (SELECT coalesce(jsonb_agg(r.sig), '[]'::jsonb) FROM (
         (SELECT g.sig FROM items i JOIN item_signatures g ON g.item_id = i.id WHERE i.story_id = h.story_id ORDER BY ${ITEM_TIME}, i.id LIMIT 1)
         UNION
         (SELECT g.sig FROM items i JOIN item_signatures g ON g.item_id = i.id WHERE i.story_id = h.story_id ORDER BY ${ITEM_TIME} DESC, i.id DESC LIMIT 1)
       ) r) AS sigs
     FROM hits h JOIN stories s ON s.id = h.story_id ORDER BY h.n DESC, h.story_id DESC`,
    [itemId, keys, new Date(time.getTime() - windowMs), new Date(time.getTime() + windowMs), CANDIDATE_LIMIT],
  );
  return rows.map((r) => ({ id: String(r.id), lastSeen: new Date(r.last_seen).toISOString(), sigs: r.sigs }));
}

/** Of the stories an item bridges (best first), those an editor has not split apart from the best one. */
async function keepApart(db: Db, ids: number[]): Promise<number[]> {
  const pairs = await db.query<{ a: number; b: number }>(
    `SELECT story_id AS a, other_story_id AS b FROM story_decisions WHERE kind = 'split' AND other_story_id IS NOT NULL`,
  );
  if (pairs.length === 0) return ids;
  const live = await resolve(db, [...ids, ...pairs.flatMap((p) => [p.a, p.b])]);
  const apart = new Set(pairs.map((p) => [live.get(p.a)!, live.get(p.b)!].sort((x, y) => x - y).join(':')));
  const best = live.get(ids[0]!)!;
  return ids.filter((id) => !apart.has([best, live.get(id)!].sort((x, y) => x - y).join(':')));
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

async function lockStories(db: Db, ids: number[]): Promise<void> {
  await db.query('SELECT id FROM stories WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE', [ids]);
}

async function fileKeys(db: Db, storyId: number, keys: string[]): Promise<void> {
  await db.query('INSERT INTO story_bands (story_id, band_key) SELECT $1, k FROM unnest($2::text[]) AS k ON CONFLICT DO NOTHING', [storyId, keys]);
}

/** Folds `others` into `target`: items, keys, a decision row each; the folded rows stay, pointing at target. */
async function fold(db: Db, target: number, others: number[], now: Date, actor: string | null, note: string): Promise<void> {
  await db.query('UPDATE items SET story_id = $1 WHERE story_id = ANY($2::bigint[])', [target, others]);
  await db.query(
    'INSERT INTO story_bands (story_id, band_key) SELECT $1, band_key FROM story_bands WHERE story_id = ANY($2::bigint[]) ON CONFLICT DO NOTHING',
    [target, others],
  );
  await db.query('DELETE FROM story_bands WHERE story_id = ANY($1::bigint[])', [others]);
  await db.query(
    `UPDATE stories SET merged_into = $1, item_count = 0, source_count = 0, last_updated = $3
     WHERE id = ANY($2::bigint[]) OR merged_into = ANY($2::bigint[])`,
    [target, others, now],
  );
  await db.query(
    `INSERT INTO story_decisions (kind, story_id, other_story_id, actor, note, at)
     SELECT 'merge', $1, o, $3, $4, $5 FROM unnest($2::bigint[]) AS o`,
    [target, others, actor, note, now],
  );
}

// The item's link, the source's name and its feed URL each say something about the outlet ("BBC News" is
// national, though its feed lives on feeds.bbci.co.uk): the strongest of the three counts.
const priority = (m: { url: string | null; name: string; feed: string }) =>
  Math.max(...[m.url ?? undefined, m.name, m.feed].map((s) => TIER_PRIORITY[sourceTier(s)]));

/** Recomputes a story's derived state from its items: counts, times, topics, headline. Call after tagging
 *  changes an item's topics; the clusterer and editors' actions call it themselves. */
export async function refreshStory(db: Db, storyId: number, now: Date): Promise<void> {
  await db.query(
    `UPDATE stories s SET item_count = a.n, source_count = a.sources, first_seen = coalesce(a.first, s.first_seen),
       last_seen = coalesce(a.last, s.last_seen), last_updated = $2,
       topics = coalesce((SELECT array_agg(DISTINCT t.topic ORDER BY t.topic) FROM item_topics t JOIN items i ON i.id = t.item_id
                          WHERE i.story_id = s.id), '{}')
     FROM (SELECT count(*)::int AS n, count(DISTINCT i.source_id)::int AS sources, min(${ITEM_TIME}) AS first, max(${ITEM_TIME}) AS last
           FROM items i WHERE i.story_id = $1) a
     WHERE s.id = $1`,
    [storyId, now],
  );
  const members = await db.query<{ id: number; url: string | null; name: string; feed: string; published: Date | null; override: number | null }>(
    `SELECT i.id, i.url, src.name, src.url AS feed, i.published_at AS published, s.headline_override AS override
     FROM items i JOIN sources src ON src.id = i.source_id JOIN stories s ON s.id = i.story_id WHERE i.story_id = $1`,
    [storyId],
  );
  if (members.length === 0) return;
  const override = members[0]!.override;
  const headline = override !== null && members.some((m) => m.id === override)
    ? override
    : Number(pickHeadline(members.map((m) => ({ id: String(m.id), sourcePriority: priority(m), published: m.published ? new Date(m.published).toISOString() : undefined }))));
  await db.query('UPDATE stories SET headline_item_id = $2 WHERE id = $1', [storyId, headline]);
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
    await refreshStory(t, from, act.now);
    await refreshStory(t, to, act.now);
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
    await fold(t, a, [b], act.now, act.actor, act.note ?? 'merged by an editor');
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
