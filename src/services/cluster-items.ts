// Clustering in the pipeline: called from process-item's afterTagged hook for every batch of freshly tagged
// items (poll-source's inline batch and process-item's single item alike), so a story's topics already hold
// the new item's. Not a queue of its own: assignStories is one short transaction per batch.
import { type Assignment, assignStories, assignStory } from '../src/storage/stories.ts';
import type { IngestRuntime } from './process-item.ts';

export interface Clustered {
  itemId: number;
  assignment?: Assignment;
  /** Why the item is in no story; it stays searchable on its own and the next run of this hook retries it. */
  error?: string;
}

/**
 * Puts the items into stories as one batch (one transaction; items of the batch can join each other's new
 * stories). When the batch fails as a whole, each item is tried on its own, so one bad item does not keep the
 * others out of their stories; a failure is reported and the rest go on: a poll must not fail because one item
 * could not be clustered. Idempotent, so a retried job does no harm. Answers oldest id first.
 */
export async function clusterItems(rt: Pick<IngestRuntime, 'db' | 'now'>, items: { itemId: number }[]): Promise<Clustered[]> {
  const ids = [...new Set(items.map((i) => i.itemId))].sort((a, b) => a - b);
  if (ids.length > 1) {
    try {
      const got = await assignStories(rt.db, ids, rt.now());
      return ids.map((itemId, i) => ({ itemId, assignment: got[i]! }));
    } catch (err) {
      process.stderr.write(`cluster-item: the batch of ${ids.length} items failed (${(err as Error).message}); clustering them one at a time\n`);
    }
  }
  const out: Clustered[] = [];
  for (const itemId of ids) {
    try {
      out.push({ itemId, assignment: await assignStory(rt.db, itemId, rt.now()) });
    } catch (err) {
      const error = `cluster-item: item ${itemId} was not put into a story (${(err as Error).message}); it is searchable on its own`;
      process.stderr.write(`${error}\n`);
      out.push({ itemId, error });
    }
  }
  return out;
}

