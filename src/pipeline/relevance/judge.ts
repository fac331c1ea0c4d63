// The model on top of the rules for one item: its decisions per topic, each explained by the features that
// weighed most toward it, and the topics that result under each topic's mode ("rules": the model is not asked;
// "suggest": its decision is recorded, not applied; "apply": a veto removes the topic, a rescue adds it).
// Topics the model was not trained on keep what the rules said.
import type { ModelDecision, TopicMode } from '../../domain/relevance.ts';
import type { ItemText } from '../../domain/types.ts';
import { type Action, NONE, VETO, decide } from './decide.ts';
import { describe } from './describe.ts';
import { FeatureSet, type RuleVerdict, features } from './features.ts';
import type { RelevanceModel } from './model.ts';
import { score } from './score.ts';

/** A model as tagging uses it: which version, and each topic's mode. */
export interface ModelInUse {
  /** 0 = the shipped model. */
  version: number;
  model: RelevanceModel;
  modeOf: (topic: string) => TopicMode;
}

export interface Judgement {
  /** The topics after the applied decisions: the rules' in their order, less vetoes, then rescues (the rules'
   *  own array when the model changed nothing). */
  topics: readonly string[];
  decisions: ModelDecision[];
}

/** Terms shown per decision. */
const TOP_TERMS = 5;
// Reused item to item: judge is synchronous.
const fs = new FeatureSet();
let probabilities = new Float64Array(0);
let ruled = new Uint8Array(0);
let acts: Action[] = [];

export function judge(m: RelevanceModel, item: ItemText, rules: RuleVerdict, modeOf: (topic: string) => TopicMode): Judgement {
  const heads = m.heads;
  let asked = false;
  for (let h = 1; h < heads.length && !asked; h++) asked = modeOf(heads[h]!) !== 'rules';
  if (!asked) return { topics: rules.topics, decisions: [] };
  features(m.vocab, item, rules, fs);
  if (probabilities.length !== heads.length) {
    probabilities = new Float64Array(heads.length);
    ruled = new Uint8Array(heads.length);
    acts = new Array(heads.length);
  }
  const p = score(m, fs.ids, fs.size, probabilities);
  ruled[0] = rules.topics.length > 0 ? 1 : 0;
  for (let h = 1; h < heads.length; h++) ruled[h] = rules.topics.includes(heads[h]!) ? 1 : 0;
  decide(p, ruled, m.thresholds, acts);
  // The model agreed with the rules: nothing to build.
  let any = false;
  for (let h = 1; h < heads.length && !any; h++) any = acts[h] !== NONE && modeOf(heads[h]!) !== 'rules';
  if (!any) return { topics: rules.topics, decisions: [] };
  const decisions: ModelDecision[] = [];
  const dropped = new Set<string>();
  const added: string[] = [];
  for (let h = 1; h < heads.length; h++) {
    const mode = modeOf(heads[h]!);
    if (acts[h] === NONE || mode === 'rules') continue;
    const veto = acts[h] === VETO;
    decisions.push({ topic: heads[h]!, action: veto ? 'veto' : 'rescue', probability: round(p[h]!), applied: mode === 'apply', terms: explain(m, item, h, veto ? -1 : 1) });
    if (mode !== 'apply') continue;
    if (veto) dropped.add(heads[h]!);
    else added.push(heads[h]!);
  }
  return { topics: [...rules.topics.filter((t) => !dropped.has(t)), ...added], decisions };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** The present features that push hardest in direction `sign` on topic head h: a feature's weight on the
 *  relevance head plus its weight on the topic's (both are in the topic's probability). Features that read
 *  alike (a word, and the word in the title) count as one term. */
function explain(m: RelevanceModel, item: ItemText, h: number, sign: 1 | -1): { term: string; weight: number }[] {
  const H = m.heads.length;
  const pushing: { f: number; w: number }[] = [];
  for (let p = 0; p < fs.size; p++) {
    const f = fs.ids[p]!;
    const w = (m.weights[f * H]! + m.weights[f * H + h]!) * sign;
    if (w > 0) pushing.push({ f, w });
  }
  pushing.sort((a, b) => b.w - a.w || a.f - b.f);
  // Twice as many as shown, so that merging still leaves enough.
  const picked = pushing.slice(0, 2 * TOP_TERMS);
  const labels = describe(picked.map((t) => m.vocab.names[t.f]!), item);
  const terms = new Map<string, number>();
  picked.forEach((t, i) => {
    terms.set(labels[i]!, (terms.get(labels[i]!) ?? 0) + t.w);
  });
  return [...terms]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP_TERMS)
    .map(([term, w]) => ({ term, weight: round(w * sign) }));
}
