// Suggestions for editors, from press officers' verdicts: terms frequent in items marked relevant that the
// active rules miss (as a rule to add, under the topic the model gives those items), and rules whose hits are
// often marked not relevant (to take out). Each carries the rules file with the change made (rewriteTopic: the
// rest of the file stays as written), for a one-click backtest on the rules page (POST /rules, action
// backtest): nothing is saved until an editor saves it there.
import { bestTopic } from '../pipeline/relevance/best-topic.ts';
import { suggestTerms } from '../pipeline/relevance/suggest-terms.ts';
import { tag } from '../pipeline/tag.ts';
import type { Rule, Topic } from '../rules/types.ts';
import { rewriteTopic } from '../rules/write.ts';
import type { Db } from '../storage/db.ts';
import { rulePrecision } from '../storage/feedback.ts';
import { judgedItems } from '../storage/relevance.ts';
import { activeModel } from './active-model.ts';
import { activeRules } from './active-rules.ts';

export interface RuleSuggestion {
  change: 'add' | 'remove';
  topic: string;
  rule: string;
  query: string;
  /** Why, in words. */
  why: string;
  /** The active rules file with the change made. */
  yaml: string;
}

/** Judged items read: the newest verdicts. */
const JUDGED = 2_000;
/** A rule is suggested for removal from this many judged hits, at this precision or below. */
const MIN_JUDGED = 3;
const MAX_PRECISION = 0.5;
const MAX_EACH = 10;

const slug = (s: string) => s.replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);

export async function suggestRules(db: Db): Promise<RuleSuggestion[]> {
  const [rules, model, judged, precision] = await Promise.all([activeRules(db), activeModel(db), judgedItems(db, JUDGED), rulePrecision(db)]);
  const out: RuleSuggestion[] = [];
  const missed = judged.flatMap((j) => {
    if (!j.relevant) return [];
    const r = tag(rules.matcher, j);
    return r.topics.length ? [] : [{ item: j, topic: bestTopic(model.model, j, r) }];
  });
  // The active rules with one topic's rules replaced.
  const edited = (topic: Topic, list: Rule[]) => rewriteTopic(rules.yaml, { topic: topic.id, rules: list, exclude: topic.exclude, globalExclude: rules.ruleSet.exclude });
  for (const s of suggestTerms(missed, judged.filter((j) => !j.relevant))) {
    const topic = rules.ruleSet.topics.find((t) => t.id === s.topic);
    if (!topic) continue;
    let id = `suggested-${slug(s.term)}`;
    for (let n = 2; topic.rules.some((r) => r.id === id); n++) id = `suggested-${slug(s.term)}-${n}`;
    const yaml = edited(topic, [...topic.rules, { id, query: s.query }]);
    if (yaml === undefined) continue;
    const why = `in ${s.relevant} item${s.relevant === 1 ? '' : 's'} marked relevant that the rules miss; ${s.notRelevant} marked not relevant`;
    out.push({ change: 'add', topic: s.topic, rule: id, query: s.query, why, yaml });
  }
  const weak = precision
    .filter((p) => p.judged >= MIN_JUDGED && p.precision !== null && p.precision <= MAX_PRECISION)
    .sort((a, b) => a.precision! - b.precision! || b.judged - a.judged)
    .slice(0, MAX_EACH);
  for (const p of weak) {
    const topic = rules.ruleSet.topics.find((t) => t.id === p.topic);
    const rule = topic?.rules.find((r) => r.id === p.rule);
    // A topic's only rule is not suggested for removal: a topic needs one.
    if (!topic || !rule || topic.rules.length < 2) continue;
    const yaml = edited(topic, topic.rules.filter((r) => r !== rule));
    if (yaml === undefined) continue;
    const why = `${p.judged - p.relevant} of its ${p.judged} judged hits marked not relevant`;
    out.push({ change: 'remove', topic: p.topic, rule: p.rule, query: rule.query, why, yaml });
  }
  return out;
}
