// All SQL about the relevance model: its versions (the activated one with the highest number is active), the
// per-topic modes, the decisions it took on items, and the labelled items it learns from (items with a verdict).
import type { ModelDecision, ModelMetrics, StoredModel, TopicMode } from '../domain/relevance.ts';
import type { Db, Row } from './db.ts';
import { type StoredItemText, toItemText } from './rules.ts';

interface VersionFields {
  metrics: ModelMetrics;
  examples: number;
  prior: number;
  ruleVersion: number | null;
  activated: boolean;
  note: string;
  trainMs: number;
}

export interface ModelVersion extends VersionFields {
  number: number;
  /** Who asked for it (an email), null for the schedule and the command line. */
  requestedBy: string | null;
  createdAt: Date;
}

export interface NewModelVersion extends VersionFields {
  model: StoredModel;
  requestedBy: number | null;
  now: Date;
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

const toVersion = (r: Row): ModelVersion => ({
  number: Number(r.number),
  metrics: json<ModelMetrics>(r.metrics),
  examples: Number(r.examples),
  prior: Number(r.prior),
  ruleVersion: r.rule_version == null ? null : Number(r.rule_version),
  activated: Boolean(r.activated),
  note: String(r.note ?? ''),
  trainMs: Number(r.train_ms),
  requestedBy: (r.email as string | null) ?? null,
  createdAt: new Date(r.created_at as string | Date),
});

const VERSION_COLUMNS = `m.number, m.metrics, m.examples, m.prior, m.rule_version, m.activated, m.note, m.train_ms, m.created_at, u.email
     FROM relevance_models m LEFT JOIN users u ON u.id = m.requested_by`;
const LOCK_KEY = 7_270_518;

/** Saves a new version, numbered one past the highest (two saves at once are serialised by an advisory lock). */
export async function saveModelVersion(db: Db, v: NewModelVersion): Promise<ModelVersion> {
  return db.tx(async (t) => {
    await t.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    const [row] = await t.query(
      `INSERT INTO relevance_models (number, model, metrics, examples, prior, rule_version, activated, note, train_ms, requested_by, created_at)
       SELECT coalesce(max(number), 0) + 1, $1::jsonb, $2::jsonb, $3, $4, $5, $6, $7, $8, $9, $10 FROM relevance_models
       RETURNING number`,
      [JSON.stringify(v.model), JSON.stringify(v.metrics), v.examples, v.prior, v.ruleVersion, v.activated, v.note, Math.round(v.trainMs), v.requestedBy, v.now],
    );
    const [full] = await t.query(`SELECT ${VERSION_COLUMNS} WHERE m.number = $1`, [row!.number]);
    return toVersion(full!);
  });
}

/** What tagging needs to know on every batch, in one round trip: the active version's number (0 = the shipped
 *  model) and the topics' modes. */
export async function relevanceState(db: Db): Promise<{ active: number; modes: Record<string, TopicMode> }> {
  const [r] = await db.query(
    `SELECT (SELECT max(number) FROM relevance_models WHERE activated) AS active,
            (SELECT json_object_agg(topic, mode) FROM topic_modes) AS modes`,
  );
  return { active: Number(r?.active ?? 0), modes: json<Record<string, TopicMode> | null>(r?.modes) ?? {} };
}

/** A version's model. */
export async function modelOf(db: Db, number: number): Promise<StoredModel | undefined> {
  const [r] = await db.query('SELECT model FROM relevance_models WHERE number = $1', [number]);
  return r ? json<StoredModel>(r.model) : undefined;
}

export async function getModelVersion(db: Db, number: number): Promise<ModelVersion | undefined> {
  const [r] = await db.query(`SELECT ${VERSION_COLUMNS} WHERE m.number = $1`, [number]);
  return r ? toVersion(r) : undefined;
}

/** The newest versions first, activated or not. */
export async function listModelVersions(db: Db, limit = 20): Promise<ModelVersion[]> {
  return (await db.query(`SELECT ${VERSION_COLUMNS} ORDER BY m.number DESC LIMIT $1`, [limit])).map(toVersion);
}

export async function setTopicMode(db: Db, m: { topic: string; mode: TopicMode; userId: number | null; now: Date }): Promise<void> {
  await db.query(
    `INSERT INTO topic_modes (topic, mode, updated_by, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (topic) DO UPDATE SET mode = EXCLUDED.mode, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
    [m.topic, m.mode, m.userId, m.now],
  );
}

export interface ItemDecisions {
  itemId: number;
  model: number;
  decisions: ModelDecision[];
}

/** Replaces the decisions of these items: rows for those with decisions, none for the others. */
export async function saveDecisions(db: Db, batch: ItemDecisions[], now: Date): Promise<void> {
  if (!batch.length) return;
  const rows = batch.filter((b) => b.decisions.length > 0);
  await db.query('DELETE FROM item_decisions WHERE item_id = ANY($1::bigint[])', [batch.map((b) => b.itemId)]);
  await insertDecisions(db, rows, now);
}

/** Decisions of items that have none yet (just inserted): one INSERT. */
export async function insertDecisions(db: Db, batch: ItemDecisions[], now: Date): Promise<void> {
  const rows = batch.filter((b) => b.decisions.length > 0);
  if (!rows.length) return;
  await db.query(
    `INSERT INTO item_decisions (item_id, model, decisions, decided_at)
     SELECT x.item_id, x.model, x.decisions, $2 FROM jsonb_to_recordset($1::jsonb) AS x(item_id bigint, model integer, decisions jsonb)
     ON CONFLICT (item_id) DO UPDATE SET model = EXCLUDED.model, decisions = EXCLUDED.decisions, decided_at = EXCLUDED.decided_at`,
    [JSON.stringify(rows.map((r) => ({ item_id: r.itemId, model: r.model, decisions: r.decisions }))), now],
  );
}

/** The decisions recorded on these items, by item id. */
export async function decisionsOf(db: Db, itemIds: number[]): Promise<Map<number, ItemDecisions>> {
  if (!itemIds.length) return new Map();
  const rows = await db.query('SELECT item_id, model, decisions FROM item_decisions WHERE item_id = ANY($1::bigint[])', [itemIds]);
  return new Map(rows.map((r) => [Number(r.item_id), { itemId: Number(r.item_id), model: Number(r.model), decisions: json<ModelDecision[]>(r.decisions) }]));
}

export interface JudgedItem extends StoredItemText {
  relevant: boolean;
  /** The topics the item has now. */
  topics: string[];
  judgedAt: Date;
}

/** Items with a verdict (the latest per item), newest verdict first, with their text and current topics: what
 *  the model learns from. At most `limit`. */
export async function judgedItems(db: Db, limit: number): Promise<JudgedItem[]> {
  const rows = await db.query(
    `SELECT i.id, i.title, i.summary_html, i.body_text, i.url, s.name AS source, coalesce(i.published_at, i.fetched_at) AS at,
            f.relevant, f.created_at AS judged_at,
            coalesce((SELECT array_agg(it.topic ORDER BY it.topic) FROM item_topics it WHERE it.item_id = i.id), '{}') AS topics
     FROM (SELECT DISTINCT ON (item_id) item_id, relevant, created_at FROM feedback ORDER BY item_id, created_at DESC, id DESC) f
     JOIN items i ON i.id = f.item_id JOIN sources s ON s.id = i.source_id
     ORDER BY f.created_at DESC, i.id DESC LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    ...toItemText(r),
    relevant: Boolean(r.relevant),
    topics: (r.topics as string[]) ?? [],
    judgedAt: new Date(r.judged_at as string),
  }));
}

/** When the latest verdict was given (null: never). */
export async function latestVerdictAt(db: Db): Promise<Date | null> {
  const [r] = await db.query('SELECT max(created_at) AS at FROM feedback');
  return r?.at ? new Date(r.at as string) : null;
}
