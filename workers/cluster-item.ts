// Clustering in the pipeline: called from process-item's afterTagged hook for every batch of freshly tagged
// items (poll-source's inline batch and process-item's single item alike), so a story's topics already hold
// the new item's. Not a queue of its own: assignStory is one short transaction per item.
import { type Assignment, assignStory } from '../src/storage/stories.ts';
import type { IngestRuntime } from './process-item.ts';

export interface Clustered {
  itemId: number;
  assignment?: Assignment;
  /** Why the item is in no story; it stays searchable on its own and the next run of this hook retries it. */
  error?: string;
}

/**
 * Puts each item into a story, oldest id first (the order they were stored). A failure is reported and the
 * rest go on: a poll must not fail because one item could not be clustered; assignStory is idempotent, so
 * a retried job does no harm.
 */
export async function clusterItems(rt: Pick<IngestRuntime, 'db' | 'now'>, items: { itemId: number }[]): Promise<Clustered[]> {
  const out: Clustered[] = [];
  for (const { itemId } of [...items].sort((a, b) => a.itemId - b.itemId)) {
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
