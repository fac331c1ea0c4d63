// All SQL about rules: versions (the highest number is active), per-rule hit counts from item_topics, the
// stored items' text for backtests (screened on their indexed words) and re-tagging, and the retag_runs
// progress rows.
import type { ItemText } from '../domain/types.ts';
import type { BacktestScreen, BacktestStore, RuleSet } from '../domain/rules.ts';
import type { Db, Row } from './db.ts';

export interface RuleVersion {
  id: number;
  number: number;
  yaml: string;
  ruleSet: RuleSet;
  authorId: number | null;
  authorEmail: string | null;
  message: string;
  copiedFrom: number | null;
  createdAt: Date;
}

const toVersion = (r: Row): RuleVersion => ({
  id: Number(r.id),
  number: Number(r.number),
  yaml: String(r.yaml),
  ruleSet: (typeof r.rule_set === 'string' ? JSON.parse(r.rule_set) : r.rule_set) as RuleSet,
  authorId: r.author_id == null ? null : Number(r.author_id),
  authorEmail: (r.email as string | null) ?? null,
  message: String(r.message ?? ''),
  copiedFrom: r.copied_from == null ? null : Number(r.copied_from),
  createdAt: new Date(r.created_at as string | Date),
});

const SELECT_VERSION = `SELECT v.*, u.email FROM rule_versions v LEFT JOIN users u ON u.id = v.author_id`;
const LOCK_KEY = 7_270_504;

export interface NewRuleVersion {
  yaml: string;
  ruleSet: RuleSet;
  authorId: number | null;
  message: string;
  copiedFrom?: number | null;
  now: Date;
}

/** Saves (and so activates) a new version, numbered one past the highest. Two saves at once are serialised
 *  by an advisory lock, so neither fails on the UNIQUE number. */
export async function saveRuleVersion(db: Db, v: NewRuleVersion): Promise<RuleVersion> {
  return db.tx(async (t) => {
    await t.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    const [row] = await t.query(
      `INSERT INTO rule_versions (number, yaml, rule_set, author_id, message, copied_from, created_at)
       SELECT coalesce(max(number), 0) + 1, $1, $2::jsonb, $3, $4, $5, $6 FROM rule_versions
       RETURNING id`,
      [v.yaml, JSON.stringify(v.ruleSet), v.authorId, v.message, v.copiedFrom ?? null, v.now],
    );
    const [full] = await t.query(`${SELECT_VERSION} WHERE v.id = $1`, [row!.id]);
    return toVersion(full!);
  });
}

/** The active version's number, 0 when none was ever saved: the cheap check behind the matcher cache. */
export async function activeVersionNumber(db: Db): Promise<number> {
  const [r] = await db.query<{ n: number | null }>('SELECT max(number) AS n FROM rule_versions');
  return Number(r?.n ?? 0);
}

export async function activeRuleVersion(db: Db): Promise<RuleVersion | undefined> {
  const [r] = await db.query(`${SELECT_VERSION} ORDER BY v.number DESC LIMIT 1`);
  return r ? toVersion(r) : undefined;
}

export async function getRuleVersion(db: Db, number: number): Promise<RuleVersion | undefined> {
  const [r] = await db.query(`${SELECT_VERSION} WHERE v.number = $1`, [number]);
  return r ? toVersion(r) : undefined;
}

/** Newest first. */
export async function listRuleVersions(db: Db, page: { limit: number; offset?: number }): Promise<RuleVersion[]> {
  const rows = await db.query(`${SELECT_VERSION} ORDER BY v.number DESC LIMIT $1 OFFSET $2`, [page.limit, page.offset ?? 0]);
  return rows.map(toVersion);
}

export async function countRuleVersions(db: Db): Promise<number> {
  const [r] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM rule_versions');
  return Number(r?.n ?? 0);
}

export interface RuleHits {
  topic: string;
  rule: string;
  lastFired: Date | null;
  hits7: number;
  hits30: number;
}

/** Per (topic, rule) that gave a topic to a stored item: when it last did, and on how many items in the last
 *  7 and 30 days (by the item's date). One query over item_topics. A topic is credited to the first of its
 *  rules that fired (the one item_topics keeps). */
export async function ruleHits(db: Db, now: Date): Promise<RuleHits[]> {
  const rows = await db.query(
    `SELECT it.topic, it.rule, max(coalesce(i.published_at, i.fetched_at)) AS last_fired,
            count(*) FILTER (WHERE coalesce(i.published_at, i.fetched_at) >= $1::timestamptz - interval '7 days')::int AS hits7,
            count(*) FILTER (WHERE coalesce(i.published_at, i.fetched_at) >= $1::timestamptz - interval '30 days')::int AS hits30
     FROM item_topics it JOIN items i ON i.id = it.item_id
     WHERE it.rule IS NOT NULL
     GROUP BY it.topic, it.rule`,
    [now],
  );
  return rows.map((r) => ({
    topic: String(r.topic),
    rule: String(r.rule),
    lastFired: r.last_fired == null ? null : new Date(r.last_fired as string),
    hits7: Number(r.hits7),
    hits30: Number(r.hits30),
  }));
}

export interface StoredItemText extends ItemText {
  itemId: number;
}

const ITEM_TEXT = `SELECT i.id, i.title, i.summary_html, i.body_text, i.url, s.name AS source, coalesce(i.published_at, i.fetched_at) AS at
     FROM items i JOIN sources s ON s.id = i.source_id`;

/** A row of ITEM_TEXT's columns (also read by relevance.ts) as the tagger reads it. */
export const toItemText = (r: Row): StoredItemText => ({
  itemId: Number(r.id),
  id: String(r.id),
  title: String(r.title),
  summary: (r.summary_html as string | null) ?? undefined,
  body: (r.body_text as string | null) ?? undefined,
  url: (r.url as string | null) ?? undefined,
  source: (r.source as string | null) ?? undefined,
  published: new Date(r.at as string).toISOString(),
});

/** One batch of stored items' text (not duplicates), oldest id first after `afterId`, dated on or after
 *  `since` (every item when null). Keyset paging: each batch is one indexed query, memory stays bounded. */
export async function itemTextBatch(db: Db, q: { since: Date | null; afterId: number; limit: number }): Promise<StoredItemText[]> {
  const rows = await db.query(
    `${ITEM_TEXT}
     WHERE i.id > $1 AND i.extract_status <> 'duplicate'
       AND ($2::timestamptz IS NULL OR coalesce(i.published_at, i.fetched_at) >= $2::timestamptz)
     ORDER BY i.id LIMIT $3`,
    [q.afterId, q.since, q.limit],
  );
  return rows.map(toItemText);
}

/** The ids of the items in the window (not duplicates) whose indexed words satisfy `words` (a tsquery, see
 *  BacktestScreen), and of every item whose words the index cannot list exactly (migrations 008, 010). One
 *  query: a bitmap OR of the GIN word index and the partial index of inexact items. */
export async function backtestItemIds(db: Db, q: { since: Date | null; words: string }): Promise<number[]> {
  const rows = await db.query<{ id: number }>(
    `SELECT id FROM items
     WHERE (words @@ $1::tsquery OR NOT words_exact)
       AND extract_status <> 'duplicate'
       AND ($2::timestamptz IS NULL OR coalesce(published_at, fetched_at) >= $2::timestamptz)
     ORDER BY id`,
    [q.words, q.since],
  );
  return rows.map((r) => Number(r.id));
}

/** The text of these stored items, by id. */
export async function itemTextsByIds(db: Db, ids: number[]): Promise<StoredItemText[]> {
  const rows = await db.query(`${ITEM_TEXT} WHERE i.id = ANY($1::bigint[]) ORDER BY i.id`, [ids]);
  return rows.map(toItemText);
}

const BACKTEST_BATCH = 2_000;

/** The stored items of a window as a backtest reads them: with words to look for, the ids first (one query),
 *  then their text in batches, the next fetched while this one is tagged; without, every item, in keyset
 *  batches. */
export function backtestStore(db: Db, since: Date | null): BacktestStore {
  return {
    count: () => countItemsSince(db, since),
    async *read(screen: BacktestScreen) {
      if (screen.nothing) return;
      if (screen.words === null) {
        let next = itemTextBatch(db, { since, afterId: 0, limit: BACKTEST_BATCH });
        for (;;) {
          const items = await next;
          if (!items.length) return;
          next = itemTextBatch(db, { since, afterId: items[items.length - 1]!.itemId, limit: BACKTEST_BATCH });
          yield items;
        }
      }
      const ids = await backtestItemIds(db, { since, words: screen.words });
      let next = ids.length ? itemTextsByIds(db, ids.slice(0, BACKTEST_BATCH)) : undefined;
      for (let at = 0; next; at += BACKTEST_BATCH) {
        const items = await next;
        const more = ids.slice(at + BACKTEST_BATCH, at + 2 * BACKTEST_BATCH);
        next = more.length ? itemTextsByIds(db, more) : undefined;
        yield items;
      }
    },
  };
}

export async function countItemsSince(db: Db, since: Date | null): Promise<number> {
  const [r] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM items WHERE extract_status <> 'duplicate'
       AND ($1::timestamptz IS NULL OR coalesce(published_at, fetched_at) >= $1::timestamptz)`,
    [since],
  );
  return Number(r?.n ?? 0);
}

export type RetagStatus = 'queued' | 'running' | 'done' | 'failed';

export interface RetagRun {
  id: number;
  version: number | null;
  status: RetagStatus;
  since: Date | null;
  total: number;
  progress: number;
  changed: number;
  cursorId: number;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

const date = (v: unknown) => (v == null ? null : new Date(v as string));
const toRun = (r: Row): RetagRun => ({
  id: Number(r.id),
  version: r.version == null ? null : Number(r.version),
  status: r.status as RetagStatus,
  since: date(r.since),
  total: Number(r.total),
  progress: Number(r.progress),
  changed: Number(r.changed),
  cursorId: Number(r.cursor_id),
  error: (r.error as string | null) ?? null,
  createdAt: new Date(r.created_at as string),
  startedAt: date(r.started_at),
  finishedAt: date(r.finished_at),
});

export async function createRetagRun(db: Db, r: { version: number | null; since: Date | null; requestedBy: number | null; now: Date }): Promise<RetagRun> {
  const [row] = await db.query(
    'INSERT INTO retag_runs (version, since, requested_by, created_at) VALUES ($1, $2, $3, $4) RETURNING *',
    [r.version, r.since, r.requestedBy, r.now],
  );
  return toRun(row!);
}

export async function getRetagRun(db: Db, id: number): Promise<RetagRun | undefined> {
  const [r] = await db.query('SELECT * FROM retag_runs WHERE id = $1', [id]);
  return r ? toRun(r) : undefined;
}

export async function latestRetagRun(db: Db): Promise<RetagRun | undefined> {
  const [r] = await db.query('SELECT * FROM retag_runs ORDER BY id DESC LIMIT 1');
  return r ? toRun(r) : undefined;
}

/** Status lock: only a queued or running (interrupted) run may start; a finished one is left alone, so a
 *  job delivered twice does nothing the second time. Returns the run when it may go on. */
export async function startRetagRun(db: Db, id: number, total: number, now: Date): Promise<RetagRun | undefined> {
  const [r] = await db.query(
    `UPDATE retag_runs SET status = 'running', total = CASE WHEN status = 'queued' THEN $2 ELSE total END,
       started_at = coalesce(started_at, $3)
     WHERE id = $1 AND status IN ('queued', 'running') RETURNING *`,
    [id, total, now],
  );
  return r ? toRun(r) : undefined;
}

export async function recordRetagProgress(db: Db, id: number, p: { done: number; changed: number; cursorId: number }): Promise<void> {
  await db.query('UPDATE retag_runs SET progress = progress + $2, changed = changed + $3, cursor_id = $4 WHERE id = $1', [id, p.done, p.changed, p.cursorId]);
}

export async function finishRetagRun(db: Db, id: number, r: { error?: string; now: Date }): Promise<void> {
  await db.query('UPDATE retag_runs SET status = $2, error = $3, finished_at = $4 WHERE id = $1', [id, r.error ? 'failed' : 'done', r.error ?? null, r.now]);
}

/** The stored topics of each item (sorted), for counting what a re-tag changed. */
export async function storedTopics(db: Db, itemIds: number[]): Promise<Map<number, string[]>> {
  const rows = await db.query<{ item_id: number; topics: string[] }>(
    'SELECT item_id, array_agg(topic ORDER BY topic) AS topics FROM item_topics WHERE item_id = ANY($1::bigint[]) GROUP BY item_id',
    [itemIds],
  );
  return new Map(rows.map((r) => [Number(r.item_id), r.topics]));
}
