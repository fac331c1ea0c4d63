// Chooses one topic's veto and rescue thresholds from held-out probabilities (cross-validated: the model had
// not seen an example when it scored it): the pair with the best F1 that beats the rules alone by `minGain`,
// whose precision is not below theirs, and which in EVERY fold does no worse than the rules (F1 and precision)
// and in `minBetterFolds` of them does better. Otherwise no action at all (veto 0, rescue 1), and so for a
// topic with fewer than `minPositives` labelled items. The fold test keeps lucky thresholds out: a pair that
// helps in three folds and hurts in the fourth is noise, not a pattern. Vetoes touch only items the rules gave
// the topic and rescues only the others, so each threshold's counts are tallied once and every pair is scored
// from them.
import type { Counts, Thresholds } from '../../domain/relevance.ts';

export interface Scored {
  /** The rules gave the head. */
  ruled: boolean;
  p: number;
  gold: boolean;
  fold: number;
}

export const NEVER: Thresholds = { veto: 0, rescue: 1 };
// A coarse grid is a guard too: 0.05 apart, a threshold cannot be fitted to one item. A rescue needs at least
// even odds: below that, rescued items lowered the precision of some topics in some held-out folds.
const VETO = [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6];
const RESCUE = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1];

const f1 = (tp: number, fp: number, fn: number) => (tp ? (2 * tp) / (2 * tp + fp + fn) : 0);
const precision = (tp: number, fp: number) => (tp + fp ? tp / (tp + fp) : 1);

export function chooseThresholds(rows: readonly Scored[], opts: { folds: number; minGain: number; minPositives: number; minBetterFolds: number }): { thresholds: Thresholds; counts: Counts; rules: Counts } {
  const K = opts.folds;
  const V = VETO.length;
  const R = RESCUE.length;
  // Per fold: gold positives, the rules' tp/fp, tp/fp kept at each veto (p >= veto) and added at each rescue
  // (p > rescue).
  const gold = new Int32Array(K + 1);
  const rulesTp = new Int32Array(K + 1);
  const rulesFp = new Int32Array(K + 1);
  const keptTp = new Int32Array((K + 1) * V);
  const keptFp = new Int32Array((K + 1) * V);
  const addTp = new Int32Array((K + 1) * R);
  const addFp = new Int32Array((K + 1) * R);
  for (const r of rows) {
    for (const k of [r.fold, K]) {
      if (r.gold) gold[k]!++;
      if (r.ruled) {
        r.gold ? rulesTp[k]!++ : rulesFp[k]!++;
        for (let i = 0; i < V && r.p >= VETO[i]!; i++) r.gold ? keptTp[k * V + i]!++ : keptFp[k * V + i]!++;
      } else {
        for (let j = 0; j < R && r.p > RESCUE[j]!; j++) r.gold ? addTp[k * R + j]!++ : addFp[k * R + j]!++;
      }
    }
  }
  const rules = { tp: rulesTp[K]!, fp: rulesFp[K]!, fn: gold[K]! - rulesTp[K]! };
  let best = { thresholds: NEVER, counts: rules };
  if (gold[K]! < opts.minPositives) return { ...best, rules };
  let bestF1 = f1(rules.tp, rules.fp, rules.fn) + opts.minGain;
  const baseP = precision(rules.tp, rules.fp);
  for (let i = 0; i < V; i++) {
    for (let j = 0; j < R; j++) {
      const tp = keptTp[K * V + i]! + addTp[K * R + j]!;
      const fp = keptFp[K * V + i]! + addFp[K * R + j]!;
      const score = f1(tp, fp, gold[K]! - tp);
      if (score <= bestF1 || precision(tp, fp) < baseP) continue;
      let steady = true;
      let better = 0;
      for (let k = 0; k < K && steady; k++) {
        const ftp = keptTp[k * V + i]! + addTp[k * R + j]!;
        const ffp = keptFp[k * V + i]! + addFp[k * R + j]!;
        const a = f1(ftp, ffp, gold[k]! - ftp);
        const b = f1(rulesTp[k]!, rulesFp[k]!, gold[k]! - rulesTp[k]!);
        steady = a >= b && precision(ftp, ffp) >= precision(rulesTp[k]!, rulesFp[k]!);
        if (a > b) better++;
      }
      if (!steady || better < opts.minBetterFolds) continue;
      bestF1 = score;
      best = { thresholds: { veto: VETO[i]!, rescue: RESCUE[j]! }, counts: { tp, fp, fn: gold[K]! - tp } };
    }
  }
  return { ...best, rules };
}
