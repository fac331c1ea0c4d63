// What `pressdesk rules check FILE` prints (src/cli/rules.ts registers it): a line per problem, or a summary.
import { formatProblem, loadRuleSet } from '../rules/ruleset.ts';

/** The report for one rules file: lines to print and whether it is clean. */
export function checkRules(text: string, file: string): { lines: string[]; ok: boolean } {
  const { ruleSet, problems } = loadRuleSet(text, file);
  if (problems.length) return { lines: problems.map(formatProblem), ok: false };
  const rules = ruleSet.topics.reduce((n, t) => n + t.rules.length, 0);
  const excludes = ruleSet.exclude.length + ruleSet.topics.reduce((n, t) => n + t.exclude.length, 0);
  return { lines: [`${file}: ok, ${ruleSet.topics.length} topics, ${rules} rules, ${excludes} excludes`], ok: true };
}
