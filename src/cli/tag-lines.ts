// The work of `pressdesk tag` (src/cli/tag.ts registers it): compile the rules once, then one input line of
// JSON in, one {"id","relevant","topics","matches"} line or an error naming the line out.
import { readFileSync } from 'node:fs';
import type { ItemText } from '../domain/types.ts';
import { tag } from '../pipeline/tag.ts';
import { compileRules, type Matcher } from '../rules/compile.ts';
import { SHIPPED_PACK_FILE, shippedRulePack } from '../rules/pack.ts';
import { formatProblem, loadRuleSet } from '../rules/ruleset.ts';
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

/** Tags one input line: the output line, or an error message naming the line. Blank lines give nothing. */
export function tagLine(matcher: Matcher, raw: string, lineNo: number): { out?: string; error?: string } {
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
  return { out: JSON.stringify({ id: r.id, relevant: r.relevant, topics: r.topics, matches: r.matches }) };
}
