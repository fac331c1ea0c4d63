import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, hashPassword, passwordProblem, verifyPassword } from '../../src/adapters/passwords.ts';

describe('passwords', () => {
  it('hashes with scrypt N=2^15, r=8, p=1 and a fresh salt each time', async () => {
    expect(DEFAULT_PARAMS).toEqual({ logN: 15, r: 8, p: 1 });
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$15\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(a).not.toBe(b);
  });

  it('verifies the right password only', async () => {
    const h = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', h)).toBe(true);
    expect(await verifyPassword('correct horse batterY', h)).toBe(false);
    expect(await verifyPassword('', h)).toBe(false);
  });

  it('verifies hashes made with other parameters (the cost can be raised later)', async () => {
    const cheap = await hashPassword('a longer passphrase', { logN: 10, r: 8, p: 1 });
    expect(cheap.startsWith('scrypt$10$8$1$')).toBe(true);
    expect(await verifyPassword('a longer passphrase', cheap)).toBe(true);
  });

  it('treats the same text in another Unicode form as the same password', async () => {
    const h = await hashPassword('café au lait!'); // é as one code point
    expect(await verifyPassword('cafe\u0301 au lait!', h)).toBe(true);
  });

  it('verifies nothing against a missing, malformed or absurdly costly hash', async () => {
    for (const bad of [null, undefined, '', 'plain', 'scrypt$15$8$1$c2FsdA==', 'bcrypt$1$2$3$4$5', 'scrypt$30$8$1$c2FsdA==$aGFzaA==']) {
      expect(await verifyPassword('anything at all', bad)).toBe(false);
    }
  });

  it('says what is wrong with a password that is too short or too long', () => {
    expect(passwordProblem('short')).toMatch(/at least 10 characters/);
    expect(passwordProblem('x'.repeat(257))).toMatch(/at most 256/);
    expect(passwordProblem('four words are fine')).toBeUndefined();
  });
});
