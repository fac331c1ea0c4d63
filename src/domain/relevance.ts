// The relevance model's vocabulary, shared by its pipeline stages, storage, services and pages. Types only.
// The model works with the rules: it can veto a topic the rules gave (its probability below the topic's veto
// threshold, or the item's relevance below the relevance head's) or rescue one they did not (above the rescue
// threshold), and each topic's mode says what becomes of that.

/** Per topic: the rules alone; the model's decisions shown but not applied; or applied. */
export type TopicMode = 'rules' | 'suggest' | 'apply';
export const TOPIC_MODES: readonly TopicMode[] = ['rules', 'suggest', 'apply'];
/** A topic without a saved mode: the model's decisions apply (what `pressdesk tag` does too). */
export const DEFAULT_MODE: TopicMode = 'apply';

/** The first head is the item's relevance; the others are topics. */
export const RELEVANT = 'relevant';

/** Per head: a decision of the rules is vetoed below `veto`, a topic is rescued above `rescue` (1 = never). */
export interface Thresholds {
  veto: number;
  rescue: number;
}

/** The model as stored (JSON): per feature name one weight per head. */
export interface StoredModel {
  heads: string[];
  bias: number[];
  thresholds: Thresholds[];
  terms: Record<string, number[]>;
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

/** Cross-validated on the examples the model learnt from: the rules alone and rules + model, per head. */
export interface ModelMetrics {
  folds: number;
  examples: number;
  rules: Record<string, Counts>;
  model: Record<string, Counts>;
}

/** A term that weighed in a decision, as shown to editors ("UK place name", "“prison officers”"). */
export interface WeighedTerm {
  term: string;
  weight: number;
}

/** One decision of the model about one item and topic. */
export interface ModelDecision {
  topic: string;
  action: 'veto' | 'rescue';
  /** The topic's probability (for a veto by the relevance head, the item's relevance). */
  probability: number;
  /** False when the topic's mode is "suggest": shown, not applied. */
  applied: boolean;
  /** The features that pushed hardest toward the decision. */
  terms: WeighedTerm[];
}
