// How alike two items are, from their signatures alone. Two signals, because each fails somewhere:
// shingle overlap catches copies (PA copy in forty regional papers) but misses rewrites; shared distinctive
// terms (title words, names, places, numbers) catch rewrites. Names and numbers weigh most, sector words
// ("prison", "probation", "inspection") least, so two stories on one topic are told apart by who and where.
// A name in one title that the other item never mentions, on both sides, is a conflict: "HMP Bedford" vs
// "HMP Leeds". Weights and thresholds were measured on tests/fixtures/cluster (docs/stories.md).
import { COMMON } from './text.ts';
import { jaccard } from './minhash.ts';
import type { Signature } from '../../domain/stories.ts';

export interface Similarity {
  /** Estimated shingle Jaccard, raised to the containment of the smaller text when the estimate is solid. */
  text: number;
  /** Weighted, smoothed Dice overlap of title terms and names. */
  terms: number;
  conflict: boolean;
  /** max(text, (terms + 0.5 text) × (conflict ? 0.5 : 1)). */
  score: number;
}

export const NAME_WEIGHT = 3;
export const COMMON_WEIGHT = 0.3;
/** Added to the Dice denominator: one shared place name between two short items is not a story. */
const SMOOTHING = 4;
/** Below this many equal MinHash positions a containment estimate is mostly noise. */
const MIN_EQUAL_FOR_CONTAINMENT = 5;

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
  // A term weighs as a name when either item knows it as one.
  let shared = 0;
  let massA = 0;
  let massB = 0;
  for (let i = 0; i < A.list.length; i++) {
    const t = A.list[i]!;
    const w = A.weights[i] === NAME_WEIGHT || B.names.has(t) ? NAME_WEIGHT : A.weights[i]!;
    massA += w;
    if (B.terms.has(t)) shared += w;
  }
  for (let i = 0; i < B.list.length; i++) massB += B.weights[i] === NAME_WEIGHT || A.names.has(B.list[i]!) ? NAME_WEIGHT : B.weights[i]!;
  const terms = (2 * shared) / (massA + massB + SMOOTHING);
  const conflict = A.titleNames.some((t) => !B.terms.has(t)) && B.titleNames.some((t) => !A.terms.has(t));
  // A conflict discounts the term evidence only: a copy with a local intro is still a copy.
  const score = Math.max(text, (terms + 0.5 * text) * (conflict ? 0.5 : 1));
  return { text, terms, conflict, score };
}

// A story's representative signatures are compared with every new candidate item: derive their sets and
// weights once.
interface Derived {
  names: Set<string>;
  terms: Set<string>;
  list: string[];
  weights: number[];
  /** Title terms that are names or numbers. */
  titleNames: string[];
}
const cache = new WeakMap<Signature, Derived>();
function derived(sig: Signature): Derived {
  let d = cache.get(sig);
  if (!d) {
    const names = new Set(sig.names);
    const terms = new Set([...sig.title, ...sig.names]);
    const list = [...terms];
    const own = (t: string) => names.has(t) || /\d/.test(t);
    const weights = list.map((t) => (own(t) ? NAME_WEIGHT : COMMON.has(t) ? COMMON_WEIGHT : 1));
    d = { names, terms, list, weights, titleNames: sig.title.filter(own) };
    cache.set(sig, d);
  }
  return d;
}
