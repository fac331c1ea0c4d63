// A rules file with one rule added to a topic or one rule taken out, edited as text: the rest of the file —
// comments, folding, order — stays exactly as the editor wrote it, so the suggestion's backtest and a save
// afterwards show only that change. Positions come from the YAML parser's node ranges.
import { isMap, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';

export type RuleEdit = { add: { topic: string; id: string; query: string } } | { remove: { topic: string; id: string } };

/** The edited text, or null when the topic (or the rule to remove) is not in the file. */
export function editRules(yaml: string, edit: RuleEdit): string | null {
  const doc = parseDocument(yaml);
  const topics = doc.get('topics', true);
  if (!isSeq(topics)) return null;
  const topicId = 'add' in edit ? edit.add.topic : edit.remove.topic;
  const topic = topics.items.find((t): t is YAMLMap => isMap(t) && t.get('id') === topicId);
  const rules = topic?.get('rules', true);
  if (!isSeq(rules) || !rules.items.length) return null;
  return 'add' in edit ? add(yaml, rules, edit.add) : remove(yaml, rules, edit.remove.id);
}

const lineStart = (text: string, at: number) => text.lastIndexOf('\n', at - 1) + 1;
const lineEnd = (text: string, at: number) => {
  const i = text.indexOf('\n', Math.max(at - 1, 0));
  return i < 0 ? text.length : i;
};

/** After the topic's last rule, at the indentation of its "- ". */
function add(yaml: string, rules: YAMLSeq, rule: { id: string; query: string }): string {
  const last = rules.items[rules.items.length - 1] as YAMLMap;
  const [start, , end] = last.range!;
  const first = lineStart(yaml, start);
  const dash = yaml.slice(first, start).indexOf('-');
  const indent = ' '.repeat(dash < 0 ? start - first : dash);
  const at = lineEnd(yaml, end);
  const quoted = `'${rule.query.replace(/'/g, "''")}'`;
  return `${yaml.slice(0, at)}\n${indent}- id: ${rule.id}\n${indent}  query: ${quoted}${yaml.slice(at)}`;
}

/** The rule's lines, from its "- " to the end of its last line. */
function remove(yaml: string, rules: YAMLSeq, id: string): string | null {
  const rule = rules.items.find((r): r is YAMLMap => isMap(r) && r.get('id') === id);
  if (!rule) return null;
  const [start, , end] = rule.range!;
  const from = lineStart(yaml, start);
  const to = lineEnd(yaml, end);
  return yaml.slice(0, from) + yaml.slice(Math.min(yaml.length, to + 1));
}
