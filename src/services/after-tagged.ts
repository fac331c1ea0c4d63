// The next stages for freshly tagged items (never duplicates): clustering into stories, then a draft-release
// job for each story a relevant item went into. Called once per batch by the poll path and by process-item,
// so both paths lead to the same place.
import type { IngestDeps } from './deps.ts';
import { clusterItems } from './cluster-items.ts';

export interface TaggedItem {
  itemId: number;
  topics: string[];
}

export async function afterTagged(deps: Pick<IngestDeps, 'db' | 'now' | 'queues'>, items: TaggedItem[]): Promise<void> {
  if (!items.length) return;
  const placed = await clusterItems(deps, items);
  const relevant = new Set(items.filter((i) => i.topics.length > 0).map((i) => i.itemId));
  // One job per story and item that reached it: a story that did not qualify with one source may with the
  // next. The draft's UNIQUE story is the guard against a second draft, not the job id.
  const jobs = placed.flatMap((p) =>
    p.assignment && p.assignment.kind !== 'kept' && relevant.has(p.itemId)
      ? [{ name: 'draft-release', data: { storyId: p.assignment.storyId }, opts: { jobId: `draft-${p.assignment.storyId}-i${p.itemId}` } }]
      : [],
  );
  if (jobs.length) await deps.queues.get('draft-release').addBulk(jobs);
}
