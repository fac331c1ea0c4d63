// All SQL about sources: adding and editing them, claiming due polls (capped per host), and recording each
// poll's outcome (validators, health, next poll time, fetch log) in one place.
import type { Source, SourceSpec } from '../domain/types.ts';
import type { Db, Row } from './db.ts';

const names = new Map<string, string>();
/** snake_case column -> camelCase key, remembered (every poll converts the same forty column names). */
function camel(k: string): string {
  let c = names.get(k);
  if (c === undefined) {
    c = k.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase());
    if (names.size < 1000) names.set(k, c);
  }
  return c;
}
const date = (v: unknown) => (v == null ? null : v instanceof Date ? v : new Date(String(v)));

export function toSource(r: Row): Source {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) o[camel(k)] = v;
  for (const k of ['createdAt', 'removedAt', 'nextPollAt', 'lastFetchAt', 'lastSuccessAt', 'lastNewItemAt', 'failingSince', 'failingNotifiedAt', 'websubLeaseUntil']) {
    o[k] = date(o[k]);
  }
  o.id = Number(o.id);
  o.errorScore = Number(o.errorScore);
  if (o.itemsPerDay != null) o.itemsPerDay = Number(o.itemsPerDay);
  return o as unknown as Source;
}

export const hostOf = (url: string) => new URL(url).hostname.toLowerCase();

const INSERT_COLUMNS = 'url, host, name, name_is_default, kind, selectors, min_interval_s, max_interval_s, charset, dedup_policy, topics, enabled';

function insertParams(s: SourceSpec): unknown[] {
  return [
    s.url,
    hostOf(s.url),
    s.name,
    s.nameIsDefault ?? false,
    s.kind ?? 'feed',
    s.selectors ? JSON.stringify(s.selectors) : null,
    s.minIntervalS ?? 300,
    Math.max(s.maxIntervalS ?? 21_600, s.minIntervalS ?? 300),
    s.charset ?? null,
    s.dedupPolicy ?? 'guid',
    s.topics ?? [],
    s.enabled ?? true,
  ];
}

/** Adds a source, due at `now` (the database's clock when not given); an existing URL (even a removed
 *  source's) is left as it is. `created` says which happened. */
export async function addSource(db: Db, s: SourceSpec, now?: Date): Promise<{ source: Source; created: boolean }> {
  const made = await db.query(
    `INSERT INTO sources (${INSERT_COLUMNS}, next_poll_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12, coalesce($13::timestamptz, now()))
     ON CONFLICT (url) DO NOTHING RETURNING *`,
    [...insertParams(s), now ?? null],
  );
  if (made[0]) return { source: toSource(made[0]), created: true };
  const [existing] = await db.query('SELECT * FROM sources WHERE url = $1', [s.url]);
  return { source: toSource(existing!), created: false };
}

export async function getSource(db: Db, id: number): Promise<Source | undefined> {
  const [r] = await db.query('SELECT * FROM sources WHERE id = $1', [id]);
  return r ? toSource(r) : undefined;
}

/** Several sources in one read (the poll worker loads the sources of concurrent polls together). */
export async function getSources(db: Db, ids: number[]): Promise<Map<number, Source>> {
  const rows = await db.query('SELECT * FROM sources WHERE id = ANY($1::bigint[])', [ids]);
  return new Map(rows.map((r) => [Number(r.id), toSource(r)]));
}

/** Every source not removed, by name. */
export async function listSources(db: Db): Promise<Source[]> {
  return (await db.query('SELECT * FROM sources WHERE removed_at IS NULL ORDER BY lower(name), id')).map(toSource);
}

/** Items stored per source with an item time after `since` (feed date, or when fetched if it has none): what
 *  the sources page shows as items per day. One pass over the recent part of items_published. */
export async function recentItemCounts(db: Db, since: Date): Promise<Map<number, number>> {
  const rows = await db.query<{ source_id: number; n: number }>(
    `SELECT source_id, count(*)::int AS n FROM items WHERE coalesce(published_at, fetched_at) > $1 GROUP BY source_id`,
    [since],
  );
  return new Map(rows.map((r) => [Number(r.source_id), Number(r.n)]));
}

/** Items a source stored, however old (what removing it keeps). */
export async function itemCount(db: Db, sourceId: number): Promise<number> {
  const [r] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM items WHERE source_id = $1', [sourceId]);
  return Number(r?.n ?? 0);
}

/** Removes a source but keeps its row, so its items keep their source: no more polls, no place in lists. */
export async function markRemoved(db: Db, id: number, now: Date): Promise<Source | undefined> {
  const [r] = await db.query(
    'UPDATE sources SET removed_at = $2, enabled = false, claimed_until = NULL WHERE id = $1 AND removed_at IS NULL RETURNING *',
    [id, now],
  );
  return r ? toSource(r) : undefined;
}

/** Brings a removed source back with a new spec: polled at once, with a clean failure record. */
export async function restoreSource(db: Db, id: number, s: SourceSpec, now: Date): Promise<Source | undefined> {
  const [r] = await db.query(
    `UPDATE sources SET removed_at = NULL, enabled = true, next_poll_at = $3, consecutive_failures = 0, error_score = 0, failing_since = NULL,
       name = CASE WHEN $4::boolean THEN name ELSE $2 END, name_is_default = name_is_default AND $4::boolean
     WHERE id = $1 AND removed_at IS NOT NULL RETURNING *`,
    [id, s.name, now, s.nameIsDefault ?? false],
  );
  return r ? toSource(r) : undefined;
}

/** Starts or stops polling a source (not a removed one). */
export async function setSourceEnabled(db: Db, id: number, enabled: boolean, now: Date): Promise<Source | undefined> {
  // Re-enabling makes it due at once, with a clean failure record.
  const [r] = await db.query(
    `UPDATE sources SET enabled = $2,
       next_poll_at = CASE WHEN $2 THEN $3 ELSE next_poll_at END,
       consecutive_failures = CASE WHEN $2 THEN 0 ELSE consecutive_failures END,
       error_score = CASE WHEN $2 THEN 0 ELSE error_score END,
       failing_since = CASE WHEN $2 THEN NULL ELSE failing_since END
     WHERE id = $1 AND removed_at IS NULL RETURNING *`,
    [id, enabled, now],
  );
  return r ? toSource(r) : undefined;
}

export type SourceEdit = Partial<Pick<SourceSpec, 'name' | 'nameIsDefault' | 'kind' | 'selectors' | 'minIntervalS' | 'maxIntervalS' | 'charset' | 'dedupPolicy' | 'topics'>>;

/** Changes a source's settings (not a removed one's); unset fields stay. */
export async function updateSource(db: Db, id: number, e: SourceEdit): Promise<Source | undefined> {
  const [r] = await db.query(
    `UPDATE sources SET
       name = coalesce($2, name), kind = coalesce($3, kind),
       selectors = CASE WHEN $4::boolean THEN $5::jsonb ELSE selectors END,
       min_interval_s = coalesce($6, min_interval_s),
       max_interval_s = greatest(coalesce($7, max_interval_s), coalesce($6, min_interval_s)),
       charset = CASE WHEN $8::boolean THEN $9 ELSE charset END,
       dedup_policy = coalesce($10, dedup_policy), topics = coalesce($11, topics),
       name_is_default = coalesce($12, name_is_default)
     WHERE id = $1 AND removed_at IS NULL RETURNING *`,
    [
      id,
      e.name ?? null,
      e.kind ?? null,
      e.selectors !== undefined,
      e.selectors ? JSON.stringify(e.selectors) : null,
      e.minIntervalS ?? null,
      e.maxIntervalS ?? null,
      e.charset !== undefined,
      e.charset || null,
      e.dedupPolicy ?? null,
      e.topics ?? null,
      e.nameIsDefault ?? null,
    ],
  );
  return r ? toSource(r) : undefined;
}
