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
  for (const k of ['createdAt', 'nextPollAt', 'lastFetchAt', 'lastSuccessAt', 'lastNewItemAt', 'failingSince', 'failingNotifiedAt', 'websubLeaseUntil']) {
    o[k] = date(o[k]);
  }
  o.id = Number(o.id);
  o.errorScore = Number(o.errorScore);
  if (o.itemsPerDay != null) o.itemsPerDay = Number(o.itemsPerDay);
  return o as unknown as Source;
}

export const hostOf = (url: string) => new URL(url).hostname.toLowerCase();

const INSERT_COLUMNS = 'url, host, name, kind, selectors, min_interval_s, max_interval_s, charset, dedup_policy, topics, enabled';

function insertParams(s: SourceSpec): unknown[] {
  return [
    s.url,
    hostOf(s.url),
    s.name,
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

/** Adds a source; an existing URL is left as it is. `created` says which happened. */
export async function addSource(db: Db, s: SourceSpec): Promise<{ source: Source; created: boolean }> {
  const made = await db.query(
    `INSERT INTO sources (${INSERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (url) DO NOTHING RETURNING *`,
    insertParams(s),
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

export async function listSources(db: Db): Promise<Source[]> {
  return (await db.query('SELECT * FROM sources ORDER BY lower(name), id')).map(toSource);
}

export async function setSourceEnabled(db: Db, id: number, enabled: boolean, now: Date): Promise<Source | undefined> {
  // Re-enabling makes it due at once, with a clean failure record.
  const [r] = await db.query(
    `UPDATE sources SET enabled = $2,
       next_poll_at = CASE WHEN $2 THEN $3 ELSE next_poll_at END,
       consecutive_failures = CASE WHEN $2 THEN 0 ELSE consecutive_failures END,
       error_score = CASE WHEN $2 THEN 0 ELSE error_score END,
       failing_since = CASE WHEN $2 THEN NULL ELSE failing_since END
     WHERE id = $1 RETURNING *`,
    [id, enabled, now],
  );
  return r ? toSource(r) : undefined;
}

export type SourceEdit = Partial<Pick<SourceSpec, 'name' | 'kind' | 'selectors' | 'minIntervalS' | 'maxIntervalS' | 'charset' | 'dedupPolicy' | 'topics'>>;

export async function updateSource(db: Db, id: number, e: SourceEdit): Promise<Source | undefined> {
  const [r] = await db.query(
    `UPDATE sources SET
       name = coalesce($2, name), kind = coalesce($3, kind),
       selectors = CASE WHEN $4::boolean THEN $5::jsonb ELSE selectors END,
       min_interval_s = coalesce($6, min_interval_s),
       max_interval_s = greatest(coalesce($7, max_interval_s), coalesce($6, min_interval_s)),
       charset = CASE WHEN $8::boolean THEN $9 ELSE charset END,
       dedup_policy = coalesce($10, dedup_policy), topics = coalesce($11, topics)
     WHERE id = $1 RETURNING *`,
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
    ],
  );
  return r ? toSource(r) : undefined;
}
