// Learns a relevance model from labelled items: their features; k-fold cross-validated probabilities (each
// item scored by a model fitted without it); each topic's thresholds chosen on those (thresholds.ts); then the
// weights fitted on every item. The cross-validated scores are kept as the model's metrics: the rules alone
// against rules + model on the same items. With a prior (the model in use), the weights are pulled toward it,
// and a topic with too few labelled items here keeps the prior's thresholds.
import { type Counts, type ModelMetrics, RELEVANT, type StoredModel, type Thresholds } from '../../domain/relevance.ts';
import type { ItemText } from '../../domain/types.ts';
import { NONE, RESCUE, decide } from './decide.ts';
import { FeatureSet, type RuleVerdict, features } from './features.ts';
import { type Example, fitWeights } from './fit.ts';
import { type RelevanceModel, storeModel } from './model.ts';
import { score } from './score.ts';
import { NEVER, type Scored, chooseThresholds } from './thresholds.ts';
import { Vocabulary } from './vocabulary.ts';

export interface LabelledItem {
  item: ItemText;
  /** What the rules decided (the rules the model will work with). */
  rules: RuleVerdict;
  relevant: boolean;
  /** The topics a relevant item belongs to; null when not known (then it teaches the relevance head only). */
  topics: readonly string[] | null;
}

export interface LearnOptions {
  topics: readonly string[];
  prior?: StoredModel;
}

/** Chosen on the development set by cross-validation (bench/relevance.ts). */
export const SETTINGS = {
  folds: 4,
  l2: 2,
  minCount: 2,
  epochs: 10,
  rate: 0.2,
  minGain: 0.002,
  /** A topic needs this many relevant labelled items for the model to judge it at all. */
  minPositives: 30,
  minBetterFolds: 2,
  /** With a prior, a topic needs this many labelled items, a fifth of them of each class, to choose its own
   *  thresholds. */
  minForThresholds: 100,
};

export interface Learnt {
  model: StoredModel;
  metrics: ModelMetrics;
}

// Folds by a multiplicative hash of the position: deterministic, and not by source or date, which labelled
// items tend to be sorted by.
const foldOf = (i: number, k: number) => (Math.imul(i + 1, 0x9e3779b1) >>> 0) % k;

export function learn(items: readonly LabelledItem[], opts: LearnOptions): Learnt {
  const heads = [RELEVANT, ...opts.topics];
  const H = heads.length;
  const k = SETTINGS.folds;
  const vocab = new Vocabulary();
  for (const name of Object.keys(opts.prior?.terms ?? {})) vocab.id(name);
  // The prior's features first: numbers below priorFeatures (the cue groups, numbered by every vocabulary, too).
  const priorFeatures = opts.prior ? vocab.size : 0;
  const fs = new FeatureSet();
  // Topic heads learn among relevant items only (score.ts): an irrelevant item says nothing about them.
  const examples: Example[] = items.map((it) => {
    features(vocab, it.item, it.rules, fs);
    return { features: fs.toArray(), labels: heads.map((h, i) => (i === 0 ? (it.relevant ? 1 : 0) : !it.relevant || it.topics === null ? null : it.topics.includes(h) ? 1 : 0)) };
  });
  const dim = vocab.size;
  const prior = opts.prior && priorVector(opts.prior, vocab, heads);
  const fitted = (ex: Example[]) => fitWeights(ex, { heads: H, dim, prior, priorFeatures, ...SETTINGS });
  const asModel = (weights: Float64Array, thresholds: Thresholds[]): RelevanceModel => ({ heads, vocab, weights: Float32Array.from(weights), thresholds });

  const p: Float64Array[] = new Array(items.length);
  for (let f = 0; f < k; f++) {
    const model = asModel(fitted(examples.filter((_, i) => foldOf(i, k) !== f)), []);
    examples.forEach((e, i) => {
      if (foldOf(i, k) === f) p[i] = score(model, e.features);
    });
  }

  // As judge.ts passes it to decide(): one array type keeps decide monomorphic.
  const ruled = items.map((it) => Uint8Array.from(heads, (h, i) => Number(i === 0 ? it.rules.topics.length > 0 : it.rules.topics.includes(h))));
  // Whether item i belongs to head h: an irrelevant item to no topic; null when not known.
  const gold = (i: number, h: number) => (h > 0 && !items[i]!.relevant ? 0 : examples[i]!.labels[h]!);
  const thresholds: Thresholds[] = [NEVER];
  for (let h = 1; h < H; h++) {
    const rows: Scored[] = items.flatMap((_, i) => (gold(i, h) === null ? [] : [{ ruled: ruled[i]![h] === 1, p: p[i]![h]!, gold: gold(i, h) === 1, fold: foldOf(i, k) }]));
    const at = opts.prior?.heads.indexOf(heads[h]!) ?? -1;
    thresholds.push(opts.prior && !enough(rows) ? (at >= 0 ? opts.prior.thresholds[at]! : NEVER) : chooseThresholds(rows, SETTINGS).thresholds);
  }

  const metrics = measure(heads, items, gold, ruled, p, thresholds);
  return { model: storeModel(asModel(fitted(examples), thresholds)), metrics };
}

function enough(rows: Scored[]): boolean {
  const pos = rows.filter((r) => r.gold).length;
  return rows.length >= SETTINGS.minForThresholds && Math.min(pos, rows.length - pos) >= SETTINGS.minForThresholds / 5;
}

/** The prior's weights laid out for this vocabulary and these heads (a head it lacks starts at 0). */
function priorVector(prior: StoredModel, vocab: Vocabulary, heads: string[]): Float64Array {
  const H = heads.length;
  const at = heads.map((h) => prior.heads.indexOf(h));
  const out = new Float64Array(vocab.size * H + H);
  for (const [name, w] of Object.entries(prior.terms)) {
    const f = vocab.id(name);
    for (let h = 0; h < H; h++) if (at[h]! >= 0) out[f * H + h] = w[at[h]!] ?? 0;
  }
  for (let h = 0; h < H; h++) if (at[h]! >= 0) out[vocab.size * H + h] = prior.bias[at[h]!] ?? 0;
  return out;
}

/** Rules alone and rules + model per head over the held-out probabilities; relevance = any topic. */
function measure(
  heads: string[],
  items: readonly LabelledItem[],
  gold: (i: number, h: number) => 0 | 1 | null,
  ruled: Uint8Array[],
  p: Float64Array[],
  th: Thresholds[],
): ModelMetrics {
  const zero = (): Counts => ({ tp: 0, fp: 0, fn: 0 });
  const rules = Object.fromEntries(heads.map((h) => [h, zero()]));
  const model = Object.fromEntries(heads.map((h) => [h, zero()]));
  const count = (c: Counts, pred: boolean, g: boolean) => {
    if (pred && g) c.tp++;
    else if (pred) c.fp++;
    else if (g) c.fn++;
  };
  items.forEach((_, i) => {
    const acts = decide(p[i]!, ruled[i]!, th);
    let any = false;
    for (let h = 1; h < heads.length; h++) {
      const kept = acts[h] === RESCUE || (ruled[i]![h] === 1 && acts[h] === NONE);
      any ||= kept;
      if (gold(i, h) === null) continue;
      count(rules[heads[h]!]!, ruled[i]![h] === 1, gold(i, h) === 1);
      count(model[heads[h]!]!, kept, gold(i, h) === 1);
    }
    count(rules[RELEVANT]!, ruled[i]![0] === 1, gold(i, 0) === 1);
    count(model[RELEVANT]!, any, gold(i, 0) === 1);
  });
  return { folds: SETTINGS.folds, examples: items.length, rules, model };
}
