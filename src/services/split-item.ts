// An editor moves an item out of its story into a story of its own. Kept: the clusterer never puts the item
// back, nor merges the two stories; an editor's merge can still join them.
import type { EditorAction } from '../domain/stories.ts';
import { bandKeys, signature } from '../pipeline/cluster.ts';
import type { Db } from '../storage/db.ts';
import { clusterItemRows, splitOut } from '../storage/stories.ts';
import { refreshStories } from './refresh-stories.ts';

/** Answers the new story's id. `fromStory`: the story the editor saw the item in (refused if it moved). */
export async function splitItem(db: Db, itemId: number, act: EditorAction, fromStory?: number): Promise<number> {
  return db.tx(async (t) => {
    const [item] = await clusterItemRows(t, [itemId], true);
    if (!item) throw new Error(`stories: item ${itemId} does not exist; check the id on the story page`);
    if (item.story_id === null) throw new Error(`stories: item ${itemId} is in no story yet; wait for clustering`);
    const from = Number(item.story_id);
    if (fromStory !== undefined && from !== fromStory) {
      throw new Error(`stories: item ${itemId} is no longer in story ${fromStory} (now ${from}); reload the page`);
    }
    const keys = bandKeys(signature({ title: item.title, summary: item.summary ?? undefined, body: item.body ?? undefined, url: item.url ?? undefined }));
    const to = await splitOut(t, { item, keys, act });
    await refreshStories(t, [from, to], act.now);
    return to;
  });
}
