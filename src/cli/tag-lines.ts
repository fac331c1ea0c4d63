// The work of `pressdesk tag` (src/cli/tag.ts registers it): compile the rules and load the relevance model
// once, then one input line of JSON in, one {"id","relevant","topics","matches"} line (plus "decisions" where
// the model vetoed or rescued a topic) or an error naming the line out.
import { readFileSync } from 'node:fs';
import type { StoredModel } from '../domain/relevance.ts';
import type { ItemText } from '../domain/types.ts';
import { type ModelInUse, judge } from '../pipeline/relevance/judge.ts';
import { loadModel } from '../pipeline/relevance/model.ts';
import { tag } from '../pipeline/tag.ts';
import { compileRules, type Matcher } from '../rules/compile.ts';
import { SHIPPED_PACK_FILE, shippedRulePack } from '../rules/pack.ts';
import { formatProblem, loadRuleSet } from '../rules/ruleset.ts';
import { shippedModel } from '../services/shipped-model.ts';
import { fail } from './context.ts';

/** Compiles a rules file (or the shipped pack); problems go to `warn`, the good rules still load. */
export function loadMatcher(file: string | undefined, warn: (line: string) => void): Matcher {
  let text: string;
  try {
    text = file ? readFileSync(file, 'utf8') : shippedRulePack();
  } catch (err) {
    fail(`tag: cannot read rules file ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check the path`);
  }
  const { ruleSet, problems } = loadRuleSet(text, file ?? SHIPPED_PACK_FILE);
  for (const p of problems) warn(formatProblem(p));
  if (problems.length) warn(`tag: ${problems.length} problem(s) in ${file ?? SHIPPED_PACK_FILE}; those rules are left out, the rest are used`);
  return compileRules(ruleSet);
}

/** The model to apply: a file's (`pressdesk relevance export`), else the shipped one; every topic in "apply". */
export function loadTagModel(file: string | undefined): ModelInUse {
  let model = shippedModel().model;
  if (file) {
    try {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as StoredModel;
      if (!Array.isArray(stored.heads) || !stored.terms || !Array.isArray(stored.thresholds)) throw new Error('not a relevance model');
      model = loadModel(stored);
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code ?? (err instanceof SyntaxError ? 'not JSON' : (err as Error).message);
      fail(`tag: cannot read the model in ${file} (${why}); give a file from \`pressdesk relevance export\``);
    }
  }
  return { version: 0, model, modeOf: () => 'apply' };
}

/** Tags one input line: the output line, or an error message naming the line. Blank lines give nothing. */
export function tagLine(matcher: Matcher, raw: string, lineNo: number, model?: ModelInUse): { out?: string; error?: string } {
  const line = raw.trim();
  if (!line) return {};
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line);
  } catch {
    return { error: `tag: line ${lineNo} is not JSON; give one object per line with id, title, summary, body, url, source` };
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) return { error: `tag: line ${lineNo} is not a JSON object; give {"id": …, "title": …}` };
  if (typeof o.id !== 'string' && typeof o.id !== 'number') return { error: `tag: line ${lineNo} has no "id"; every item needs one` };
  const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const item: ItemText = { id: String(o.id), title: str('title') ?? '', summary: str('summary'), body: str('body') ?? str('content'), url: str('url') ?? str('link'), source: str('source') };
  const r = tag(matcher, item);
  if (!model) return { out: JSON.stringify({ id: r.id, relevant: r.relevant, topics: r.topics, matches: r.matches }) };
  const { topics, decisions } = judge(model.model, item, r, model.modeOf);
  const matches = r.matches.filter((m) => topics.includes(m.topic));
  return { out: JSON.stringify({ id: r.id, relevant: topics.length > 0, topics, matches, ...(decisions.length ? { decisions } : {}) }) };
}
