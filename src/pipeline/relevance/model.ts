// The relevance model in memory: a frozen vocabulary, weights by feature number and head, and thresholds.
// Read from and written to its stored JSON form here. Stored weights are rounded to three decimals, and a
// feature whose weights are all below 0.05 is left out: on the development set that kept the cross-validated
// scores and left a quarter of the features (the shipped file, the lookups per item).
import type { StoredModel, Thresholds } from '../../domain/relevance.ts';
import { Vocabulary } from './vocabulary.ts';

export interface RelevanceModel {
  /** 'relevant', then the topics. */
  heads: string[];
  vocab: Vocabulary;
  /** weights[f * heads.length + h]; then one bias per head. Single precision: stored weights have three
   *  decimals, half the bytes is half the cache lines an item's lookups touch, and one array type keeps the
   *  scoring loop monomorphic (learn.ts scores with the same type). */
  weights: Float32Array;
  thresholds: Thresholds[];
}

const PRECISION = 1e3;
const NEGLIGIBLE = 0.05;

/** The model from its stored form. */
export function loadModel(s: StoredModel): RelevanceModel {
  const H = s.heads.length;
  const vocab = Vocabulary.of(Object.keys(s.terms));
  const weights = new Float32Array(vocab.size * H + H);
  for (const [name, w] of Object.entries(s.terms)) {
    const f = vocab.id(name);
    for (let h = 0; h < H; h++) weights[f * H + h] = w[h] ?? 0;
  }
  for (let h = 0; h < H; h++) weights[vocab.size * H + h] = s.bias[h] ?? 0;
  return { heads: [...s.heads], vocab, weights, thresholds: s.thresholds.map((t) => ({ ...t })) };
}

/** The model's stored form. */
export function storeModel(m: RelevanceModel): StoredModel {
  const H = m.heads.length;
  const round = (x: number) => Math.round(x * PRECISION) / PRECISION;
  const terms: Record<string, number[]> = {};
  m.vocab.names.forEach((name, f) => {
    const w = Array.from(m.weights.subarray(f * H, f * H + H));
    if (w.some((x) => Math.abs(x) >= NEGLIGIBLE)) terms[name] = w.map(round);
  });
  return { heads: [...m.heads], bias: Array.from(m.weights.subarray(m.vocab.size * H)).map(round), thresholds: m.thresholds.map((t) => ({ ...t })), terms };
}
