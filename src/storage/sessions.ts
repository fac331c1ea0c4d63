// Browser sessions and the failed-login counts that rate-limit guessing. Session ids are random and only
// their SHA-256 is stored, so reading the table does not let anyone log in.
import { randomBytes } from 'node:crypto';
import type { Db } from './db.ts';
import type { User } from './users.ts';
import { hashToken } from './users.ts';

export interface SessionTimes {
  /** A session unused this long ends. */
  idleMs: number;
  /** No session outlives this, however busy. */
  maxMs: number;
}

export interface Session {
  user: User;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

interface Row {
  id: number;
  email: string;
  roles: User['roles'];
  has_password: boolean;
  disabled_at: Date | null;
  user_created_at: Date;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
}

const ms = (n: number) => n / 1000; // seconds, for make_interval

/** Starts a session and returns its id in clear (for the cookie; only the hash is kept). */
export async function createSession(
  db: Db,
  s: { userId: number; now: Date; times: SessionTimes; ip?: string; userAgent?: string },
): Promise<string> {
  const id = randomBytes(32).toString('base64url');
  const expires = new Date(s.now.getTime() + Math.min(s.times.idleMs, s.times.maxMs));
  await db.query(
    `INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
     VALUES ($1, $2, $3, $3, $4, $5, $6)`,
    [hashToken(id), s.userId, s.now, expires, s.ip ?? null, s.userAgent?.slice(0, 300) ?? null],
  );
  return id;
}

/** The live session and its enabled user, or undefined (unknown, expired, or user disabled). */
export async function findSession(db: Db, id: string, now: Date): Promise<Session | undefined> {
  const rows = await db.query<Row>(
    `SELECT u.id, u.email, u.roles, u.password_hash IS NOT NULL AS has_password, u.disabled_at,
            u.created_at AS user_created_at, s.created_at, s.last_seen_at, s.expires_at
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL`,
    [hashToken(id), now],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    user: { id: Number(r.id), email: r.email, roles: r.roles, hasPassword: r.has_password, disabledAt: r.disabled_at, createdAt: r.user_created_at },
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    expiresAt: r.expires_at,
  };
}

/** Slides the expiry forward from `now`, capped at created_at + maxMs. */
export async function touchSession(db: Db, id: string, now: Date, times: SessionTimes): Promise<void> {
  await db.query(
    `UPDATE sessions SET last_seen_at = $2,
       expires_at = LEAST($2::timestamptz + make_interval(secs => $3), created_at + make_interval(secs => $4))
     WHERE id_hash = $1`,
    [hashToken(id), now, ms(times.idleMs), ms(times.maxMs)],
  );
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE id_hash = $1', [hashToken(id)]);
}

/** Ends every session of a user (disabled, password changed), optionally keeping the current one. */
export async function deleteUserSessions(db: Db, userId: number, exceptId?: string): Promise<number> {
  const rows = await db.query('DELETE FROM sessions WHERE user_id = $1 AND id_hash IS DISTINCT FROM $2 RETURNING 1', [
    userId,
    exceptId === undefined ? null : hashToken(exceptId),
  ]);
  return rows.length;
}

export async function deleteExpiredSessions(db: Db, now: Date): Promise<number> {
  const rows = await db.query('DELETE FROM sessions WHERE expires_at <= $1 RETURNING 1', [now]);
  return rows.length;
}

// Rate limits: a log of attempts by key (login failures by IP and by IP + email; subscribe-form posts by IP,
// keys "subscribe|<ip>"). Every limit uses the same 15-minute window, so pruning by one never cuts another's.

/** Records one attempt under each key, pruning attempts older than the window as it goes. */
export async function recordAttempt(db: Db, keys: string[], now: Date, windowMs: number): Promise<void> {
  await db.query(
    `WITH pruned AS (DELETE FROM login_failures WHERE at <= $3)
     INSERT INTO login_failures (key, at) SELECT k, $2 FROM unnest($1::text[]) AS k`,
    [keys, now, new Date(now.getTime() - windowMs)],
  );
}

/** Attempts per key since `since`, plus the oldest one counted (to say when the limit lifts). */
export async function countAttempts(db: Db, keys: string[], since: Date): Promise<Map<string, { n: number; oldest: Date }>> {
  const rows = await db.query<{ key: string; n: number; oldest: Date }>(
    `SELECT key, count(*)::int AS n, min(at) AS oldest FROM login_failures
     WHERE key = ANY($1::text[]) AND at > $2 GROUP BY key`,
    [keys, since],
  );
  return new Map(rows.map((r) => [r.key, { n: r.n, oldest: r.oldest }]));
}

export async function clearAttempts(db: Db, key: string): Promise<void> {
  await db.query('DELETE FROM login_failures WHERE key = $1', [key]);
}
