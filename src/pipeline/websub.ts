// WebSub, the pure parts: finding a hub in a Link header, answering a hub's verification request, checking
// the X-Hub-Signature of a push. No I/O: the route and the adapter call these with what they received.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Lease pressdesk asks hubs for; hubs may grant less. */
export const LEASE_REQUEST_S = 7 * 86_400;
/** Renew this long before the lease ends. */
export const RENEW_MARGIN_S = 6 * 3600;

/** rel="hub" and rel="self" from an HTTP Link header (RFC 8288). */
export function linksFromHeader(link: string | undefined): { hub?: string; self?: string } {
  const out: { hub?: string; self?: string } = {};
  for (const m of (link ?? '').matchAll(/<([^>]*)>\s*((?:;\s*[^;,]+)*)/g)) {
    const rels = /;\s*rel\s*=\s*"?([^";,]+)"?/i.exec(m[2] ?? '')?.[1]?.toLowerCase().split(/\s+/) ?? [];
    if (rels.includes('hub')) out.hub ??= m[1];
    if (rels.includes('self')) out.self ??= m[1];
  }
  return out;
}

export interface Subscription {
  topic: string | null;
  state: string | null;
}

export type Verification =
  | { ok: true; mode: 'subscribe' | 'unsubscribe' | 'denied'; challenge: string; leaseUntil?: Date; reason?: string }
  | { ok: false; reason: string };

/** Decides a hub's GET to the callback: echo the challenge only for the topic we asked about, in a state
 *  where we asked (so nobody can subscribe pressdesk to things it did not want). */
export function verifyChallenge(query: Record<string, unknown>, sub: Subscription, now: Date): Verification {
  const mode = String(query['hub.mode'] ?? '');
  const topic = String(query['hub.topic'] ?? '');
  const challenge = String(query['hub.challenge'] ?? '');
  if (mode === 'denied') return { ok: true, mode, challenge: '', reason: String(query['hub.reason'] ?? 'no reason given') };
  if (mode !== 'subscribe' && mode !== 'unsubscribe') return { ok: false, reason: `websub: unknown hub.mode "${mode}"` };
  if (!challenge) return { ok: false, reason: 'websub: no hub.challenge' };
  if (!sub.topic || topic !== sub.topic) return { ok: false, reason: `websub: topic ${topic} is not what this source subscribed to` };
  if (mode === 'subscribe') {
    if (sub.state !== 'subscribing' && sub.state !== 'active') return { ok: false, reason: 'websub: no subscription was requested for this source' };
    const lease = Number(query['hub.lease_seconds']);
    const seconds = Number.isFinite(lease) && lease > 0 ? lease : LEASE_REQUEST_S;
    return { ok: true, mode, challenge, leaseUntil: new Date(now.getTime() + seconds * 1000) };
  }
  return { ok: true, mode, challenge };
}

const ALGORITHMS = new Set(['sha1', 'sha256', 'sha384', 'sha512']);

/** X-Hub-Signature: "sha256=<hex HMAC of the raw body with the subscription secret>" (sha1 for older hubs). */
export function verifySignature(header: string | undefined, body: Uint8Array, secret: string): boolean {
  const m = /^(sha1|sha256|sha384|sha512)=([0-9a-f]+)$/i.exec(header?.trim() ?? '');
  if (!m || !secret || !ALGORITHMS.has(m[1]!.toLowerCase())) return false;
  const expected = createHmac(m[1]!.toLowerCase(), secret).update(body).digest();
  const given = Buffer.from(m[2]!, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
