// The model's probabilities for one item, per head. The relevance head's is the logistic of its bias plus the
// weights of the features present; a topic head learns which topic a relevant item belongs to, so a topic's
// probability is the item's relevance times that (P(topic) = P(relevant) · P(topic | relevant)). Learning the
// topics among relevant items only measured clearly better than against every item: the topics are few among
// all items, and which topic a relevant story is about reads differently from whether it is relevant.
import type { RelevanceModel } from './model.ts';

/** Probabilities per head for the feature numbers ids[0, n), into `z` (a new array by default). */
export function score(m: RelevanceModel, ids: Int32Array, n = ids.length, z = new Float64Array(m.heads.length)): Float64Array {
  const H = m.heads.length;
  const w = m.weights;
  const bias = m.vocab.size * H;
  for (let h = 0; h < H; h++) z[h] = w[bias + h]!;
  for (let p = 0; p < n; p++) {
    const base = ids[p]! * H;
    for (let h = 0; h < H; h++) z[h]! += w[base + h]!;
  }
  for (let h = 0; h < H; h++) z[h] = 1 / (1 + Math.exp(-z[h]!));
  for (let h = 1; h < H; h++) z[h]! *= z[0]!;
  return z;
}
