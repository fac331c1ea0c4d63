// The next stages for freshly tagged items (never duplicates): clustering into stories, then a draft-release
// job for each story a relevant item went into. Called once per batch by the poll path and by process-item,
// so both paths lead to the same place.
import { coalesce } from '../adapters/coalesce.ts';
import { NEW_STORY_HOURS } from '../pipeline/draft-policy.ts';
import { storiesStillDraftable } from '../storage/drafts.ts';
import type { Db } from '../storage/db.ts';
import type { IngestDeps } from './deps.ts';
import { type Clustered, clusterItems } from './cluster-items.ts';

export interface TaggedItem {
  itemId: number;
  topics: string[];
}

export async function afterTagged(deps: Pick<IngestDeps, 'db' | 'now' | 'queues'>, items: TaggedItem[]): Promise<void> {
  if (!items.length) return;
  const placed = await batchers(deps).cluster(items);
  const relevant = new Set(items.filter((i) => i.topics.length > 0).map((i) => i.itemId));
  const reached = placed.filter((p) => p.assignment && p.assignment.kind !== 'kept' && relevant.has(p.itemId));
  if (!reached.length) return;
  // Stories already drafted or too old never qualify again: asked once per batch here, not by a job each (a
  // cold start's thousands of jobs for old news held the pool for minutes). The draft job asks again.
  const open = await batchers(deps).draftable(reached.map((p) => p.assignment!.storyId));
  // One job per story and item that reached it: a story that did not qualify with one source may with the
  // next. The draft's UNIQUE story is the guard against a second draft, not the job id.
  const jobs = reached
    .filter((p) => open.has(p.assignment!.storyId))
    .map((p) => ({ name: 'draft-release', data: { storyId: p.assignment!.storyId }, opts: { jobId: `draft-${p.assignment!.storyId}-i${p.itemId}` } }));
  if (jobs.length) await deps.queues.get('draft-release').addBulk(jobs);
}

/** Items per clustering transaction, at most. */
const CLUSTER_ITEMS = 1_000;

interface Together {
  cluster: (items: TaggedItem[]) => Promise<Clustered[]>;
  draftable: (storyIds: number[]) => Promise<Set<number>>;
}
const together = new WeakMap<Db, Together>();

/** The per-database batchers of concurrent polls.
 *  - cluster: their items in one transaction. Each poll's own transaction took locks on most band-key buckets,
 *    so they ran one after another anyway, each paying the statements' fixed cost; one shared transaction pays
 *    it once (e2e bench: docs/ingestion.md). Each caller still awaits its own items' stories.
 *  - draftable: which of their stories could still be drafted, in one statement (one per poll was a thousand
 *    statements in a cold start of 1,000 feeds). */
function batchers(deps: Pick<IngestDeps, 'db' | 'now'>): Together {
  let b = together.get(deps.db);
  if (!b) {
    b = {
      cluster: coalesce(
        async (batches: TaggedItem[][]) => {
          const placed = new Map((await clusterItems(deps, batches.flat())).map((p) => [p.itemId, p]));
          return batches.map((items) => items.map((i) => placed.get(i.itemId)!));
        },
        { weigh: (items) => items.length, maxWeight: CLUSTER_ITEMS },
      ),
      draftable: coalesce(async (batches: number[][]) => {
        const since = new Date(deps.now().getTime() - NEW_STORY_HOURS * 3_600_000);
        const open = await storiesStillDraftable(deps.db, batches.flat(), since);
        return batches.map((ids) => new Set(ids.filter((id) => open.has(id))));
      }),
    };
    together.set(deps.db, b);
  }
  return b;
}
