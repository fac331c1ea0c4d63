// Deliveries, one email of a release to one contact: SQL and row mapping. Rows are written before any send
// (UNIQUE release + contact), claimed before each send (pending -> sending, with a lease) and settled after
// the server answered; each step is one UPDATE guarded by the states it may leave.
import type { Delivery, DeliveryStatus } from '../domain/releases.ts';
import type { Db } from './db.ts';

const COLUMNS = 'id, release_id, contact_id, email, status, attempts, last_error, message_id, claimed_at, claimed_until, sent_at, created_at';
type Row = Record<string, unknown>;
const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

export const toDelivery = (r: Row): Delivery => ({
  id: Number(r.id),
  releaseId: Number(r.release_id),
  contactId: Number(r.contact_id),
  email: r.email as string,
  status: r.status as DeliveryStatus,
  attempts: Number(r.attempts),
  lastError: (r.last_error as string | null) ?? null,
  messageId: (r.message_id as string | null) ?? null,
  claimedAt: date(r.claimed_at),
  claimedUntil: date(r.claimed_until),
  sentAt: date(r.sent_at),
  createdAt: new Date(r.created_at as string),
});

/** One row per recipient; those the release already has are left alone. Returns how many were new. */
export async function insertDeliveries(db: Db, releaseId: number, recipients: readonly { contactId: number; email: string }[], now: Date): Promise<number> {
  let added = 0;
  for (let i = 0; i < recipients.length; i += 1000) {
    const chunk = recipients.slice(i, i + 1000);
    const rows = await db.query(
      `INSERT INTO deliveries (release_id, contact_id, email, created_at)
       SELECT $1, c, e, $4 FROM unnest($2::bigint[], $3::text[]) AS x(c, e)
       ON CONFLICT (release_id, contact_id) DO NOTHING RETURNING id`,
      [releaseId, chunk.map((r) => r.contactId), chunk.map((r) => r.email), now],
    );
    added += rows.length;
  }
  return added;
}

/** Deliveries still to send (pending, or claimed by a sender): the ones a resumed distribution queues again. */
export async function unsettledDeliveryIds(db: Db, releaseId: number): Promise<number[]> {
  const rows = await db.query<{ id: number }>(`SELECT id FROM deliveries WHERE release_id = $1 AND status IN ('pending', 'sending') ORDER BY id`, [releaseId]);
  return rows.map((r) => Number(r.id));
}

export async function getDelivery(db: Db, id: number): Promise<Delivery | undefined> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM deliveries WHERE id = $1`, [id]);
  return rows[0] && toDelivery(rows[0]);
}

/** Serialises claims across processes (transaction-scoped), so the send window is counted exactly. */
export async function lockSendWindow(db: Db): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('deliveries:send-window'))`);
}

/** When the `nth` newest claim made in (since, until] was, ms since the epoch; undefined = fewer were made. The
 *  send window needs only this one: fetching every claim in the window made each send read up to
 *  SEND_PER_MINUTE rows (the distribute bench spent most of its time parsing them). */
export async function nthRecentClaim(db: Db, since: Date, until: Date, nth: number): Promise<number | undefined> {
  const rows = await db.query<{ claimed_at: unknown }>(
    'SELECT claimed_at FROM deliveries WHERE claimed_at > $1 AND claimed_at <= $2 ORDER BY claimed_at DESC OFFSET $3 LIMIT 1',
    [since, until, nth - 1],
  );
  return rows[0] ? new Date(rows[0].claimed_at as string).getTime() : undefined;
}

/** pending -> sending (or a lapsed claim taken over) with a lease until `until`; undefined = not claimable. */
export async function claimDelivery(db: Db, id: number, now: Date, until: Date): Promise<Delivery | undefined> {
  const rows = await db.query<Row>(
    `UPDATE deliveries SET status = 'sending', attempts = attempts + 1, claimed_at = $2, claimed_until = $3
     WHERE id = $1 AND (status = 'pending' OR (status = 'sending' AND claimed_until <= $2)) RETURNING ${COLUMNS}`,
    [id, now, until],
  );
  return rows[0] && toDelivery(rows[0]);
}

/** sending -> sent | failed | skipped, or back to pending for another try. Only the claimed row changes. */
export async function settleDelivery(
  db: Db,
  id: number,
  s: { status: Exclude<DeliveryStatus, 'sending'>; now: Date; error?: string | null; messageId?: string | null },
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE deliveries SET status = $2, last_error = coalesce($3, last_error), message_id = coalesce($4, message_id),
       sent_at = CASE WHEN $2 = 'sent' THEN $5::timestamptz ELSE sent_at END, claimed_until = NULL
     WHERE id = $1 AND status = 'sending' RETURNING id`,
    [id, s.status, s.error ?? null, s.messageId ?? null, s.now],
  );
  return rows.length > 0;
}

export type DeliveryCounts = Record<DeliveryStatus, number>;

export async function countDeliveries(db: Db, releaseId: number): Promise<DeliveryCounts> {
  const rows = await db.query<{ status: DeliveryStatus; n: number }>('SELECT status, count(*)::int AS n FROM deliveries WHERE release_id = $1 GROUP BY status', [releaseId]);
  const out: DeliveryCounts = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}

export interface DeliveryListEntry extends Delivery {
  name: string;
  outlet: string | null;
}

/** A release's deliveries with who they are for: failed first, then in flight, then the rest by name. */
export async function listDeliveries(db: Db, releaseId: number, q: { limit?: number; offset?: number } = {}): Promise<DeliveryListEntry[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS.replace(/(\w+)/g, 'd.$1')}, c.name, c.outlet FROM deliveries d JOIN contacts c ON c.id = d.contact_id
     WHERE d.release_id = $1
     ORDER BY CASE d.status WHEN 'failed' THEN 0 WHEN 'sending' THEN 1 WHEN 'pending' THEN 2 ELSE 3 END, lower(c.name), d.id
     LIMIT $2 OFFSET $3`,
    [releaseId, q.limit ?? 500, q.offset ?? 0],
  );
  return rows.map((r) => ({ ...toDelivery(r), name: r.name as string, outlet: (r.outlet as string | null) ?? null }));
}
