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

export function tag(matcher: Matcher, item: ItemText): TagResult {
  const ev = evaluate(matcher, item);
  const hit = new Map<number, number[]>();
  const blocked = new Set<number>();
  let global = false;
  for (const r of ev.fired) {
    const rule = matcher.rules[r]!;
    if (!rule.exclude) {
      const list = hit.get(rule.topic);
      if (list) list.push(r);
      else hit.set(rule.topic, [r]);
    } else if (rule.topic < 0) global = true;
    else blocked.add(rule.topic);
  }
  const topics: string[] = [];
  const matches: RuleMatch[] = [];
  const excluded: RuleMatch[] = [];
  const topicId = (i: number) => (i < 0 ? '' : matcher.topics[i]!.id);
  if (hit.size) {
    for (const r of ev.fired) {
      const rule = matcher.rules[r]!;
      if (rule.exclude && (rule.topic < 0 || hit.has(rule.topic))) excluded.push({ topic: topicId(rule.topic), rule: rule.id, terms: ev.explain(r) });
    }
  }
  if (!global) {
    for (const [t, rs] of [...hit].sort((a, b) => a[0] - b[0])) {
      if (blocked.has(t)) continue;
      topics.push(topicId(t));
      for (const r of rs) matches.push({ topic: topicId(t), rule: matcher.rules[r]!.id, terms: ev.explain(r) });
    }
  }
  return { id: item.id, relevant: topics.length > 0, topics, matches, excluded };
}
