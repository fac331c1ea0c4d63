// Runs a compiled matcher over one item: tokenise each field once, look each token up in the matcher's
// dictionary, record where each term occurs, then evaluate only the rules that mention a term that occurred.
import type { ItemText } from '../domain/types.ts';
import { type Compiled, FIELD_BIT, type Matcher } from './compile.ts';
import { FIELDS, type Field, fieldText, isWordChar } from './text.ts';
import type { TermHit } from './types.ts';

interface FieldTokens {
  field: Field;
  bit: number;
  text: string;
  starts: number[];
  ends: number[];
}

/** Term occurrences: field index, first and last token position, flattened in threes. */
type Hits = Map<number, number[]>;

export interface Evaluation {
  /** Indices into matcher.rules of the rules (and excludes) whose query holds. */
  fired: number[];
  /** The term occurrences that made a fired rule hold, with offsets into the field's stripped text. */
  explain(rule: number): TermHit[];
}

// Punctuation that ends a clause: "family, court hears" is not the phrase "family court". Stops and commas
// count only before a space, so "bbc.co.uk" and "1,000" stay joined.
const ALWAYS = /[()[\]{}|\u2013\u2014\u2026]/;
const BREAK = /[.,;:!?](?:\s|$)|[()[\]{}|\u2013\u2014\u2026]|\s-\s/;

export function evaluate(m: Matcher, item: ItemText): Evaluation {
  const fields: FieldTokens[] = [];
  const hits: Hits = new Map();
  // For each term, the bits of the fields it occurs in: what a term leaf of a rule tree tests.
  const where = new Uint8Array(m.terms.length);
  const seen = new Uint8Array(m.rules.length);
  const candidates: number[] = [];
  for (const field of FIELDS) {
    const text = fieldText(item, field);
    if (!text) continue;
    const fi = fields.length;
    const bit = FIELD_BIT[field];
    const ft: FieldTokens = { field, bit, text, starts: [], ends: [] };
    fields.push(ft);
    const atoms: (readonly number[])[] = [];
    const { starts, ends } = ft;
    const n = text.length;
    let i = 0;
    // The tokeniser of text.ts inlined: this loop runs for every character of every item.
    while (i < n) {
      while (i < n && !isWordChar(text, i)) i++;
      if (i >= n) break;
      const s = i;
      while (i < n && isWordChar(text, i)) i++;
      starts.push(s);
      ends.push(i);
      atoms.push(m.atomsOf(text.slice(s, i)));
    }
    // A phrase continues from token q-1 to q only when no clause punctuation separates them.
    const joined = (q: number) => {
      const gap = starts[q]! - ends[q - 1]!;
      return gap === 1 ? !ALWAYS.test(text[ends[q - 1]!]!) : !BREAK.test(text.slice(ends[q - 1]!, starts[q]!));
    };
    for (let p = 0; p < atoms.length; p++) {
      const here = atoms[p]!;
      for (let x = 0; x < here.length; x++) {
        const starting = m.termsByFirstAtom[here[x]!]!;
        for (let y = 0; y < starting.length; y++) {
          const t = starting[y]!;
          const seq = m.terms[t]!;
          let ok = p + seq.length <= atoms.length;
          for (let k = 1; ok && k < seq.length; k++) ok = atoms[p + k]!.includes(seq[k]!) && joined(p + k);
          if (!ok) continue;
          let list = hits.get(t);
          if (!list) {
            list = [];
            hits.set(t, list);
            const rules = m.rulesByTerm[t]!;
            for (let r = 0; r < rules.length; r++) {
              if (seen[rules[r]!]) continue;
              seen[rules[r]!] = 1;
              candidates.push(rules[r]!);
            }
          }
          where[t]! |= bit;
          list.push(fi, p, p + seq.length - 1);
        }
      }
    }
  }
  const ctx: Ctx = { hits, where, fields };
  const fired: number[] = [];
  for (const r of candidates) if (holds(m.rules[r]!.tree, ctx)) fired.push(r);
  fired.sort((a, b) => a - b);
  return { fired, explain: (r) => explain(m.rules[r]!.tree, ctx) };
}

interface Ctx {
  hits: Hits;
  where: Uint8Array;
  fields: FieldTokens[];
}

function holds(n: Compiled, ctx: Ctx): boolean {
  switch (n.k) {
    case 'term':
      return (ctx.where[n.term]! & n.mask) !== 0;
    case 'and':
      for (const c of n.c) if (!holds(c, ctx)) return false;
      return true;
    case 'or':
      for (const c of n.c) if (holds(c, ctx)) return true;
      return false;
    case 'not':
      return !holds(n.c, ctx);
    case 'near':
      return nearPairs(n, ctx, null);
  }
}

// Finds occurrences of the two sides close enough in one field; with `out`, collects all of them (for
// explaining), otherwise stops at the first.
function nearPairs(n: Compiled & { k: 'near' }, ctx: Ctx, out: number[][] | null): boolean {
  const { where, hits, fields } = ctx;
  let found = false;
  for (const ta of n.a) {
    if (!(where[ta]! & n.mask)) continue;
    const a = hits.get(ta)!;
    for (const tb of n.b) {
      if (!(where[tb]! & n.mask)) continue;
      const b = hits.get(tb)!;
      for (let i = 0; i < a.length; i += 3) {
        if (!(fields[a[i]!]!.bit & n.mask)) continue;
        const as = a[i + 1]!;
        const ae = a[i + 2]!;
        for (let j = 0; j < b.length; j += 3) {
          if (b[j] !== a[i]) continue;
          const bs = b[j + 1]!;
          const be = b[j + 2]!;
          const gap = ae < bs ? bs - ae - 1 : !n.ordered && be < as ? as - be - 1 : -1;
          if (gap < 0 || gap > n.dist) continue;
          if (!out) return true;
          found = true;
          out.push([a[i]!, as, ae], [b[j]!, bs, be]);
        }
      }
    }
  }
  return found;
}

// The occurrences that make a tree hold: every true branch of an OR, both sides of an AND, nothing under NOT.
function explain(tree: Compiled, ctx: Ctx): TermHit[] {
  const occ: number[][] = [];
  const collect = (n: Compiled): boolean => {
    const mark = occ.length;
    let ok: boolean;
    switch (n.k) {
      case 'term': {
        ok = (ctx.where[n.term]! & n.mask) !== 0;
        if (!ok) break;
        const h = ctx.hits.get(n.term)!;
        for (let i = 0; i < h.length; i += 3) if (ctx.fields[h[i]!]!.bit & n.mask) occ.push([h[i]!, h[i + 1]!, h[i + 2]!]);
        break;
      }
      case 'and':
        ok = n.c.every(collect);
        break;
      case 'or':
        ok = n.c.map(collect).some(Boolean);
        break;
      case 'not':
        ok = !holds(n.c, ctx);
        break;
      case 'near':
        ok = nearPairs(n, ctx, occ);
        break;
    }
    if (!ok) occ.length = mark;
    return ok;
  };
  collect(tree);
  const seen = new Set<string>();
  const out: TermHit[] = [];
  occ.sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!);
  for (const [fi, s, e] of occ) {
    const key = `${fi},${s},${e}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const f = ctx.fields[fi!]!;
    const start = f.starts[s!]!;
    const end = f.ends[e!]!;
    out.push({ field: f.field, start, end, text: f.text.slice(start, end) });
  }
  return out;
}
