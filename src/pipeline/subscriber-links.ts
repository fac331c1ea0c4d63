// Signed links for campaigners, who have no account: confirm (double opt-in), preferences and unsubscribe.
// A link names its action, the subscriber and the subscriber's link version; an unsubscribe bumps the
// version, so links sent before it stop working. Confirm links expire in 7 days and preference links in
// 90; unsubscribe links never expire (RFC 8058: a List-Unsubscribe URL in an old email must still work).
import { seal, unseal } from './tokens.ts';

export const SUBSCRIBER_ACTIONS = ['confirm', 'prefs', 'unsub'] as const;
export type SubscriberAction = (typeof SUBSCRIBER_ACTIONS)[number];

const TTL_MS: Record<SubscriberAction, number> = { confirm: 7 * 86_400_000, prefs: 90 * 86_400_000, unsub: 0 };
const PURPOSE = 'subscriber-link';

export interface SubscriberClaims {
  action: SubscriberAction;
  subscriberId: number;
  linkVersion: number;
  /** Unix seconds; 0 = never. */
  expires: number;
}

export type SubscriberLinkCheck = { ok: true; claims: SubscriberClaims } | { ok: false; reason: 'malformed' | 'tampered' | 'expired'; message: string };

export function signSubscriberLink(secret: Buffer, c: { action: SubscriberAction; subscriberId: number; linkVersion: number; now: Date }): string {
  const ttl = TTL_MS[c.action];
  const expires = ttl ? Math.floor((c.now.getTime() + ttl) / 1000) : 0;
  return seal(secret, PURPOSE, [c.action, c.subscriberId, c.linkVersion, expires]);
}

/** Checks signature, action and expiry; whether the subscriber still exists and the version matches is
 *  storage's to say. */
export function verifySubscriberLink(secret: Buffer, token: string, action: SubscriberAction, now: Date): SubscriberLinkCheck {
  const fields = unseal(secret, PURPOSE, token);
  if (fields === 'malformed') return { ok: false, reason: 'malformed', message: 'This link is incomplete: copy the whole link from the email.' };
  if (fields === 'tampered') return { ok: false, reason: 'tampered', message: 'This link is not one we sent (it was changed or is forged).' };
  const [a, id, version, expires] = fields;
  const claims: SubscriberClaims = { action: a as SubscriberAction, subscriberId: Number(id), linkVersion: Number(version), expires: Number(expires) };
  if (claims.action !== action || ![claims.subscriberId, claims.linkVersion, claims.expires].every(Number.isSafeInteger)) {
    return { ok: false, reason: 'malformed', message: 'This link is not one this page understands: use the newest email from us.' };
  }
  if (claims.expires !== 0 && now.getTime() >= claims.expires * 1000) {
    const what = action === 'confirm' ? 'Confirmation links work for 7 days: subscribe again to get a new one.' : 'Use the link in a newer email from us.';
    return { ok: false, reason: 'expired', message: `This link has expired. ${what}` };
  }
  return { ok: true, claims };
}
