// Writes rules as YAML for the structured editor, where editors type queries verbatim: each value is written
// in the simplest style that YAML reads back as exactly the same text (plain, a folded block for long ones,
// single quotes, a literal block for several lines, else double quotes with escapes), each style checked by
// reading it back. An edit of one topic is spliced into the file it came from, so the rest of the file (its
// comments, its layout, rules that did not change) stays as written; the result is loaded again and must give
// exactly the edited rule set, or the whole file is written afresh.
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from 'yaml';
import { loadRuleSet } from './ruleset.ts';
import type { Rule, RuleSet, Topic } from './types.ts';

const WIDTH = 100;

/** `value` as YAML for after "key: " when the key stands at column `indent` (0-based); continuation lines are
 *  indented two more. */
export function yamlScalar(value: string, indent: number): string {
  const pad = ' '.repeat(indent + 2);
  const lines = value.split('\n');
  const candidates = [
    value,
    `'${value.replaceAll("'", "''")}'`,
    ...(lines.length > 1 ? [`|-\n${lines.map((l) => (l ? pad + l : '')).join('\n')}`] : []),
  ];
  if (indent + 6 + value.length > WIDTH) candidates.unshift(`>-\n${fold(value, WIDTH - indent - 2).map((l) => pad + l).join('\n')}`);
  return candidates.find((c) => readsAs(c, indent, value)) ?? doubleQuoted(value);
}

/** Lines of at most `width` characters (unless a word is longer), broken only at a single space between two
 *  other characters, which is exactly what a folded block scalar turns back into one space. */
function fold(value: string, width: number): string[] {
  const out: string[] = [];
  let start = 0;
  let cut = -1;
  for (let i = 1; i < value.length - 1; i++) {
    const breakable = value[i] === ' ' && !/\s/.test(value[i - 1]!) && !/\s/.test(value[i + 1]!);
    if (breakable && i - start > width && cut > start) {
      out.push(value.slice(start, cut));
      start = cut + 1;
    }
    if (breakable) cut = i;
  }
  if (value.length - start > width && cut > start) {
    out.push(value.slice(start, cut));
    start = cut + 1;
  }
  out.push(value.slice(start));
  return out;
}

const ESCAPE: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\t': '\\t', '\r': '\\r' };

function doubleQuoted(value: string): string {
  const esc = (c: string) => ESCAPE[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  return `"${value.replace(/[\\"\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ud800-\udfff]/g, esc)}"`;
}

function readsAs(text: string, indent: number, value: string): boolean {
  const doc = parseDocument(`${' '.repeat(indent)}k: ${text}\n`);
  if (doc.errors.length || doc.warnings.length || !isMap(doc.contents)) return false;
  const node: unknown = doc.contents.get('k', true);
  return isScalar(node) && node.value === value;
}

const item = (r: Rule, dash: number) => {
  const d = ' '.repeat(dash);
  return [`${d}- id: ${yamlScalar(r.id, dash + 2)}`, `${d}  query: ${yamlScalar(r.query, dash + 2)}`];
};
const list = (key: string, rules: Rule[], indent: number) => [
  `${' '.repeat(indent)}${key}:${rules.length ? '' : ' []'}`,
  ...rules.flatMap((r) => item(r, indent + 2)),
];

/** The whole rule set as a YAML file. */
export function writeRuleSet(rs: RuleSet): string {
  const topic = (t: Topic) => [
    `  - id: ${yamlScalar(t.id, 4)}`,
    `    name: ${yamlScalar(t.name, 4)}`,
    ...(t.description === undefined ? [] : [`    description: ${yamlScalar(t.description, 4)}`]),
    ...list('rules', t.rules, 4),
    ...(t.exclude.length ? list('exclude', t.exclude, 4) : []),
  ];
  return [...(rs.exclude.length ? list('exclude', rs.exclude, 0) : []), 'topics:', ...rs.topics.flatMap(topic), ''].join('\n');
}

export interface TopicEdit {
  topic: string;
  rules: Rule[];
  exclude: Rule[];
  /** The global excludes. */
  globalExclude: Rule[];
}

/** The rule set `yaml` holds with one topic's rules and excludes and the global excludes replaced. */
export function applyTopicEdit(rs: RuleSet, edit: TopicEdit): RuleSet {
  return {
    topics: rs.topics.map((t) => (t.id === edit.topic ? { ...t, rules: edit.rules, exclude: edit.exclude } : t)),
    exclude: edit.globalExclude,
  };
}

/** `yaml` with the edit made: only the lists that changed are rewritten, keeping each unchanged rule's text
 *  (and the comments above it); the result loads as exactly applyTopicEdit of what `yaml` loads. Undefined when
 *  `yaml` has problems or no such topic. */
export function rewriteTopic(yaml: string, edit: TopicEdit): string | undefined {
  const before = loadRuleSet(yaml);
  if (before.problems.length || !before.ruleSet.topics.some((t) => t.id === edit.topic)) return undefined;
  const want = applyTopicEdit(before.ruleSet, edit);
  try {
    const spliced = splice(yaml, before.ruleSet, edit);
    const after = loadRuleSet(spliced);
    if (!after.problems.length && JSON.stringify(after.ruleSet) === JSON.stringify(want)) return spliced;
  } catch {
    // an unusual layout (flow lists, anchors): written afresh below
  }
  return writeRuleSet(want);
}

interface Change {
  /** Lines [from, to) of the file are replaced by `text`. */
  from: number;
  to: number;
  text: string[];
}

function splice(yaml: string, rs: RuleSet, edit: TopicEdit): string {
  const lc = new LineCounter();
  const doc = parseDocument(yaml, { lineCounter: lc });
  const lines = yaml.split('\n');
  const root = doc.contents as YAMLMap;
  const lineOf = (offset: number) => lc.linePos(offset).line - 1;
  const colOf = (offset: number) => lc.linePos(offset).col - 1;
  // The last line holding something of the node (not the blank lines or newline after it).
  const lastLine = (n: Node) => {
    let e = n.range![1];
    while (e > n.range![0] && /\s/.test(yaml[e - 1]!)) e--;
    return lineOf(e - 1);
  };
  const same = (a: Rule[], b: Rule[]) => JSON.stringify(a) === JSON.stringify(b);
  const changes: Change[] = [];

  // One list: the key's line kept, each unchanged rule's lines (with comments above it) kept, new ones written.
  const rewrite = (map: YAMLMap, key: string, rules: Rule[], keyIndent: number, insertAt: () => number) => {
    const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
    if (!pair) {
      if (rules.length) changes.push({ from: insertAt(), to: insertAt(), text: list(key, rules, keyIndent) });
      return;
    }
    const keyNode = pair.key as Node;
    const keyLine = lineOf(keyNode.range![0]);
    const seq = pair.value;
    const end = seq && (seq as Node).range ? Math.max(keyLine, lastLine(seq as Node)) : keyLine;
    if (!rules.length && key === 'exclude') {
      changes.push({ from: keyLine, to: end + 1, text: [] });
      return;
    }
    if (!isSeq(seq) || seq.flow || !seq.items.length || lineOf(seq.range![0]) === keyLine) {
      changes.push({ from: keyLine, to: end + 1, text: list(key, rules, colOf(keyNode.range![0])) });
      return;
    }
    const first = seq.items[0] as Node;
    const dash = lines[lineOf(first.range![0])]!.indexOf('-');
    // Each rule's lines, and the comment and blank lines above it: an unchanged rule keeps all of them, a rule
    // whose query changed keeps the lines above it.
    const old: { id: string; query: string; lead: string[]; body: string[]; used: boolean }[] = [];
    let prev = keyLine;
    for (const it of seq.items) {
      if (!isMap(it)) throw new Error('write: not a rule');
      const start = lineOf((it as Node).range![0]);
      const last = lastLine(it);
      old.push({ id: String(it.get('id')), query: String(it.get('query')), lead: lines.slice(prev + 1, start), body: lines.slice(start, last + 1), used: false });
      prev = last;
    }
    const take = (match: (o: (typeof old)[number]) => boolean) => {
      const o = old.find((x) => !x.used && match(x));
      if (o) o.used = true;
      return o;
    };
    const text = [lines[keyLine]!];
    for (const r of rules) {
      const same = take((o) => o.id === r.id && o.query === r.query);
      const edited = same ? undefined : take((o) => o.id === r.id);
      text.push(...(same ? [...same.lead, ...same.body] : [...(edited?.lead ?? []), ...item(r, dash)]));
    }
    changes.push({ from: keyLine, to: end + 1, text });
  };

  const topics = root.get('topics', true);
  if (!isSeq(topics)) throw new Error('write: no topics list');
  const topicNode = topics.items.find((t): t is YAMLMap => isMap(t) && t.get('id') === edit.topic)!;
  const topic = rs.topics.find((t) => t.id === edit.topic)!;
  const topicIndent = colOf(topicNode.range![0]);
  if (!same(topic.rules, edit.rules)) rewrite(topicNode, 'rules', edit.rules, topicIndent, () => lastLine(topicNode) + 1);
  if (!same(topic.exclude, edit.exclude)) rewrite(topicNode, 'exclude', edit.exclude, topicIndent, () => lastLine(topicNode) + 1);
  if (!same(rs.exclude, edit.globalExclude)) {
    const topicsKey = root.items.find((p) => isScalar(p.key) && p.key.value === 'topics')!.key as Node;
    rewrite(root, 'exclude', edit.globalExclude, colOf(topicsKey.range![0]), () => lineOf(topicsKey.range![0]));
  }
  // Bottom up, so the line numbers of the changes above stay right.
  for (const c of changes.sort((a, b) => b.from - a.from)) lines.splice(c.from, c.to - c.from, ...c.text);
  return lines.join('\n');
}
