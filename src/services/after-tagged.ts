// The next stages for freshly tagged items (never duplicates): clustering into stories now; drafting joins
// here. Called once per batch by the poll path and by process-item, so both paths lead to the same place.
import type { IngestDeps } from './deps.ts';
import { clusterItems } from './cluster-items.ts';

export interface TaggedItem {
  itemId: number;
  topics: string[];
}

export async function afterTagged(deps: Pick<IngestDeps, 'db' | 'now'>, items: TaggedItem[]): Promise<void> {
  if (!items.length) return;
  await clusterItems(deps, items);
}
