// How many stored items each query matches over a window: the structured rules editor's count beside each row.
// One backtest from no rules to one topic per query, counts only: the store reads just the items holding the
// queries' words (its word index), and every query is counted in that one pass.
import { runBacktest } from '../pipeline/backtest.ts';
import { checkQuery } from '../rules/query.ts';
import type { RuleSet } from '../rules/types.ts';
import { backtestStore } from '../storage/rules.ts';
import type { Deps } from './deps.ts';

export interface QueryHits {
  /** Per query, items it matches; null when it does not parse. */
  counts: (number | null)[];
  /** Items in the window. */
  scanned: number;
}

// One count at a time per process: editors typing in several rows (or several editors) queue their counts
// instead of running many scans of the word index at once.
let tail: Promise<unknown> = Promise.resolve();

export function countQueryHits(deps: Pick<Deps, 'db'>, q: { queries: string[]; since: Date }): Promise<QueryHits> {
  const run = tail.then(() => count(deps, q));
  tail = run.catch(() => undefined);
  return run;
}

async function count(deps: Pick<Deps, 'db'>, q: { queries: string[]; since: Date }): Promise<QueryHits> {
  const ok = q.queries.map((query) => checkQuery(query).length === 0);
  const edited: RuleSet = {
    topics: q.queries.flatMap((query, i) => (ok[i] ? [{ id: `q${i}`, name: `q${i}`, rules: [{ id: 'q', query }], exclude: [] }] : [])),
    exclude: [],
  };
  const r = await runBacktest({ topics: [], exclude: [] }, edited, backtestStore(deps.db, q.since), { limit: 0 });
  const gained = new Map(r.byTopic.map((t) => [t.topic, t.gained]));
  return { counts: q.queries.map((_, i) => (ok[i] ? (gained.get(`q${i}`) ?? 0) : null)), scanned: r.scanned };
}
