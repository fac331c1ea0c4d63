// Runs a compiled matcher over one item: tokenise each field once, look each token up in the matcher's
// dictionary, record where each term occurs, then evaluate only the rules that mention a term that occurred.
import type { ItemText } from '../domain/types.ts';
import { type Compiled, FIELD_BIT, type Matcher } from './compile.ts';
import { eachToken, FIELDS, type Field, fieldText } from './text.ts';
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

const EMPTY: readonly number[] = [];
// Punctuation that ends a clause: "family, court hears" is not the phrase "family court". Stops and commas
// count only before a space, so "bbc.co.uk" and "1,000" stay joined.
const ALWAYS = /[()[\]{}|\u2013\u2014\u2026]/;
const BREAK = /[.,;:!?](?:\s|$)|[()[\]{}|\u2013\u2014\u2026]|\s-\s/;

export function evaluate(m: Matcher, item: ItemText): Evaluation {
  const fields: FieldTokens[] = [];
  const hits: Hits = new Map();
  const candidates = new Set<number>();
  for (const field of FIELDS) {
    const text = fieldText(item, field);
    if (!text) continue;
    const fi = fields.length;
    const ft: FieldTokens = { field, bit: FIELD_BIT[field], text, starts: [], ends: [] };
    fields.push(ft);
    const atoms: (readonly number[])[] = [];
    // joined[p]: no clause punctuation between token p-1 and p, so a phrase may continue across them.
    const joined: boolean[] = [];
    let prevEnd = 0;
    eachToken(text, (s, e) => {
      ft.starts.push(s);
      ft.ends.push(e);
      atoms.push(m.atomsOf(text.slice(s, e)));
      joined.push(s - prevEnd === 1 ? !ALWAYS.test(text[prevEnd]!) : !BREAK.test(text.slice(prevEnd, s)));
      prevEnd = e;
    });
    for (let p = 0; p < atoms.length; p++) {
      const here = atoms[p]!;
      for (let x = 0; x < here.length; x++) {
        const starting = m.termsByFirstAtom[here[x]!]!;
        for (let y = 0; y < starting.length; y++) {
          const t = starting[y]!;
          const seq = m.terms[t]!;
          let ok = p + seq.length <= atoms.length;
          for (let k = 1; ok && k < seq.length; k++) ok = joined[p + k]! && atoms[p + k]!.includes(seq[k]!);
          if (!ok) continue;
          let list = hits.get(t);
          if (!list) {
            list = [];
            hits.set(t, list);
            for (const r of m.rulesByTerm[t]!) candidates.add(r);
          }
          list.push(fi, p, p + seq.length - 1);
        }
      }
    }
  }
  const fired: number[] = [];
  for (const r of candidates) if (holds(m.rules[r]!.tree, hits, fields)) fired.push(r);
  fired.sort((a, b) => a - b);
  return { fired, explain: (r) => explain(m.rules[r]!.tree, hits, fields) };
}

function holds(n: Compiled, hits: Hits, fields: FieldTokens[]): boolean {
  switch (n.k) {
    case 'term': {
      const h = hits.get(n.term);
      if (!h) return false;
      for (let i = 0; i < h.length; i += 3) if (fields[h[i]!]!.bit & n.mask) return true;
      return false;
    }
    case 'and':
      return n.c.every((c) => holds(c, hits, fields));
    case 'or':
      return n.c.some((c) => holds(c, hits, fields));
    case 'not':
      return !holds(n.c, hits, fields);
    case 'near':
      return nearPairs(n, hits, fields, null);
  }
}

// Finds occurrences of the two sides close enough in one field; with `out`, collects all of them (for
// explaining), otherwise stops at the first.
function nearPairs(n: Compiled & { k: 'near' }, hits: Hits, fields: FieldTokens[], out: number[][] | null): boolean {
  const a = n.a.flatMap((t) => hits.get(t) ?? EMPTY);
  const b = n.b.flatMap((t) => hits.get(t) ?? EMPTY);
  let found = false;
  for (let i = 0; i < a.length; i += 3) {
    if (!(fields[a[i]!]!.bit & n.mask)) continue;
    for (let j = 0; j < b.length; j += 3) {
      if (b[j] !== a[i]) continue;
      const [as, ae, bs, be] = [a[i + 1]!, a[i + 2]!, b[j + 1]!, b[j + 2]!];
      const gap = ae < bs ? bs - ae - 1 : !n.ordered && be < as ? as - be - 1 : -1;
      if (gap < 0 || gap > n.dist) continue;
      if (!out) return true;
      found = true;
      out.push([a[i]!, as, ae], [b[j]!, bs, be]);
    }
  }
  return found;
}

function explain(tree: Compiled, hits: Hits, fields: FieldTokens[]): TermHit[] {
  const occ: number[][] = [];
  const collect = (n: Compiled): void => {
    if (!holds(n, hits, fields)) return;
    if (n.k === 'term') {
      const h = hits.get(n.term)!;
      for (let i = 0; i < h.length; i += 3) if (fields[h[i]!]!.bit & n.mask) occ.push([h[i]!, h[i + 1]!, h[i + 2]!]);
    } else if (n.k === 'near') nearPairs(n, hits, fields, occ);
    else if (n.k === 'and' || n.k === 'or') n.c.forEach(collect);
  };
  collect(tree);
  const seen = new Set<string>();
  const out: TermHit[] = [];
  occ.sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!);
  for (const [fi, s, e] of occ) {
    const key = `${fi},${s},${e}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const f = fields[fi!]!;
    const start = f.starts[s!]!;
    const end = f.ends[e!]!;
    out.push({ field: f.field, start, end, text: f.text.slice(start, end) });
  }
  return out;
}
