// The audit log: who did what, when, to which object. Append-only; every issue that changes shared state
// (users, rules, drafts, releases) writes one row per change, in the same transaction as the change.
import type { Db } from './db.ts';

export interface AuditEntry {
  /** The acting user; null for the CLI, the system, or an unknown person (a failed login). */
  userId: number | null;
  /** Dotted verb: "user.login", "user.created", "user.roles_changed", "rule.published"... */
  action: string;
  objectType?: string;
  objectId?: string | number;
  detail?: Record<string, unknown>;
  /** Defaults to the database's clock. */
  at?: Date;
}

export interface AuditRow {
  id: number;
  at: Date;
  userId: number | null;
  userEmail: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  /** What the object is called now: a user's email, a source's name; null for other objects or one deleted. */
  objectLabel: string | null;
  /** A removed source: its page is gone, its name stays. */
  objectRemoved: boolean;
  detail: Record<string, unknown>;
}

export async function audit(db: Db, e: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (at, user_id, action, object_type, object_id, detail)
     VALUES (COALESCE($1::timestamptz, now()), $2, $3, $4, $5, $6::jsonb)`,
    [e.at ?? null, e.userId, e.action, e.objectType ?? null, e.objectId === undefined ? null : String(e.objectId), JSON.stringify(e.detail ?? {})],
  );
}

/** Newest first, optionally for one object, with the actor's email and the object's label. */
export async function listAudit(
  db: Db,
  q: { limit: number; offset?: number; objectType?: string; objectId?: string | number } = { limit: 100 },
): Promise<AuditRow[]> {
  const rows = await db.query<{
    id: number;
    at: Date;
    user_id: number | null;
    email: string | null;
    action: string;
    object_type: string | null;
    object_id: string | null;
    object_label: string | null;
    object_removed: boolean | null;
    detail: Record<string, unknown> | string;
  }>(
    // The page first, then its labels: the joins on text ids read only the rows shown.
    `WITH page AS (
       SELECT * FROM audit_log a
       WHERE ($3::text IS NULL OR a.object_type = $3) AND ($4::text IS NULL OR a.object_id = $4)
       ORDER BY a.at DESC, a.id DESC LIMIT $1 OFFSET $2
     )
     SELECT a.id, a.at, a.user_id, u.email, a.action, a.object_type, a.object_id, a.detail,
            coalesce(ou.email, os.name) AS object_label, os.removed_at IS NOT NULL AS object_removed
     FROM page a LEFT JOIN users u ON u.id = a.user_id
       LEFT JOIN users ou ON a.object_type = 'user' AND ou.id::text = a.object_id
       LEFT JOIN sources os ON a.object_type = 'source' AND os.id::text = a.object_id
     ORDER BY a.at DESC, a.id DESC`,
    [q.limit, q.offset ?? 0, q.objectType ?? null, q.objectId === undefined ? null : String(q.objectId)],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    at: r.at,
    userId: r.user_id === null ? null : Number(r.user_id),
    userEmail: r.email,
    action: r.action,
    objectType: r.object_type,
    objectId: r.object_id,
    objectLabel: r.object_label,
    objectRemoved: Boolean(r.object_label !== null && r.object_removed),
    detail: typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail,
  }));
}

export async function countAudit(db: Db): Promise<number> {
  const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
  return rows[0]?.n ?? 0;
}
