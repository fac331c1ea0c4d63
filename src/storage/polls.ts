// All SQL about polling: making sources due, claiming due ones (capped per host), recording each poll's
// outcome (validators, health, next poll time, fetch log), failing-source notices. WebSub state: websub.ts.
import type { Db, Row } from './db.ts';
import type { Source } from '../domain/types.ts';
import { toSource } from './sources.ts';

const date = (v: unknown) => (v == null ? null : v instanceof Date ? v : new Date(String(v)));

/** Makes sources due now ("poll now", `poll --once --all`). Without ids: every enabled source. A claim still
 *  held is dropped too: a worker killed between claiming and queueing would otherwise hold the source for the
 *  whole lease; at worst a source in flight is polled twice, which stores nothing twice. */
export async function makeDue(db: Db, now: Date, ids?: number[]): Promise<number[]> {
  const rows = await db.query<{ id: number }>(
    `UPDATE sources SET next_poll_at = $1, next_poll_reason = 'asked for', claimed_until = NULL WHERE enabled AND ($2::bigint[] IS NULL OR id = ANY($2)) RETURNING id`,
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
  /** Only these hosts (a poll just ended there); all hosts when unset. */
  hosts?: string[];
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
         AND ($5::text[] IS NULL OR s.host = ANY($5))
     ), pick AS (
       SELECT id, next_poll_at FROM due WHERE rank <= $2 ORDER BY next_poll_at, id LIMIT $3
     )
     UPDATE sources s SET claimed_until = $1::timestamptz + make_interval(secs => $4), next_poll_at = $1::timestamptz + make_interval(secs => $4)
     FROM pick WHERE s.id = pick.id AND s.next_poll_at <= $1
     RETURNING s.id, pick.next_poll_at AS due`,
    [o.now, o.perHost, o.limit, o.leaseS, o.hosts ?? null],
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
  /** Entries the feed carried, when this poll parsed it; unset for 304s, unchanged bodies and failures. */
  feedItems?: number;
  /** Of those, how many were left out (MAX_ITEMS_PER_POLL keeps the newest). */
  skippedItems?: number;
  /** New teasers tagged on the feed's text, their pages not fetched (MAX_PAGE_FETCHES_PER_POLL). */
  pagesNotFetched?: number;
  /** The feed's title, when this poll read it: a source nobody named takes it as its name. */
  feedTitle?: string;
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

/** Writes one poll's outcome: recordPolls with one record. */
export async function recordPoll(db: Db, sourceId: number, p: PollRecord): Promise<Source> {
  const r = (await recordPolls(db, [{ ...p, sourceId }])).get(sourceId);
  if (!r) throw new Error(`poll: source ${sourceId} vanished while it was being polled`);
  return r;
}

/** Writes the outcomes of several polls (of different sources) in ONE statement: health, validators,
 *  schedule, and a fetch_log row each; clears the claims. The poll worker batches concurrent polls' outcomes
 *  through this (one statement per batch instead of one per poll). A source that no longer exists is missing
 *  from the result. */
export async function recordPolls(db: Db, polls: (PollRecord & { sourceId: number })[]): Promise<Map<number, Source>> {
  if (!polls.length) return new Map();
  const rows = [...polls]
    .sort((a, b) => a.sourceId - b.sourceId)
    .map((p) => ({
      id: p.sourceId,
      at: p.at,
      status: p.status ?? null,
      failed: p.result === 'error',
      new_items: p.newItems,
      feed_items: p.feedItems ?? null,
      skipped_items: p.skippedItems ?? 0,
      pages_not_fetched: p.pagesNotFetched ?? 0,
      feed_title: p.feedTitle || null,
      error: p.error ?? null,
      etag: p.etag ?? null,
      last_modified: p.lastModified ?? null,
      body_hash: p.bodyHash ?? null,
      polls_since_full: p.pollsSinceFull,
      interval_s: p.intervalS,
      next_poll_at: p.nextPollAt,
      reason: p.nextPollReason,
      error_score: p.errorScore,
      items_per_day: p.itemsPerDay,
      result: p.result,
      ms: Math.round(p.ms),
      bytes: p.bytes,
    }));
  const out = await db.query(
    `WITH p AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS p(id bigint, at timestamptz, status integer, failed boolean,
         new_items integer, feed_items integer, skipped_items integer, pages_not_fetched integer, feed_title text, error text, etag text, last_modified text, body_hash text, polls_since_full integer,
         interval_s integer, next_poll_at timestamptz, reason text, error_score real, items_per_day real,
         result text, ms integer, bytes integer)
     ), u AS (
       UPDATE sources s SET
         last_fetch_at = p.at, last_status = p.status,
         last_success_at = CASE WHEN p.failed THEN s.last_success_at ELSE p.at END,
         last_new_item_at = CASE WHEN p.new_items > 0 THEN p.at ELSE s.last_new_item_at END,
         consecutive_failures = CASE WHEN p.failed THEN s.consecutive_failures + 1 ELSE 0 END,
         failing_since = CASE WHEN p.failed THEN coalesce(s.failing_since, p.at) ELSE NULL END,
         failing_notified_at = CASE WHEN p.failed THEN s.failing_notified_at ELSE NULL END,
         last_error = CASE WHEN p.failed THEN p.error ELSE NULL END,
         name = CASE WHEN s.name_is_default AND p.feed_title IS NOT NULL THEN p.feed_title ELSE s.name END,
         name_is_default = s.name_is_default AND p.feed_title IS NULL,
         -- A poll that did not read the feed (304, unchanged, failed) leaves the last reading's counts.
         last_feed_items = coalesce(p.feed_items, s.last_feed_items),
         last_skipped_items = CASE WHEN p.feed_items IS NULL THEN s.last_skipped_items ELSE p.skipped_items END,
         etag = CASE WHEN p.failed THEN s.etag ELSE p.etag END,
         last_modified = CASE WHEN p.failed THEN s.last_modified ELSE p.last_modified END,
         body_hash = CASE WHEN p.failed THEN s.body_hash ELSE p.body_hash END,
         polls_since_full = p.polls_since_full, interval_s = p.interval_s,
         -- Asked for again while this poll ran ("poll now" cleared its claim): that request stands.
         next_poll_at = CASE WHEN s.claimed_until IS NULL AND s.next_poll_reason = 'asked for' AND s.next_poll_at >= p.at THEN s.next_poll_at ELSE p.next_poll_at END,
         next_poll_reason = CASE WHEN s.claimed_until IS NULL AND s.next_poll_reason = 'asked for' AND s.next_poll_at >= p.at THEN s.next_poll_reason ELSE p.reason END, error_score = p.error_score, items_per_day = p.items_per_day, claimed_until = NULL
       FROM p WHERE s.id = p.id RETURNING s.*
     ), log AS (
       INSERT INTO fetch_log (source_id, at, result, status, ms, bytes, new_items, feed_items, skipped_items, pages_not_fetched, error)
       SELECT p.id, p.at, p.result, p.status, p.ms, p.bytes, p.new_items, p.feed_items, p.skipped_items, p.pages_not_fetched, p.error
       FROM p JOIN u ON u.id = p.id
     )
     SELECT * FROM u`,
    [JSON.stringify(rows)],
  );
  return new Map(out.map((r) => [Number(r.id), toSource(r)]));
}

export interface FetchLogRow {
  at: Date;
  result: string;
  status: number | null;
  ms: number;
  bytes: number;
  newItems: number;
  feedItems: number | null;
  skippedItems: number;
  pagesNotFetched: number;
  error: string | null;
}

export async function recentFetches(db: Db, sourceId: number, limit = 20): Promise<FetchLogRow[]> {
  const rows = await db.query<Row>(
    `SELECT at, result, status, ms, bytes, new_items, feed_items, skipped_items, pages_not_fetched, error
     FROM fetch_log WHERE source_id = $1 ORDER BY at DESC, id DESC LIMIT $2`,
    [sourceId, limit],
  );
  return rows.map((r) => ({
    at: date(r.at)!,
    result: String(r.result),
    status: r.status == null ? null : Number(r.status),
    ms: Number(r.ms),
    bytes: Number(r.bytes),
    newItems: Number(r.new_items),
    feedItems: r.feed_items == null ? null : Number(r.feed_items),
    skippedItems: Number(r.skipped_items),
    pagesNotFetched: Number(r.pages_not_fetched),
    error: (r.error as string | null) ?? null,
  }));
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
     FROM sources WHERE removed_at IS NULL`,
    [failingFor],
  );
  return { enabled: Number(r?.enabled ?? 0), failing: Number(r?.failing ?? 0), failingLong: Number(r?.failing_long ?? 0), disabled: Number(r?.disabled ?? 0) };
}

/** Is polling keeping up? Enabled sources due before `overdueBefore`, the oldest due time, the last poll. */
export async function pollingLag(db: Db, overdueBefore: Date): Promise<{ overdue: number; oldestDue: Date | null; lastPoll: Date | null }> {
  const [r] = await db.query<{ overdue: number; oldest: unknown; last: unknown }>(
    `SELECT (SELECT count(*)::int FROM sources WHERE enabled AND next_poll_at < $1) AS overdue,
            (SELECT min(next_poll_at) FROM sources WHERE enabled AND next_poll_at < $1) AS oldest,
            (SELECT max(at) FROM fetch_log) AS last`,
    [overdueBefore],
  );
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  return { overdue: Number(r?.overdue ?? 0), oldestDue: date(r?.oldest), lastPoll: date(r?.last) };
}
