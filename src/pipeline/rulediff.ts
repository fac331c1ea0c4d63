// Rule diff: what changed between two rule sets, per topic and per rule (added, removed, changed query).
// Versions are compared by ids, not by position, so reordering rules is not a change. The backtest uses the
// same list to know which rules can change any item's topics.
import type { Rule, RuleSet, Topic } from '../rules/types.ts';

export type Change = 'added' | 'removed' | 'changed';

export interface RuleChange {
  /** The topic id, or null for a global exclude. */
  topic: string | null;
  rule: string;
  kind: 'rule' | 'exclude';
  change: Change;
  before?: string;
  after?: string;
}

export interface TopicChange {
  topic: string;
  change: Change;
  /** Only for a renamed topic (change 'changed' with nameBefore !== nameAfter). */
  nameBefore?: string;
  nameAfter?: string;
  rules: RuleChange[];
}

export interface RuleSetDiff {
  /** Topics that were added, removed, renamed or had a rule changed, in the new set's order then removed. */
  topics: TopicChange[];
  /** Changes to the global excludes. */
  exclude: RuleChange[];
  /** Every rule change, flat (topic rules, topic excludes, global excludes). */
  rules: RuleChange[];
  same: boolean;
}

function diffRules(topic: string | null, kind: RuleChange['kind'], before: Rule[], after: Rule[]): RuleChange[] {
  const old = new Map(before.map((r) => [r.id, r.query]));
  const out: RuleChange[] = [];
  for (const r of after) {
    const q = old.get(r.id);
    if (q === undefined) out.push({ topic, rule: r.id, kind, change: 'added', after: r.query });
    else if (q.trim() !== r.query.trim()) out.push({ topic, rule: r.id, kind, change: 'changed', before: q, after: r.query });
    old.delete(r.id);
  }
  for (const [id, q] of old) out.push({ topic, rule: id, kind, change: 'removed', before: q });
  return out;
}

const none: Topic = { id: '', name: '', rules: [], exclude: [] };

export function diffRuleSets(before: RuleSet, after: RuleSet): RuleSetDiff {
  const oldTopics = new Map(before.topics.map((t) => [t.id, t]));
  const topics: TopicChange[] = [];
  const topicOf = (id: string, a: Topic, b: Topic, change: Change) => {
    const rules = [...diffRules(id, 'rule', a.rules, b.rules), ...diffRules(id, 'exclude', a.exclude, b.exclude)];
    const renamed = change === 'changed' && a.name !== b.name;
    if (change !== 'changed' || renamed || rules.length) {
      topics.push({ topic: id, change, ...(renamed ? { nameBefore: a.name, nameAfter: b.name } : {}), rules });
    }
  };
  for (const t of after.topics) {
    const o = oldTopics.get(t.id);
    topicOf(t.id, o ?? none, t, o ? 'changed' : 'added');
    oldTopics.delete(t.id);
  }
  for (const o of oldTopics.values()) topicOf(o.id, o, none, 'removed');
  const exclude = diffRules(null, 'exclude', before.exclude, after.exclude);
  const rules = [...topics.flatMap((t) => t.rules), ...exclude];
  return { topics, exclude, rules, same: topics.length === 0 && exclude.length === 0 };
}
