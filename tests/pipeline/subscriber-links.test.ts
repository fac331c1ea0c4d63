import { describe, expect, it } from 'vitest';
import { signLink } from '../../src/pipeline/links.ts';
import { signSubscriberLink, verifySubscriberLink } from '../../src/pipeline/subscriber-links.ts';

const secret = Buffer.alloc(32, 1);
const T0 = new Date('2026-03-02T08:00:00Z');
const DAY = 86_400_000;

describe('subscriber links', () => {
  it('verify for their own action only', () => {
    const token = signSubscriberLink(secret, { action: 'confirm', subscriberId: 7, linkVersion: 2, now: T0 });
    expect(verifySubscriberLink(secret, token, 'confirm', T0)).toMatchObject({ ok: true, claims: { action: 'confirm', subscriberId: 7, linkVersion: 2 } });
    expect(verifySubscriberLink(secret, token, 'unsub', T0)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('refuse a changed, forged or foreign token', () => {
    const token = signSubscriberLink(secret, { action: 'prefs', subscriberId: 7, linkVersion: 1, now: T0 });
    const [body, mac] = token.split('.');
    const other = Buffer.from(Buffer.from(body!, 'base64url').toString().replace('.7.', '.8.')).toString('base64url');
    expect(verifySubscriberLink(secret, `${other}.${mac}`, 'prefs', T0)).toMatchObject({ ok: false, reason: 'tampered' });
    expect(verifySubscriberLink(Buffer.alloc(32, 2), token, 'prefs', T0)).toMatchObject({ ok: false, reason: 'tampered' });
    expect(verifySubscriberLink(secret, 'nonsense', 'prefs', T0)).toMatchObject({ ok: false, reason: 'malformed' });
    // A draft approval link is signed for another purpose: it never passes as a subscriber link.
    const draft = signLink(secret, { action: 'approve', draftId: 7, version: 1, userId: 1, now: T0 });
    expect(verifySubscriberLink(secret, draft, 'prefs', T0)).toMatchObject({ ok: false, reason: 'tampered' });
  });

  it('confirm links expire in 7 days, preference links in 90, unsubscribe links never', () => {
    const make = (action: 'confirm' | 'prefs' | 'unsub') => signSubscriberLink(secret, { action, subscriberId: 1, linkVersion: 1, now: T0 });
    expect(verifySubscriberLink(secret, make('confirm'), 'confirm', new Date(T0.getTime() + 6 * DAY)).ok).toBe(true);
    expect(verifySubscriberLink(secret, make('confirm'), 'confirm', new Date(T0.getTime() + 7 * DAY))).toMatchObject({ ok: false, reason: 'expired' });
    expect(verifySubscriberLink(secret, make('prefs'), 'prefs', new Date(T0.getTime() + 91 * DAY))).toMatchObject({ ok: false, reason: 'expired' });
    expect(verifySubscriberLink(secret, make('unsub'), 'unsub', new Date(T0.getTime() + 3650 * DAY)).ok).toBe(true);
  });
});
