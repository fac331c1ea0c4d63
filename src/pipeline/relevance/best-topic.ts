// The topic the model thinks a relevant item most belongs to (its highest topic probability), whatever the
// thresholds: what a suggested rule for a missed item should be filed under.
import type { ItemText } from '../../domain/types.ts';
import { FeatureSet, type RuleVerdict, features } from './features.ts';
import type { RelevanceModel } from './model.ts';
import { score } from './score.ts';

const fs = new FeatureSet();

/** The topic head with the highest probability, or null for a model without topics. */
export function bestTopic(m: RelevanceModel, item: ItemText, rules: RuleVerdict): string | null {
  features(m.vocab, item, rules, fs);
  const p = score(m, fs.ids, fs.size);
  let best = -1;
  for (let h = 1; h < p.length; h++) if (best < 0 || p[h]! > p[best]!) best = h;
  return best < 0 ? null : m.heads[best]!;
}
