// An editor picks a story's headline item (null: back to the source priority).
import type { EditorAction } from '../domain/stories.ts';
import type { Db } from '../storage/db.ts';
import { saveHeadlineChoice } from '../storage/stories.ts';
import { refreshStories } from './refresh-stories.ts';

export async function setHeadline(db: Db, storyId: number, itemId: number | null, act: EditorAction): Promise<void> {
  await db.tx(async (t) => {
    await saveHeadlineChoice(t, storyId, itemId, act);
    await refreshStories(t, [storyId], act.now);
  });
}
