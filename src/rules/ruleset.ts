// Loads a rules file (YAML) into a RuleSet, collecting every problem with its FILE:line:col instead of stopping
// at the first: a bad rule is left out and reported, the others load. Format (see docs/rules.md):
//
//   exclude:                        # optional; an item matching one of these gets no topic
//     - id: us-probation
//       query: probation AND (Texas OR Florida)
//   topics:
//     - id: probation               # lower case letters, digits, hyphens
//       name: Probation
//       rules:                      # one or more; any match gives the topic
//         - id: service
//           query: '"probation service" OR probat* NEAR/3 officer*'
//       exclude:                    # optional; a match here withholds this topic only
//         - id: job-probation
//           query: '"probation period"'
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, Scalar, type YAMLMap } from 'yaml';
import { checkQuery } from './query.ts';
import type { Rule, RuleProblem, RuleSet, Topic } from './types.ts';

export type { RuleProblem, RuleSet };

/** "FILE:line:col: message", the form editors and `pressdesk rules check` print. */
export function formatProblem(p: RuleProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

/** What topic and rule ids may be: lower-case letters, digits and hyphens. */
export const ID = /^[a-z0-9][a-z0-9-]*$/;

export function loadRuleSet(yamlText: string, file = 'rules.yaml'): { ruleSet: RuleSet; problems: RuleProblem[] } {
  const lc = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const problems: RuleProblem[] = [];
  const at = (offset: number, message: string, where: { topic?: string; rule?: string } = {}) => {
    const { line, col } = lc.linePos(Math.max(0, Math.min(offset, yamlText.length)));
    problems.push({ file, line, col, message, ...where });
  };
  const nodeAt = (n: Node | null | undefined, message: string, where?: { topic?: string; rule?: string }) => at(n?.range?.[0] ?? 0, message, where);
  const quoted = new Set<number>();
  for (const e of doc.errors) {
    const hint = quotedQuery(yamlText, lc, lc.linePos(Math.min(e.pos[0], yamlText.length)).line);
    if (!hint) at(e.pos[0], `rules: YAML: ${e.message.split('\n')[0]}; fix the file's indentation or quoting here`);
    else if (!quoted.has(hint.offset)) {
      // Say what to do about the quoting once, then check the line as the query it was meant to be.
      quoted.add(hint.offset);
      at(hint.offset, QUOTE_HINT(hint.query));
      for (const err of checkQuery(hint.query)) at(hint.offset + err.offset, err.message);
    }
  }

  const ruleSet: RuleSet = { topics: [], exclude: [] };
  const root = doc.contents;
  if (!isMap(root)) {
    if (!doc.errors.length) nodeAt(root, 'rules: the file must be a mapping with "topics:" (and optionally "exclude:")');
    return { ruleSet, problems };
  }

  const readRules = (seq: unknown, owner: Node, label: string, topic: string | undefined, taken: Set<string>): Rule[] => {
    if (seq === undefined) return [];
    if (!isSeq(seq)) {
      nodeAt(isScalar(seq) || isMap(seq) ? seq : owner, `rules: "${label}" must be a list of rules, each "- id: …" with "query: …"`, { topic });
      return [];
    }
    const out: Rule[] = [];
    for (const item of seq.items) {
      if (!isMap(item)) {
        nodeAt(item as Node, `rules: each entry of "${label}" needs "id:" and "query:"`, { topic });
        continue;
      }
      unknownKeys(item, ['id', 'query'], 'a rule', nodeAt);
      const id = item.get('id', true);
      const query = item.get('query', true);
      if (!isScalar(id) || typeof id.value !== 'string' || !ID.test(id.value)) {
        nodeAt(id ?? item, 'rules: a rule needs an "id:" of lower-case letters, digits and hyphens, e.g. id: approved-premises', { topic });
        continue;
      }
      const where = { topic, rule: id.value };
      if (taken.has(id.value)) {
        nodeAt(id, `rules: rule id "${id.value}" is used twice${topic ? ` in topic "${topic}"` : ' in the global exclude'}; rename one`, where);
        continue;
      }
      taken.add(id.value);
      if (!isScalar(query) || typeof query.value !== 'string') {
        nodeAt(query ?? item, `rules: rule "${id.value}" needs a "query:" with text`, where);
        continue;
      }
      const wrong = checkQuery(query.value);
      for (const err of wrong) at(sourceOffset(yamlText, query, err.offset), `${err.message} (rule "${id.value}"${topic ? ` in topic "${topic}"` : ''})`, where);
      if (!wrong.length) out.push({ id: id.value, query: query.value });
    }
    return out;
  };

  unknownKeys(root, ['topics', 'exclude'], 'the file', nodeAt);
  ruleSet.exclude = readRules(root.get('exclude', true), root, 'exclude', undefined, new Set());
  const topics = root.get('topics', true);
  if (!isSeq(topics)) {
    nodeAt((topics as Node) ?? root, 'rules: "topics:" must be a list of topics, each "- id: …" with "name:" and "rules:"');
    return { ruleSet, problems };
  }
  const seen = new Set<string>();
  for (const t of topics.items) {
    if (!isMap(t)) {
      nodeAt(t as Node, 'rules: each topic needs "id:", "name:" and "rules:"');
      continue;
    }
    unknownKeys(t, ['id', 'name', 'description', 'rules', 'exclude'], 'a topic', nodeAt);
    const id = t.get('id', true);
    if (!isScalar(id) || typeof id.value !== 'string' || !ID.test(id.value)) {
      nodeAt(id ?? t, 'rules: a topic needs an "id:" of lower-case letters, digits and hyphens, e.g. id: youth-justice');
      continue;
    }
    if (seen.has(id.value)) {
      nodeAt(id, `rules: topic id "${id.value}" is used twice; merge the two or rename one`, { topic: id.value });
      continue;
    }
    seen.add(id.value);
    const name = t.get('name', true);
    const description = t.get('description');
    if (!isScalar(name) || typeof name.value !== 'string') nodeAt(name ?? t, `rules: topic "${id.value}" needs a "name:" to show editors`, { topic: id.value });
    const taken = new Set<string>();
    const topic: Topic = {
      id: id.value,
      name: isScalar(name) && typeof name.value === 'string' ? name.value : id.value,
      ...(typeof description === 'string' ? { description } : {}),
      rules: readRules(t.get('rules', true), t, 'rules', id.value, taken),
      exclude: readRules(t.get('exclude', true), t, 'exclude', id.value, taken),
    };
    if (t.get('rules', true) === undefined) nodeAt(t, `rules: topic "${id.value}" has no "rules:"; add at least one`, { topic: id.value });
    ruleSet.topics.push(topic);
  }
  return { ruleSet, problems };
}

// A query that starts with a quote ("probation service" OR …) reads to YAML as a quoted string followed by
// stray text: the commonest YAML error in a rules file. Found on the line a YAML error points at.
const QUERY_LINE = /^(\s*(?:-\s+)?query:[ \t]+)(["'].*?)\s*$/;
const QUOTE_HINT = (q: string) =>
  `rules: YAML cannot read this query because it starts with a quote; put the whole query in single quotes and double the single quotes inside (query: '${q.replaceAll("'", "''")}'), or write "query: >-" and the query on the next line, indented further`;

function quotedQuery(text: string, lc: LineCounter, line: number): { offset: number; query: string } | undefined {
  const start = lc.lineStarts[line - 1] ?? 0;
  const end = text.indexOf('\n', start);
  const m = QUERY_LINE.exec(text.slice(start, end < 0 ? undefined : end));
  return m ? { offset: start + m[1]!.length, query: m[2]! } : undefined;
}

function unknownKeys(map: YAMLMap, allowed: string[], what: string, nodeAt: (n: Node, m: string) => void) {
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === undefined || !allowed.includes(key)) {
      nodeAt(pair.key as Node, `rules: unknown key "${key ?? '?'}" in ${what}; expected ${allowed.map((k) => `"${k}:"`).join(', ')}`);
    }
  }
}

// Maps an offset in a scalar's parsed value to an offset in the file. Folding and escapes make the two differ,
// so walk both: each value character is found at or after the current file position, whitespace matching any
// whitespace (a folded line break is a space in the value).
function sourceOffset(text: string, node: Scalar, valueOffset: number): number {
  const [start, end] = node.range ?? [0, 0];
  const value = String(node.value);
  let j = start + (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE ? 1 : 0);
  const ws = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
  for (let i = 0; i < value.length && j < end; i++) {
    const c = value[i];
    while (j < end && text[j] !== c && !(ws(c) && ws(text[j]))) j++;
    if (i === valueOffset) return j;
    j++;
  }
  return Math.min(j, end);
}
