// Rules files: the RuleSet they load to, and every problem reported at its FILE:line:col.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileRules } from '../../src/rules/compile.ts';
import { formatProblem, loadRuleSet } from '../../src/rules/ruleset.ts';

const broken = readFileSync(new URL('../fixtures/rules/broken.yaml', import.meta.url), 'utf8');

describe('loadRuleSet', () => {
  it('loads topics, rules and excludes as plain JSON data', () => {
    const yaml = [
      'exclude:',
      '  - id: sport',
      '    query: url:sport',
      'topics:',
      '  - id: probation',
      '    name: Probation',
      '    description: the probation service',
      '    rules:',
      '      - id: word',
      "        query: 'probation OR \"approved premises\"'",
      '    exclude:',
      '      - id: job',
      '        query: "\\"probation period\\""',
    ].join('\n');
    const { ruleSet, problems } = loadRuleSet(yaml, 'pack.yaml');
    expect(problems).toEqual([]);
    expect(ruleSet).toEqual({
      exclude: [{ id: 'sport', query: 'url:sport' }],
      topics: [
        {
          id: 'probation',
          name: 'Probation',
          description: 'the probation service',
          rules: [{ id: 'word', query: 'probation OR "approved premises"' }],
          exclude: [{ id: 'job', query: '"probation period"' }],
        },
      ],
    });
    expect(JSON.parse(JSON.stringify(ruleSet))).toEqual(ruleSet);
  });

  it('reports each problem at FILE:line:col and keeps every good rule', () => {
    const { ruleSet, problems } = loadRuleSet(broken, 'broken.yaml');
    expect(problems.map(formatProblem)).toEqual([
      'broken.yaml:6:13: query: NEAR/3 needs a term on both sides (rule "bad-global")',
      'broken.yaml:14:17: query: a wildcard needs at least 3 letters before "*" (like probat*); "pr*" is too short (rule "short-wildcard" in topic "probation")',
      'broken.yaml:15:13: rules: rule id "service" is used twice in topic "probation"; rename one',
      'broken.yaml:20:21: query: unknown field "titel:"; use title:, summary:, body:, source:, url: or case: (rule "folded" in topic "probation")',
      'broken.yaml:21:9: rules: a rule needs an "id:" of lower-case letters, digits and hyphens, e.g. id: approved-premises',
      'broken.yaml:22:13: rules: a rule needs an "id:" of lower-case letters, digits and hyphens, e.g. id: approved-premises',
      'broken.yaml:24:9: rules: rule "empty" needs a "query:" with text',
      'broken.yaml:28:9: rules: topic id "probation" is used twice; merge the two or rename one',
      'broken.yaml:37:5: rules: unknown key "colour" in a topic; expected "id:", "name:", "description:", "rules:", "exclude:"',
      'broken.yaml:33:5: rules: topic "no-name" needs a "name:" to show editors',
      'broken.yaml:38:5: rules: a topic needs an "id:" of lower-case letters, digits and hyphens, e.g. id: youth-justice',
      'broken.yaml:42:12: rules: "rules" must be a list of rules, each "- id: …" with "query: …"',
    ]);
    expect(ruleSet.exclude.map((r) => r.id)).toEqual(['us-probation']);
    expect(ruleSet.topics.map((t) => t.id)).toEqual(['probation', 'no-name', 'not-a-list']);
    expect(ruleSet.topics[0]!.rules.map((r) => r.id)).toEqual(['service']);
    expect(ruleSet.topics[0]!.exclude.map((r) => r.id)).toEqual(['job']);
    expect(ruleSet.topics[1]).toMatchObject({ name: 'no-name', rules: [{ id: 'ok', query: 'cafcass' }] });
    expect(problems[1]).toMatchObject({ topic: 'probation', rule: 'short-wildcard' });
    expect(compileRules(ruleSet).skipped).toEqual([]);
  });

  it('maps query errors through quoting and folding to the right column', () => {
    const at = (yaml: string) => formatProblem(loadRuleSet(yaml, 'f').problems[0]!);
    expect(at('topics:\n  - id: t\n    name: T\n    rules:\n      - id: r\n        query: "a \\"b\\" (c"\n')).toBe(
      'f:6:25: query: this "(" is never closed; add a ")" (rule "r" in topic "t")',
    );
    expect(at("topics:\n  - id: t\n    name: T\n    rules:\n      - id: r\n        query: 'it''s pr*'\n")).toMatch(/^f:6:23: query: a wildcard/);
    expect(at('topics:\n  - id: t\n    name: T\n    rules:\n      - id: r\n        query: |\n          a OR\n          b OR )\n')).toMatch(/^f:8:13: query: OR needs a term on both sides/);
  });

  it('reports YAML syntax errors and files that are not a mapping', () => {
    const bad = loadRuleSet('topics:\n  - id: x\n   name: y\n  bad: [', 'y.yaml');
    expect(bad.problems.length).toBeGreaterThan(0);
    expect(formatProblem(bad.problems[0]!)).toMatch(/^y\.yaml:\d+:\d+: rules: YAML: .+; fix the file's indentation or quoting here$/);
    expect(loadRuleSet('- a\n- b\n', 'l.yaml').problems.map(formatProblem)).toEqual([
      'l.yaml:1:1: rules: the file must be a mapping with "topics:" (and optionally "exclude:")',
    ]);
    expect(loadRuleSet('exclude: []\n', 'e.yaml').problems.map(formatProblem)).toEqual([
      'e.yaml:1:1: rules: "topics:" must be a list of topics, each "- id: …" with "name:" and "rules:"',
    ]);
    expect(loadRuleSet('topics: []\nrule: x\n', 'k.yaml').problems.map(formatProblem)).toEqual([
      'k.yaml:2:1: rules: unknown key "rule" in the file; expected "topics:", "exclude:"',
    ]);
  });

  it('reports every problem of a query, each at its own column', () => {
    const yaml = 'topics:\n  - id: t\n    name: T\n    rules:\n      - id: r\n        query: titel:x AND pr* OR (jail\n';
    expect(loadRuleSet(yaml, 'f').problems.map(formatProblem)).toEqual([
      'f:6:16: query: unknown field "titel:"; use title:, summary:, body:, source:, url: or case: (rule "r" in topic "t")',
      'f:6:28: query: a wildcard needs at least 3 letters before "*" (like probat*); "pr*" is too short (rule "r" in topic "t")',
      'f:6:35: query: this "(" is never closed; add a ")" (rule "r" in topic "t")',
    ]);
  });

  it('says what to do when YAML trips on a query that starts with a quote, and checks it as a query', () => {
    const yaml = `topics:\n  - id: t\n    name: T\n    rules:\n      - id: r\n        query: "probation service" OR probat* NEAR x\n      - id: s\n        query: 'it's' OR "x"\n`;
    const advice = (q: string) =>
      `rules: YAML cannot read this query because it starts with a quote; put the whole query in single quotes and double the single quotes inside (query: ${q}), or write "query: >-" and the query on the next line, indented further`;
    const problems = loadRuleSet(yaml, 'f').problems.map(formatProblem);
    expect(problems).toEqual([
      `f:6:16: ${advice(`'"probation service" OR probat* NEAR x'`)}`,
      'f:6:47: query: NEAR needs a distance in words; write NEAR/5',
      `f:8:16: ${advice(`'''it''s'' OR "x"'`)}`,
    ]);
    // The advice, followed, loads.
    const fixed = yaml.replace('query: "probation service" OR probat* NEAR x', `query: '"probation service" OR probat* NEAR/3 x'`).replace(`query: 'it's' OR "x"`, `query: '''it''s'' OR "x"'`);
    expect(loadRuleSet(fixed).problems).toEqual([]);
    expect(loadRuleSet(fixed).ruleSet.topics[0]!.rules.map((r) => r.query)).toEqual(['"probation service" OR probat* NEAR/3 x', `'it's' OR "x"`]);
  });
});
