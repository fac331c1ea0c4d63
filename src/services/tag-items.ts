// Tags stored items with the active rules, replaces their topics in one batch, then hands them on
// (afterTagged). process-item's path; the poll path tags before it inserts (poll-source.ts).
import { textOf, verdicts } from '../pipeline/verdicts.ts';
import type { Item } from '../storage/items.ts';
import { saveTopicsMany } from '../storage/items.ts';
import { activeRules } from './active-rules.ts';
import { afterTagged, type TaggedItem } from './after-tagged.ts';
import type { IngestDeps } from './deps.ts';

export async function tagItems(deps: Pick<IngestDeps, 'db' | 'now' | 'queues'>, items: Item[], sourceName: string): Promise<TaggedItem[]> {
  const found = verdicts((await activeRules(deps.db)).matcher, items.map((it) => textOf(it, sourceName)));
  await saveTopicsMany(deps.db, items.map((it, i) => ({ itemId: it.id, topics: found[i]! })), deps.now());
  const tagged = items.map((it, i) => ({ itemId: it.id, topics: found[i]!.map((v) => v.topic) }));
  await afterTagged(deps, tagged);
  return tagged;
}
