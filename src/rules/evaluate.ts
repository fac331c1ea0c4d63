// Runs a compiled matcher over one item: tokenise each field once, look each token up in the matcher's
// dictionary, record where each term occurs, then evaluate only the rules one of whose must-terms occurred
// (Matcher.rulesByTrigger). Nothing here is sized by the number of rules: per-term and per-rule state lives in
// the matcher's scratch arrays, stamped with a generation number instead of cleared, so an item's cost follows
// its text and the terms it hits. Most tokens hit no atom and leave no trace: a field keeps only the tokens that
// hit one (a phrase's words are such tokens, at consecutive positions), and a field with none is dropped. A body
// that repeats the summary's text is not tokenised again.
import type { ItemText } from '../domain/types.ts';
import { type Compiled, FIELD_BIT, type Matcher, type Scratch } from './compile.ts';
import { hashOf } from './memo.ts';
import { ROOT } from './sieve.ts';
import { ASCII_CLASS, FIELDS, type Field, fieldText, isWordChar } from './text.ts';
import type { TermHit } from './types.ts';

interface FieldTokens {
  field: Field;
  bit: number;
  text: string;
  /** The tokens that hit an atom, in threes: position among all the field's tokens, start and end offset. */
  hits: number[];
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
// terms that occurred, their occurrences and the fields' tokens. The occurrences of all terms share one flat
// array, in fours (field index, first and last token position, the term's previous occurrence or -1), each
// term's newest one in `heads` (by its slot, the index in `terms`): one array per item, not one per term.
interface Ctx {
  s: Scratch;
  gen: number;
  terms: number[];
  heads: number[];
  occ: number[];
  fields: FieldTokens[];
}

const bitsOf = (ctx: Ctx, t: number) => (ctx.s.termStamp[t] === ctx.gen ? ctx.s.termBits[t]! : 0);
/** The newest occurrence of a term that occurred (older ones follow occ[i + 3]). */
const headOf = (ctx: Ctx, t: number) => ctx.heads[ctx.s.termSlot[t]!]!;

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
    let bits = 0;
    for (let j = ctx.heads[i]!; j >= 0; j = ctx.occ[j + 3]!) bits |= ctx.fields[ctx.occ[j]!]!.bit;
    s.termStamp[t] = ctx.gen;
    s.termBits[t] = bits;
    s.termSlot[t] = i;
  }
}

// A class, not an object literal with an arrow: tsx names every arrow it creates (a defineProperty per item).
class Result implements Evaluation {
  constructor(
    readonly fired: number[],
    private readonly m: Matcher,
    private readonly ctx: Ctx,
  ) {}

  explain(rule: number): TermHit[] {
    if (this.ctx.s.gen !== this.ctx.gen) restamp(this.ctx);
    return explain(this.m.rules[rule]!.tree, this.ctx);
  }
}

export function evaluate(m: Matcher, item: ItemText): Evaluation {
  const s = m.scratch;
  const ctx: Ctx = { s, gen: nextGen(s), terms: [], heads: [], occ: [], fields: [] };
  const candidates: number[] = [];
  let summary = '';
  let summaryHits: number[] = [];
  for (const field of FIELDS) {
    const text = fieldText(item, field);
    if (!text) continue;
    // A plain-text body is mostly the summary's text (FIELDS puts it right after, so the summary's atoms are
    // still in the scratch array): then it has the summary's tokens, only shifted.
    const shift = field === 'body' ? shiftIn(summary, text) : -1;
    const hits = shift < 0 ? [] : shifted(summaryHits, shift);
    const count = shift < 0 ? scan(m, text, hits) : hits.length / 3;
    if (field === 'summary') {
      summary = text;
      summaryHits = hits;
    }
    if (count === 0) continue;
    const ft: FieldTokens = { field, bit: FIELD_BIT[field], text, hits };
    ctx.fields.push(ft);
    findTerms(m, ctx, ft, count, candidates);
  }
  const fired: number[] = [];
  for (let i = 0; i < candidates.length; i++) if (holds(m.rules[candidates[i]!]!.tree, ctx)) fired.push(candidates[i]!);
  if (fired.length > 1) fired.sort(byNumber);
  return new Result(fired, m, ctx);
}

// Tokenises a field (the tokeniser of text.ts inlined: this loop runs for every character of every item) and
// keeps the tokens that hit an atom: their atoms in m.scratch.atoms, their positions and offsets in `hits`.
// A token walks the sieve while it is on it; only one whose state does not settle its atoms is looked up.
function scan(m: Matcher, text: string, hits: number[]): number {
  const sieve = m.sieve;
  const { code, next } = sieve;
  const atoms = m.scratch.atoms;
  const n = text.length;
  let count = 0;
  let pos = 0;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (c < 128 ? ASCII_CLASS[c] === 0 : !isWordChar(text, i)) {
      i++;
      continue;
    }
    const st = i;
    let state = ROOT;
    // sieve.ts's step, inlined.
    while (state !== 0 && c < 128 && ASCII_CLASS[c] !== 0) {
      const cls = ASCII_CLASS[c]!;
      const v = code[state]!;
      state = v >= 0 ? next[v + cls]! : (~v & 0xff) === cls ? ~v >>> 10 : (~v >>> 8) & 3;
      c = ++i < n ? text.charCodeAt(i) : 0;
    }
    // The rest of the token, off the sieve (0 stands for the end of the text: not a word character).
    let wide = false;
    for (;;) {
      if (c >= 128 && isWordChar(text, i)) wide = true;
      else if (c >= 128 || ASCII_CLASS[c] === 0) break;
      c = ++i < n ? text.charCodeAt(i) : 0;
    }
    const settled = wide ? null : sieve.atoms[state];
    const found = settled ?? m.atomsAt(text, st, i, hashOf(text, st, i));
    if (found.length) {
      atoms[count++] = found;
      hits.push(pos, st, i);
    }
    pos++;
    // text[i] is not a word character (or i is the end), so the next token starts after it.
    i++;
  }
  return count;
}

// Where `text` sits in `outer` when the two have the same tokens: outer is text with only non-word characters
// around it, as the spaces a summary's tags leave. -1 when it is not.
function shiftIn(outer: string, text: string): number {
  const extra = outer.length - text.length;
  for (let lead = 0; lead <= extra; lead++) {
    if (lead > 0 && isWordChar(outer, lead - 1)) break;
    if (!outer.startsWith(text, lead)) continue;
    let j = lead + text.length;
    while (j < outer.length && !isWordChar(outer, j)) j++;
    return j === outer.length ? lead : -1;
  }
  return -1;
}

// Hits (position, start, end) moved `shift` characters to the left.
function shifted(hits: number[], shift: number): number[] {
  const out = hits.slice();
  for (let j = 0; j < out.length; j += 3) {
    out[j + 1]! -= shift;
    out[j + 2]! -= shift;
  }
  return out;
}

// Records the terms that occur among a field's hit tokens: each term starting with one of a token's atoms, when
// the rest of its atoms follow on the next tokens without clause punctuation between them.
function findTerms(m: Matcher, ctx: Ctx, ft: FieldTokens, count: number, candidates: number[]): void {
  const { s, gen, heads, occ } = ctx;
  const { termStamp, termBits, termSlot, ruleStamp, atoms } = s;
  const { hits, bit } = ft;
  const fi = ctx.fields.length - 1;
  for (let j = 0; j < count; j++) {
    const here = atoms[j]!;
    const p = hits[3 * j]!;
    for (let x = 0; x < here.length; x++) {
      const starting = m.termsByFirstAtom[here[x]!]!;
      for (let y = 0; y < starting.length; y++) {
        const t = starting[y]!;
        const seq = m.terms[t]!;
        const last = j + seq.length - 1;
        // Positions only grow, so the phrase's last word at position p + length - 1 means all are hit tokens.
        let ok = last < count && hits[3 * last] === p + seq.length - 1;
        for (let k = 1; ok && k < seq.length; k++) ok = atoms[j + k]!.includes(seq[k]!) && joined(ft.text, hits[3 * (j + k) - 1]!, hits[3 * (j + k) + 1]!);
        if (!ok) continue;
        if (termStamp[t] !== gen) {
          termStamp[t] = gen;
          termBits[t] = 0;
          termSlot[t] = heads.length;
          heads.push(-1);
          ctx.terms.push(t);
          const rules = m.rulesByTrigger[t]!;
          for (let r = 0; r < rules.length; r++) {
            const rule = rules[r]!;
            if (ruleStamp[rule] === gen) continue;
            ruleStamp[rule] = gen;
            candidates.push(rule);
          }
        }
        termBits[t]! |= bit;
        const slot = termSlot[t]!;
        const at = occ.length;
        occ.push(fi, p, p + seq.length - 1, heads[slot]!);
        heads[slot] = at;
      }
    }
  }
}

// A phrase continues from a word ending at `end` to the next, starting at `start`, only when no clause
// punctuation separates them.
function joined(text: string, end: number, start: number): boolean {
  return start - end === 1 ? !ALWAYS.test(text[end]!) : !BREAK.test(text.slice(end, start));
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
  const { fields, occ } = ctx;
  let found = false;
  for (const ta of n.a) {
    if (!(bitsOf(ctx, ta) & n.mask)) continue;
    for (const tb of n.b) {
      if (!(bitsOf(ctx, tb) & n.mask)) continue;
      for (let i = headOf(ctx, ta); i >= 0; i = occ[i + 3]!) {
        if (!(fields[occ[i]!]!.bit & n.mask)) continue;
        const as = occ[i + 1]!;
        const ae = occ[i + 2]!;
        for (let j = headOf(ctx, tb); j >= 0; j = occ[j + 3]!) {
          if (occ[j] !== occ[i]) continue;
          const bs = occ[j + 1]!;
          const be = occ[j + 2]!;
          const gap = ae < bs ? bs - ae - 1 : !n.ordered && be < as ? as - be - 1 : -1;
          if (gap < 0 || gap > n.dist) continue;
          if (!out) return true;
          found = true;
          out.push(occKey(occ[i]!, as, ae), occKey(occ[j]!, bs, be));
        }
      }
    }
  }
  return found;
}

// Adds to `occ` the occurrences that make n hold, and says whether it holds.
function collect(n: Compiled, ctx: Ctx, occ: number[]): boolean {
  const mark = occ.length;
  let ok = false;
  switch (n.k) {
    case 'term': {
      ok = (bitsOf(ctx, n.term) & n.mask) !== 0;
      if (!ok) break;
      const o = ctx.occ;
      for (let i = headOf(ctx, n.term); i >= 0; i = o[i + 3]!) if (ctx.fields[o[i]!]!.bit & n.mask) occ.push(occKey(o[i]!, o[i + 1]!, o[i + 2]!));
      break;
    }
    case 'and':
      ok = true;
      for (let i = 0; ok && i < n.c.length; i++) ok = collect(n.c[i]!, ctx, occ);
      break;
    case 'or':
      for (let i = 0; i < n.c.length; i++) if (collect(n.c[i]!, ctx, occ)) ok = true;
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
}

// The occurrences that make a tree hold: every true branch of an OR, both sides of an AND, nothing under NOT.
function explain(tree: Compiled, ctx: Ctx): TermHit[] {
  const occ: number[] = [];
  collect(tree, ctx, occ);
  // Keys sort by field, then first token, then last token; equal neighbours are the same occurrence. A rule's
  // handful of keys is sorted in place (a typed array for each call cost more than the sort).
  const keys = occ.length > 16 ? Float64Array.from(occ).sort() : insertionSort(occ);
  const out: TermHit[] = [];
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (i > 0 && key === keys[i - 1]) continue;
    const f = ctx.fields[Math.floor(key / OCC_FIELD)]!;
    const start = f.hits[offsetAt(f.hits, Math.floor(key / OCC_TOKEN) % OCC_TOKEN)]!;
    const end = f.hits[offsetAt(f.hits, key % OCC_TOKEN) + 1]!;
    out.push({ field: f.field, start, end, text: f.text.slice(start, end) });
  }
  return out;
}

// At module level: an arrow written inside evaluate would be created (and named by tsx) for every item.
const byNumber = (a: number, b: number) => a - b;

// For a rule's few occurrence keys: no comparator call, no typed array.
function insertionSort(xs: number[]): number[] {
  for (let i = 1; i < xs.length; i++) {
    const x = xs[i]!;
    let j = i - 1;
    for (; j >= 0 && xs[j]! > x; j--) xs[j + 1] = xs[j]!;
    xs[j + 1] = x;
  }
  return xs;
}

// An occurrence (field index, first and last token) as one number, exact in a double: five fields (< 2^3) and
// fewer than 2^24 tokens a field (a 16-million-word body) keep it under 2^51.
const OCC_TOKEN = 2 ** 24;
const OCC_FIELD = 2 ** 48;
const occKey = (fi: number, first: number, last: number) => fi * OCC_FIELD + first * OCC_TOKEN + last;

// Where in a field's hits the start offset of the token at position p is (p is always a hit token's; the
// positions are in order).
function offsetAt(hits: number[], p: number): number {
  let lo = 0;
  let hi = hits.length / 3 - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (hits[3 * mid]! < p) lo = mid + 1;
    else hi = mid;
  }
  return 3 * lo + 1;
}
