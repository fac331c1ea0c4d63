// Terms for editors from press officers' verdicts: frequent in relevant items the rules miss, rare in items
// marked not relevant, filed under the topic most of their items belong to.
import { describe, expect, it } from 'vitest';
import { suggestTerms } from '../../../src/pipeline/relevance/suggest-terms.ts';

const x = (title: string, summary = '') => ({ id: title, title, summary });

describe('suggestTerms', () => {
  it('ranks words and phrases by the missed items that hold them, leaving out those common in rejected items', () => {
    const missed = [
      { item: x('Wings locked down at HMP Leeds', 'Staff shortage again'), topic: 'prisons' },
      { item: x('Staff shortage locks down wings', 'Inspectors at HMP Hull'), topic: 'prisons' },
      { item: x('Another staff shortage', 'Officers stretched'), topic: 'workforce' },
      { item: x('Weekend weather', 'Staff shortage'), topic: null },
    ];
    const rejected = [x('Weekend weather warning'), x('Weather: sunny weekend'), x('Weekend sport')];
    const got = suggestTerms(missed, rejected);
    expect(got[0]).toEqual({ term: 'staff shortage', query: '"staff shortage"', topic: 'prisons', relevant: 4, notRelevant: 0 });
    const terms = got.map((s) => s.term);
    expect(terms).toContain('hmp');
    expect(terms).toContain('wings');
    // Its phrase says it all, with the same counts; rejected items hold "weekend"; one item is not enough.
    expect(terms).not.toContain('staff');
    expect(terms).not.toContain('weekend');
    expect(terms).not.toContain('inspectors');
    expect(got.find((s) => s.term === 'hmp')).toMatchObject({ query: 'hmp', topic: 'prisons', relevant: 2 });
  });

  it('suggests nothing without a topic or enough items', () => {
    expect(suggestTerms([{ item: x('Staff shortage'), topic: null }, { item: x('Staff shortage'), topic: null }], [])).toEqual([]);
    expect(suggestTerms([{ item: x('Staff shortage'), topic: 'prisons' }], [])).toEqual([]);
  });
});
