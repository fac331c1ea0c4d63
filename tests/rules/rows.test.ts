import { describe, expect, it } from 'vitest';
import { checkRows, rowsEdit } from '../../src/rules/rows.ts';

const row = (id: string, query: string) => ({ id, query });

describe('checkRows', () => {
  it('gives every problem of every row: ids, repeats within a topic or the global excludes, all query problems with columns', () => {
    const check = checkRows({
      rules: [row('prison', 'prison*'), row('Bad Id', 'jail'), row('', 'hostel*'), row('prison', 'pr* OR (jail'), row('', '')],
      exclude: [row('prison', 'film'), row('ok', '"probation period"')],
      global: [row('ok', 'texas'), row('ok', 'florida'), row('x', '')],
    });
    expect(check.rows.rules).toEqual([
      [],
      [{ field: 'id', message: expect.stringMatching(/^id: "Bad Id" may hold only lower-case letters/) }],
      [{ field: 'id', message: expect.stringMatching(/^id: give the rule an id/) }],
      [
        { field: 'id', message: 'id: "prison" is used twice in this topic; rename one' },
        { field: 'query', message: expect.stringMatching(/^query: a wildcard needs at least 3 letters/), col: 1, length: 3 },
        { field: 'query', message: expect.stringMatching(/^query: this "\(" is never closed/), col: 8, length: 1 },
      ],
      [], // blank: left out
    ]);
    expect(check.rows.exclude).toEqual([[{ field: 'id', message: 'id: "prison" is used twice in this topic; rename one' }], []]);
    expect(check.rows.global).toEqual([
      [],
      [{ field: 'id', message: 'id: "ok" is used twice in the global excludes; rename one' }],
      [{ field: 'query', message: expect.stringMatching(/^query: the query is empty/), col: 1, length: 0 }],
    ]);
    expect(check.count).toBe(8);
    expect(check.sections).toEqual({});
  });

  it('needs at least one rule in the topic', () => {
    const check = checkRows({ rules: [row('', '')], exclude: [], global: [] });
    expect(check.sections.rules).toMatch(/a topic needs at least one rule/);
    expect(check.count).toBe(1);
  });

  it('makes an edit of the rows, blank rows left out and queries exactly as typed', () => {
    const q = '  "probation service" OR probat*\n';
    expect(rowsEdit('probation', { rules: [row(' service ', q), row('', '')], exclude: [], global: [row('us', 'texas')] })).toEqual({
      topic: 'probation',
      rules: [{ id: 'service', query: q }],
      exclude: [],
      globalExclude: [{ id: 'us', query: 'texas' }],
    });
  });
});
