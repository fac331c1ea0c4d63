import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LEASE_REQUEST_S, linksFromHeader, verifyChallenge, verifySignature } from '../../src/pipeline/websub.ts';

const now = new Date('2026-11-20T12:00:00Z');
const topic = 'https://www.gov.uk/government/organisations/ministry-of-justice.atom';

describe('linksFromHeader', () => {
  it('finds hub and self among several links, quoted or not, with several rels', () => {
    expect(linksFromHeader('<https://pubsubhubbub.appspot.com/>; rel="hub", <https://x.example/feed>; rel=self')).toEqual({ hub: 'https://pubsubhubbub.appspot.com/', self: 'https://x.example/feed' });
    expect(linksFromHeader('<https://x.example/n>; rel="next", <https://h.example/>; title="h"; rel="hub alternate"')).toEqual({ hub: 'https://h.example/' });
    expect(linksFromHeader(undefined)).toEqual({});
  });
});

describe('verifyChallenge', () => {
  const q = (over: Record<string, string>) => ({ 'hub.mode': 'subscribe', 'hub.topic': topic, 'hub.challenge': 'c123', 'hub.lease_seconds': '3600', ...over });
  it('echoes the challenge for the topic we asked about, with the lease granted', () => {
    const v = verifyChallenge(q({}), { topic, state: 'subscribing' }, now);
    expect(v).toEqual({ ok: true, mode: 'subscribe', challenge: 'c123', leaseUntil: new Date('2026-11-20T13:00:00Z') });
    const noLease = verifyChallenge(q({ 'hub.lease_seconds': '' }), { topic, state: 'active' }, now);
    expect(noLease.ok && noLease.leaseUntil?.getTime()).toBe(now.getTime() + LEASE_REQUEST_S * 1000);
  });
  it('refuses another topic, a subscription never requested, and unknown modes', () => {
    expect(verifyChallenge(q({ 'hub.topic': 'https://evil.example/' }), { topic, state: 'subscribing' }, now)).toMatchObject({ ok: false, reason: expect.stringMatching(/^websub: topic/) });
    expect(verifyChallenge(q({}), { topic, state: null }, now)).toMatchObject({ ok: false });
    expect(verifyChallenge(q({ 'hub.mode': 'pwn' }), { topic, state: 'active' }, now)).toMatchObject({ ok: false });
    expect(verifyChallenge(q({ 'hub.challenge': '' }), { topic, state: 'active' }, now)).toMatchObject({ ok: false });
  });
  it('takes note of a denial', () => {
    expect(verifyChallenge({ 'hub.mode': 'denied', 'hub.topic': topic, 'hub.reason': 'nope' }, { topic, state: 'subscribing' }, now)).toMatchObject({ ok: true, mode: 'denied', reason: 'nope' });
  });
});

describe('verifySignature', () => {
  const body = Buffer.from('<feed>…</feed>');
  const sign = (alg: string, secret: string, b: Uint8Array = body) => `${alg}=${createHmac(alg, secret).update(b).digest('hex')}`;
  it('accepts sha1 and sha256 HMACs of the raw body made with the secret', () => {
    expect(verifySignature(sign('sha1', 's3cret'), body, 's3cret')).toBe(true);
    expect(verifySignature(sign('sha256', 's3cret'), body, 's3cret')).toBe(true);
  });
  it('rejects a wrong secret, a changed body, a missing or malformed header, and an empty secret', () => {
    expect(verifySignature(sign('sha256', 'other'), body, 's3cret')).toBe(false);
    expect(verifySignature(sign('sha256', 's3cret', Buffer.from('<feed>x</feed>')), body, 's3cret')).toBe(false);
    expect(verifySignature(undefined, body, 's3cret')).toBe(false);
    expect(verifySignature('md5=abcd', body, 's3cret')).toBe(false);
    expect(verifySignature('sha256=zz', body, 's3cret')).toBe(false);
    expect(verifySignature(sign('sha256', ''), body, '')).toBe(false);
  });
});
