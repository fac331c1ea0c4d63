// Tagging: which topics an item belongs to, and why. An item gets a topic when one of the topic's rules
// matches and neither one of the topic's excludes nor a global exclude does; relevant = at least one topic.
import type { ItemText } from '../domain/types.ts';
import type { Matcher } from '../rules/compile.ts';
import { evaluate } from '../rules/evaluate.ts';
import type { RuleMatch } from '../rules/types.ts';

export interface TagResult {
  id: string;
  relevant: boolean;
  /** Topic ids in rule-set order. */
  topics: string[];
  /** The rules that gave each topic, with the terms to highlight. */
  matches: RuleMatch[];
  /** Excludes that fired (topic "" for a global one): why an item did not get a topic its rules matched. */
  excluded: RuleMatch[];
}

// One pass over the fired rules, no maps or closures per item: compile lays the rules out as the global
// excludes, then each topic's rules and excludes in rule-set order, and evaluate reports them in that order,
// so a topic's fired rules are neighbours.
export function tag(matcher: Matcher, item: ItemText): TagResult {
  const ev = evaluate(matcher, item);
  const { fired } = ev;
  const { rules } = matcher;
  const topics: string[] = [];
  const matches: RuleMatch[] = [];
  const excluded: RuleMatch[] = [];
  let anyHit = false;
  let global = false;
  for (let i = 0; i < fired.length; i++) {
    const rule = rules[fired[i]!]!;
    if (!rule.exclude) anyHit = true;
    else if (rule.topic < 0) global = true;
  }
  if (!anyHit) return { id: item.id, relevant: false, topics, matches, excluded };
  for (let i = 0; i < fired.length; ) {
    const topic = rules[fired[i]!]!.topic;
    let end = i;
    let hit = false;
    let blocked = false;
    for (; end < fired.length && rules[fired[end]!]!.topic === topic; end++) {
      if (rules[fired[end]!]!.exclude) blocked = true;
      else hit = true;
    }
    const id = topic < 0 ? '' : matcher.topics[topic]!.id;
    // An exclude is worth reporting when it withheld something: a global one (some topic matched) or its
    // topic's, when one of the topic's rules matched.
    if (topic < 0 || hit) for (let j = i; j < end; j++) if (rules[fired[j]!]!.exclude) excluded.push({ topic: id, rule: rules[fired[j]!]!.id, terms: ev.explain(fired[j]!) });
    if (hit && !blocked && !global) {
      topics.push(id);
      for (let j = i; j < end; j++) if (!rules[fired[j]!]!.exclude) matches.push({ topic: id, rule: rules[fired[j]!]!.id, terms: ev.explain(fired[j]!) });
    }
    i = end;
  }
  return { id: item.id, relevant: topics.length > 0, topics, matches, excluded };
}
