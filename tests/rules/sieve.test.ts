// The sieve: what a walk of the trie says about a token is what the matcher's dictionary lookup says.
import { describe, expect, it } from 'vitest';
import { compileRules, type Matcher } from '../../src/rules/compile.ts';
import { buildSieve, ROOT, type Sieve, step } from '../../src/rules/sieve.ts';
import { ASCII_CLASS } from '../../src/rules/text.ts';

/** The state an ASCII token ends in, walked the way evaluate's tokeniser walks it. */
function walk(sieve: Sieve, token: string): number {
  let state = ROOT;
  for (let i = 0; i < token.length && state !== 0; i++) state = step(sieve, state, ASCII_CLASS[token.charCodeAt(i)]!);
  return state;
}
const viaSieve = (m: Matcher, token: string) => m.sieve.atoms[walk(m.sieve, token)] ?? m.atomsOf(token);

describe('sieve', () => {
  const query = [
    'prison OR probat* OR "ministry of justice" OR "the possibility" OR case:US OR case:HMP* OR g4s',
    'OR café OR straße OR "in error" OR priso OR pri* OR 2024 OR case:NPS OR nps OR 日本 OR case:Ärzte',
  ].join(' ');
  const m = compileRules({ exclude: [], topics: [{ id: 't', name: 'T', rules: [{ id: 'r', query }], exclude: [] }] });

  it('gives every ASCII token the atoms the dictionary gives it', () => {
    const words = ['prison', 'probat', 'ministry', 'of', 'justice', 'the', 'possibility', 'us', 'hmp', 'g4s', 'cafe', 'strasse', 'in', 'error', 'priso', 'pri', '2024', 'nps'];
    const tokens = new Set<string>();
    for (const w of words) {
      for (let i = 1; i <= w.length; i++) tokens.add(w.slice(0, i));
      for (const t of [w, `${w}s`, `${w}x1`, w.toUpperCase(), w[0]!.toUpperCase() + w.slice(1), `a${w}`]) tokens.add(t);
    }
    for (const t of ['probation', 'Probationer', 'HMPPS', 'hmpps', 'Us', 'US', 'uS', 'NPS', 'Nps', 'x', 'zzz', 'P', '0', 'arzte']) tokens.add(t);
    for (const t of tokens) expect(viaSieve(m, t), t).toEqual(m.atomsOf(t));
  });

  it('settles rule words and words off the trie itself, and leaves case: words to the lookup', () => {
    expect(m.sieve.atoms[walk(m.sieve, 'Prison')]).toEqual(m.atomsOf('prison'));
    expect(m.sieve.atoms[walk(m.sieve, 'kitchen')]).toEqual([]);
    expect(m.sieve.atoms[walk(m.sieve, 'us')]).toBeNull();
    expect(m.sieve.atoms[walk(m.sieve, 'hmpps')]).toBeNull();
  });

  it('sends tokens past its 65,536 states to the lookup instead of dropping them', () => {
    let seed = 1;
    const letter = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return 'abcdefghijklmnopqrstuvwxyz'[Math.floor((seed / 0x80000000) * 26)]!;
    };
    const words = Array.from({ length: 20_000 }, () => Array.from({ length: 8 }, letter).join(''));
    const found = [3];
    const sieve = buildSieve(
      words.map((norm) => ({ norm, prefix: false, caseSensitive: false })),
      () => found,
      [],
    );
    expect(sieve.atoms.length).toBe(2 ** 16);
    const settled = words.map((w) => sieve.atoms[walk(sieve, w)]);
    expect(settled.every((a) => a === found || a === null)).toBe(true);
    expect(settled.filter((a) => a === null).length).toBeGreaterThan(0);
  });
  it('keeps a large dictionary apart: each word finds its own atoms, a longer word none', () => {
    let seed = 7;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const word = () => Array.from({ length: 2 + Math.floor(next() * 7) }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(next() * 36)]).join('');
    const words = [...new Set(Array.from({ length: 5000 }, word))];
    const atoms = new Map(words.map((w, i) => [w, [i]]));
    const sieve = buildSieve(
      words.map((norm) => ({ norm, prefix: false, caseSensitive: false })),
      (t) => atoms.get(t) ?? [],
      [],
    );
    for (const w of words) expect(sieve.atoms[walk(sieve, w)]).toBe(atoms.get(w));
    for (const w of words) if (!atoms.has(`${w}q`)) expect(sieve.atoms[walk(sieve, `${w}q`)]).toEqual([]);
  });
});
