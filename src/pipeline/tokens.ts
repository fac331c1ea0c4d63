// Signed tokens for links in emails: fields joined by '.', base64url, then an HMAC-SHA256 over the purpose
// and the fields. The purpose is in the MAC, so a token made for one kind of link never verifies as another.
// Pure: the secret is passed in. What the fields mean is the caller's (links.ts, subscriber-links.ts).
import { createHmac, timingSafeEqual } from 'node:crypto';

const mac = (secret: Buffer, purpose: string, body: string) => createHmac('sha256', secret).update(`pressdesk-${purpose}.${body}`).digest();

export function seal(secret: Buffer, purpose: string, fields: readonly (string | number)[]): string {
  const body = fields.join('.');
  return `${Buffer.from(body).toString('base64url')}.${mac(secret, purpose, body).toString('base64url')}`;
}

/** The fields of a genuine token; 'malformed' (not a token at all) or 'tampered' (changed or forged). */
export function unseal(secret: Buffer, purpose: string, token: string): string[] | 'malformed' | 'tampered' {
  const m = /^([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/.exec(token.trim());
  if (!m) return 'malformed';
  const body = Buffer.from(m[1]!, 'base64url').toString('utf8');
  const given = Buffer.from(m[2]!, 'base64url');
  const want = mac(secret, purpose, body);
  if (given.length !== want.length || !timingSafeEqual(given, want)) return 'tampered';
  return body.split('.');
}
