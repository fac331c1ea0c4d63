// Checking a login: rate limit first, then the password. Failures are counted in the database, so every
// web process shares the limit and a restart does not reset it.
//   per IP + email: 5 failures in 15 minutes, then that pair waits (guessing one person's password)
//   per IP:        30 failures in 15 minutes, then that address waits (trying many people's passwords)
// While limited, even the right password is refused, so the limit cannot be used as an oracle.
import { verifyPassword } from '../adapters/passwords.ts';
import type { Db } from '../storage/db.ts';
import { clearAttempts, countAttempts, recordAttempt } from '../storage/sessions.ts';
import { type User, findLogin, normalizeEmail } from '../storage/users.ts';

export const LOGIN_LIMITS = { windowMs: 15 * 60_000, perAccount: 5, perIp: 30 };

export type LoginResult = { ok: true; user: User } | { ok: false; reason: 'invalid' } | { ok: false; reason: 'limited'; retryAfterMs: number };

export async function checkLogin(db: Db, a: { email: string; password: string; ip: string; now: Date }): Promise<LoginResult> {
  const email = normalizeEmail(a.email).slice(0, 320); // the key must stay small whatever is posted
  const pairKey = `${a.ip}|${email}`;
  const ipKey = a.ip;
  const since = new Date(a.now.getTime() - LOGIN_LIMITS.windowMs);
  const counts = await countAttempts(db, [pairKey, ipKey], since);
  for (const [key, limit] of [[pairKey, LOGIN_LIMITS.perAccount], [ipKey, LOGIN_LIMITS.perIp]] as const) {
    const c = counts.get(key);
    if (c && c.n >= limit) {
      return { ok: false, reason: 'limited', retryAfterMs: Math.max(1000, c.oldest.getTime() + LOGIN_LIMITS.windowMs - a.now.getTime()) };
    }
  }
  const found = await findLogin(db, email);
  // Always run the KDF, even for an unknown or disabled account, so timing does not reveal which emails exist.
  const good = await verifyPassword(a.password, found?.passwordHash);
  if (!found || !good || found.disabledAt) {
    await recordAttempt(db, [pairKey, ipKey], a.now, LOGIN_LIMITS.windowMs);
    return { ok: false, reason: 'invalid' };
  }
  await clearAttempts(db, pairKey);
  const { passwordHash: _, ...user } = found;
  return { ok: true, user };
}
