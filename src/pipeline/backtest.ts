// Backtest: what an edit to the rules would change on stored items — the items that would gain or lose a
// topic, with the terms that did it. Feed it batches of items; it tags them with the current and the edited
// rules and keeps the differences.
//
// Speed: only rules that changed (see rulediff) can change an item's topics, and only on items where the
// old or the new query holds. Each item is first screened on its folded text for the words those queries
// need (all the words of a phrase, both sides of NEAR and AND, one side of OR): substring tests are a
// superset of what the matcher's tokens find. Only items that pass are tagged, once, by one matcher holding
// the affected topics of both sides. Exact because the parser refuses queries that hold without any word.
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
        if (!screen(item)) continue;
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

// Letters that fold() may turn into ASCII (accented Latin, combining marks, the Kelvin and Angstrom signs).
const FOLDS = /[\u00c0-\u024f\u1e00-\u1eff\u212a\u212b\p{M}]/u;
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

/** What must occur in an item's folded text for a query to hold: words, all of / any of. TRUE = nothing. */
type Need = true | string | { all: Need[] } | { any: Need[] };

function need(n: QueryNode): Need {
  switch (n.type) {
    case 'term':
      return all(n.words.map((w) => fold(w.replace(/\*$/, ''))));
    case 'and':
      return all(n.children.map(need));
    case 'near':
      return all([need(n.left), need(n.right)]);
    case 'or':
      return any(n.children.map(need));
    case 'not':
      return true;
    case 'field':
      return need(n.child);
  }
}
const all = (xs: Need[]): Need => {
  const c = xs.filter((x) => x !== true);
  return c.length === 0 ? true : c.length === 1 ? c[0]! : { all: c };
};
const any = (xs: Need[]): Need => (xs.length === 0 || xs.includes(true) ? true : xs.length === 1 ? xs[0]! : { any: xs });
const met = (x: Need, text: string): boolean =>
  x === true ? true : typeof x === 'string' ? text.includes(x) : 'all' in x ? x.all.every((c) => met(c, text)) : x.any.some((c) => met(c, text));
const wordsOf = (x: Need, out: Set<string>): Set<string> => {
  if (typeof x === 'string') out.add(x);
  else if (x !== true) for (const c of 'all' in x ? x.all : x.any) wordsOf(c, out);
  return out;
};

/** The screen: a changed rule gives a different outcome only where its old or its new query holds, and a
 *  query holds only where its needed words occur. A cheap regular expression of every needed word goes
 *  first, then the exact all/any test. A rule that does not parse is left out by the matcher: no need. */
function screenFor(diff: RuleSetDiff): (item: ItemText) => boolean {
  const needs: Need[] = [];
  for (const c of diff.rules) {
    for (const q of [c.before, c.after]) {
      if (q === undefined) continue;
      try {
        needs.push(need(parseQuery(q)));
      } catch {}
    }
  }
  if (!needs.length) return () => false; // nothing changed: no item can
  const total = any(needs);
  if (total === true) return () => true;
  const words = [...wordsOf(total, new Set())].sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const first = new RegExp(words.join('|'), 'i');
  return (item) => {
    const texts = FIELDS.map((f) => (item[f] ? fieldText(item, f) : ''));
    // Case-insensitive on the stripped text first; folding (costly) only for text with letters that fold.
    if (!texts.some((t) => first.test(FOLDS.test(t) ? fold(t) : t))) return false;
    const text = texts.map(fold).join('\n');
    return met(total, text);
  };
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
