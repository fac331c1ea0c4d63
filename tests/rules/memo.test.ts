// The token memo: found in place in the text, survives growth and the size limit, never confuses two words.
import { describe, expect, it } from 'vitest';
import { hashOf, TokenMemo } from '../../src/rules/memo.ts';

describe('TokenMemo', () => {
  it('finds a stored word inside a longer text without slicing it out', () => {
    const memo = new TokenMemo<number>(100);
    memo.set('prison', hashOf('prison'), 7);
    const text = 'the prison gates';
    expect(memo.get(text, 4, 10, hashOf(text, 4, 10))).toBe(7);
    expect(memo.get(text, 0, 3, hashOf(text, 0, 3))).toBeUndefined();
    expect(memo.get('prisons', 0, 7, hashOf('prisons'))).toBeUndefined();
  });

  it('tells apart words that share a hash, and keeps every entry through growth', () => {
    const memo = new TokenMemo<string>(100_000);
    const words = Array.from({ length: 5000 }, (_, i) => `w${i}`);
    for (const w of words) memo.set(w, 42, w.toUpperCase()); // every word in one probe chain
    for (const w of words.slice(0, 50)) expect(memo.get(w, 0, w.length, 42)).toBe(w.toUpperCase());
    const many = new TokenMemo<number>(100_000);
    words.forEach((w, i) => {
      many.set(w, hashOf(w), i);
    });
    words.forEach((w, i) => {
      expect(many.get(` ${w} `, 1, w.length + 1, hashOf(w))).toBe(i);
    });
    expect(many.size).toBe(5000);
  });

  it('starts afresh when full instead of growing without bound', () => {
    const memo = new TokenMemo<number>(3);
    for (const w of ['a', 'b', 'c']) memo.set(w, hashOf(w), 1);
    memo.set('d', hashOf('d'), 2);
    expect(memo.size).toBe(1);
    expect(memo.get('a', 0, 1, hashOf('a'))).toBeUndefined();
    expect(memo.get('d', 0, 1, hashOf('d'))).toBe(2);
  });
});
