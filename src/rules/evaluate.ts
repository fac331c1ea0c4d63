// Runs a compiled matcher over one item: tokenise each field once, look each token up in the matcher's
// dictionary, record where each term occurs, then evaluate only the rules one of whose must-terms occurred
// (Matcher.rulesByTrigger). Nothing here is sized by the number of rules: per-term and per-rule state lives in
// the matcher's scratch arrays, stamped with a generation number instead of cleared, so an item's cost follows
// its text and the terms it hits.
import type { ItemText } from '../domain/types.ts';
import { type Compiled, FIELD_BIT, type Matcher, type Scratch } from './compile.ts';
import { HASH_SEED, hashStep } from './memo.ts';
import { FIELDS, type Field, fieldText, isWordChar } from './text.ts';
import type { TermHit } from './types.ts';

interface FieldTokens {
  field: Field;
  bit: number;
  text: string;
  starts: number[];
  ends: number[];
}

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

// What the tree evaluators read: the matcher's scratch arrays stamped with this evaluation's generation, the
// occurrence list of each term that occurred (field index, first and last token position, in threes) and the
// fields' tokens.
interface Ctx {
  s: Scratch;
  gen: number;
  terms: number[];
  lists: number[][];
  fields: FieldTokens[];
}

const bitsOf = (ctx: Ctx, t: number) => (ctx.s.termStamp[t] === ctx.gen ? ctx.s.termBits[t]! : 0);
const listOf = (ctx: Ctx, t: number) => ctx.lists[ctx.s.termSlot[t]!]!;

// Starts a new generation of the scratch arrays: every stamped entry becomes stale at once (on wrap-around,
// the stamps are cleared for real).
function nextGen(s: Scratch): number {
  s.gen = (s.gen + 1) >>> 0;
  if (s.gen === 0) {
    s.termStamp.fill(0);
    s.ruleStamp.fill(0);
    s.gen = 1;
  }
  return s.gen;
}

// Makes the scratch arrays describe this evaluation again, for explain called after the matcher evaluated
// another item: cost proportional to the terms that occurred here.
function restamp(ctx: Ctx): void {
  const s = ctx.s;
  ctx.gen = nextGen(s);
  for (let i = 0; i < ctx.terms.length; i++) {
    const t = ctx.terms[i]!;
    const list = ctx.lists[i]!;
    let bits = 0;
    for (let j = 0; j < list.length; j += 3) bits |= ctx.fields[list[j]!]!.bit;
    s.termStamp[t] = ctx.gen;
    s.termBits[t] = bits;
    s.termSlot[t] = i;
  }
}

export function evaluate(m: Matcher, item: ItemText): Evaluation {
  const s = m.scratch;
  const gen = nextGen(s);
  const { termStamp, termBits, termSlot, ruleStamp } = s;
  const fields: FieldTokens[] = [];
  const hitTerms: number[] = [];
  const lists: number[][] = [];
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
      const st = i;
      let h = HASH_SEED;
      while (i < n && isWordChar(text, i)) h = hashStep(h, text.charCodeAt(i++));
      starts.push(st);
      ends.push(i);
      atoms.push(m.atomsAt(text, st, i, h));
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
          let list: number[];
          if (termStamp[t] !== gen) {
            termStamp[t] = gen;
            termBits[t] = 0;
            termSlot[t] = lists.length;
            list = [];
            lists.push(list);
            hitTerms.push(t);
            const rules = m.rulesByTrigger[t]!;
            for (let r = 0; r < rules.length; r++) {
              const rule = rules[r]!;
              if (ruleStamp[rule] === gen) continue;
              ruleStamp[rule] = gen;
              candidates.push(rule);
            }
          } else list = lists[termSlot[t]!]!;
          termBits[t]! |= bit;
          list.push(fi, p, p + seq.length - 1);
        }
      }
    }
  }
  const ctx: Ctx = { s, gen, terms: hitTerms, lists, fields };
  const fired: number[] = [];
  for (let i = 0; i < candidates.length; i++) if (holds(m.rules[candidates[i]!]!.tree, ctx)) fired.push(candidates[i]!);
  fired.sort((a, b) => a - b);
  return {
    fired,
    explain: (r) => {
      if (s.gen !== ctx.gen) restamp(ctx);
      return explain(m.rules[r]!.tree, ctx);
    },
  };
}

function holds(n: Compiled, ctx: Ctx): boolean {
  switch (n.k) {
    case 'term':
      return (bitsOf(ctx, n.term) & n.mask) !== 0;
    case 'and':
      for (let i = 0; i < n.c.length; i++) if (!holds(n.c[i]!, ctx)) return false;
      return true;
    case 'or':
      for (let i = 0; i < n.c.length; i++) if (holds(n.c[i]!, ctx)) return true;
      return false;
    case 'not':
      return !holds(n.c, ctx);
    case 'near':
      return nearPairs(n, ctx, null);
  }
}

// Finds occurrences of the two sides close enough in one field; with `out`, collects all of them (for
// explaining), otherwise stops at the first.
function nearPairs(n: Compiled & { k: 'near' }, ctx: Ctx, out: number[] | null): boolean {
  const { fields } = ctx;
  let found = false;
  for (const ta of n.a) {
    if (!(bitsOf(ctx, ta) & n.mask)) continue;
    const a = listOf(ctx, ta);
    for (const tb of n.b) {
      if (!(bitsOf(ctx, tb) & n.mask)) continue;
      const b = listOf(ctx, tb);
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
          out.push(occKey(a[i]!, as, ae), occKey(b[j]!, bs, be));
        }
      }
    }
  }
  return found;
}

// The occurrences that make a tree hold: every true branch of an OR, both sides of an AND, nothing under NOT.
function explain(tree: Compiled, ctx: Ctx): TermHit[] {
  const occ: number[] = [];
  const collect = (n: Compiled): boolean => {
    const mark = occ.length;
    let ok: boolean;
    switch (n.k) {
      case 'term': {
        ok = (bitsOf(ctx, n.term) & n.mask) !== 0;
        if (!ok) break;
        const h = listOf(ctx, n.term);
        for (let i = 0; i < h.length; i += 3) if (ctx.fields[h[i]!]!.bit & n.mask) occ.push(occKey(h[i]!, h[i + 1]!, h[i + 2]!));
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
  // Keys sort by field, then first token, then last token; equal neighbours are the same occurrence.
  const keys = Float64Array.from(occ).sort();
  const out: TermHit[] = [];
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (i > 0 && key === keys[i - 1]) continue;
    const f = ctx.fields[Math.floor(key / OCC_FIELD)]!;
    const start = f.starts[Math.floor(key / OCC_TOKEN) % OCC_TOKEN]!;
    const end = f.ends[key % OCC_TOKEN]!;
    out.push({ field: f.field, start, end, text: f.text.slice(start, end) });
  }
  return out;
}

// An occurrence (field index, first and last token) as one number, exact in a double: five fields (< 2^3) and
// fewer than 2^24 tokens a field (a 16-million-word body) keep it under 2^51.
const OCC_TOKEN = 2 ** 24;
const OCC_FIELD = 2 ** 48;
const occKey = (fi: number, first: number, last: number) => fi * OCC_FIELD + first * OCC_TOKEN + last;
