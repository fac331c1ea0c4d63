// The session cookie: a random id, signed with the runtime secret, naming a row in the sessions table.
// Loaded lazily and once per request, so public pages and static files cost no query unless they need the user.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type SessionTimes, createSession, deleteExpiredSessions, deleteSession, findSession, touchSession } from '../storage/sessions.ts';
import type { User } from '../storage/users.ts';

/** Idle for 12 hours = logged out; never longer than 7 days in all. */
export const SESSION_TIMES: SessionTimes = { idleMs: 12 * 3600_000, maxMs: 7 * 24 * 3600_000 };
// Sliding expiry costs one UPDATE per minute per session, not one per request.
const TOUCH_EVERY_MS = 60_000;

const loaded = Symbol('pressdesk.sessionLoaded');

declare module 'fastify' {
  interface FastifyRequest {
    /** Set once loadSession has run and found a live session. */
    user: User | null;
    sessionId: string | null;
    [loaded]?: Promise<User | null>;
  }
}

/** "__Host-" pins the cookie to this host and path / (browsers only accept it over https). */
export const cookieName = (base: string, secure: boolean) => (secure ? `__Host-${base}` : base);

export function cookieOptions(secure: boolean, maxAgeMs?: number) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure,
    signed: true,
    ...(maxAgeMs === undefined ? {} : { maxAge: Math.floor(maxAgeMs / 1000) }),
  };
}

export function clearCookie(reply: FastifyReply, name: string, secure: boolean) {
  reply.clearCookie(name, { path: '/', httpOnly: true, sameSite: 'lax', secure });
}

/** Reads a signed cookie; undefined when absent or tampered with. */
export function readSigned(req: FastifyRequest, name: string): string | undefined {
  const raw = req.cookies[name];
  if (!raw) return undefined;
  const un = req.unsignCookie(raw);
  return un.valid && un.value ? un.value : undefined;
}

const sessionCookie = (req: FastifyRequest) => cookieName('pd_session', req.server.pd.secure);

async function load(req: FastifyRequest, reply: FastifyReply): Promise<User | null> {
  const { db, now } = req.server.pd;
  const name = sessionCookie(req);
  const id = readSigned(req, name);
  if (!id) {
    if (req.cookies[name]) clearCookie(reply, name, req.server.pd.secure);
    return null;
  }
  const at = now();
  const s = await findSession(db, id, at);
  if (!s) {
    clearCookie(reply, name, req.server.pd.secure);
    return null;
  }
  if (at.getTime() - s.lastSeenAt.getTime() >= TOUCH_EVERY_MS) await touchSession(db, id, at, SESSION_TIMES);
  req.user = s.user;
  req.sessionId = id;
  return s.user;
}

/** The logged-in user of this request, or null. Safe to call many times. */
export function loadSession(req: FastifyRequest, reply: FastifyReply): Promise<User | null> {
  req[loaded] ??= load(req, reply);
  return req[loaded];
}

/** Starts a new session (a fresh id: never reuse one from before login) and sets its cookie. */
export async function startSession(req: FastifyRequest, reply: FastifyReply, user: User): Promise<void> {
  const { db, now, secure } = req.server.pd;
  if (req.sessionId) await deleteSession(db, req.sessionId);
  // Logins are rare enough to carry the clean-up of sessions that expired on their own.
  await deleteExpiredSessions(db, now());
  const id = await createSession(db, { userId: user.id, now: now(), times: SESSION_TIMES, ip: req.ip, userAgent: req.headers['user-agent'] });
  reply.setCookie(sessionCookie(req), id, cookieOptions(secure, SESSION_TIMES.maxMs));
  req.user = user;
  req.sessionId = id;
  req[loaded] = Promise.resolve(user);
}

export async function endSession(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (req.sessionId) await deleteSession(req.server.pd.db, req.sessionId);
  clearCookie(reply, sessionCookie(req), req.server.pd.secure);
  req.user = null;
  req.sessionId = null;
  req[loaded] = Promise.resolve(null);
}
