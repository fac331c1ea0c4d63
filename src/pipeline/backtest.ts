// Backtest: what an edit to the rules would change on stored items — the items that would gain or lose a
// topic, with the terms that did it. Feed it batches of items; it tags them with the current and the edited
// rules and keeps the differences.
//
// Speed: only rules that changed (see rulediff) can change an item's topics, and a changed rule evaluates
// the same before and after on an item holding none of its words. So each item is first screened: one
// regular expression of the changed rules' words over its folded text (a superset of what the matcher's
// tokens would find). Only items that pass are tagged twice. This is exact because the query parser refuses
// queries that hold without any of their words (`NOT foo` alone).
import type { ItemText } from '../domain/types.ts';
import { compileRules } from '../rules/compile.ts';
import { parseQuery } from '../rules/query.ts';
import { FIELDS, type Field, fieldText, fold } from '../rules/text.ts';
import type { QueryNode, RuleMatch, RuleSet, TermHit } from '../rules/types.ts';
import { diffRuleSets, type RuleSetDiff } from './rulediff.ts';
import { tag } from './tag.ts';

export interface Part {
  text: string;
  mark: boolean;
}
export interface Snippet {
  field: Field;
  parts: Part[];
}

export interface ItemChange {
  id: string;
  title: string;
  url?: string;
  published?: string;
  before: string[];
  after: string[];
  gained: string[];
  lost: string[];
  /** The rules that now give the gained topics, or that gave the lost ones. */
  matches: RuleMatch[];
  /** Text around the matched terms, split into marked and plain parts (render with escaping). */
  snippets: Snippet[];
}

export interface BacktestResult {
  scanned: number;
  /** Items tagged twice (the rest could not change). */
  tagged: number;
  gainedCount: number;
  lostCount: number;
  /** Per topic: items gaining and losing it. */
  byTopic: { topic: string; gained: number; lost: number }[];
  /** The newest changes (by date), at most `limit` of each. */
  gained: ItemChange[];
  lost: ItemChange[];
}

export interface Backtest {
  add(items: Iterable<ItemText>): void;
  result(): BacktestResult;
}

const CONTEXT = 60;

export function backtest(current: RuleSet, edited: RuleSet, opts: { limit?: number } = {}): Backtest {
  const limit = opts.limit ?? 100;
  const diff = diffRuleSets(current, edited);
  const screen = screenFor(diff);
  const both = compileRules(combined(current, edited, diff));
  const before = compileRules(current);
  const after = compileRules(edited);
  const gained: ItemChange[] = [];
  const lost: ItemChange[] = [];
  const byTopic = new Map<string, { gained: number; lost: number }>();
  let scanned = 0;
  let tagged = 0;
  let gainedCount = 0;
  let lostCount = 0;
  const count = (topic: string, k: 'gained' | 'lost') => {
    const c = byTopic.get(topic) ?? { gained: 0, lost: 0 };
    c[k]++;
    byTopic.set(topic, c);
  };
  const keep = (list: ItemChange[], c: ItemChange) => {
    list.push(c);
    if (list.length > limit * 2) newest(list, limit);
  };
  return {
    add(items) {
      for (const item of items) {
        scanned++;
        if (!FIELDS.some((f) => item[f] && screen.test(fold(fieldText(item, f))))) continue;
        tagged++;
        const ab = tag(both, item).topics;
        const g = ab.filter((t) => t.startsWith(NEW)).map((t) => t.slice(2)).filter((t) => !ab.includes(OLD + t));
        const l = ab.filter((t) => t.startsWith(OLD)).map((t) => t.slice(2)).filter((t) => !ab.includes(NEW + t));
        if (!g.length && !l.length) continue;
        // A changed item (rare): tag it with each full rule set for the topic lists and highlights.
        const a = tag(before, item);
        const b = tag(after, item);
        for (const t of g) count(t, 'gained');
        for (const t of l) count(t, 'lost');
        const matches = [...b.matches.filter((m) => g.includes(m.topic)), ...a.matches.filter((m) => l.includes(m.topic))];
        const change: ItemChange = {
          id: item.id,
          title: fieldText(item, 'title'),
          ...(item.url ? { url: item.url } : {}),
          ...(item.published ? { published: item.published } : {}),
          before: a.topics,
          after: b.topics,
          gained: g,
          lost: l,
          matches,
          snippets: snippets(item, matches.flatMap((m) => m.terms)),
        };
        if (g.length) {
          gainedCount++;
          keep(gained, change);
        }
        if (l.length) {
          lostCount++;
          keep(lost, change);
        }
      }
    },
    result: () => ({
      scanned,
      tagged,
      gainedCount,
      lostCount,
      byTopic: [...byTopic].map(([topic, c]) => ({ topic, ...c })).sort((x, y) => x.topic.localeCompare(y.topic)),
      gained: newest(gained, limit),
      lost: newest(lost, limit),
    }),
  };
}

function newest(list: ItemChange[], limit: number): ItemChange[] {
  list.sort((x, y) => (y.published ?? '').localeCompare(x.published ?? '') || Number(y.id) - Number(x.id));
  list.length = Math.min(list.length, limit);
  return list;
}

const OLD = '\u0001:';
const NEW = '\u0002:';

/** One rule set holding the affected topics of both sets, their ids prefixed, each side's global excludes
 *  folded into its own topics: one tokenisation per item answers for both sides. Affected = topics with a
 *  changed rule, or every topic when a global exclude changed. */
function combined(current: RuleSet, edited: RuleSet, diff: RuleSetDiff): RuleSet {
  const affected = new Set(diff.topics.map((t) => t.topic));
  const side = (rs: RuleSet, prefix: string) =>
    rs.topics
      .filter((t) => diff.exclude.length > 0 || affected.has(t.id))
      .map((t) => ({ ...t, id: prefix + t.id, exclude: [...t.exclude, ...rs.exclude.map((r) => ({ id: `global:${r.id}`, query: r.query }))] }));
  return { topics: [...side(current, OLD), ...side(edited, NEW)], exclude: [] };
}

/** The screening expression: the words of every changed rule, old and new. A rule that does not parse is
 *  one the matcher leaves out, so it has no words to screen for. */
function screenFor(diff: RuleSetDiff): RegExp {
  const words = new Set<string>();
  for (const c of diff.rules) {
    for (const q of [c.before, c.after]) {
      if (q === undefined) continue;
      try {
        collectWords(parseQuery(q), words);
      } catch {}
    }
  }
  if (!words.size) return /(?!)/; // nothing changed: no item can
  const alternatives = [...words].sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(alternatives.join('|'));
}

/** One word per term (its longest, folded, without a wildcard star): a term cannot occur without it. */
function collectWords(n: QueryNode, out: Set<string>): void {
  switch (n.type) {
    case 'term': {
      const ws = n.words.map((w) => fold(w.replace(/\*$/, '')));
      out.add(ws.reduce((a, b) => (b.length > a.length ? b : a)));
      return;
    }
    case 'and':
    case 'or':
      for (const c of n.children) collectWords(c, out);
      return;
    case 'not':
    case 'field':
      collectWords(n.child, out);
      return;
    case 'near':
      collectWords(n.left, out);
      collectWords(n.right, out);
  }
}

/** Windows of text around the hits, per field, with the hits marked. Overlapping windows merge. */
function snippets(item: ItemText, hits: TermHit[]): Snippet[] {
  const out: Snippet[] = [];
  for (const field of FIELDS) {
    const hs = hits.filter((h) => h.field === field).sort((a, b) => a.start - b.start || a.end - b.end);
    if (!hs.length) continue;
    const text = fieldText(item, field);
    const parts: Part[] = [];
    let pos = field === 'title' ? 0 : Math.max(0, hs[0]!.start - CONTEXT);
    if (pos > 0) parts.push({ text: '…', mark: false });
    for (const h of hs) {
      if (h.start < pos) continue; // overlaps the previous mark
      if (field !== 'title' && h.start - pos > 2 * CONTEXT) {
        parts.push({ text: `${text.slice(pos, pos + CONTEXT)} … ${text.slice(h.start - CONTEXT, h.start)}`, mark: false });
      } else if (pos < h.start) parts.push({ text: text.slice(pos, h.start), mark: false });
      parts.push({ text: text.slice(h.start, h.end), mark: true });
      pos = h.end;
    }
    const end = field === 'title' ? text.length : Math.min(text.length, pos + CONTEXT);
    if (end > pos) parts.push({ text: text.slice(pos, end), mark: false });
    if (end < text.length) parts.push({ text: '…', mark: false });
    out.push({ field, parts });
  }
  return out;
}
