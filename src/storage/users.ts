// Users and their one-time set-password tokens. Emails are compared lower-cased; tokens are kept hashed.
import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../domain/types.ts';
import { audit } from './audit.ts';
import type { Db } from './db.ts';

export const ROLES: readonly Role[] = ['admin', 'editor', 'press_officer'];
export const TOKEN_TTL_MS = 72 * 3600_000;
// Serialises "create the first admin" so two browsers on /setup cannot both win.
const FIRST_ADMIN_LOCK = 7_270_514;

export interface User {
  id: number;
  email: string;
  roles: Role[];
  hasPassword: boolean;
  disabledAt: Date | null;
  createdAt: Date;
}

const COLUMNS = 'id, email, roles, password_hash IS NOT NULL AS has_password, disabled_at, created_at';
const U_COLUMNS = 'u.id, u.email, u.roles, u.password_hash IS NOT NULL AS has_password, u.disabled_at, u.created_at';
interface UserRow {
  id: number;
  email: string;
  roles: Role[];
  has_password: boolean;
  disabled_at: Date | null;
  created_at: Date;
}
const toUser = (r: UserRow): User => ({
  id: Number(r.id),
  email: r.email,
  roles: r.roles,
  hasPassword: r.has_password,
  disabledAt: r.disabled_at,
  createdAt: r.created_at,
});

export const normalizeEmail = (email: string) => email.trim().toLowerCase();
export const isEmail = (email: string) => /^[^\s@]+@[^\s@]+$/.test(email) && email.length <= 320;
export const isRole = (r: unknown): r is Role => typeof r === 'string' && (ROLES as string[]).includes(r);
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Inserts a user; undefined when the email is already taken. */
export async function createUser(db: Db, u: { email: string; roles: Role[]; passwordHash?: string }): Promise<User | undefined> {
  const rows = await db.query<UserRow>(
    `INSERT INTO users (email, roles, password_hash) VALUES ($1, $2, $3)
     ON CONFLICT (email) DO NOTHING RETURNING ${COLUMNS}`,
    [normalizeEmail(u.email), [...new Set(u.roles)], u.passwordHash ?? null],
  );
  return rows[0] && toUser(rows[0]);
}

/** Creates the first admin only while there are no users at all; undefined once someone exists. */
export async function createFirstAdmin(db: Db, email: string, passwordHash: string): Promise<User | undefined> {
  return db.tx(async (t) => {
    await t.query('SELECT pg_advisory_xact_lock($1)', [FIRST_ADMIN_LOCK]);
    const rows = await t.query<UserRow>(
      `INSERT INTO users (email, roles, password_hash) SELECT $1, ARRAY['admin']::text[], $2
       WHERE NOT EXISTS (SELECT 1 FROM users) RETURNING ${COLUMNS}`,
      [normalizeEmail(email), passwordHash],
    );
    return rows[0] && toUser(rows[0]);
  });
}

export async function getUser(db: Db, id: number): Promise<User | undefined> {
  const rows = await db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows[0] && toUser(rows[0]);
}

/** The user and their password hash, for login. */
export async function findLogin(db: Db, email: string): Promise<(User & { passwordHash: string | null }) | undefined> {
  const rows = await db.query<UserRow & { password_hash: string | null }>(
    `SELECT ${COLUMNS}, password_hash FROM users WHERE email = $1`,
    [normalizeEmail(email)],
  );
  const r = rows[0];
  return r && { ...toUser(r), passwordHash: r.password_hash };
}

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  const rows = await db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE email = $1`, [normalizeEmail(email)]);
  return rows[0] && toUser(rows[0]);
}

export async function listUsers(db: Db, page: { limit: number; offset: number } = { limit: 1000, offset: 0 }): Promise<User[]> {
  const rows = await db.query<UserRow>(`SELECT ${COLUMNS} FROM users ORDER BY email LIMIT $1 OFFSET $2`, [page.limit, page.offset]);
  return rows.map(toUser);
}

export async function countUsers(db: Db): Promise<number> {
  const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return rows[0]?.n ?? 0;
}

/** Enabled admins other than `exceptId`: guards against removing the last way in. */
export async function countOtherAdmins(db: Db, exceptId: number): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM users WHERE 'admin' = ANY(roles) AND disabled_at IS NULL AND id <> $1`,
    [exceptId],
  );
  return rows[0]?.n ?? 0;
}

export async function setRoles(db: Db, id: number, roles: Role[]): Promise<User | undefined> {
  const rows = await db.query<UserRow>(`UPDATE users SET roles = $2, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`, [
    id,
    [...new Set(roles)],
  ]);
  return rows[0] && toUser(rows[0]);
}

/** Disables (at = a date) or re-enables (at = null) a user. */
export async function setDisabled(db: Db, id: number, at: Date | null): Promise<User | undefined> {
  const rows = await db.query<UserRow>(`UPDATE users SET disabled_at = $2, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`, [id, at]);
  return rows[0] && toUser(rows[0]);
}

export async function setPasswordHash(db: Db, id: number, passwordHash: string): Promise<void> {
  await db.query('UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1', [id, passwordHash]);
}

/** A new one-time token (returned in clear once; only its hash is stored). Earlier unused tokens stop working. */
export async function createPasswordToken(db: Db, userId: number, now: Date, ttlMs = TOKEN_TTL_MS): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.query(
    `WITH revoked AS (UPDATE password_tokens SET used_at = $4 WHERE user_id = $2 AND used_at IS NULL)
     INSERT INTO password_tokens (token_hash, user_id, expires_at, created_at) VALUES ($1, $2, $3, $4)`,
    [hashToken(token), userId, new Date(now.getTime() + ttlMs), now],
  );
  return token;
}

/** The enabled user a still-valid token belongs to, without using it up (GET of the link must not burn it). */
export async function peekPasswordToken(db: Db, token: string, now: Date): Promise<User | undefined> {
  const rows = await db.query<UserRow>(
    `SELECT ${U_COLUMNS} FROM password_tokens t JOIN users u ON u.id = t.user_id
     WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.expires_at > $2 AND u.disabled_at IS NULL`,
    [hashToken(token), now],
  );
  return rows[0] && toUser(rows[0]);
}

/** Uses the token up and sets the password in one statement; undefined if it was unknown, used or expired. */
export async function consumePasswordToken(db: Db, token: string, passwordHash: string, now: Date): Promise<User | undefined> {
  const rows = await db.query<UserRow>(
    `WITH used AS (
       UPDATE password_tokens SET used_at = $3
       WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $3 RETURNING user_id)
     UPDATE users u SET password_hash = $2, updated_at = $3 FROM used
     WHERE u.id = used.user_id AND u.disabled_at IS NULL RETURNING ${U_COLUMNS}`,
    [hashToken(token), passwordHash, now],
  );
  return rows[0] && toUser(rows[0]);
}

/** The link a new user (or one who forgot their password) follows to choose a password. */
export const setPasswordUrl = (publicUrl: string, token: string) => `${publicUrl}/set-password?token=${encodeURIComponent(token)}`;

/**
 * Creates a user and their first set-password token in one transaction, and audits it. Undefined when the
 * email is taken. `actorId` null = the CLI.
 */
export async function inviteUser(
  db: Db,
  a: { email: string; roles: Role[]; actorId: number | null; now: Date; via: 'cli' | 'web' },
): Promise<{ user: User; token: string } | undefined> {
  return db.tx(async (t) => {
    const user = await createUser(t, { email: a.email, roles: a.roles });
    if (!user) return undefined;
    const token = await createPasswordToken(t, user.id, a.now);
    await audit(t, { userId: a.actorId, action: 'user.created', objectType: 'user', objectId: user.id, detail: { email: user.email, roles: user.roles, via: a.via }, at: a.now });
    return { user, token };
  });
}
