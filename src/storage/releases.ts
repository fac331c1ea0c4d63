// Releases: SQL and row mapping. Every status change is one UPDATE whose WHERE clause names the states it
// may leave (a status lock): two workers, or a click and a worker, cannot both move a release.
import type { RecipientSpec, Release, ReleaseStatus } from '../domain/releases.ts';
import type { Db } from './db.ts';

const COLUMNS = `id, draft_id, slug, subject, html, text, topics, status, send_at, embargo_until, recipients, approved_by,
  created_at, sending_at, sent_at, cancelled_at`;
type Row = Record<string, unknown>;
const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

export const toRelease = (r: Row): Release => ({
  id: Number(r.id),
  draftId: Number(r.draft_id),
  slug: r.slug as string,
  subject: r.subject as string,
  html: r.html as string,
  text: r.text as string,
  topics: (r.topics as string[] | null) ?? [],
  status: r.status as ReleaseStatus,
  sendAt: date(r.send_at),
  embargoUntil: date(r.embargo_until),
  recipients: (typeof r.recipients === 'string' ? JSON.parse(r.recipients) : r.recipients) as RecipientSpec,
  approvedBy: r.approved_by === null || r.approved_by === undefined ? null : Number(r.approved_by),
  createdAt: new Date(r.created_at as string),
  sendingAt: date(r.sending_at),
  sentAt: date(r.sent_at),
  cancelledAt: date(r.cancelled_at),
});

export type NewRelease = Pick<Release, 'draftId' | 'slug' | 'subject' | 'html' | 'text' | 'topics' | 'sendAt' | 'embargoUntil' | 'recipients' | 'approvedBy'> & {
  now: Date;
};

/** The draft's release: made now, or the one it already has (UNIQUE draft_id). */
export async function insertRelease(db: Db, r: NewRelease): Promise<{ created: boolean; release: Release }> {
  const rows = await db.query<Row>(
    `INSERT INTO releases (draft_id, slug, subject, html, text, topics, send_at, embargo_until, recipients, approved_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8, $9::jsonb, $10, $11)
     ON CONFLICT (draft_id) DO NOTHING RETURNING ${COLUMNS}`,
    [r.draftId, r.slug, r.subject, r.html, r.text, r.topics, r.sendAt, r.embargoUntil, JSON.stringify(r.recipients), r.approvedBy, r.now],
  );
  if (rows[0]) return { created: true, release: toRelease(rows[0]) };
  const existing = await getReleaseByDraft(db, r.draftId);
  if (!existing) throw new Error(`releases: draft ${r.draftId} has a release that vanished during the insert; retry`);
  return { created: false, release: existing };
}

export async function getRelease(db: Db, id: number): Promise<Release | undefined> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM releases WHERE id = $1`, [id]);
  return rows[0] && toRelease(rows[0]);
}

export async function getReleaseByDraft(db: Db, draftId: number): Promise<Release | undefined> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM releases WHERE draft_id = $1`, [draftId]);
  return rows[0] && toRelease(rows[0]);
}

/** A release the public may read: sent, and past its embargo. */
export async function getPublicRelease(db: Db, slug: string, now: Date): Promise<Release | undefined> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM releases WHERE slug = $1 AND status = 'sent' AND (embargo_until IS NULL OR embargo_until <= $2)`,
    [slug, now],
  );
  return rows[0] && toRelease(rows[0]);
}

/** The public archive: sent releases past their embargo, newest first. */
export async function listPublicReleases(db: Db, now: Date, q: { limit?: number; offset?: number } = {}): Promise<Release[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM releases WHERE status = 'sent' AND (embargo_until IS NULL OR embargo_until <= $1)
     ORDER BY sent_at DESC, id DESC LIMIT $2 OFFSET $3`,
    [now, q.limit ?? 50, q.offset ?? 0],
  );
  return rows.map(toRelease);
}

/** Releases for the press office, newest first; optionally only some states. */
export async function listReleases(db: Db, q: { statuses?: readonly ReleaseStatus[]; limit?: number; offset?: number } = {}): Promise<Release[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM releases WHERE ($1::text[] IS NULL OR status = ANY($1::text[])) ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
    [q.statuses ?? null, q.limit ?? 100, q.offset ?? 0],
  );
  return rows.map(toRelease);
}

/** Scheduled releases whose time has come (a missed delayed job is picked up by maintenance). */
export async function listDueReleases(db: Db, now: Date, limit = 100): Promise<Release[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM releases WHERE status = 'scheduled' AND (send_at IS NULL OR send_at <= $1) ORDER BY send_at NULLS FIRST, id LIMIT $2`,
    [now, limit],
  );
  return rows.map(toRelease);
}

/** scheduled -> sending, once its time has come. undefined = not scheduled any more, or not yet due. */
export async function beginSending(db: Db, id: number, now: Date): Promise<Release | undefined> {
  const rows = await db.query<Row>(
    `UPDATE releases SET status = 'sending', sending_at = $2
     WHERE id = $1 AND status = 'scheduled' AND (send_at IS NULL OR send_at <= $2) RETURNING ${COLUMNS}`,
    [id, now],
  );
  return rows[0] && toRelease(rows[0]);
}

/** scheduled -> cancelled. undefined = it is no longer scheduled (it went, or was cancelled already). */
export async function cancelRelease(db: Db, id: number, userId: number | null, now: Date): Promise<Release | undefined> {
  const rows = await db.query<Row>(
    `UPDATE releases SET status = 'cancelled', cancelled_at = $3, cancelled_by = $2 WHERE id = $1 AND status = 'scheduled' RETURNING ${COLUMNS}`,
    [id, userId, now],
  );
  return rows[0] && toRelease(rows[0]);
}

/** A scheduled release's new time and embargo (null = now / none). undefined = no longer scheduled. */
export async function rescheduleRelease(db: Db, id: number, sendAt: Date | null, embargoUntil: Date | null): Promise<Release | undefined> {
  const rows = await db.query<Row>(
    `UPDATE releases SET send_at = $2, embargo_until = $3 WHERE id = $1 AND status = 'scheduled' RETURNING ${COLUMNS}`,
    [id, sendAt, embargoUntil],
  );
  return rows[0] && toRelease(rows[0]);
}

/** sending -> sent once no delivery is pending or in flight. undefined = not yet (or already done). */
export async function completeRelease(db: Db, id: number, now: Date): Promise<Release | undefined> {
  const rows = await db.query<Row>(
    `UPDATE releases SET status = 'sent', sent_at = $2
     WHERE id = $1 AND status = 'sending'
       AND NOT EXISTS (SELECT 1 FROM deliveries WHERE release_id = $1 AND status IN ('pending', 'sending'))
     RETURNING ${COLUMNS}`,
    [id, now],
  );
  return rows[0] && toRelease(rows[0]);
}

/** Approved drafts that have no release yet (the process that approved one died before making it). */
export async function approvedWithoutRelease(db: Db, limit = 100): Promise<{ draftId: number; decidedBy: number | null }[]> {
  const rows = await db.query<{ id: number; decided_by: number | null }>(
    `SELECT d.id, d.decided_by FROM drafts d WHERE d.status = 'approved' AND NOT EXISTS (SELECT 1 FROM releases r WHERE r.draft_id = d.id)
     ORDER BY d.id LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ draftId: Number(r.id), decidedBy: r.decided_by === null ? null : Number(r.decided_by) }));
}
