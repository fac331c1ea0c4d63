// How alike two items are, from their signatures alone. Two signals, because each fails somewhere:
// shingle overlap catches copies (PA copy in forty regional papers) but misses rewrites; shared distinctive
// terms (title words, names, places, numbers) catch rewrites. Names and numbers weigh most, sector words
// ("prison", "probation", "inspection") least, so two stories on one topic are told apart by who and where.
// Shared terms alone join look-alikes ("Stormy Daniels … Trump" and "Trump's State of the Union"), so the term
// evidence is discounted when a title is barely mentioned by the other item (coverage), when both titles name
// someone or somewhere the other never mentions (conflict: "HMP Bedford" vs "HMP Leeds"), and when the two share
// who and where but no word or number of what happened. Weights and thresholds: docs/stories.md.
import { COMMON, YEAR } from './text.ts';
import { jaccard } from './minhash.ts';
import type { Signature } from '../../domain/stories.ts';

export interface Similarity {
  /** Estimated shingle Jaccard, raised to the containment of the smaller text when the estimate is solid. */
  text: number;
  /** Weighted, smoothed Dice overlap of title terms and names. */
  terms: number;
  /** How much of each title the other item mentions (weighted; the smaller of the two). */
  coverage: number;
  conflict: boolean;
  /** Whether the two share a word or number of what happened, not only names. */
  what: boolean;
  /** max(text × (titles share a term ? 1 : 0.5), (terms + 0.5 text) × discounts). */
  score: number;
}

export const NAME_WEIGHT = 3;
/** A name only the text mentions, not the title: context ("… where Dominic Raab was forced out …"). */
export const TEXT_NAME_WEIGHT = 1.5;
export const COMMON_WEIGHT = 0.3;
/** Added to the Dice denominator: one shared place name between two short items is not a story. */
const SMOOTHING = 4;
/** Below this many equal MinHash positions a containment estimate is mostly noise. */
const MIN_EQUAL_FOR_CONTAINMENT = 5;
/** Titles covered at least this much by each other keep their term evidence whole; below, it shrinks in
 *  proportion. */
export const COVERAGE_KNEE = 0.4;
export const CONFLICT_FACTOR = 0.5;
export const NO_WHAT_FACTOR = 0.5;
/** Text alike under titles with no term in common: a feed's boilerplate summary, not a copy. */
export const UNTITLED_TEXT_FACTOR = 0.5;

export function similarity(a: Signature, b: Signature): Similarity {
  const j = jaccard(a.minhash, b.minhash);
  let text = j;
  if (j * a.minhash.length >= MIN_EQUAL_FOR_CONTAINMENT && a.size > 0 && b.size > 0) {
    // |A∩B| = J(|A|+|B|)/(1+J): a short summary wholly inside a long body is a copy, not a 10% match.
    const inter = (j * (a.size + b.size)) / (1 + j);
    text = Math.max(j, Math.min(1, inter / Math.min(a.size, b.size)));
  }
  const A = derived(a);
  const B = derived(b);
  const x = side(A, B);
  if (x.shared === 0) {
    // Nothing in common but perhaps text; titles sharing no term, the text is discounted (scored the same
    // way below, spelled out here because most candidate pairs end here).
    return { text, terms: 0, coverage: 0, conflict: false, what: false, score: text * UNTITLED_TEXT_FACTOR };
  }
  const y = side(B, A);
  const terms = (x.shared + y.shared) / (x.mass + y.mass + SMOOTHING);
  const coverage = Math.min(x.title ? x.covered / x.title : 1, y.title ? y.covered / y.title : 1);
  const conflict = someOutside(A.titleNames, B.terms) && someOutside(B.titleNames, A.terms);
  const what = someInside(A.what, B.whatSet);
  // The discounts apply to the term evidence only: a copy with a local intro is still a copy.
  const discount = Math.min(1, coverage / COVERAGE_KNEE) * (conflict ? CONFLICT_FACTOR : 1) * (what ? 1 : NO_WHAT_FACTOR);
  const score = Math.max(text * (x.titled ? 1 : UNTITLED_TEXT_FACTOR), (terms + 0.5 * text) * discount);
  return { text, terms, coverage, conflict, what, score };
}

function someOutside(xs: readonly string[], set: ReadonlySet<string>): boolean {
  for (const t of xs) if (!set.has(t)) return true;
  return false;
}

function someInside(xs: readonly string[], set: ReadonlySet<string>): boolean {
  for (const t of xs) if (set.has(t)) return true;
  return false;
}

/** One side's weighted mass, the part the other side shares, and its title's mass and the part the other item
 *  mentions (in its title, names or first words). A term weighs as a name when either item knows it as one. */
function side(A: Derived, B: Derived) {
  let mass = 0;
  let shared = 0;
  let title = 0;
  let covered = 0;
  let titled = false;
  for (let i = 0; i < A.list.length; i++) {
    // One lookup per term: is it among B's terms (title or names), B's title, B's names, B's words?
    const o = B.lookup.get(A.list[i]!);
    const w = o !== undefined && o.nameWeight > A.weights[i]! ? o.nameWeight : A.weights[i]!;
    mass += w;
    const hit = o?.term === true;
    if (hit) shared += w;
    if (i < A.titleCount) {
      title += w;
      if (o !== undefined) covered += w; // in B's terms or first words
      if (hit && o.title) titled = true;
    }
  }
  return { mass, shared, title, covered, titled };
}

// A story's representative signatures are compared with every new candidate item: derive their sets and
// weights once.
interface Known {
  /** In the title or the names (not only the first words). */
  term: boolean;
  title: boolean;
  /** Its weight as a name here, 0 when it is not one. */
  nameWeight: number;
}
interface Derived {
  titleCount: number;
  /** Title terms, then the names not in the title. */
  list: string[];
  weights: number[];
  terms: Set<string>;
  /** Every term and first word, as the other side asks about it. */
  lookup: Map<string, Known>;
  /** Title terms that are names or numbers. */
  titleNames: string[];
  /** Title and first words that say what happened: not names, not sector words; numbers count. */
  what: string[];
  whatSet: Set<string>;
}
const cache = new WeakMap<Signature, Derived>();
function derived(sig: Signature): Derived {
  let d = cache.get(sig);
  if (!d) {
    const names = new Set(sig.names);
    const title = new Set(sig.title);
    const list = [...new Set([...sig.title, ...sig.names])];
    // Years are in every explainer's title ("… 2022: how to watch"): a number, but not a name.
    const number = (t: string) => /\d/.test(t) && !YEAR.test(t);
    const own = (t: string) => names.has(t) || number(t);
    const weights = list.map((t) => (own(t) ? (title.has(t) ? NAME_WEIGHT : TEXT_NAME_WEIGHT) : COMMON.has(t) ? COMMON_WEIGHT : 1));
    const words = sig.words ?? [];
    const lookup = new Map<string, Known>();
    for (const t of words) lookup.set(t, { term: false, title: false, nameWeight: 0 });
    for (const [i, t] of list.entries()) lookup.set(t, { term: true, title: title.has(t), nameWeight: names.has(t) ? weights[i]! : 0 });
    const what = [...new Set([...sig.title, ...words])].filter((t) => number(t) || (!names.has(t) && !COMMON.has(t)));
    d = {
      titleCount: title.size,
      list,
      weights,
      terms: new Set(list),
      lookup,
      titleNames: sig.title.filter(own),
      what,
      whatSet: new Set(what),
    };
    cache.set(sig, d);
  }
  return d;
}
