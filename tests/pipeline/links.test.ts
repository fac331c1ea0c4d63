import { describe, expect, it } from 'vitest';
import { LINK_TTL_MS, signLink, verifyLink } from '../../src/pipeline/links.ts';

const secret = Buffer.from('a-test-secret-of-at-least-32-chars!!');
const T0 = new Date('2026-03-10T09:00:00Z');
const link = (over: Partial<Parameters<typeof signLink>[1]> = {}) =>
  signLink(secret, { action: 'approve', draftId: 7, version: 2, userId: 3, now: T0, ...over });

describe('signed draft links', () => {
  it('verifies a genuine link and returns what it was signed for', () => {
    const r = verifyLink(secret, link({ nonce: 'n1' }), T0);
    expect(r).toEqual({ ok: true, claims: { action: 'approve', draftId: 7, version: 2, userId: 3, expires: (T0.getTime() + LINK_TTL_MS) / 1000, nonce: 'n1' } });
  });

  it('gives every link its own nonce', () => {
    const a = verifyLink(secret, link(), T0);
    const b = verifyLink(secret, link(), T0);
    expect(a.ok && b.ok && a.claims.nonce !== b.claims.nonce).toBe(true);
  });

  it('refuses a link whose payload was changed (another draft, action or recipient) as tampered', () => {
    const [body, mac] = link().split('.');
    const claims = Buffer.from(body!, 'base64url').toString();
    for (const forged of [claims.replace('approve', 'reject'), claims.replace('.7.', '.8.'), claims.replace('.3.', '.4.')]) {
      expect(forged).not.toBe(claims);
      expect(verifyLink(secret, `${Buffer.from(forged).toString('base64url')}.${mac}`, T0)).toMatchObject({ ok: false, reason: 'tampered' });
    }
    expect(verifyLink(Buffer.from('another-secret-another-secret-xxxx'), link(), T0)).toMatchObject({ ok: false, reason: 'tampered' });
    expect(verifyLink(secret, `${body}.${'A'.repeat(43)}`, T0)).toMatchObject({ ok: false, reason: 'tampered' });
  });

  it('refuses a cut or garbled link as malformed', () => {
    expect(verifyLink(secret, link().slice(0, -5), T0)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(verifyLink(secret, 'hello', T0)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('expires after 24 hours by default, and at the given TTL', () => {
    expect(verifyLink(secret, link(), new Date(T0.getTime() + LINK_TTL_MS - 1000)).ok).toBe(true);
    expect(verifyLink(secret, link(), new Date(T0.getTime() + LINK_TTL_MS))).toMatchObject({ ok: false, reason: 'expired' });
    expect(verifyLink(secret, link({ ttlMs: 60_000 }), new Date(T0.getTime() + 61_000))).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('refuses a link opened by someone logged in as another user', () => {
    expect(verifyLink(secret, link(), T0, { viewerUserId: 3 }).ok).toBe(true);
    expect(verifyLink(secret, link(), T0, { viewerUserId: 4 })).toMatchObject({ ok: false, reason: 'other_recipient' });
  });
});
