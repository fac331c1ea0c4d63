// `pressdesk tag` and `pressdesk rules check`: the line format, bad lines, and real runs of the command.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRules } from '../../src/cli/check-rules.ts';
import { loadMatcher, loadTagModel, tagLine } from '../../src/cli/tag-lines.ts';
import { compileRules } from '../../src/rules/compile.ts';
import { BIN, childEnv } from '../helpers/cli.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = (args: string[], input?: string) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: root, env: childEnv({}), input, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const dir = mkdtempSync(join(tmpdir(), 'pressdesk-tag-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const rulesFile = join(dir, 'rules.yaml');
// A model that knows one thing: "Texas" is not UK news; it vetoes prisons below 0.5.
const modelFile = join(dir, 'model.json');
writeFileSync(modelFile, JSON.stringify({ heads: ['relevant', 'prisons'], bias: [2, 3], thresholds: [{ veto: 0, rescue: 1 }, { veto: 0.5, rescue: 1 }], terms: { 'w:texa': [-6, 0] } }));
writeFileSync(rulesFile, 'topics:\n  - id: prisons\n    name: Prisons\n    rules:\n      - id: jail\n        query: jail OR prison\n      - id: broken\n        query: "pr*"\n');

describe('tagLine', () => {
  const m = compileRules({ exclude: [], topics: [{ id: 't', name: 'T', rules: [{ id: 'r', query: 'prison' }], exclude: [] }] });

  it('writes {"id","relevant","topics","matches"}, reading link/content as url/body', () => {
    const out = JSON.parse(tagLine(m, '{"id": 7, "title": "x", "content": "<p>Prison</p>", "link": "https://x.test"}', 1).out!);
    expect(Object.keys(out)).toEqual(['id', 'relevant', 'topics', 'matches']);
    expect(out).toEqual({ id: '7', relevant: true, topics: ['t'], matches: [{ topic: 't', rule: 'r', terms: [{ field: 'body', start: 1, end: 7, text: 'Prison' }] }] });
  });

  it('names bad lines and says what to fix; blank lines give nothing', () => {
    expect(tagLine(m, '{nope', 3)).toEqual({ error: 'tag: line 3 is not JSON; give one object per line with id, title, summary, body, url, source' });
    expect(tagLine(m, '[1]', 4).error).toBe('tag: line 4 is not a JSON object; give {"id": …, "title": …}');
    expect(tagLine(m, '{"title":"x"}', 5).error).toBe('tag: line 5 has no "id"; every item needs one');
    expect(tagLine(m, '   ', 6)).toEqual({});
  });

  it('loads a rules file with problems: warns and keeps the good rules', () => {
    const warnings: string[] = [];
    const matcher = loadMatcher(rulesFile, (l) => warnings.push(l));
    expect(warnings[0]).toMatch(/rules\.yaml:8:17: query: a wildcard needs at least 3 letters/);
    expect(warnings[1]).toMatch(/^tag: 1 problem\(s\) in .*rules\.yaml; those rules are left out, the rest are used$/);
    expect(matcher.rules.map((r) => r.id)).toEqual(['jail']);
    expect(() => loadMatcher(join(dir, 'missing.yaml'), () => {})).toThrow(/^tag: cannot read rules file .*missing\.yaml \(ENOENT\); check the path$/);
  });
});

describe('tagLine with a relevance model', () => {
  const m = compileRules({ exclude: [], topics: [{ id: 'prisons', name: 'P', rules: [{ id: 'r', query: 'jail' }], exclude: [] }] });
  const model = loadTagModel(modelFile);

  it('applies its veto: relevant and topics are what the product decides, with the decision and its terms', () => {
    const out = JSON.parse(tagLine(m, '{"id": 1, "title": "Texas jail riot"}', 1, model).out!);
    // P(prisons) = σ(2 − 6) · σ(3): far below the veto threshold.
    expect(out).toEqual({ id: '1', relevant: false, topics: [], matches: [], decisions: [{ topic: 'prisons', action: 'veto', probability: 0.017, applied: true, terms: [{ term: 'Texas', weight: -6 }] }] });
    expect(JSON.parse(tagLine(m, '{"id": 2, "title": "Leeds jail riot"}', 1, model).out!)).toEqual({ id: '2', relevant: true, topics: ['prisons'], matches: [expect.objectContaining({ rule: 'r' })] });
  });

  it('refuses a file that is not a model, saying where models come from', () => {
    expect(() => loadTagModel(rulesFile)).toThrow(/^tag: cannot read the model in .*rules\.yaml \(not JSON\); give a file from `pressdesk relevance export`$/);
    expect(() => loadTagModel(join(dir, 'nope.json'))).toThrow(/\(ENOENT\)/);
  });
});

describe('checkRules', () => {
  it('lists problems, or sums up a clean file', () => {
    expect(checkRules('topics:\n  - id: a\n    name: A\n    rules:\n      - id: r\n        query: x NEAR y\n', 'f.yaml')).toEqual({
      ok: false,
      lines: ['f.yaml:6:18: query: NEAR needs a distance in words; write NEAR/5 (rule "r" in topic "a")'],
    });
    expect(checkRules('topics:\n  - id: a\n    name: A\n    rules:\n      - id: r\n        query: x\n', 'f.yaml')).toEqual({ ok: true, lines: ['f.yaml: ok, 1 topics, 1 rules, 0 excludes'] });
  });
});

describe('the real command', () => {
  it('tags stdin with the shipped pack, reports a bad line on stderr and goes on', () => {
    const input = ['{"id":"a","title":"Probation officers vote to strike over pay"}', 'not json', '{"id":"b","title":"Recipe of the week"}'].join('\n');
    const r = cli(['tag'], input);
    expect(r.stderr).toContain('tag: line 2 is not JSON');
    expect(r.code).toBe(1);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(out.map((o) => [o.id, o.relevant])).toEqual([
      ['a', true],
      ['b', false],
    ]);
    expect(out[0].topics).toEqual(expect.arrayContaining(['probation', 'workforce']));
  });

  it('applies the relevance model by default, --model FILE instead of the shipped one, and not with --rules-only', () => {
    const line = '{"id":"t","title":"Texas jail riot"}\n';
    const model = cli(['tag', '--rules', rulesFile, '--model', modelFile], line);
    expect(model.code).toBe(0);
    expect(JSON.parse(model.stdout)).toMatchObject({ relevant: false, topics: [], decisions: [{ topic: 'prisons', action: 'veto' }] });
    expect(JSON.parse(cli(['tag', '--rules', rulesFile, '--rules-only'], line).stdout)).toMatchObject({ relevant: true, topics: ['prisons'] });
    expect(cli(['tag', '--rules-only', '--model', modelFile], line).stderr).toContain('give --model or --rules-only, not both');
  });

  it('tags a file with --rules and --input', () => {
    const input = join(dir, 'items.jsonl');
    writeFileSync(input, '{"id":"1","title":"Jail news"}\n');
    const r = cli(['tag', '--rules', rulesFile, '--input', input]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: '1', relevant: true, topics: ['prisons'] });
    expect(r.stderr).toMatch(/8:17: query: a wildcard/);
  });

  it('rules check: FILE:line:col lines and exit 1, or a summary and exit 0', () => {
    const bad = cli(['rules', 'check', rulesFile]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe(`${rulesFile}:8:17: query: a wildcard needs at least 3 letters before "*" (like probat*); "pr*" is too short (rule "broken" in topic "prisons")\n`);
    const good = cli(['rules', 'check', 'src/packs/rules/uk-justice.yaml']);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^src\/packs\/rules\/uk-justice\.yaml: ok, 7 topics, \d+ rules, \d+ excludes\n$/);
  });
});
