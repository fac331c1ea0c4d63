// The next stages for freshly tagged items (never duplicates): clustering into stories, then a draft-release
// job for each story a relevant item went into. Called once per batch by the poll path and by process-item,
// so both paths lead to the same place.
import { coalesce } from '../adapters/coalesce.ts';
import type { Db } from '../storage/db.ts';
import type { IngestDeps } from './deps.ts';
import { type Clustered, clusterItems } from './cluster-items.ts';

export interface TaggedItem {
  itemId: number;
  topics: string[];
}

export async function afterTagged(deps: Pick<IngestDeps, 'db' | 'now' | 'queues'>, items: TaggedItem[]): Promise<void> {
  if (!items.length) return;
  const placed = await clusterTogether(deps)(items);
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

/** Items per clustering transaction, at most. */
const CLUSTER_ITEMS = 1_000;
const together = new WeakMap<Db, (items: TaggedItem[]) => Promise<Clustered[]>>();

/** Concurrent polls cluster their items in one transaction. Each poll's own transaction took locks on most
 *  band-key buckets, so they ran one after another anyway, each paying the statements' fixed cost; one shared
 *  transaction pays it once (e2e bench: docs/ingestion.md). Each caller still awaits its own items' stories. */
function clusterTogether(deps: Pick<IngestDeps, 'db' | 'now'>) {
  let run = together.get(deps.db);
  if (!run) {
    run = coalesce(
      async (batches: TaggedItem[][]) => {
        const placed = new Map((await clusterItems(deps, batches.flat())).map((p) => [p.itemId, p]));
        return batches.map((b) => b.map((i) => placed.get(i.itemId)!));
      },
      { weigh: (b) => b.length, maxWeight: CLUSTER_ITEMS },
    );
    together.set(deps.db, run);
  }
  return run;
}
