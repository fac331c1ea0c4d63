import { describe, expect, it } from 'vitest';
import { SearchQueryError, searchQuery } from '../../src/pipeline/searchquery.ts';

describe('searchQuery', () => {
  it.each([
    ['prison', "'prison'", "'prison'"],
    ['Probation officers', "('probation' & 'officers')", "('probation' & 'officers')"],
    ['probat*', "'probat':*", "'probat':*"],
    ['"approved premises"', "('approved' <-> 'premises')", "('approved' & 'premises')"],
    ['"prison offic*"', "('prison' <-> 'offic':*)", "('prison' & 'offic':*)"],
    ['ex-offender', "('ex' <-> 'offender')", "('ex' & 'offender')"],
    ['napo OR unison', "('napo' | 'unison')", "('napo' | 'unison')"],
    ['caseload NOT "family court"', "('caseload' & !('family' <-> 'court'))", "'caseload'"],
    ['(jail OR prison) AND (escape OR abscond*)', "(('jail' | 'prison') & ('escape' | 'abscond':*))", "(('jail' | 'prison') & ('escape' | 'abscond':*))"],
    ['NOT (a OR b) probation', "(!('a' | 'b') & 'probation')", "'probation'"],
  ])('translates %s (and screens it for the index without phrases or NOTs)', (q, ts, screen) => {
    expect(searchQuery(q)).toEqual({ tsquery: ts, screen, notes: [] });
  });

  it('searches NEAR as AND and says so', () => {
    const q = searchQuery('probation NEAR/5 caseload*');
    expect(q.tsquery).toBe("('probation' & 'caseload':*)");
    expect(q.notes).toEqual(['NEAR/5 is searched as AND: the archive finds both words anywhere in the item']);
  });

  it('notes the field scopes and case: it cannot honour', () => {
    const q = searchQuery('title:(Wandsworth) case:POA');
    expect(q.tsquery).toBe("('wandsworth' & 'poa')");
    expect(q.notes).toHaveLength(2);
    expect(q.notes.join('\n')).toMatch(/title: is searched in the title and text together/);
    expect(q.notes.join('\n')).toMatch(/case: is ignored/);
  });

  it('points source: at the source filter', () => {
    expect(() => searchQuery('escape source:bbc')).toThrow(/searchquery: source: cannot be searched.*source filter/);
  });

  it('reports syntax errors with their offset, prefixed with the module name', () => {
    try {
      searchQuery('prison AND (escape');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SearchQueryError);
      expect((err as Error).message).toMatch(/^searchquery: /);
      expect((err as SearchQueryError).offset).toBeGreaterThanOrEqual(0);
    }
  });

  it('never lets tsquery syntax through from the query text', () => {
    for (const q of ["o'brien", 'a:* | b', "'x' & !y", 'drop\\table']) {
      let ts: string;
      try {
        ts = searchQuery(q).tsquery;
      } catch {
        continue;
      }
      // Every lexeme is single-quoted and holds only letters or digits.
      expect(ts.replace(/'[\p{L}\p{N}]+'(:\*)?/gu, '').replace(/[()&|! <\->]/g, '')).toBe('');
    }
  });
});
