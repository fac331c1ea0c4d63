// Fits the weights: an L2-regularised logistic regression per head, over binary features, all heads in one
// pass over the examples, by stochastic gradient descent with per-weight step sizes (AdaGrad) for a fixed
// number of epochs. Deterministic: the examples are visited in an order drawn from a fixed seed, so the same
// examples give the same weights. The penalty on a weight is spread over the occurrences of its feature in
// examples labelled for its head (λ / their count at each), which sums to the batch penalty λ/2 ‖w − w0‖² per
// epoch and touches only the weights an example can move.
// With a prior (the weights of the model in use), w0 is the prior instead of zero: press officers' feedback
// moves the model where it has evidence and leaves it alone elsewhere. Measured against full-batch L-BFGS on
// the development set: the same held-out scores in a quarter of the time.

export interface Example {
  /** Feature numbers (of one vocabulary), distinct. */
  features: Int32Array;
  /** Per head: 1, 0, or null when this example says nothing about that head. */
  labels: readonly (0 | 1 | null)[];
}

export interface FitOptions {
  heads: number;
  /** Feature numbers run from 0 to dim - 1. */
  dim: number;
  /** The L2 penalty's strength. */
  l2: number;
  /** Features seen in fewer examples keep the prior's weight (0 without one), unless the prior has them. */
  minCount: number;
  epochs: number;
  /** The AdaGrad step size. */
  rate: number;
  /** Weights to stay close to, in the layout fit returns; its features are numbered 0 to priorFeatures - 1. */
  prior?: Float64Array;
  priorFeatures?: number;
}

/** weights[f * heads + h] for feature f and head h, then one bias per head. */
export function fitWeights(examples: readonly Example[], opts: FitOptions): Float64Array {
  const H = opts.heads;
  const D = opts.dim;
  // Each example's labelled heads: a head it says nothing about gets neither gradient nor penalty from it (topic
  // heads learn among relevant items only, so most examples touch one head of eight).
  const heads = examples.map((e) => Int8Array.from(e.labels.flatMap((y, h) => (y === null || y === undefined ? [] : [h]))));
  const counts = new Int32Array(D);
  const labelled = new Int32Array(D * H);
  examples.forEach((e, i) => {
    for (let p = 0; p < e.features.length; p++) {
      const f = e.features[p]!;
      counts[f]!++;
      for (const h of heads[i]!) labelled[f * H + h]!++;
    }
  });
  // Each weight's share of the penalty per labelled occurrence; 0 marks one left at its prior.
  const share = new Float64Array(D * H);
  for (let f = 0; f < D; f++) {
    if (counts[f]! < opts.minCount && !(f < (opts.priorFeatures ?? 0) && counts[f]! > 0)) continue;
    for (let h = 0; h < H; h++) if (labelled[f * H + h]) share[f * H + h] = opts.l2 / labelled[f * H + h]!;
  }
  const w0 = opts.prior ?? new Float64Array(D * H + H);
  const x = w0.slice();
  const g2 = new Float64Array(x.length).fill(1e-8);
  const z = new Float64Array(H);
  const order = Int32Array.from(examples.keys());
  let seed = 0x2545f491;
  const random = () => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return seed / 4_294_967_296;
  };
  const bias = D * H;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    for (let q = 0; q < order.length; q++) {
      const e = examples[order[q]!]!;
      const hs = heads[order[q]!]!;
      const ids = e.features;
      for (const h of hs) z[h] = x[bias + h]!;
      for (let p = 0; p < ids.length; p++) {
        const base = ids[p]! * H;
        for (const h of hs) if (share[base + h] !== 0) z[h]! += x[base + h]!;
      }
      // z becomes the residual: probability − label.
      for (const h of hs) z[h] = 1 / (1 + Math.exp(-z[h]!)) - e.labels[h]!;
      for (const h of hs) step(x, g2, bias + h, z[h]!, opts.rate);
      for (let p = 0; p < ids.length; p++) {
        const base = ids[p]! * H;
        for (const h of hs) {
          const k = base + h;
          const l = share[k]!;
          if (l !== 0) step(x, g2, k, z[h]! + l * (x[k]! - w0[k]!), opts.rate);
        }
      }
    }
  }
  // Weights left out keep their prior exactly (the penalty never touched them, nor did any gradient).
  return x;
}

function step(x: Float64Array, g2: Float64Array, k: number, g: number, rate: number): void {
  g2[k]! += g * g;
  x[k]! -= (rate * g) / Math.sqrt(g2[k]!);
}
