// CSRF protection for every state-changing request (POST, PUT, PATCH, DELETE).
//
// - With a session: the token is HMAC(secret, session id). It needs no storage, changes at every login,
//   and cannot be computed by anyone who does not hold both the secret and the session cookie.
// - Without one (login, setup, set-password): double-submit. A random value sits in a signed, HttpOnly
//   cookie and the same value goes in the form; a cross-site page can neither read nor forge the cookie.
// - The token travels as the form field `_csrf` or the header `x-csrf-token`. Missing or wrong: 403.
// - `config.csrf: 'origin'` (only for mounted apps whose own scripts cannot send our token, i.e. bull-board):
//   the request must come from our own origin (Origin header or Sec-Fetch-Site: same-origin).
// - `config.csrf: false` is allowed only on public routes that verify a signature of their own (links
//   from emails, WebSub callbacks); auth.ts refuses it anywhere else at registration.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { cookieName, cookieOptions, loadSession, readSigned } from './session.ts';

export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';
export const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const preToken = Symbol('pressdesk.preSessionToken');
declare module 'fastify' {
  interface FastifyRequest {
    [preToken]?: string;
  }
}

const preCookie = (req: FastifyRequest) => cookieName('pd_csrf', req.server.pd.secure);

const sessionToken = (secret: Buffer, sessionId: string) => createHmac('sha256', secret).update(`csrf\0${sessionId}`).digest('base64url');

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The token to put in this response's forms (sets the pre-session cookie when there is no session). */
export async function csrfToken(req: FastifyRequest, reply: FastifyReply): Promise<string> {
  await loadSession(req, reply);
  if (req.sessionId) return sessionToken(req.server.pd.secret, req.sessionId);
  let v = req[preToken] ?? readSigned(req, preCookie(req));
  if (!v) {
    v = randomBytes(24).toString('base64url');
    reply.setCookie(preCookie(req), v, cookieOptions(req.server.pd.secure));
  }
  req[preToken] = v;
  return v;
}

function sentToken(req: FastifyRequest): string | undefined {
  const h = req.headers[CSRF_HEADER];
  if (typeof h === 'string' && h) return h;
  const body = req.body as Record<string, unknown> | undefined;
  const f = body && typeof body === 'object' ? body[CSRF_FIELD] : undefined;
  return typeof f === 'string' && f ? f : undefined;
}

function sameOrigin(req: FastifyRequest): boolean {
  if (req.headers['sec-fetch-site'] === 'same-origin') return true;
  const origin = req.headers.origin;
  if (!origin) return false;
  return origin === new URL(req.server.pd.deps.config.publicUrl).origin || origin === `${req.protocol}://${req.host}`;
}

/** True when the request carries proof that it comes from one of our own pages. */
export async function csrfValid(req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  const mode = req.routeOptions.config.csrf;
  if (mode === false) return true;
  if (mode === 'origin') return sameOrigin(req);
  const sent = sentToken(req);
  if (!sent) return false;
  await loadSession(req, reply);
  if (req.sessionId && same(sent, sessionToken(req.server.pd.secret, req.sessionId))) return true;
  // Public forms may be posted by someone without a session (or whose session just expired).
  if (req.routeOptions.config.auth === 'public') {
    const pre = readSigned(req, preCookie(req));
    return pre !== undefined && same(sent, pre);
  }
  return false;
}
