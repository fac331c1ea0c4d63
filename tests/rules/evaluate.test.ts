// evaluate's shortcuts give what tokenising every field in full gives: the body that repeats the summary's text,
// the fields and tokens it keeps (only those that hit an atom).
import { describe, expect, it } from 'vitest';
import type { ItemText } from '../../src/domain/types.ts';
import { compileRules } from '../../src/rules/compile.ts';
import { evaluate } from '../../src/rules/evaluate.ts';

const m = compileRules({
  exclude: [],
  topics: [
    {
      id: 't',
      name: 'T',
      rules: [
        { id: 'phrase', query: 'body:"prison officers"' },
        { id: 'near', query: 'body:(probation NEAR/2 staff)' },
        { id: 'any', query: 'napo OR case:HMPPS' },
      ],
      exclude: [],
    },
  ],
});
const explained = (item: ItemText) => {
  const ev = evaluate(m, item);
  return ev.fired.map((r) => ({ rule: m.rules[r]!.id, terms: ev.explain(r) }));
};

describe('evaluate', () => {
  const body = 'The prison officers and probation kitchen staff, said Napo (HMPPS).';

  it('finds in a body that repeats the summary what it finds in that body alone', () => {
    const alone = explained({ id: 'a', title: '', body });
    expect(alone.map((x) => x.rule)).toEqual(['phrase', 'near', 'any']);
    for (const summary of [`<p>${body}</p>`, body, `<div><p>${body}</p> </div>`, `${body}<br>`]) {
      const both = explained({ id: 'b', title: '', summary, body });
      expect(both.map((x) => ({ ...x, terms: x.terms.filter((t) => t.field === 'body') }))).toEqual(alone);
    }
  });

  it('tokenises a body that only looks like the summary', () => {
    for (const summary of [`<p>${body} More</p>`, `<p>x ${body}</p>`, `<p>${body.replace('prison', 'Prison')}</p>`, `<p>${body.slice(4)}</p>`]) {
      const both = explained({ id: 'b', title: '', summary, body });
      expect(both.map((x) => ({ ...x, terms: x.terms.filter((t) => t.field === 'body') })), summary).toEqual(explained({ id: 'a', title: '', body }));
    }
  });

  it('counts positions over all tokens, not only the ones it keeps', () => {
    expect(explained({ id: 'c', title: '', body: 'probation a b staff' })[0]!.rule).toBe('near');
    expect(explained({ id: 'd', title: '', body: 'probation a b c staff' })).toEqual([]);
    expect(explained({ id: 'e', title: '', body: 'prison x officers' })).toEqual([]);
  });
});

describe('evaluate with a large rule set (the sieve in its compact form)', () => {
  let seed = 5;
  const rnd = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed % n;
  };
  const word = () => Array.from({ length: 3 + rnd(7) }, () => 'abcdefghijklmnopqrstuvwxyz'[rnd(26)]).join('');
  const words = [...new Set(Array.from({ length: 3000 }, word))];
  const prefixes = words.slice(0, 300).map((w) => w.slice(0, 3 + rnd(2)));
  const big = compileRules({
    exclude: [],
    topics: [
      {
        id: 't',
        name: 'T',
        rules: [...words.map((w, i) => ({ id: `w${i}`, query: w })), ...prefixes.map((p, i) => ({ id: `p${i}`, query: `${p}*` }))],
        exclude: [],
      },
    ],
  });

  it('uses states without a row of their own', () => {
    expect(big.sieve.code.some((v) => v < 0)).toBe(true);
  });

  it('fires exactly the rules whose word or prefix the text holds', () => {
    for (let k = 0; k < 200; k++) {
      // Rule words, their prefixes and extensions, in mixed case, and other words.
      const tokens = Array.from({ length: 12 }, () => {
        const w = words[rnd(words.length)]!;
        const pick = rnd(4);
        const t = pick === 0 ? w : pick === 1 ? w.slice(0, -1) : pick === 2 ? `${w}${word()}` : word();
        return rnd(3) === 0 ? t.toUpperCase() : t;
      });
      const lower = tokens.map((t) => t.toLowerCase());
      const expected = new Set<string>();
      for (const [i, w] of words.entries()) if (lower.includes(w)) expected.add(`w${i}`);
      for (const [i, p] of prefixes.entries()) if (lower.some((t) => t.startsWith(p))) expected.add(`p${i}`);
      const fired = evaluate(big, { id: String(k), title: tokens.join(' ') }).fired.map((r) => big.rules[r]!.id);
      expect(new Set(fired), tokens.join(' ')).toEqual(expected);
    }
  });
});
