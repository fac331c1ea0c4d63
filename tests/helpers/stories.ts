// One item into stories, as the tests write it most often (the services take batches).
import type { Assignment } from '../../src/domain/stories.ts';
import { assignStories } from '../../src/services/cluster-items.ts';
import type { ClusterOptions } from '../../src/pipeline/cluster.ts';
import type { Db } from '../../src/storage/db.ts';

export async function assignStory(db: Db, itemId: number, now: Date, opts: ClusterOptions = {}): Promise<Assignment> {
  return (await assignStories(db, [itemId], now, opts))[0]!;
}
