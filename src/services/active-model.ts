// The relevance model that tags items now, and each topic's mode: the database's active version (the activated
// one with the highest number), or the shipped model when none is. THE one place that decides which model
// tagging applies (poll, process-item, retag, the relevance page), as active-rules.ts is for rules. One query
// per call (the active number and the modes); a version is compiled once per process.
import { DEFAULT_MODE, type TopicMode } from '../domain/relevance.ts';
import type { ModelInUse } from '../pipeline/relevance/judge.ts';
import { loadModel, type RelevanceModel } from '../pipeline/relevance/model.ts';
import type { Db } from '../storage/db.ts';
import { modelOf, relevanceState } from '../storage/relevance.ts';
import { sharedInFlight } from './in-flight.ts';
import { shippedModel } from './shipped-model.ts';

export interface ActiveModel extends ModelInUse {
  modes: Record<string, TopicMode>;
}

const compiled = new WeakMap<Db, { version: number; model: RelevanceModel }>();

async function load(db: Db): Promise<ActiveModel> {
  const { active, modes } = await relevanceState(db);
  let hit = compiled.get(db);
  if (!hit || hit.version !== active) {
    const stored = active === 0 ? undefined : await modelOf(db, active);
    hit = { version: stored ? active : 0, model: stored ? loadModel(stored) : shippedModel().model };
    compiled.set(db, hit);
  }
  return { version: hit.version, model: hit.model, modes, modeOf: (topic) => modes[topic] ?? DEFAULT_MODE };
}

/** The active model, its version (0 = shipped) and the topics' modes; concurrent callers share one query. */
export const activeModel: (db: Db) => Promise<ActiveModel> = sharedInFlight(load);
