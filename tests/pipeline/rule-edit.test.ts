// Rule edits as text: one rule added or taken out, the rest of the file byte for byte as written.
import { describe, expect, it } from 'vitest';
import { diffRuleSets } from '../../src/pipeline/rulediff.ts';
import { editRules } from '../../src/pipeline/rule-edit.ts';
import { shippedRulePack } from '../../src/rules/pack.ts';
import { loadRuleSet } from '../../src/rules/ruleset.ts';

const YAML = `# comment kept
topics:
  - id: prisons
    name: Prisons
    rules:
      - id: jail
        query: jail
      # about overcrowding
      - id: full
        query: >-
          prison NEAR/3 (full OR
          overcrowd*)
    exclude:
      - id: film
        query: film
  - id: courts
    name: Courts
    rules:
      - id: court
        query: "court"
`;

describe('editRules', () => {
  it('adds a rule after the topic\'s last one, quoting the query, leaving every other line as it was', () => {
    const out = editRules(YAML, { add: { topic: 'prisons', id: 'suggested-hmp', query: `"hmp wing" OR it's` } })!;
    expect(out).toBe(YAML.replace('          overcrowd*)\n', `          overcrowd*)\n      - id: suggested-hmp\n        query: '"hmp wing" OR it''s'\n`));
    const { ruleSet, problems } = loadRuleSet(out);
    expect(problems).toEqual([]);
    expect(ruleSet.topics[0]!.rules.map((r) => r.query)).toEqual(['jail', 'prison NEAR/3 (full OR overcrowd*)', `"hmp wing" OR it's`]);
    expect(editRules(YAML, { add: { topic: 'courts', id: 'x', query: 'bench' } })).toBe(`${YAML}      - id: x\n        query: 'bench'\n`);
  });

  it('takes a rule out with all its lines', () => {
    expect(editRules(YAML, { remove: { topic: 'prisons', id: 'full' } })).toBe(YAML.replace('      - id: full\n        query: >-\n          prison NEAR/3 (full OR\n          overcrowd*)\n', ''));
    expect(editRules(YAML, { remove: { topic: 'prisons', id: 'jail' } })).toBe(YAML.replace('      - id: jail\n        query: jail\n', ''));
  });

  it('says null for a topic or rule that is not there', () => {
    expect(editRules(YAML, { add: { topic: 'parole', id: 'x', query: 'x' } })).toBeNull();
    expect(editRules(YAML, { remove: { topic: 'courts', id: 'nope' } })).toBeNull();
    expect(editRules('not: [rules', { remove: { topic: 'courts', id: 'court' } })).toBeNull();
  });

  it('on the shipped pack, changes exactly the one rule', () => {
    const pack = shippedRulePack();
    const before = loadRuleSet(pack).ruleSet;
    const parole = before.topics.find((t) => t.id === 'parole')!;
    const out = editRules(pack, { remove: { topic: 'parole', id: parole.rules[1]!.id } })!;
    expect(diffRuleSets(before, loadRuleSet(out).ruleSet).rules).toEqual([expect.objectContaining({ topic: 'parole', rule: parole.rules[1]!.id, change: 'removed' })]);
  });
});
