// Flash messages: set before a redirect, shown once on the next page. They ride in a signed cookie, so
// they work before login too and nobody can plant text in someone else's page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clearCookie, cookieName, cookieOptions, readSigned } from './session.ts';

export type FlashKind = 'ok' | 'error' | 'info';
export interface FlashMessage {
  kind: FlashKind;
  text: string;
}

const pending = Symbol('pressdesk.flashPending');
const taken = Symbol('pressdesk.flashTaken');
declare module 'fastify' {
  interface FastifyRequest {
    [pending]?: FlashMessage[];
    [taken]?: boolean;
  }
}

// Browsers drop cookies over 4 KB; a flash is a sentence, not a report.
const MAX_CHARS = 1500;
const name = (req: FastifyRequest) => cookieName('pd_flash', req.server.pd.secure);

function incoming(req: FastifyRequest): FlashMessage[] {
  const raw = readSigned(req, name(req));
  if (!raw) return [];
  try {
    const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    return Array.isArray(v) ? v.filter((m): m is FlashMessage => typeof m?.text === 'string' && ['ok', 'error', 'info'].includes(m?.kind)) : [];
  } catch {
    return [];
  }
}

/** Queues a message for the next page this browser sees (this one, if it renders a page). */
export function flash(req: FastifyRequest, kind: FlashKind, text: string): void {
  req[pending] ??= [];
  req[pending].push({ kind, text: text.slice(0, MAX_CHARS) });
}

/** The messages to show now: those carried over from the last redirect plus any queued in this request. */
export function takeFlash(req: FastifyRequest, reply: FastifyReply): FlashMessage[] {
  const carried = req[taken] ? [] : incoming(req);
  if (carried.length) clearCookie(reply, name(req), req.server.pd.secure);
  req[taken] = true;
  const out = [...carried, ...(req[pending] ?? [])];
  req[pending] = [];
  return out;
}

export function installFlash(app: FastifyInstance) {
  app.addHook('onSend', async (req, reply, payload) => {
    const queued = req[pending];
    if (!queued?.length) return payload;
    // Not shown in this response (a redirect): keep them, with any still-unshown ones, for the next page.
    let all = [...(req[taken] ? [] : incoming(req)), ...queued];
    while (all.length > 1 && JSON.stringify(all).length > MAX_CHARS * 2) all = all.slice(1);
    reply.setCookie(name(req), Buffer.from(JSON.stringify(all)).toString('base64url'), cookieOptions(req.server.pd.secure));
    return payload;
  });
}
