// Tags stored items with the active rules and relevance model, replaces their topics and the model's decisions
// in one transaction, then hands them on (afterTagged). process-item's path; the poll path tags before it
// inserts (poll-source.ts).
import { textOf, verdicts } from '../pipeline/verdicts.ts';
import type { Item } from '../storage/items.ts';
import { saveTopicsMany } from '../storage/items.ts';
import { saveDecisions } from '../storage/relevance.ts';
import { activeModel } from './active-model.ts';
import { activeRules } from './active-rules.ts';
import { afterTagged, type TaggedItem } from './after-tagged.ts';
import type { IngestDeps } from './deps.ts';

export async function tagItems(deps: Pick<IngestDeps, 'db' | 'now' | 'queues'>, items: Item[], sourceName: string): Promise<TaggedItem[]> {
  const [rules, model] = await Promise.all([activeRules(deps.db), activeModel(deps.db)]);
  const found = verdicts(rules.matcher, items.map((it) => textOf(it, sourceName)), model);
  await deps.db.tx(async (t) => {
    await saveTopicsMany(t, items.map((it, i) => ({ itemId: it.id, topics: found[i]!.topics })), deps.now());
    await saveDecisions(t, items.map((it, i) => ({ itemId: it.id, model: model.version, decisions: found[i]!.decisions })), deps.now());
  });
  const tagged = items.map((it, i) => ({ itemId: it.id, topics: found[i]!.topics.map((v) => v.topic) }));
  await afterTagged(deps, tagged);
  return tagged;
}
