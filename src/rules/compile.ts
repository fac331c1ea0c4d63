// Compiles every rule of a rule set into one matcher. Each distinct word of every query becomes an "atom" in
// one dictionary (exact words in hash maps, wildcards in prefix tries, case: words kept apart); each term is a
// sequence of atoms (one for a word, several for a phrase). Matching an item then costs a walk of each token
// through a trie of the rule words that holds their atoms (sieve.ts), a dictionary lookup for the few tokens it
// cannot settle (memoised per distinct token, see memo.ts) and the evaluation of only those rules one of whose
// must-terms occurs (rulesByTrigger): cost grows with the text and its hits, not with the number of rules.
import { hashOf, TokenMemo } from './memo.ts';
import { parseQuery } from './query.ts';
import { buildSieve, type Sieve, type SieveWord } from './sieve.ts';
import { FIELDS, type Field, fold } from './text.ts';
import type { QueryNode, RuleSet } from './types.ts';

export const FIELD_BIT: Record<Field, number> = { title: 1, summary: 2, body: 4, source: 8, url: 16 };
const DEFAULT_MASK = FIELD_BIT.title | FIELD_BIT.summary | FIELD_BIT.body;

/** A query tree with terms replaced by ids and field scopes pushed down to the leaves as bit masks. */
export type Compiled =
  | { k: 'term'; term: number; mask: number }
  | { k: 'and' | 'or'; c: Compiled[] }
  | { k: 'not'; c: Compiled }
  | { k: 'near'; a: number[]; b: number[]; dist: number; ordered: boolean; mask: number };

export interface CompiledRule {
  id: string;
  /** Index into Matcher.topics, or -1 for a global exclude. */
  topic: number;
  exclude: boolean;
  tree: Compiled;
}

interface TrieNode {
  atom: number;
  next: Map<string, TrieNode>;
}

export interface Matcher {
  readonly topics: readonly { id: string; name: string }[];
  readonly rules: readonly CompiledRule[];
  /** Atom ids of each term, in order. */
  readonly terms: readonly (readonly number[])[];
  /** For each atom, the terms that start with it. */
  readonly termsByFirstAtom: readonly (readonly number[])[];
  /** For each term, the rules that mention it. */
  readonly rulesByTerm: readonly (readonly number[])[];
  /**
   * For each term, the rules it triggers: every rule is listed under a set of terms at least one of which must
   * occur for it to hold (its "must" terms; never a term under NOT), so an item evaluates only rules that can hold.
   */
  readonly rulesByTrigger: readonly (readonly number[])[];
  /** Per-matcher working memory for evaluate (reused across items so no per-item allocation grows with rules). */
  readonly scratch: Scratch;
  /** Rules that could not be compiled (a rule set not checked by loadRuleSet); they are left out. */
  readonly skipped: readonly { topic?: string; rule: string; message: string }[];
  /** The atoms of most ASCII tokens, found as they are read; the rest go to atomsAt. */
  readonly sieve: Sieve;
  /** The atoms a raw token of item text hits; memoised. */
  atomsOf(token: string): readonly number[];
  /** atomsOf(text.slice(start, end)) without the slice when memoised; h = hashOf(text, start, end). */
  atomsAt(text: string, start: number, end: number, h: number): readonly number[];
}

/**
 * Working arrays sized by the number of terms and rules, reused by every evaluation: an entry is valid only when
 * its stamp equals the current generation, so starting an item costs one increment, not a clear.
 */
export interface Scratch {
  gen: number;
  termStamp: Uint32Array;
  /** Field bits a term occurred in, and the index of its occurrence list in the evaluation, when stamped. */
  termBits: Uint8Array;
  termSlot: Int32Array;
  ruleStamp: Uint32Array;
  /** The atoms of the field's tokens that hit one, while evaluate scans the field (read only in that call). */
  atoms: (readonly number[])[];
}

const NONE: readonly number[] = Object.freeze([]);
const MEMO_LIMIT = 200_000;

export function compileRules(ruleSet: RuleSet): Matcher {
  const atomIds = new Map<string, number>();
  const exact = new Map<string, number>();
  const exactCase = new Map<string, number>();
  const prefixes: TrieNode = { atom: -1, next: new Map() };
  const prefixesCase: TrieNode = { atom: -1, next: new Map() };
  const termIds = new Map<string, number>();
  const terms: number[][] = [];
  const rulesByTerm: number[][] = [];
  const rules: CompiledRule[] = [];
  const skipped: { topic?: string; rule: string; message: string }[] = [];
  const sieveWords: SieveWord[] = [];

  const atom = (word: string, caseSensitive: boolean): number => {
    const prefix = word.endsWith('*');
    const text = prefix ? word.slice(0, -1) : word;
    const norm = caseSensitive ? text : fold(text);
    const key = `${caseSensitive ? 'C' : 'c'}${prefix ? '*' : '='}${norm}`;
    let id = atomIds.get(key);
    if (id !== undefined) return id;
    id = atomIds.size;
    atomIds.set(key, id);
    sieveWords.push({ norm, prefix, caseSensitive });
    if (!prefix) (caseSensitive ? exactCase : exact).set(norm, id);
    else {
      let node = caseSensitive ? prefixesCase : prefixes;
      for (const ch of norm) {
        let child = node.next.get(ch);
        if (!child) {
          child = { atom: -1, next: new Map() };
          node.next.set(ch, child);
        }
        node = child;
      }
      node.atom = id;
    }
    return id;
  };

  const term = (words: string[], caseSensitive: boolean, rule: number): number => {
    const atoms = words.map((w) => atom(w, caseSensitive));
    const key = atoms.join(',');
    let id = termIds.get(key);
    if (id === undefined) {
      id = terms.length;
      termIds.set(key, id);
      terms.push(atoms);
      rulesByTerm.push([]);
    }
    const list = rulesByTerm[id]!;
    if (list.at(-1) !== rule) list.push(rule);
    return id;
  };

  const build = (n: QueryNode, mask: number, rule: number): Compiled => {
    switch (n.type) {
      case 'term':
        return { k: 'term', term: term(n.words, n.caseSensitive, rule), mask };
      case 'and':
      case 'or':
        return { k: n.type, c: n.children.map((c) => build(c, mask, rule)) };
      case 'not':
        return { k: 'not', c: build(n.child, mask, rule) };
      case 'field':
        return build(n.child, n.fields.reduce((m, f) => m | FIELD_BIT[f], 0), rule);
      case 'near': {
        const side = (s: typeof n.left) => (s.type === 'term' ? [s] : (s.children as (typeof s & { type: 'term' })[])).map((t) => term(t.words, t.caseSensitive, rule));
        return { k: 'near', a: side(n.left), b: side(n.right), dist: n.distance, ordered: n.ordered, mask };
      }
    }
  };

  const add = (id: string, query: string, topic: number, exclude: boolean, topicId?: string) => {
    let ast: QueryNode;
    try {
      ast = parseQuery(query);
    } catch (err) {
      skipped.push({ ...(topicId ? { topic: topicId } : {}), rule: id, message: (err as Error).message });
      return;
    }
    rules.push({ id, topic, exclude, tree: build(ast, DEFAULT_MASK, rules.length) });
  };

  // This order — global excludes, then each topic's rules and excludes — is what tag() reads fired rules in.
  for (const r of ruleSet.exclude) add(r.id, r.query, -1, true);
  ruleSet.topics.forEach((t, i) => {
    for (const r of t.rules) add(r.id, r.query, i, false, t.id);
    for (const r of t.exclude) add(r.id, r.query, i, true, t.id);
  });

  const termsByFirstAtom: number[][] = Array.from({ length: atomIds.size }, () => []);
  terms.forEach((atoms, id) => {
    termsByFirstAtom[atoms[0]!]!.push(id);
  });

  // The must-terms of a tree: a set at least one of which occurs whenever the tree holds; null when the tree can
  // hold with none of its terms (a NOT). AND takes its smallest child set, OR the union of all its children.
  const must = (n: Compiled): number[] | null => {
    switch (n.k) {
      case 'term':
        return [n.term];
      case 'near':
        return n.a.length <= n.b.length ? n.a : n.b;
      case 'not':
        return null;
      case 'and': {
        let best: number[] | null = null;
        for (const c of n.c) {
          const m = must(c);
          if (m && (!best || m.length < best.length)) best = m;
        }
        return best;
      }
      case 'or': {
        const out: number[] = [];
        for (const c of n.c) {
          const m = must(c);
          if (!m) return null;
          out.push(...m);
        }
        return out;
      }
    }
  };
  const rulesByTrigger: number[][] = terms.map(() => []);
  rules.forEach((r, i) => {
    // parseQuery refuses queries that hold without any of their words, so `must` is never null here; should it
    // be, the rule is listed under every term it mentions (the old, wider index).
    const triggers = must(r.tree) ?? rulesByTerm.flatMap((rs, t) => (rs.includes(i) ? [t] : []));
    for (const t of new Set(triggers)) rulesByTrigger[t]!.push(i);
  });

  const walk = (root: TrieNode, s: string, out: number[]) => {
    let node: TrieNode | undefined = root;
    for (const ch of s) {
      node = node.next.get(ch);
      if (!node) return;
      if (node.atom >= 0) out.push(node.atom);
    }
  };
  const memo = new TokenMemo<readonly number[]>(MEMO_LIMIT);
  const lookup = (token: string): readonly number[] => {
    const f = fold(token);
    const out: number[] = [];
    const e = exact.get(f);
    if (e !== undefined) out.push(e);
    const c = exactCase.get(token);
    if (c !== undefined) out.push(c);
    if (prefixes.next.size) walk(prefixes, f, out);
    if (prefixesCase.next.size) walk(prefixesCase, token, out);
    return out.length ? out : NONE;
  };
  const atomsAt = (text: string, start: number, end: number, h: number): readonly number[] => {
    const hit = memo.get(text, start, end, h);
    if (hit) return hit;
    const token = text.slice(start, end);
    const result = lookup(token);
    memo.set(token, h, result);
    return result;
  };
  const atomsOf = (token: string): readonly number[] => atomsAt(token, 0, token.length, hashOf(token));

  return {
    topics: ruleSet.topics.map((t) => ({ id: t.id, name: t.name })),
    rules,
    terms,
    termsByFirstAtom,
    rulesByTerm,
    rulesByTrigger,
    scratch: { gen: 0, termStamp: new Uint32Array(terms.length), termBits: new Uint8Array(terms.length), termSlot: new Int32Array(terms.length), ruleStamp: new Uint32Array(rules.length), atoms: [] },
    skipped,
    sieve: buildSieve(sieveWords, lookup, NONE),
    atomsOf,
    atomsAt,
  };
}

export { FIELDS };
