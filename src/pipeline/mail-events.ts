// readMailEvents: a bounce/complaint webhook from the mail provider, checked and read. The provider signs
// "<timestamp>.<raw body>" with the shared secret (HMAC-SHA256, hex) and sends
//   X-Pressdesk-Timestamp: <unix seconds>      X-Pressdesk-Signature: sha256=<hex>
// A signature more than 5 minutes from `now` is refused (a captured request cannot be replayed later). The
// body is JSON: one event or { "events": [...] }, each { "type": "bounce" | "complaint", "email": "...",
// "permanent": true|false } — only hard (permanent) bounces and complaints suppress an address.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const MAX_SKEW_S = 300;

export interface MailEvent {
  type: 'bounce' | 'complaint';
  email: string;
}

export type MailEventsCheck = { ok: true; events: MailEvent[]; ignored: number } | { ok: false; status: 400 | 401; message: string };

export function signMailEvents(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function readMailEvents(secret: string, h: { timestamp?: string; signature?: string }, body: string, now: Date): MailEventsCheck {
  const ts = Number(h.timestamp);
  if (!Number.isSafeInteger(ts) || !h.signature) return { ok: false, status: 401, message: 'webhook: the X-Pressdesk-Timestamp and X-Pressdesk-Signature headers are required' };
  if (Math.abs(now.getTime() / 1000 - ts) > MAX_SKEW_S) return { ok: false, status: 401, message: 'webhook: the timestamp is more than 5 minutes away from now; check the sender clock' };
  const want = Buffer.from(signMailEvents(secret, ts, body));
  const given = Buffer.from(h.signature);
  if (want.length !== given.length || !timingSafeEqual(want, given)) return { ok: false, status: 401, message: 'webhook: the signature does not match the body (wrong secret?)' };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, status: 400, message: 'webhook: the body is not JSON' };
  }
  const list = Array.isArray((json as { events?: unknown })?.events) ? (json as { events: unknown[] }).events : [json];
  const events: MailEvent[] = [];
  let ignored = 0;
  for (const e of list) {
    const { type, email, permanent } = (e ?? {}) as { type?: unknown; email?: unknown; permanent?: unknown };
    const address = typeof email === 'string' ? email.trim().toLowerCase() : '';
    if (!address.includes('@') || address.length > 254) ignored++;
    else if (type === 'complaint') events.push({ type, email: address });
    else if (type === 'bounce' && permanent !== false) events.push({ type, email: address });
    else ignored++;
  }
  return { ok: true, events, ignored };
}
