// Subscribers (campaigners' digest subscriptions): SQL and row mapping. Every change of state is one UPDATE
// guarded by the states it may leave and, for link-driven changes, by the link version the link carries.
import type { Frequency, Subscriber, SubscriberStatus } from '../domain/digests.ts';
import type { Db } from './db.ts';

const COLUMNS = `id, email, topics, frequency, status, skip_empty, consent_text, link_version, pending_topics, pending_frequency,
  confirm_sent_at, created_at, confirmed_at, unsubscribed_at, last_cutoff, updated_at`;
type Row = Record<string, unknown>;
const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

export const toSubscriber = (r: Row): Subscriber => ({
  id: Number(r.id),
  email: r.email as string,
  topics: (r.topics as string[]) ?? [],
  frequency: r.frequency as Frequency,
  status: r.status as SubscriberStatus,
  skipEmpty: Boolean(r.skip_empty),
  consentText: r.consent_text as string,
  linkVersion: Number(r.link_version),
  pendingTopics: (r.pending_topics as string[] | null) ?? null,
  pendingFrequency: (r.pending_frequency as Frequency | null) ?? null,
  confirmSentAt: date(r.confirm_sent_at),
  createdAt: new Date(r.created_at as string),
  confirmedAt: date(r.confirmed_at),
  unsubscribedAt: date(r.unsubscribed_at),
  lastCutoff: date(r.last_cutoff),
  updatedAt: new Date(r.updated_at as string),
});

export async function getSubscriber(db: Db, id: number): Promise<Subscriber | undefined> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM subscribers WHERE id = $1`, [id]);
  return rows[0] && toSubscriber(rows[0]);
}

export async function subscribersByIds(db: Db, ids: readonly number[]): Promise<Subscriber[]> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM subscribers WHERE id = ANY($1::bigint[])`, [ids]);
  return rows.map(toSubscriber);
}

export async function findSubscriber(db: Db, email: string): Promise<Subscriber | undefined> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM subscribers WHERE email = lower($1)`, [email.trim()]);
  return rows[0] && toSubscriber(rows[0]);
}

/** A form post: a new pending subscriber, or the choices parked on an existing one until confirmed. The
 *  subscription itself changes only through the confirm link. */
export async function recordSignup(db: Db, s: { email: string; topics: readonly string[]; frequency: Frequency; consentText: string; now: Date }): Promise<Subscriber> {
  const rows = await db.query<Row>(
    `INSERT INTO subscribers (email, topics, frequency, consent_text, pending_topics, pending_frequency, created_at, updated_at)
     VALUES (lower($1), $2, $3, $4, $2, $3, $5, $5)
     ON CONFLICT (email) DO UPDATE SET pending_topics = EXCLUDED.pending_topics, pending_frequency = EXCLUDED.pending_frequency,
       consent_text = CASE WHEN subscribers.status = 'active' THEN subscribers.consent_text ELSE EXCLUDED.consent_text END,
       updated_at = EXCLUDED.updated_at
     RETURNING ${COLUMNS}`,
    [s.email.trim(), s.topics, s.frequency, s.consentText, s.now],
  );
  return toSubscriber(rows[0]!);
}

/** Records a confirmation email unless one went within `gapMs` (so nobody can mail-bomb an address through
 *  the form); true = send it. */
export async function claimConfirmEmail(db: Db, id: number, now: Date, gapMs: number): Promise<boolean> {
  const rows = await db.query(
    `UPDATE subscribers SET confirm_sent_at = $2 WHERE id = $1 AND (confirm_sent_at IS NULL OR confirm_sent_at <= $3) RETURNING id`,
    [id, now, new Date(now.getTime() - gapMs)],
  );
  return rows.length > 0;
}

/** A confirmation email that did not go: the next post may send one at once. */
export async function forgetConfirmEmail(db: Db, id: number): Promise<void> {
  await db.query('UPDATE subscribers SET confirm_sent_at = NULL WHERE id = $1', [id]);
}

/** The confirm link: pending or unsubscribed -> active with the parked choices, or an active subscriber's
 *  parked choices applied. The digest chain starts now for a new or returning subscriber. */
export async function confirmSubscriber(db: Db, id: number, linkVersion: number, now: Date): Promise<Subscriber | undefined> {
  const rows = await db.query<Row>(
    `UPDATE subscribers SET topics = coalesce(pending_topics, topics), frequency = coalesce(pending_frequency, frequency),
       pending_topics = NULL, pending_frequency = NULL,
       last_cutoff = CASE WHEN status = 'active' THEN last_cutoff ELSE $3 END,
       confirmed_at = $3, unsubscribed_at = NULL, status = 'active', updated_at = $3
     WHERE id = $1 AND link_version = $2 AND (status IN ('pending', 'unsubscribed') OR pending_topics IS NOT NULL)
     RETURNING ${COLUMNS}`,
    [id, linkVersion, now],
  );
  return rows[0] && toSubscriber(rows[0]);
}

export async function updatePreferences(
  db: Db,
  id: number,
  linkVersion: number,
  p: { topics: readonly string[]; frequency: Frequency; skipEmpty: boolean; now: Date },
): Promise<Subscriber | undefined> {
  const rows = await db.query<Row>(
    `UPDATE subscribers SET topics = $3, frequency = $4, skip_empty = $5, updated_at = $6
     WHERE id = $1 AND link_version = $2 AND status = 'active' RETURNING ${COLUMNS}`,
    [id, linkVersion, p.topics, p.frequency, p.skipEmpty, p.now],
  );
  return rows[0] && toSubscriber(rows[0]);
}

const END = `unsubscribed_at = $2, link_version = link_version + 1, pending_topics = NULL, pending_frequency = NULL, updated_at = $2`;

/** The unsubscribe link: no more digests, and the links sent so far stop working. */
export async function unsubscribe(db: Db, id: number, linkVersion: number, now: Date): Promise<Subscriber | undefined> {
  const rows = await db.query<Row>(
    `UPDATE subscribers SET status = 'unsubscribed', ${END} WHERE id = $1 AND link_version = $3 AND status IN ('pending', 'active') RETURNING ${COLUMNS}`,
    [id, now, linkVersion],
  );
  return rows[0] && toSubscriber(rows[0]);
}

/** A hard bounce, a complaint or an operator: the address is never mailed again (the suppression list says
 *  so for every kind of mail); coming back needs a new confirmed opt-in after the suppression is lifted. */
export async function suppressSubscriber(db: Db, email: string, now: Date): Promise<Subscriber | undefined> {
  const rows = await db.query<Row>(
    `UPDATE subscribers SET status = 'suppressed', ${END} WHERE email = lower($1) AND status <> 'suppressed' RETURNING ${COLUMNS}`,
    [email.trim(), now],
  );
  return rows[0] && toSubscriber(rows[0]);
}

/** Active subscribers of a frequency still owed the period's digest, in id order after `afterId`. */
export async function dueSubscribers(db: Db, q: { frequency: Frequency; period: string; cutoff: Date; afterId: number; limit: number }): Promise<Subscriber[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM subscribers s WHERE status = 'active' AND frequency = $1 AND last_cutoff < $3 AND id > $4
       AND NOT EXISTS (SELECT 1 FROM digests d WHERE d.subscriber_id = s.id AND d.period = $2)
     ORDER BY id LIMIT $5`,
    [q.frequency, q.period, q.cutoff, q.afterId, q.limit],
  );
  return rows.map(toSubscriber);
}

export async function listSubscribers(db: Db, q: { status?: SubscriberStatus; topic?: string; limit?: number; offset?: number } = {}): Promise<Subscriber[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM subscribers WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR $2 = ANY(topics))
     ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4`,
    [q.status ?? null, q.topic ?? null, q.limit ?? 100_000, q.offset ?? 0],
  );
  return rows.map(toSubscriber);
}

export interface SubscriberStats {
  byStatus: Record<SubscriberStatus, number>;
  /** Active subscribers per topic. */
  byTopic: { topic: string; n: number }[];
  /** Active subscribers per frequency. */
  byFrequency: Record<Frequency, number>;
  /** Digests per subscriber, sent so far (for the admin list). */
  sent: Map<number, number>;
}

export async function subscriberStats(db: Db): Promise<SubscriberStats> {
  const [status, topics, freq, sent] = await Promise.all([
    db.query<{ status: SubscriberStatus; n: number }>('SELECT status, count(*)::int AS n FROM subscribers GROUP BY status'),
    db.query<{ topic: string; n: number }>(
      `SELECT t AS topic, count(*)::int AS n FROM subscribers CROSS JOIN LATERAL unnest(topics) AS t WHERE status = 'active' GROUP BY t ORDER BY n DESC, t`,
    ),
    db.query<{ frequency: Frequency; n: number }>(`SELECT frequency, count(*)::int AS n FROM subscribers WHERE status = 'active' GROUP BY frequency`),
    db.query<{ id: number; n: number }>(`SELECT subscriber_id AS id, count(*)::int AS n FROM digests WHERE status = 'sent' GROUP BY subscriber_id`),
  ]);
  const byStatus: Record<SubscriberStatus, number> = { pending: 0, active: 0, unsubscribed: 0, suppressed: 0 };
  for (const r of status) byStatus[r.status] = Number(r.n);
  const byFrequency: Record<Frequency, number> = { instant: 0, daily: 0, weekly: 0 };
  for (const r of freq) byFrequency[r.frequency] = Number(r.n);
  return { byStatus, byTopic: topics.map((r) => ({ topic: r.topic, n: Number(r.n) })), byFrequency, sent: new Map(sent.map((r) => [Number(r.id), Number(r.n)])) };
}
