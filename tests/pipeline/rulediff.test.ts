import { describe, expect, it } from 'vitest';
import { diffRuleSets } from '../../src/pipeline/rulediff.ts';
import type { RuleSet } from '../../src/rules/types.ts';

const base: RuleSet = {
  exclude: [{ id: 'us', query: 'Texas' }],
  topics: [
    { id: 'prisons', name: 'Prisons', rules: [{ id: 'prison', query: 'prison*' }, { id: 'hmp', query: 'HMP' }], exclude: [] },
    { id: 'courts', name: 'Courts', rules: [{ id: 'court', query: 'court' }], exclude: [{ id: 'tennis', query: 'tennis' }] },
  ],
};

describe('diffRuleSets', () => {
  it('finds nothing between equal sets, even with rules reordered or queries re-spaced', () => {
    const moved: RuleSet = structuredClone(base);
    moved.topics[0]!.rules.reverse();
    moved.topics[1]!.rules[0]!.query = '  court ';
    expect(diffRuleSets(base, moved)).toMatchObject({ same: true, topics: [], exclude: [], rules: [] });
  });

  it('names added, removed and changed rules and excludes per topic, renamed topics, and global excludes', () => {
    const next: RuleSet = structuredClone(base);
    next.exclude = [{ id: 'us', query: 'Texas OR Florida' }, { id: 'sport', query: 'football' }];
    next.topics[0]!.rules = [{ id: 'prison', query: 'prison* NOT "prison break"' }, { id: 'jail', query: 'jail' }];
    next.topics[1]!.name = 'Criminal courts';
    next.topics[1]!.exclude = [];
    next.topics.push({ id: 'parole', name: 'Parole', rules: [{ id: 'board', query: '"parole board"' }], exclude: [] });
    const d = diffRuleSets(base, next);
    expect(d.same).toBe(false);
    expect(d.topics).toEqual([
      {
        topic: 'prisons',
        change: 'changed',
        rules: [
          { topic: 'prisons', rule: 'prison', kind: 'rule', change: 'changed', before: 'prison*', after: 'prison* NOT "prison break"' },
          { topic: 'prisons', rule: 'jail', kind: 'rule', change: 'added', after: 'jail' },
          { topic: 'prisons', rule: 'hmp', kind: 'rule', change: 'removed', before: 'HMP' },
        ],
      },
      {
        topic: 'courts',
        change: 'changed',
        nameBefore: 'Courts',
        nameAfter: 'Criminal courts',
        rules: [{ topic: 'courts', rule: 'tennis', kind: 'exclude', change: 'removed', before: 'tennis' }],
      },
      { topic: 'parole', change: 'added', rules: [{ topic: 'parole', rule: 'board', kind: 'rule', change: 'added', after: '"parole board"' }] },
    ]);
    expect(d.exclude).toEqual([
      { topic: null, rule: 'us', kind: 'exclude', change: 'changed', before: 'Texas', after: 'Texas OR Florida' },
      { topic: null, rule: 'sport', kind: 'exclude', change: 'added', after: 'football' },
    ]);
    expect(d.rules).toHaveLength(7);
  });

  it('lists every rule of a removed topic as removed', () => {
    const next: RuleSet = { ...base, topics: [base.topics[0]!] };
    const d = diffRuleSets(base, next);
    expect(d.topics).toEqual([
      {
        topic: 'courts',
        change: 'removed',
        rules: [
          { topic: 'courts', rule: 'court', kind: 'rule', change: 'removed', before: 'court' },
          { topic: 'courts', rule: 'tennis', kind: 'exclude', change: 'removed', before: 'tennis' },
        ],
      },
    ]);
  });
});
