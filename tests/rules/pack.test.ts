// The shipped UK-justice pack: loads cleanly with exactly the rubric's topic ids, tags self-written examples
// the way the rubric says, and keeps a floor on the labelled dev set when ../shared is present.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tag } from '../../src/pipeline/tag.ts';
import { compileRules } from '../../src/rules/compile.ts';
import { shippedRulePack } from '../../src/rules/pack.ts';
import { loadRuleSet } from '../../src/rules/ruleset.ts';

const { ruleSet, problems } = loadRuleSet(shippedRulePack(), 'uk-justice.yaml');
const m = compileRules(ruleSet);
const topics = (title: string, summary = '', url = 'https://news.test/uk/1') => tag(m, { id: 'x', title, summary, url }).topics;

describe('shipped pack', () => {
  it('loads without problems and has exactly the rubric topic ids', () => {
    expect(problems).toEqual([]);
    expect(ruleSet.topics.map((t) => t.id)).toEqual(['probation', 'prisons', 'courts', 'parole', 'youth-justice', 'family-courts', 'workforce']);
  });

  // Written for these tests in the rubric's terms; not taken from any feed.
  it.each([
    ['Probation service failed to assess risk before attack, inspectors find', 'probation'],
    ['Overcrowding at HMP Example reaches record level', 'prisons'],
    ['Crown court backlog grows as trials wait two years', 'courts'],
    ['Parole Board refuses release of man who killed two', 'parole'],
    ['Children held in youth custody for longer, report says', 'youth-justice'],
    ['Cafcass caseloads rise as family court delays deepen', 'family-courts'],
    ['Napo members vote for industrial action over workloads', 'workforce'],
  ])('%s -> %s', (title, topic) => expect(topics(title)).toContain(topic));

  it.each([
    ['Man jailed for six years for burglary spree', 'a routine court report'],
    ['Texas man sentenced to five years probation for fraud', 'US probation'],
    ['New starters must pass a six-month probation period at the firm', 'job probation'],
    ['Striker scores twice as champions win again', 'sport'],
    ['Council approves new car park', 'nothing to do with justice'],
  ])('%s is not relevant (%s)', (title) => expect(topics(title)).toEqual([]));
});

const dev = new URL('../../../shared/eval/dev.jsonl', import.meta.url);
describe.skipIf(!existsSync(dev))('shipped pack on ../shared/eval/dev.jsonl', () => {
  it('keeps F1 on `relevant` above a floor (the bench reports the exact figures)', () => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const line of readFileSync(dev, 'utf8').trim().split('\n')) {
      const o = JSON.parse(line);
      const pred = tag(m, { id: o.id, title: o.title, summary: o.summary, url: o.link, source: o.source }).relevant;
      if (pred && o.relevant) tp++;
      else if (pred) fp++;
      else if (o.relevant) fn++;
    }
    const f1 = (2 * tp) / (2 * tp + fp + fn);
    expect(f1).toBeGreaterThan(0.84);
  });
});
