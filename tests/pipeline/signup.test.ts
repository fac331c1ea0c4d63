import { describe, expect, it } from 'vitest';
import { checkSignup } from '../../src/pipeline/signup.ts';

const known = ['probation', 'prisons', 'courts'];
const need = { needConsent: true, needEmail: true };

describe('checkSignup', () => {
  it('keeps known topics in the rules order and normalises the address', () => {
    expect(checkSignup({ email: ' Ann@Example.ORG ', topics: ['courts', 'made-up', 'probation'], frequency: 'weekly', consent: true }, known, need)).toEqual({
      ok: true,
      value: { email: 'ann@example.org', topics: ['probation', 'courts'], frequency: 'weekly' },
    });
  });

  it('names every field that is wrong', () => {
    const r = checkSignup({ email: 'ann@localhost', topics: ['made-up'], frequency: 'hourly', consent: false }, known, need);
    expect(r.ok).toBe(false);
    expect(!r.ok && Object.keys(r.errors).sort()).toEqual(['consent', 'email', 'frequency', 'topics']);
  });

  it('refuses addresses with spaces, brackets or no domain, and very long ones, in linear time', () => {
    for (const email of ['a b@example.org', '<a@example.org>', 'a@', '@example.org', `${'a'.repeat(250)}@example.org`]) {
      expect(checkSignup({ email, topics: ['courts'], frequency: 'daily', consent: true }, known, need).ok).toBe(false);
    }
    const t = performance.now();
    checkSignup({ email: `a@${'b.'.repeat(50_000)}`, topics: ['courts'], frequency: 'daily', consent: true }, known, need);
    expect(performance.now() - t).toBeLessThan(1000);
  });

  it('needs no email or consent on the preferences form', () => {
    expect(checkSignup({ topics: ['prisons'], frequency: 'instant' }, known, { needConsent: false, needEmail: false })).toMatchObject({ ok: true });
  });
});
