// Signed links in approval emails: HMAC-SHA256 over (action, draft, version, recipient, expiry, nonce),
// base64url. Verification here is pure (secret and clock passed in) and says why a link is refused; whether
// the draft has moved on and whether the nonce was used are storage's to say (src/services/consume-link.ts).
import { randomBytes } from 'node:crypto';
import { DECISIONS, type Decision } from '../domain/drafts.ts';
import { seal, unseal } from './tokens.ts';

export const LINK_TTL_MS = 24 * 3600_000;

export interface LinkClaims {
  action: Decision;
  draftId: number;
  version: number;
  userId: number;
  /** Unix seconds. */
  expires: number;
  nonce: string;
}

export type LinkCheck =
  | { ok: true; claims: LinkClaims }
  | { ok: false; reason: 'malformed' | 'tampered' | 'expired' | 'other_recipient'; message: string; claims?: LinkClaims };

const PURPOSE = 'draft-link';

/** A new token; `nonce` only for tests (default: 16 random bytes). */
export function signLink(
  secret: Buffer,
  c: { action: Decision; draftId: number; version: number; userId: number; now: Date; ttlMs?: number; nonce?: string },
): string {
  const claims: LinkClaims = {
    action: c.action,
    draftId: c.draftId,
    version: c.version,
    userId: c.userId,
    expires: Math.floor((c.now.getTime() + (c.ttlMs ?? LINK_TTL_MS)) / 1000),
    nonce: c.nonce ?? randomBytes(16).toString('base64url'),
  };
  return seal(secret, PURPOSE, [claims.action, claims.draftId, claims.version, claims.userId, claims.expires, claims.nonce]);
}

/**
 * Checks a token's signature, expiry and (when the person opening it is known) its recipient. Order matters:
 * a forged or edited token is 'tampered' whatever it claims; only a genuine one can be 'expired'.
 */
export function verifyLink(secret: Buffer, token: string, now: Date, opts: { viewerUserId?: number } = {}): LinkCheck {
  const fields = unseal(secret, PURPOSE, token);
  if (fields === 'malformed') return { ok: false, reason: 'malformed', message: 'This link is incomplete: copy the whole link from the email, or open the draft in pressdesk.' };
  if (fields === 'tampered') {
    return { ok: false, reason: 'tampered', message: 'This link is not one pressdesk sent (it was changed or is forged). Open the draft in pressdesk instead.' };
  }
  const [action, draftId, version, userId, expires, nonce] = fields;
  const claims: LinkClaims = {
    action: action as Decision,
    draftId: Number(draftId),
    version: Number(version),
    userId: Number(userId),
    expires: Number(expires),
    nonce: nonce ?? '',
  };
  if (!(DECISIONS as readonly string[]).includes(claims.action) || !claims.nonce || ![claims.draftId, claims.version, claims.userId, claims.expires].every(Number.isSafeInteger)) {
    return { ok: false, reason: 'malformed', message: 'This link is not a draft link pressdesk understands. Open the draft in pressdesk instead.' };
  }
  if (now.getTime() >= claims.expires * 1000) {
    return { ok: false, reason: 'expired', claims, message: 'This link has expired (links work for 24 hours). Open the draft in pressdesk to decide there.' };
  }
  if (opts.viewerUserId !== undefined && opts.viewerUserId !== claims.userId) {
    return { ok: false, reason: 'other_recipient', claims, message: 'This link was sent to another press officer. Use the link in your own email, or open the draft in pressdesk.' };
  }
  return { ok: true, claims };
}
