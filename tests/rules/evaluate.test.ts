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
