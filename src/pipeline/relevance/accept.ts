// Whether a retrained model may become the active one: on the labelled items it learnt from (cross-validated,
// learn.ts), rules + model must not lower precision or F1 against the rules alone, for relevance and for every
// topic with labelled items. A model that fails is kept as a version, with the reason, not activated.
import type { Counts, ModelMetrics } from '../../domain/relevance.ts';

const precision = (c: Counts) => (c.tp + c.fp ? c.tp / (c.tp + c.fp) : 1);
const f1 = (c: Counts) => (c.tp ? (2 * c.tp) / (2 * c.tp + c.fp + c.fn) : 0);
const pct = (x: number) => x.toFixed(3);

/** null when the model may be activated, else why not (for editors). */
export function accept(metrics: ModelMetrics): string | null {
  for (const [head, rules] of Object.entries(metrics.rules)) {
    const model = metrics.model[head];
    if (!model || rules.tp + rules.fp + rules.fn === 0) continue;
    if (precision(model) < precision(rules)) return `not activated: it lowered the precision of ${head} (${pct(precision(model))} against the rules' ${pct(precision(rules))})`;
    if (f1(model) < f1(rules)) return `not activated: it lowered the F1 of ${head} (${pct(f1(model))} against the rules' ${pct(f1(rules))})`;
  }
  return null;
}
