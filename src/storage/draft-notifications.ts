// Emails about drafts, one row per draft version, person and kind, and the nonces of signed links already
// used. Both make retries safe: a re-run skips what was sent, and a link acts once.
import type { Db } from './db.ts';

export type NotificationKind = 'approval' | 'reminder' | 'escalation';

export interface NotificationKey {
  draftId: number;
  version: number;
  userId: number;
  kind: NotificationKind;
}

/**
 * Claims the right to send one email: true when this caller should send it now. False when it was sent,
 * or another process holds a claim that has not lapsed (a claim lapses after `leaseMs`, so an email whose
 * sender died mid-send is sent by the next run: at least once, never twice while the sender lives).
 */
export async function claimNotification(db: Db, k: NotificationKey, now: Date, leaseMs = 120_000): Promise<boolean> {
  const until = new Date(now.getTime() + leaseMs);
  const rows = await db.query(
    `INSERT INTO draft_notifications (draft_id, version, user_id, kind, claimed_until) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (draft_id, version, user_id, kind) DO UPDATE SET claimed_until = EXCLUDED.claimed_until
       WHERE draft_notifications.sent_at IS NULL AND draft_notifications.claimed_until <= $6
     RETURNING 1`,
    [k.draftId, k.version, k.userId, k.kind, until, now],
  );
  return rows.length > 0;
}

export async function markNotificationSent(db: Db, k: NotificationKey, messageId: string, now: Date): Promise<void> {
  await db.query(
    `UPDATE draft_notifications SET sent_at = $5, message_id = $6
     WHERE draft_id = $1 AND version = $2 AND user_id = $3 AND kind = $4`,
    [k.draftId, k.version, k.userId, k.kind, now, messageId],
  );
}

/** Gives a claim back after a failed send, so the retry need not wait for the lease. */
export async function releaseNotification(db: Db, k: NotificationKey): Promise<void> {
  await db.query(
    `DELETE FROM draft_notifications WHERE draft_id = $1 AND version = $2 AND user_id = $3 AND kind = $4 AND sent_at IS NULL`,
    [k.draftId, k.version, k.userId, k.kind],
  );
}

/** The people emailed about a draft (any version, any kind), with the first time each was. */
export async function listNotified(db: Db, draftId: number): Promise<{ userId: number; kind: NotificationKind; version: number; sentAt: Date }[]> {
  const rows = await db.query<{ user_id: number; kind: NotificationKind; version: number; sent_at: Date }>(
    `SELECT user_id, kind, version, sent_at FROM draft_notifications WHERE draft_id = $1 AND sent_at IS NOT NULL
     ORDER BY sent_at, user_id`,
    [draftId],
  );
  return rows.map((r) => ({ userId: Number(r.user_id), kind: r.kind, version: Number(r.version), sentAt: new Date(r.sent_at) }));
}

/** Records a signed link's nonce as used; false when it already was (the link acts once). */
export async function consumeLinkNonce(db: Db, u: { nonce: string; draftId: number; userId: number; action: string; now: Date }): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO used_links (nonce, draft_id, user_id, action, used_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (nonce) DO NOTHING RETURNING 1`,
    [u.nonce, u.draftId, u.userId, u.action, u.now],
  );
  return rows.length > 0;
}

/** When the link with this nonce was used, if it was. */
export async function linkUsedAt(db: Db, nonce: string): Promise<Date | undefined> {
  const rows = await db.query<{ used_at: Date }>('SELECT used_at FROM used_links WHERE nonce = $1', [nonce]);
  return rows[0] ? new Date(rows[0].used_at) : undefined;
}
