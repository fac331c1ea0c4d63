import { describe, expect, it } from 'vitest';
import { readMailEvents, signMailEvents } from '../../src/pipeline/mail-events.ts';

const secret = 'a-webhook-secret-of-length';
const now = new Date('2026-03-02T08:00:00Z');
const ts = Math.floor(now.getTime() / 1000);
const signed = (body: string, at = ts) => ({ timestamp: String(at), signature: signMailEvents(secret, at, body) });

describe('readMailEvents', () => {
  it('reads hard bounces and complaints, ignoring soft bounces and junk', () => {
    const body = JSON.stringify({ events: [
      { type: 'bounce', email: 'A@Example.org' },
      { type: 'bounce', email: 'b@example.org', permanent: false },
      { type: 'complaint', email: 'c@example.org' },
      { type: 'delivered', email: 'd@example.org' },
      { type: 'bounce' },
    ] });
    expect(readMailEvents(secret, signed(body), body, now)).toEqual({
      ok: true,
      events: [{ type: 'bounce', email: 'a@example.org' }, { type: 'complaint', email: 'c@example.org' }],
      ignored: 3,
    });
    const one = JSON.stringify({ type: 'complaint', email: 'e@example.org' });
    expect(readMailEvents(secret, signed(one), one, now)).toMatchObject({ ok: true, events: [{ email: 'e@example.org' }] });
  });

  it('refuses a wrong signature, a changed body, an old timestamp and missing headers', () => {
    const body = JSON.stringify({ type: 'complaint', email: 'e@example.org' });
    expect(readMailEvents(secret, { ...signed(body), signature: signMailEvents('another-secret-entirely', ts, body) }, body, now)).toMatchObject({ ok: false, status: 401 });
    expect(readMailEvents(secret, signed(body), body.replace('e@', 'f@'), now)).toMatchObject({ ok: false, status: 401 });
    expect(readMailEvents(secret, signed(body, ts - 301), body, now)).toMatchObject({ ok: false, status: 401, message: expect.stringContaining('5 minutes') });
    expect(readMailEvents(secret, {}, body, now)).toMatchObject({ ok: false, status: 401 });
    expect(readMailEvents(secret, signed('{nope'), '{nope', now)).toMatchObject({ ok: false, status: 400 });
  });
});
