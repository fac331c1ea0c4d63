// All SQL about polling: making sources due, claiming due ones (capped per host), recording each poll's
// outcome (validators, health, next poll time, fetch log), failing-source notices. WebSub state: websub.ts.
import type { Db, Row } from './db.ts';
import { type Source, toSource } from './sources.ts';

const date = (v: unknown) => (v == null ? null : v instanceof Date ? v : new Date(String(v)));

/** Makes sources due now ("poll now", `poll --once --all`). Without ids: every enabled source. */
export async function makeDue(db: Db, now: Date, ids?: number[]): Promise<number[]> {
  const rows = await db.query<{ id: number }>(
    `UPDATE sources SET next_poll_at = $1, next_poll_reason = 'asked for' WHERE enabled AND ($2::bigint[] IS NULL OR id = ANY($2)) RETURNING id`,
    [now, ids ?? null],
  );
  return rows.map((r) => Number(r.id));
}

export interface ClaimOptions {
  now: Date;
  /** At most this many polls per host claimed and not yet recorded. */
  perHost: number;
  limit: number;
  /** How long a claim holds before the source is due again (a crashed worker's poll is retried after it). */
  leaseS: number;
}

/** Claims due sources: the UPDATE re-checks next_poll_at under the row lock, so two ticks never claim one
 *  source twice. Per host, only as many as the cap leaves free beside polls already claimed. */
export async function claimDueSources(db: Db, o: ClaimOptions): Promise<{ id: number; nextPollAt: Date }[]> {
  const rows = await db.query<{ id: number; due: Date }>(
    `WITH busy AS (
       SELECT host, count(*) AS n FROM sources WHERE claimed_until > $1 GROUP BY host
     ), due AS (
       SELECT s.id, s.host, s.next_poll_at,
              row_number() OVER (PARTITION BY s.host ORDER BY s.next_poll_at, s.id) + coalesce(b.n, 0) AS rank
       FROM sources s LEFT JOIN busy b ON b.host = s.host
       WHERE s.enabled AND s.next_poll_at <= $1 AND (s.claimed_until IS NULL OR s.claimed_until <= $1)
     ), pick AS (
       SELECT id, next_poll_at FROM due WHERE rank <= $2 ORDER BY next_poll_at, id LIMIT $3
     )
     UPDATE sources s SET claimed_until = $1::timestamptz + make_interval(secs => $4), next_poll_at = $1::timestamptz + make_interval(secs => $4)
     FROM pick WHERE s.id = pick.id AND s.next_poll_at <= $1
     RETURNING s.id, pick.next_poll_at AS due`,
    [o.now, o.perHost, o.limit, o.leaseS],
  );
  return rows.map((r) => ({ id: Number(r.id), nextPollAt: date(r.due)! }));
}

/** Forgets a claim whose job could not be enqueued, so the next tick tries again. */
export async function releaseClaim(db: Db, id: number, now: Date) {
  await db.query('UPDATE sources SET claimed_until = NULL, next_poll_at = $2 WHERE id = $1', [id, now]);
}

export interface PollRecord {
  at: Date;
  result: 'ok' | 'not_modified' | 'unchanged' | 'error';
  status?: number;
  ms: number;
  bytes: number;
  newItems: number;
  error?: string;
  etag?: string | null;
  lastModified?: string | null;
  bodyHash?: string | null;
  pollsSinceFull: number;
  intervalS: number;
  nextPollAt: Date;
  nextPollReason: string;
  errorScore: number;
  itemsPerDay: number | null;
}

/** Writes one poll's outcome in ONE statement: health, validators, schedule, and a fetch_log row. Clears the
 *  claim. (One statement, not a transaction: on PGlite a 304 re-poll costs two queries in all.) */
export async function recordPoll(db: Db, sourceId: number, p: PollRecord): Promise<Source> {
  const [r] = await db.query(
    `WITH u AS (
       UPDATE sources SET
         last_fetch_at = $2, last_status = $3,
         last_success_at = CASE WHEN $4 THEN last_success_at ELSE $2 END,
         last_new_item_at = CASE WHEN $5 > 0 THEN $2 ELSE last_new_item_at END,
         consecutive_failures = CASE WHEN $4 THEN consecutive_failures + 1 ELSE 0 END,
         failing_since = CASE WHEN $4 THEN coalesce(failing_since, $2) ELSE NULL END,
         failing_notified_at = CASE WHEN $4 THEN failing_notified_at ELSE NULL END,
         last_error = CASE WHEN $4 THEN $6 ELSE NULL END,
         etag = CASE WHEN $4 THEN etag ELSE $7 END,
         last_modified = CASE WHEN $4 THEN last_modified ELSE $8 END,
         body_hash = CASE WHEN $4 THEN body_hash ELSE $9 END,
         polls_since_full = $10, interval_s = $11, next_poll_at = $12, next_poll_reason = $13,
         error_score = $14, items_per_day = $15, claimed_until = NULL
       WHERE id = $1 RETURNING *
     ), log AS (
       INSERT INTO fetch_log (source_id, at, result, status, ms, bytes, new_items, error)
       SELECT id, $2, $16, $3, $17, $18, $5, $6 FROM u
     )
     SELECT * FROM u`,
    [
      sourceId,
      p.at,
      p.status ?? null,
      p.result === 'error',
      p.newItems,
      p.error ?? null,
      p.etag ?? null,
      p.lastModified ?? null,
      p.bodyHash ?? null,
      p.pollsSinceFull,
      p.intervalS,
      p.nextPollAt,
      p.nextPollReason,
      p.errorScore,
      p.itemsPerDay,
      p.result,
      Math.round(p.ms),
      p.bytes,
    ],
  );
  if (!r) throw new Error(`poll: source ${sourceId} vanished while it was being polled`);
  return toSource(r);
}

export interface FetchLogRow {
  at: Date;
  result: string;
  status: number | null;
  ms: number;
  bytes: number;
  newItems: number;
  error: string | null;
}

export async function recentFetches(db: Db, sourceId: number, limit = 20): Promise<FetchLogRow[]> {
  const rows = await db.query<Row>(
    'SELECT at, result, status, ms, bytes, new_items, error FROM fetch_log WHERE source_id = $1 ORDER BY at DESC, id DESC LIMIT $2',
    [sourceId, limit],
  );
  return rows.map((r) => ({ ...(r as unknown as FetchLogRow), at: date(r.at)!, newItems: Number(r.new_items) }));
}

export async function pruneFetchLog(db: Db, before: Date): Promise<number> {
  const rows = await db.query('DELETE FROM fetch_log WHERE at < $1 RETURNING 1', [before]);
  return rows.length;
}

/** Sources failing since before `since` whose editors have not been told: marked told in the same statement,
 *  so however many workers run this, each failing spell yields ONE notice. */
export async function claimFailingNotices(db: Db, since: Date, now: Date): Promise<Source[]> {
  const rows = await db.query(
    `UPDATE sources SET failing_notified_at = $2
     WHERE enabled AND failing_since <= $1 AND failing_notified_at IS NULL RETURNING *`,
    [since, now],
  );
  return rows.map(toSource);
}

/** Addresses of every editor (and admin), when the users table exists yet; empty otherwise. */
export async function editorEmails(db: Db): Promise<string[]> {
  const [t] = await db.query<{ t: string | null }>(`SELECT to_regclass('users')::text AS t`);
  if (!t?.t) return [];
  const cols = await db.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_name = 'users' AND table_schema = current_schema()`,
  );
  const names = new Set(cols.map((c) => c.column_name));
  // 002_accounts keeps a roles array; a plain role column is accepted too.
  const who = names.has('roles') ? `roles && ARRAY['editor', 'admin']::text[]` : names.has('role') ? `role IN ('editor', 'admin')` : undefined;
  if (!who || !names.has('email')) return [];
  const active = names.has('disabled_at') ? ' AND disabled_at IS NULL' : '';
  const rows = await db.query<{ email: string }>(`SELECT email FROM users WHERE ${who}${active} ORDER BY email`);
  return rows.map((r) => r.email);
}

/** Enabled sources due at `now` (what `poll --once` sets out to poll). */
export async function dueSourceIds(db: Db, now: Date): Promise<number[]> {
  const rows = await db.query<{ id: number }>('SELECT id FROM sources WHERE enabled AND next_poll_at <= $1 ORDER BY id', [now]);
  return rows.map((r) => Number(r.id));
}

/** How many of these sources are claimed by a poll that has not been recorded yet. */
export async function claimedCount(db: Db, ids: number[], now: Date): Promise<number> {
  const [r] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sources WHERE id = ANY($1::bigint[]) AND claimed_until > $2', [ids, now]);
  return Number(r?.n ?? 0);
}

/** Fetch results per source since `since`, for /metrics. */
export async function fetchResultCounts(db: Db, since: Date): Promise<{ sourceId: number; name: string; result: string; n: number }[]> {
  const rows = await db.query<{ id: number; name: string; result: string; n: number }>(
    `SELECT s.id, s.name, f.result, count(*)::int AS n FROM fetch_log f JOIN sources s ON s.id = f.source_id
     WHERE f.at > $1 GROUP BY s.id, s.name, f.result ORDER BY s.id, f.result`,
    [since],
  );
  return rows.map((r) => ({ sourceId: Number(r.id), name: r.name, result: r.result, n: Number(r.n) }));
}

/** Sources by health state, for /metrics and the sources page header. */
export async function sourceHealthCounts(db: Db, failingFor: Date): Promise<{ enabled: number; failing: number; failingLong: number; disabled: number }> {
  const [r] = await db.query<Record<string, number>>(
    `SELECT count(*) FILTER (WHERE enabled)::int AS enabled,
            count(*) FILTER (WHERE enabled AND consecutive_failures > 0)::int AS failing,
            count(*) FILTER (WHERE enabled AND failing_since <= $1)::int AS failing_long,
            count(*) FILTER (WHERE NOT enabled)::int AS disabled
     FROM sources`,
    [failingFor],
  );
  return { enabled: Number(r?.enabled ?? 0), failing: Number(r?.failing ?? 0), failingLong: Number(r?.failing_long ?? 0), disabled: Number(r?.disabled ?? 0) };
}
