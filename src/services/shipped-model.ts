// The shipped relevance model (src/packs/relevance/uk-justice.json, written by `npm run seed:relevance` from the
// labelled development set): the active model until a retrain on press officers' feedback is activated, and the
// one `pressdesk tag` applies. Read and compiled once per process.
import { readFileSync } from 'node:fs';
import type { ModelMetrics, StoredModel } from '../domain/relevance.ts';
import { type RelevanceModel, loadModel } from '../pipeline/relevance/model.ts';

export interface ShippedModel extends StoredModel {
  /** What it learnt from, in words. */
  learntFrom: string;
  metrics: ModelMetrics;
}

export const SHIPPED_MODEL_URL = new URL('../packs/relevance/uk-justice.json', import.meta.url);

let shipped: { stored: ShippedModel; model: RelevanceModel } | undefined;

export function shippedModel(): { stored: ShippedModel; model: RelevanceModel } {
  if (!shipped) {
    const stored = JSON.parse(readFileSync(SHIPPED_MODEL_URL, 'utf8')) as ShippedModel;
    shipped = { stored, model: loadModel(stored) };
  }
  return shipped;
}
