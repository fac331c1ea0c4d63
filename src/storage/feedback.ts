// All SQL about feedback: verdicts on tagged items, and what the rules page reads from them (each rule's
// precision and its recent false positives). An item's verdict is the latest one anybody gave.
import type { Db } from './db.ts';

export type FeedbackVia = 'web' | 'link' | 'cli';

/** Records a verdict on each item (a story's verdict is given to its items). One row per item and person:
 *  giving another verdict replaces the earlier one. Returns how many items exist and were recorded. */
export async function recordFeedback(
  db: Db,
  f: { itemIds: number[]; userId: number | null; relevant: boolean; via: FeedbackVia; now: Date },
): Promise<number> {
  if (!f.itemIds.length) return 0;
  const rows = await db.query(
    `INSERT INTO feedback (item_id, user_id, relevant, via, created_at)
     SELECT i.id, $2, $3, $4, $5 FROM items i WHERE i.id = ANY($1::bigint[])
     ON CONFLICT (item_id, coalesce(user_id, 0)) DO UPDATE SET relevant = EXCLUDED.relevant, via = EXCLUDED.via, created_at = EXCLUDED.created_at
     RETURNING item_id`,
    [f.itemIds, f.userId, f.relevant, f.via, f.now],
  );
  return rows.length;
}

/** The items of a story (and of stories merged into it), for a verdict given on the story. */
export async function storyItemIds(db: Db, storyId: number): Promise<number[]> {
  const rows = await db.query<{ id: number }>(
    `SELECT i.id FROM items i WHERE i.story_id = $1 OR i.story_id IN (SELECT id FROM stories WHERE merged_into = $1) ORDER BY i.id`,
    [storyId],
  );
  return rows.map((r) => Number(r.id));
}

/** The latest verdict on an item, or undefined when nobody gave one. */
export async function itemVerdict(db: Db, itemId: number): Promise<boolean | undefined> {
  const [r] = await db.query<{ relevant: boolean }>('SELECT relevant FROM feedback WHERE item_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1', [itemId]);
  return r?.relevant;
}

export interface RulePrecision {
  topic: string;
  rule: string;
  /** Items this rule tagged that have a verdict. */
  judged: number;
  relevant: number;
  /** relevant / judged; null when nothing was judged. */
  precision: number | null;
}

const LATEST = `SELECT DISTINCT ON (item_id) item_id, relevant, created_at FROM feedback ORDER BY item_id, created_at DESC, id DESC`;

/** Each rule's precision over the judged items it tagged. One query. */
export async function rulePrecision(db: Db): Promise<RulePrecision[]> {
  const rows = await db.query<{ topic: string; rule: string; judged: number; relevant: number }>(
    `SELECT it.topic, it.rule, count(*)::int AS judged, count(*) FILTER (WHERE f.relevant)::int AS relevant
     FROM item_topics it JOIN (${LATEST}) f ON f.item_id = it.item_id
     WHERE it.rule IS NOT NULL GROUP BY it.topic, it.rule ORDER BY it.topic, it.rule`,
  );
  return rows.map((r) => ({ ...r, judged: Number(r.judged), relevant: Number(r.relevant), precision: r.judged ? Number(r.relevant) / Number(r.judged) : null }));
}

export interface FalsePositive {
  topic: string;
  rule: string;
  itemId: number;
  title: string;
  url: string | null;
  judgedAt: Date;
}

/** Each rule's most recent items judged not relevant (at most `perRule` per rule), newest verdict first. */
export async function recentFalsePositives(db: Db, perRule = 3): Promise<FalsePositive[]> {
  const rows = await db.query(
    `SELECT topic, rule, item_id, title, url, judged_at FROM (
       SELECT it.topic, it.rule, i.id AS item_id, i.title, i.url, f.created_at AS judged_at,
              row_number() OVER (PARTITION BY it.topic, it.rule ORDER BY f.created_at DESC, i.id DESC) AS n
       FROM item_topics it JOIN (${LATEST}) f ON f.item_id = it.item_id JOIN items i ON i.id = it.item_id
       WHERE it.rule IS NOT NULL AND NOT f.relevant) x
     WHERE n <= $1 ORDER BY topic, rule, judged_at DESC`,
    [perRule],
  );
  return rows.map((r) => ({
    topic: String(r.topic),
    rule: String(r.rule),
    itemId: Number(r.item_id),
    title: String(r.title),
    url: (r.url as string | null) ?? null,
    judgedAt: new Date(r.judged_at as string),
  }));
}

export interface GivenVerdict {
  itemId: number;
  userId: number | null;
  /** Null for a signed email link's verdict or a deleted user's. */
  email: string | null;
  relevant: boolean;
  at: Date;
}

/** Every verdict given on these items, newest first: what the story page's buttons show. */
export async function verdictsGiven(db: Db, itemIds: number[]): Promise<GivenVerdict[]> {
  if (!itemIds.length) return [];
  const rows = await db.query<{ item_id: number; user_id: number | null; email: string | null; relevant: boolean; created_at: Date | string }>(
    `SELECT f.item_id, f.user_id, u.email, f.relevant, f.created_at FROM feedback f LEFT JOIN users u ON u.id = f.user_id
     WHERE f.item_id = ANY($1::bigint[]) ORDER BY f.created_at DESC, f.id DESC`,
    [itemIds],
  );
  return rows.map((r) => ({
    itemId: Number(r.item_id),
    userId: r.user_id === null ? null : Number(r.user_id),
    email: r.email,
    relevant: Boolean(r.relevant),
    at: new Date(r.created_at),
  }));
}
