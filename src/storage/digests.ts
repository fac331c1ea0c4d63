// Digests: the stories' topic sightings they are cut from, building them (one row per subscriber and period,
// UNIQUE, written together with the subscriber's new cut-off), and sending them (claim with a lease under
// the send window, then settle by what the server said). Each step is one statement guarded by the states
// it may leave.
import type { Digest, DigestRelease, DigestStatus, DigestStory, Frequency, TopicSighting } from '../domain/digests.ts';
import type { Db } from './db.ts';

const COLUMNS = `id, subscriber_id, frequency, period, since, cutoff, story_ids, release_ids, status, attempts, last_error, message_id,
  claimed_at, claimed_until, sent_at, created_at`;
type Row = Record<string, unknown>;
const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
const ids = (v: unknown) => ((v as unknown[] | null) ?? []).map(Number);

export const toDigest = (r: Row): Digest => ({
  id: Number(r.id),
  subscriberId: Number(r.subscriber_id),
  frequency: r.frequency as Frequency,
  period: r.period as string,
  since: new Date(r.since as string),
  cutoff: new Date(r.cutoff as string),
  storyIds: ids(r.story_ids),
  releaseIds: ids(r.release_ids),
  status: r.status as DigestStatus,
  attempts: Number(r.attempts),
  lastError: (r.last_error as string | null) ?? null,
  messageId: (r.message_id as string | null) ?? null,
  claimedAt: date(r.claimed_at),
  claimedUntil: date(r.claimed_until),
  sentAt: date(r.sent_at),
  createdAt: new Date(r.created_at as string),
});

/** Every topic sighting of the stories first seen with any topic in (since, cutoff]: the earlier sightings
 *  are needed too, to tell a story that is news from one that only gained a topic. */
export async function sightingsBetween(db: Db, since: Date, cutoff: Date): Promise<TopicSighting[]> {
  const rows = await db.query<{ story_id: unknown; topic: string; first_at: unknown }>(
    `SELECT story_id, topic, first_at FROM story_topics_seen
     WHERE story_id IN (SELECT story_id FROM story_topics_seen WHERE first_at > $1 AND first_at <= $2)`,
    [since, cutoff],
  );
  return rows.map((r) => ({ storyId: Number(r.story_id), topic: r.topic, firstAt: new Date(r.first_at as string) }));
}

/** Live (not merged) stories among `ids`, with their current topics and what a digest shows of them. */
export async function digestStories(db: Db, storyIds: readonly number[]): Promise<DigestStory[]> {
  if (storyIds.length === 0) return [];
  const rows = await db.query<Row>(
    `SELECT s.id, s.topics, s.source_count, s.first_seen, h.title, h.url, src.name AS outlet,
       left(coalesce(h.body_text, ''), 600) AS text
     FROM stories s LEFT JOIN items h ON h.id = coalesce(s.headline_override, s.headline_item_id)
     LEFT JOIN sources src ON src.id = h.source_id
     WHERE s.id = ANY($1::bigint[]) AND s.merged_into IS NULL`,
    [storyIds],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    headline: (r.title as string | null) ?? '(untitled story)',
    url: (r.url as string | null) ?? null,
    outlet: (r.outlet as string | null) ?? null,
    moreSources: Math.max(0, Number(r.source_count) - 1),
    at: new Date(r.first_seen as string),
    snippet: (r.text as string) ?? '',
    topics: (r.topics as string[]) ?? [],
  }));
}

/** The union's releases published in (since, cutoff] (sent and past any embargo by the cut-off). */
export async function releasesBetween(db: Db, since: Date, cutoff: Date): Promise<DigestRelease[]> {
  const rows = await db.query<Row>(
    `SELECT id, subject, slug, greatest(sent_at, coalesce(embargo_until, sent_at)) AS at FROM releases
     WHERE status = 'sent' AND greatest(sent_at, coalesce(embargo_until, sent_at)) > $1
       AND greatest(sent_at, coalesce(embargo_until, sent_at)) <= $2 ORDER BY at DESC`,
    [since, cutoff],
  );
  return rows.map((r) => ({ id: Number(r.id), subject: r.subject as string, slug: r.slug as string, sentAt: new Date(r.at as string) }));
}

/** Releases by id, as a digest shows them. */
export async function digestReleases(db: Db, releaseIds: readonly number[]): Promise<DigestRelease[]> {
  const rows = await db.query<Row>(
    `SELECT id, subject, slug, greatest(sent_at, coalesce(embargo_until, sent_at)) AS at FROM releases WHERE id = ANY($1::bigint[]) AND status = 'sent'`,
    [releaseIds],
  );
  return rows.map((r) => ({ id: Number(r.id), subject: r.subject as string, slug: r.slug as string, sentAt: new Date(r.at as string) }));
}

export interface PlannedDigest {
  subscriberId: number;
  /** The subscriber's last cut-off the plan was made from: the write happens only if it still is. */
  since: Date;
  storyIds: number[];
  releaseIds: number[];
  /** pending = to send; empty = nothing and the subscriber skips empty ones; none = write no row (instant). */
  status: 'pending' | 'empty' | 'none';
}

/** Serialises digest building across processes (transaction-scoped). */
export async function lockDigestBuild(db: Db, frequency: Frequency): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('digests:build:' || $1))`, [frequency]);
}

/** Writes the planned digests and moves each subscriber's cut-off, in one statement: only for subscribers
 *  still active, still at the cut-off the plan started from and without a digest for the period. Returns
 *  the ids of the digests to send. */
export async function writeDigests(db: Db, w: { frequency: Frequency; period: string; cutoff: Date; now: Date; plans: readonly PlannedDigest[] }): Promise<number[]> {
  if (w.plans.length === 0) return [];
  const json = JSON.stringify(
    w.plans.map((p) => ({ s: p.subscriberId, since: p.since.toISOString(), stories: `{${p.storyIds.join(',')}}`, releases: `{${p.releaseIds.join(',')}}`, status: p.status })),
  );
  const rows = await db.query<{ id: unknown; status: string }>(
    `WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(s bigint, since timestamptz, stories text, releases text, status text)),
     moved AS (
       UPDATE subscribers sub SET last_cutoff = $3 FROM x
       WHERE sub.id = x.s AND sub.status = 'active' AND sub.last_cutoff = x.since
         AND NOT EXISTS (SELECT 1 FROM digests d WHERE d.subscriber_id = x.s AND d.period = $2)
       RETURNING sub.id)
     INSERT INTO digests (subscriber_id, frequency, period, since, cutoff, story_ids, release_ids, status, created_at)
     SELECT x.s, $4, $2, x.since, $3, x.stories::bigint[], x.releases::bigint[], x.status, $5 FROM x JOIN moved ON moved.id = x.s
     WHERE x.status <> 'none'
     ON CONFLICT (subscriber_id, period) DO NOTHING RETURNING id, status`,
    [json, w.period, w.cutoff, w.frequency, w.now],
  );
  return rows.filter((r) => r.status === 'pending').map((r) => Number(r.id)).sort((a, b) => a - b);
}

/** Empty digests older than `before`: they only made a re-run of their period a no-op. */
export async function pruneEmptyDigests(db: Db, before: Date): Promise<number> {
  const rows = await db.query(`DELETE FROM digests WHERE status = 'empty' AND created_at < $1 RETURNING id`, [before]);
  return rows.length;
}

/** Digests still to send (pending, or claimed by a sender whose lease may lapse), in id order. */
export async function unsettledDigestIds(db: Db, opts: { frequency?: Frequency } = {}): Promise<number[]> {
  const rows = await db.query<{ id: unknown }>(
    `SELECT id FROM digests WHERE status IN ('pending', 'sending') AND ($1::text IS NULL OR frequency = $1) ORDER BY id`,
    [opts.frequency ?? null],
  );
  return rows.map((r) => Number(r.id));
}

/** Serialises claims across processes (transaction-scoped), so the send window is counted exactly. */
export async function lockDigestWindow(db: Db): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('digests:send-window'))`);
}

/** Claims made in (since, until] and, when `limit` or more were, the limit-th newest (ms since the epoch). */
export async function recentDigestClaims(db: Db, since: Date, until: Date, limit: number): Promise<{ n: number; limitThNewest?: number }> {
  const rows = await db.query<{ claimed_at: unknown }>(
    'SELECT claimed_at FROM digests WHERE claimed_at > $1 AND claimed_at <= $2 ORDER BY claimed_at DESC LIMIT $3',
    [since, until, limit],
  );
  const last = rows.length >= limit ? rows[limit - 1] : undefined;
  return { n: rows.length, limitThNewest: last ? new Date(last.claimed_at as string).getTime() : undefined };
}

/** pending -> sending (or a lapsed claim taken over) for at most `max` of `ids`, with a lease until `until`. */
export async function claimDigests(db: Db, digestIds: readonly number[], max: number, now: Date, until: Date): Promise<Digest[]> {
  const rows = await db.query<Row>(
    `UPDATE digests SET status = 'sending', attempts = attempts + 1, claimed_at = $2, claimed_until = $3
     WHERE id IN (SELECT id FROM digests WHERE id = ANY($1::bigint[]) AND (status = 'pending' OR (status = 'sending' AND claimed_until <= $2))
                  ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED)
     RETURNING ${COLUMNS}`,
    [digestIds, now, until, max],
  );
  return rows.map(toDigest).sort((a, b) => a.id - b.id);
}

/** How many of `ids` another sender holds under a lease that has not lapsed. */
export async function busyDigests(db: Db, digestIds: readonly number[], now: Date): Promise<number> {
  if (digestIds.length === 0) return 0;
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM digests WHERE id = ANY($1::bigint[]) AND status = 'sending' AND claimed_until > $2`,
    [digestIds, now],
  );
  return Number(rows[0]?.n ?? 0);
}

export interface DigestOutcome {
  id: number;
  status: Exclude<DigestStatus, 'sending' | 'empty'>;
  error?: string | null;
  messageId?: string | null;
}

/** sending -> sent | failed | skipped, or back to pending for another try, for several digests in one
 *  statement. Only claimed rows change. */
export async function settleDigests(db: Db, outcomes: readonly DigestOutcome[], now: Date): Promise<number> {
  if (outcomes.length === 0) return 0;
  const rows = await db.query(
    `UPDATE digests d SET status = x.status, last_error = coalesce(x.error, d.last_error), message_id = coalesce(x.message_id, d.message_id),
       sent_at = CASE WHEN x.status = 'sent' THEN $5::timestamptz ELSE d.sent_at END, claimed_until = NULL
     FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS x(id, status, error, message_id)
     WHERE d.id = x.id AND d.status = 'sending' RETURNING d.id`,
    [outcomes.map((o) => o.id), outcomes.map((o) => o.status), outcomes.map((o) => o.error ?? null), outcomes.map((o) => o.messageId ?? null), now],
  );
  return rows.length;
}

export async function getDigest(db: Db, id: number): Promise<Digest | undefined> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM digests WHERE id = $1`, [id]);
  return rows[0] && toDigest(rows[0]);
}

export async function digestsOf(db: Db, subscriberId: number): Promise<Digest[]> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM digests WHERE subscriber_id = $1 ORDER BY id`, [subscriberId]);
  return rows.map(toDigest);
}

export async function countDigests(db: Db, opts: { period?: string } = {}): Promise<Record<DigestStatus, number>> {
  const rows = await db.query<{ status: DigestStatus; n: number }>(
    'SELECT status, count(*)::int AS n FROM digests WHERE ($1::text IS NULL OR period = $1) GROUP BY status',
    [opts.period ?? null],
  );
  const out: Record<DigestStatus, number> = { empty: 0, pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}
