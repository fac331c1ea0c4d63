// Pairwise precision and recall of a clustering against labels: over all pairs of items, how many pairs put
// together belong together (precision), and how many that belong together were put together (recall).
// The usual measure for deduplication; counted per cluster, so 50,000 items cost no more than a pass.

export interface Pairwise {
  precision: number;
  recall: number;
  f1: number;
  /** Pairs put together, pairs that belong together, and both. */
  predictedPairs: number;
  truePairs: number;
  correctPairs: number;
}

const pairs = (n: number) => (n * (n - 1)) / 2;

function countPairs(groups: Map<string, number>): number {
  let s = 0;
  for (const n of groups.values()) s += pairs(n);
  return s;
}

/** `expected` and `predicted` map item id -> cluster id; only items in both count. */
export function pairwise(expected: ReadonlyMap<string, string>, predicted: ReadonlyMap<string, string>): Pairwise {
  const exp = new Map<string, number>();
  const pred = new Map<string, number>();
  const both = new Map<string, number>();
  for (const [id, e] of expected) {
    const p = predicted.get(id);
    if (p === undefined) continue;
    exp.set(e, (exp.get(e) ?? 0) + 1);
    pred.set(p, (pred.get(p) ?? 0) + 1);
    const k = `${e}\u0000${p}`;
    both.set(k, (both.get(k) ?? 0) + 1);
  }
  const truePairs = countPairs(exp);
  const predictedPairs = countPairs(pred);
  const correctPairs = countPairs(both);
  const precision = predictedPairs ? correctPairs / predictedPairs : 1;
  const recall = truePairs ? correctPairs / truePairs : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, predictedPairs, truePairs, correctPairs };
}
