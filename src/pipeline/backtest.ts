// Backtest: what an edit to the rules would change on stored items — the items that would gain or lose a
// topic, with the terms that did it. runBacktest asks a store for the items that could change and tags them
// with the current and the edited rules, keeping the differences.
//
// Speed: only rules that changed (see rulediff) can change an item's topics, and only on items where the
// old or the new query holds; an edit that only touches global excludes changes nothing on an item that no
// topic rule gives a topic. A query holds only where the words it needs occur (all the words of a phrase,
// both sides of NEAR and AND, one side of OR), so `screen.words` (a tsquery) lets the store read just the items
// holding them, and `add` screens again on the folded text (substring tests: a superset of what the
// matcher's tokens find). Only items that pass are tagged, once, by one matcher holding the affected topics
// (both sides, or one copy when only global excludes changed) and each side's global excludes as topics of
// their own. Exact because the parser refuses queries that hold without any word.
import type { ItemText } from '../domain/types.ts';
import type { BacktestScreen, BacktestStore } from '../domain/rules.ts';
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

/** What a store must read: nothing at all, every item (`words` null), or the items whose lower-case ASCII
 *  words satisfy `words`, a tsquery ('w' a word, 'w':* a prefix, &, |, brackets), plus every item whose
 *  words the store cannot list exactly (letters outside ASCII, entities, tags inside words). */
export interface Backtest {
  screen: BacktestScreen;
  add(items: Iterable<ItemText>): void;
  /** Counts items the store screened out without reading them. */
  skip(n: number): void;
  result(): BacktestResult;
}

/** A backtest over a store: reads only what the screen lets through, counts the rest. */
export async function runBacktest(current: RuleSet, edited: RuleSet, store: BacktestStore, opts: { limit?: number } = {}): Promise<BacktestResult> {
  const bt = backtest(current, edited, opts);
  if (bt.screen.nothing) {
    bt.skip(await store.count());
    return bt.result();
  }
  const total = bt.screen.words === null ? undefined : store.count();
  let read = 0;
  for await (const items of store.read(bt.screen)) {
    read += items.length;
    bt.add(items);
  }
  if (total) bt.skip((await total) - read);
  return bt.result();
}

const CONTEXT = 60;

/** `limit`: changed items to list on each side, newest first (100 unless given); 0 counts them only. */
export function backtest(current: RuleSet, edited: RuleSet, opts: { limit?: number } = {}): Backtest {
  const limit = opts.limit ?? 100;
  const diff = diffRuleSets(current, edited);
  const plan = planFor(current, edited, diff);
  const screen = screenOf(plan.lookup);
  const both = compileRules(plan.rules);
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
    screen: { nothing: plan.lookup === false, words: plan.lookup === false ? null : tsquery(plan.lookup) },
    skip(n) {
      scanned += n;
    },
    add(items) {
      for (const item of items) {
        scanned++;
        if (!screen(item)) continue;
        tagged++;
        const ab = tag(both, item);
        const side = (prefix: string, x: string) =>
          ab.topics.includes(x) ? [] : ab.topics.filter((t) => t.startsWith(prefix)).map((t) => t.slice(2));
        const old = side(plan.before, plan.xBefore);
        const now = side(plan.after, plan.xAfter);
        const g = now.filter((t) => !old.includes(t));
        const l = old.filter((t) => !now.includes(t));
        if (!g.length && !l.length) continue;
        for (const t of g) count(t, 'gained');
        for (const t of l) count(t, 'lost');
        if (g.length) gainedCount++;
        if (l.length) lostCount++;
        if (limit === 0) continue; // counts only: no lists to fill
        // A changed item: the topic lists and highlights come from the one tagging when it held every topic,
        // else from tagging it with each full rule set.
        const from = (prefix: string, topics: string[]) => ({
          topics,
          matches: ab.matches.filter((m) => m.topic.startsWith(prefix)).map((m) => ({ ...m, topic: m.topic.slice(2) })),
        });
        const a = plan.complete ? from(plan.before, old) : tag(before, item);
        const b = plan.complete ? from(plan.after, now) : tag(after, item);
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
        if (g.length) keep(gained, change);
        if (l.length) keep(lost, change);
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
// Topic id prefixes in the combined rule set: the current side, the edited side, or both (only global
// excludes changed), and the pseudo-topics holding each side's global excludes.
const OLD = '\u0001:';
const NEW = '\u0002:';
const SAME = '\u0003:';
const X_OLD = '\u0004:old';
const X_NEW = '\u0004:new';

interface Plan {
  /** One rule set answering for both sides: one tokenisation per item. */
  rules: RuleSet;
  /** The prefixes of the current and the edited side's topics in `rules`. */
  before: string;
  after: string;
  /** The pseudo-topics holding each side's global excludes (one when they did not change). */
  xBefore: string;
  xAfter: string;
  /** What an item must hold to change at all: the changed rules' words; false = nothing can change. Only
   *  edits to global excludes could also ask for a word of some topic rule, but testing the words of every
   *  rule (in SQL or in the screen) cost more than tagging the extra items. */
  lookup: Need | false;
  /** Every topic is in `rules` (a global exclude changed): the topic lists come from the one tagging. */
  complete: boolean;
}

/** Affected topics: those with a changed rule, or every topic when a global exclude changed. When only global
 *  excludes changed the topics are the same on both sides: one copy. Global excludes become topics of their
 *  own (X_OLD, X_NEW; one set when unchanged) that empty their side's topics. A rule that does not parse is
 *  left out by the matcher: no need. */
function planFor(current: RuleSet, edited: RuleSet, diff: RuleSetDiff): Plan {
  const changed = any(diff.rules.flatMap((c) => [c.before, c.after]).flatMap(needOf));
  const x = { xBefore: X_OLD, xAfter: diff.exclude.length ? X_NEW : X_OLD };
  const none: Plan = { rules: { topics: [], exclude: [] }, before: OLD, after: NEW, ...x, lookup: false, complete: false };
  if (diff.same || changed === false) return none;
  const complete = diff.exclude.length > 0;
  const exclude = (id: string, rs: RuleSet) => (rs.exclude.length ? [{ id, name: id, rules: rs.exclude, exclude: [] }] : []);
  const excludes = [...exclude(X_OLD, current), ...(diff.exclude.length ? exclude(X_NEW, edited) : [])];
  if (diff.topics.length === 0) {
    const topics = current.topics.map((t) => ({ ...t, id: SAME + t.id }));
    return { rules: { topics: [...topics, ...excludes], exclude: [] }, before: SAME, after: SAME, ...x, lookup: changed, complete };
  }
  const affected = new Set(diff.topics.map((t) => t.topic));
  const side = (rs: RuleSet, prefix: string) =>
    rs.topics.filter((t) => diff.exclude.length > 0 || affected.has(t.id)).map((t) => ({ ...t, id: prefix + t.id }));
  return { rules: { topics: [...side(current, OLD), ...side(edited, NEW), ...excludes], exclude: [] }, before: OLD, after: NEW, ...x, lookup: changed, complete };
}

/** What must occur in an item for a query to hold: words (a trailing "*" marks a prefix; folded), all of /
 *  any of. TRUE = nothing in particular (also for source: terms, which are not in the item's own text). */
type Need = true | string | { all: Need[] } | { any: Need[] };

function need(n: QueryNode): Need {
  switch (n.type) {
    case 'term':
      return all(n.words.map((w) => fold(w)));
    case 'and':
      return all(n.children.map(need));
    case 'near':
      return all([need(n.left), need(n.right)]);
    case 'or':
      return anyOf(n.children.map(need));
    case 'not':
      return true;
    case 'field':
      return n.fields.includes('source') ? true : need(n.child);
  }
}
/** A query's need, or none (false) when it does not parse: the matcher leaves such a rule out. */
const needOf = (query: string | undefined): Need[] => {
  if (query === undefined) return [];
  try {
    return [need(parseQuery(query))];
  } catch {
    return [];
  }
};
const all = (xs: Need[]): Need => {
  const c = xs.filter((x) => x !== true);
  return c.length === 0 ? true : c.length === 1 ? c[0]! : { all: c };
};
const anyOf = (xs: Need[]): Need => (xs.length === 0 || xs.includes(true) ? true : xs.length === 1 ? xs[0]! : { any: xs });
/** Any of the needs; false for none at all (no rule to hold). */
const any = (xs: Need[]): Need | false => (xs.length === 0 ? false : anyOf(xs));
const bare = (w: string) => (w.endsWith('*') ? w.slice(0, -1) : w);
const met = (x: Need, text: string): boolean =>
  x === true ? true : typeof x === 'string' ? text.includes(bare(x)) : 'all' in x ? x.all.every((c) => met(c, text)) : x.any.some((c) => met(c, text));
const wordsOf = (x: Need, out: Set<string>): Set<string> => {
  if (typeof x === 'string') out.add(bare(x));
  else if (x !== true) for (const c of 'all' in x ? x.all : x.any) wordsOf(c, out);
  return out;
};

// Stored words are cut to this many characters (migration 008_backtest.sql).
const STORED_WORD = 200;

/** The need as a tsquery over the stored lower-case ASCII words, or null when it needs nothing. A word that
 *  is not plain ASCII letters and digits cannot be looked up: it needs nothing (the store reads every item
 *  whose words it cannot list anyway). */
function tsquery(x: Need): string | null {
  if (x === true) return null;
  if (typeof x === 'string') {
    const w = bare(x);
    if (!/^[a-z0-9]+$/.test(w)) return null;
    return w.length >= STORED_WORD || w !== x ? `'${w.slice(0, STORED_WORD)}':*` : `'${w}'`;
  }
  const parts = ('all' in x ? x.all : x.any).map(tsquery);
  if ('all' in x) {
    const c = parts.filter((p) => p !== null);
    return c.length ? `(${c.join(' & ')})` : null;
  }
  return parts.includes(null) ? null : `(${parts.join(' | ')})`;
}

/** The screen on an item's own text: a cheap regular expression of every needed word first, then the exact
 *  all/any test on the folded text. */
function screenOf(total: Need | false): (item: ItemText) => boolean {
  if (total === false) return () => false; // nothing changed: no item can
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
