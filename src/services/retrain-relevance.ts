// Retrains the relevance model on press officers' verdicts: the newest judged items (up to 10,000) with what the
// active rules decide about them, learnt on top of the active model (its weights as the prior, so a few dozen
// verdicts adjust it rather than replace it), in a worker thread. The result is saved as a new version with its
// cross-validated metrics and activated only when it lowers neither precision nor F1 against the rules on those
// items (accept.ts). The scheduled run (hourly) skips when no verdict was given since the last version; a run an
// editor asks for always learns.
import { learnInThread } from '../adapters/learn-thread.ts';
import type { StoredModel } from '../domain/relevance.ts';
import { accept } from '../pipeline/relevance/accept.ts';
import type { LabelledItem } from '../pipeline/relevance/learn.ts';
import { tag } from '../pipeline/tag.ts';
import type { Db } from '../storage/db.ts';
import { judgedItems, latestVerdictAt, listModelVersions, modelOf, saveModelVersion } from '../storage/relevance.ts';
import { activeModel } from './active-model.ts';
import { activeRules } from './active-rules.ts';
import type { Deps } from './deps.ts';
import { shippedModel } from './shipped-model.ts';

/** Judged items read at most: the newest verdicts. */
export const MAX_EXAMPLES = 10_000;
/** Fewer judged items than this teach nothing worth a version. */
export const MIN_EXAMPLES = 10;

export interface Retrained {
  version?: number;
  activated?: boolean;
  note?: string;
  skipped?: string;
  examples: number;
  ms?: number;
}

export async function retrainRelevance(
  deps: Pick<Deps, 'db' | 'now'>,
  opts: { requestedBy: number | null; force: boolean; signal?: AbortSignal },
): Promise<Retrained> {
  const { db } = deps;
  if (!opts.force) {
    const [last] = await listModelVersions(db, 1);
    const verdict = await latestVerdictAt(db);
    if (!verdict || (last && verdict <= last.createdAt)) return { skipped: 'no verdict since the last version', examples: 0 };
  }
  const [rules, active] = await Promise.all([activeRules(db), activeModel(db)]);
  const judged = await judgedItems(db, MAX_EXAMPLES);
  if (judged.length < MIN_EXAMPLES) return { skipped: `${judged.length} judged item(s); at least ${MIN_EXAMPLES} are needed`, examples: judged.length };
  // A relevant item's topics are the ones it has now; one with none teaches the relevance head only.
  const items: LabelledItem[] = judged.map((j) => ({ item: j, rules: tag(rules.matcher, j), relevant: j.relevant, topics: !j.relevant ? [] : j.topics.length ? j.topics : null }));
  const prior = await priorOf(db, active.version);
  const started = performance.now();
  const { model, metrics } = await learnInThread({ items, opts: { topics: rules.ruleSet.topics.map((t) => t.id), prior } }, opts.signal);
  const ms = performance.now() - started;
  const refused = accept(metrics);
  const saved = await saveModelVersion(db, {
    model,
    metrics,
    examples: items.length,
    prior: active.version,
    ruleVersion: rules.version || null,
    activated: refused === null,
    note: refused ?? `learnt from ${items.length} judged items on top of ${active.version ? `version ${active.version}` : 'the shipped model'}`,
    trainMs: ms,
    requestedBy: opts.requestedBy,
    now: deps.now(),
  });
  return { version: saved.number, activated: saved.activated, note: saved.note, examples: items.length, ms };
}

async function priorOf(db: Db, version: number): Promise<StoredModel> {
  return (version ? await modelOf(db, version) : undefined) ?? shippedModel().stored;
}
