// Rule sets as stored and versioned (plain JSON), and the store a backtest reads: shared by the rule language,
// the backtest stage and storage. Types only.
import type { ItemText } from './types.ts';

/** A rule: an id unique within its topic (or within the global excludes) and its query text. */
export interface Rule {
  id: string;
  query: string;
}

export interface Topic {
  id: string;
  name: string;
  description?: string;
  rules: Rule[];
  /** An item matching any of these does not get this topic. */
  exclude: Rule[];
}

export interface RuleSet {
  topics: Topic[];
  /** An item matching any of these gets no topic at all. */
  exclude: Rule[];
}

/** What a backtest can skip without reading items: nothing can change, or only items with these words. */
export interface BacktestScreen {
  nothing: boolean;
  words: string | null;
}

/** The stored items a backtest reads, owned by the backtest stage and implemented by storage (backtestStore). */
export interface BacktestStore {
  /** Items in the window. */
  count(): Promise<number>;
  /** Batches of the items the screen lets through (every item when `words` is null). */
  read(screen: BacktestScreen): AsyncIterable<ItemText[]>;
}
