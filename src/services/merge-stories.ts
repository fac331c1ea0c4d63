// An editor merges story `from` into story `into` (both followed through earlier merges).
import type { EditorAction } from '../domain/stories.ts';
import type { Db } from '../storage/db.ts';
import { mergeInto } from '../storage/stories.ts';
import { refreshStories } from './refresh-stories.ts';

/** Answers the live story both are now in. */
export async function mergeStories(db: Db, into: number, from: number, act: EditorAction): Promise<number> {
  return db.tx(async (t) => {
    const live = await mergeInto(t, into, from, act);
    if (live === undefined) throw new Error(`stories: story ${into} or ${from} does not exist; check the ids`);
    await refreshStories(t, [live], act.now);
    return live;
  });
}
