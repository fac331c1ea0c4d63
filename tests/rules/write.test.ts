import { describe, expect, it } from 'vitest';
import { isMap, isScalar, parseDocument } from 'yaml';
import { shippedRulePack } from '../../src/rules/pack.ts';
import { loadRuleSet } from '../../src/rules/ruleset.ts';
import type { RuleSet } from '../../src/rules/types.ts';
import { applyTopicEdit, rewriteTopic, writeRuleSet, yamlScalar } from '../../src/rules/write.ts';

/** What YAML reads back from `key: <scalar>` with the key at `indent`. */
function readBack(value: string, indent: number): unknown {
  const doc = parseDocument(`${' '.repeat(indent)}k: ${yamlScalar(value, indent)}\n`);
  expect(doc.errors).toEqual([]);
  expect(isMap(doc.contents)).toBe(true);
  const node: unknown = isMap(doc.contents) ? doc.contents.get('k', true) : undefined;
  return isScalar(node) ? node.value : node;
}

// A small seeded generator (mulberry32): the same cases on every run, many more than one would write by hand.
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
// Pieces that trip YAML: quotes first, ": ", " #", backslashes, indicators at the start, document markers,
// tabs, line breaks, non-ASCII, control characters, words YAML reads as other types.
const PIECES = ['"', "'", ':', ': ', ' #', '#', '\\', '\\n', '-', '- ', '? ', '!', '&', '*', '|', '>', '%', '@', '`', '[', ']', '{', '}', ',',
  ' ', '  ', '\t', '\n', '\r\n', '---', '...', 'é', '€', '😀', '\u0007', '\u2028', '\ufeff', 'true', 'null', '~', '0x1F', '1e3', '.inf', 'yes',
  '"probation service"', 'probat*', ' OR ', ' AND ', 'NEAR/3', 'title:', '(', ')', 'prison', 'case:POA', 'it\'s'];

describe('yamlScalar', () => {
  it('writes queries that start with a quote, hold colons, # or backslashes so YAML reads back exactly the text', () => {
    const tricky = [
      '"probation service" OR probat*',
      `'single' OR "double"`,
      'title:"a: b" OR c #d',
      'a #comment-looking',
      'back\\slash\\n and \\"escapes\\"',
      '- starts like a list',
      '? starts like a key',
      '   leading and trailing spaces   ',
      'true',
      '123',
      '',
      'line one\nline two',
      'ends with a newline\n',
      '\ttab first',
      `${'"long phrase" OR '.repeat(30)}end`,
    ];
    for (const q of tricky) for (const indent of [0, 4, 8]) expect(readBack(q, indent), JSON.stringify(q)).toBe(q);
  });

  it('round-trips thousands of generated strings at several indents (property)', () => {
    const next = random(19);
    for (let n = 0; n < 3000; n++) {
      const parts = Array.from({ length: 1 + Math.floor(next() * 12) }, () => PIECES[Math.floor(next() * PIECES.length)]!);
      const q = next() < 0.1 ? parts.join('').repeat(12) : parts.join('');
      const indent = [0, 2, 6, 8][n % 4]!;
      expect(readBack(q, indent), JSON.stringify(q)).toBe(q);
    }
  });

  it('keeps simple queries plain, quotes only when needed, folds long ones', () => {
    expect(yamlScalar('prison* OR jail', 8)).toBe('prison* OR jail');
    expect(yamlScalar('"probation service" OR probat*', 8)).toBe(`'"probation service" OR probat*'`);
    expect(yamlScalar('a: b', 8)).toBe(`'a: b'`);
    const long = yamlScalar(`${'"long phrase" OR '.repeat(30)}end`, 8);
    expect(long.startsWith('>-\n')).toBe(true);
    expect(Math.max(...long.split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
  });
});

const rs = (r: RuleSet) => JSON.parse(JSON.stringify(r));

describe('writeRuleSet', () => {
  it('writes a rule set that loads back as the same rule set (the shipped pack)', () => {
    const pack = loadRuleSet(shippedRulePack()).ruleSet;
    const written = loadRuleSet(writeRuleSet(pack));
    expect(written.problems).toEqual([]);
    expect(written.ruleSet).toEqual(pack);
  });
});

const FILE = `# The file's own comment.
exclude:
  # Sport is not news.
  - id: sport
    query: url:"bbc co uk sport"
topics:
  - id: prisons
    name: Prisons
    rules:
      # Prison words.
      - id: prison
        query: prison*
      # Jails.
      - id: jail
        query: >-
          jail OR jails
          OR gaol
    exclude:
      - id: film
        query: '"prison break"'
  # The next topic.
  - id: probation
    name: Probation
    description: Probation and approved premises
    rules:
      - id: service
        query: '"probation service" OR probat*'
`;

describe('rewriteTopic', () => {
  const before = loadRuleSet(FILE).ruleSet;
  const prisons = before.topics[0]!;

  it('changes nothing when nothing changed', () => {
    expect(rewriteTopic(FILE, { topic: 'prisons', rules: prisons.rules, exclude: prisons.exclude, globalExclude: before.exclude })).toBe(FILE);
  });

  it('rewrites only the changed list, keeping comments, unchanged rules as written, and the comment above an edited rule', () => {
    const rules = [{ id: 'prison', query: '"prison officer*" OR prison*' }, prisons.rules[1]!, { id: 'hmp', query: 'case:HMP #1 back\\slash "x"' }];
    const out = rewriteTopic(FILE, { topic: 'prisons', rules, exclude: prisons.exclude, globalExclude: before.exclude })!;
    expect(loadRuleSet(out).ruleSet).toEqual(rs(applyTopicEdit(before, { topic: 'prisons', rules, exclude: prisons.exclude, globalExclude: before.exclude })));
    expect(out).toBe(
      FILE.replace(`      - id: prison\n        query: prison*\n`, `      - id: prison\n        query: '"prison officer*" OR prison*'\n`).replace(
        `          OR gaol\n`,
        `          OR gaol\n      - id: hmp\n        query: 'case:HMP #1 back\\slash "x"'\n`,
      ),
    );
  });

  it('reorders and removes rules with their comments; removes an emptied exclude list; adds missing lists', () => {
    const edit = { topic: 'prisons', rules: [prisons.rules[1]!, prisons.rules[0]!], exclude: [], globalExclude: [] };
    const out = rewriteTopic(FILE, edit)!;
    expect(loadRuleSet(out).ruleSet).toEqual(rs(applyTopicEdit(before, edit)));
    expect(out).toContain('    rules:\n      # Jails.\n      - id: jail\n        query: >-\n          jail OR jails\n          OR gaol\n      # Prison words.\n      - id: prison\n');
    expect(out).not.toContain('prison break');
    expect(out).not.toContain('Sport is not news');
    expect(out).toContain("# The file's own comment.\n");
    expect(out).toContain('  # The next topic.\n');

    const added = { topic: 'probation', rules: before.topics[1]!.rules, exclude: [{ id: 'job', query: '"probation period"' }], globalExclude: [] };
    const back = rewriteTopic(out, added)!;
    expect(loadRuleSet(back).ruleSet).toEqual(rs(applyTopicEdit(loadRuleSet(out).ruleSet, added)));
    expect(back.endsWith(`        query: '"probation service" OR probat*'\n    exclude:\n      - id: job\n        query: '"probation period"'\n`)).toBe(true);
    const global = { ...added, globalExclude: [{ id: 'us', query: 'texas' }] };
    const withGlobal = rewriteTopic(back, global)!;
    expect(withGlobal).toContain("# The file's own comment.\nexclude:\n  - id: us\n    query: texas\ntopics:\n");
  });

  it('writes the file afresh when its lists are not in block style, still loading as the edited rule set', () => {
    const flow = 'topics:\n  - { id: t, name: T, rules: [ { id: a, query: x } ] }\n';
    const edit = { topic: 't', rules: [{ id: 'a', query: '"y z" OR x' }], exclude: [], globalExclude: [] };
    const out = rewriteTopic(flow, edit)!;
    expect(loadRuleSet(out)).toEqual({ ruleSet: rs(applyTopicEdit(loadRuleSet(flow).ruleSet, edit)), problems: [] });
  });

  it('gives up on a file with problems or without the topic', () => {
    expect(rewriteTopic('topics: [', { topic: 't', rules: [], exclude: [], globalExclude: [] })).toBeUndefined();
    expect(rewriteTopic(FILE, { topic: 'nope', rules: [], exclude: [], globalExclude: [] })).toBeUndefined();
  });

  it('round-trips generated queries through a topic edit of the shipped pack (property)', () => {
    const pack = shippedRulePack();
    const loaded = loadRuleSet(pack).ruleSet;
    const next = random(7);
    const words = ['"probation service"', "it's", 'c#', 'back\\slash', 'title:"x: y"', 'a:b', '#tag', 'prison*', 'OR', 'AND', 'NEAR/3', '(jail', 'OR gaol)', '"', "'"];
    for (let n = 0; n < 40; n++) {
      const q = Array.from({ length: 2 + Math.floor(next() * 8) }, () => words[Math.floor(next() * words.length)]!).join(' ');
      const query = loadRuleSet(`topics:\n  - id: t\n    name: T\n    rules:\n      - id: r\n        query: ${yamlScalar(q, 8)}\n`).problems.length ? 'prison' : q;
      const edit = { topic: 'parole', rules: [...loaded.topics[3]!.rules, { id: 'generated', query }], exclude: [], globalExclude: loaded.exclude };
      const out = rewriteTopic(pack, edit)!;
      expect(loadRuleSet(out), q).toEqual({ ruleSet: rs(applyTopicEdit(loaded, edit)), problems: [] });
    }
  });
});
