// A story's derived state from its items: counts, times, topics and the headline item. Call after tagging
// changes an item's topics; clustering and editors' actions call it themselves.
import { TIER_PRIORITY, pickHeadline, sourceTier } from '../pipeline/headline.ts';
import type { Db } from '../storage/db.ts';
import { type StoryMember, saveStoryState, storyMembers } from '../storage/stories.ts';

// The item's link, the source's name and its feed URL each say something about the outlet ("BBC News" is
// national, though its feed lives on feeds.bbci.co.uk): the strongest of the three counts.
const priority = (m: StoryMember) => Math.max(...[m.url ?? undefined, m.name, m.feed].map((s) => TIER_PRIORITY[sourceTier(s)]));

/** One read of the stories' items, one UPDATE of them all (run inside the caller's transaction if any). */
export async function refreshStories(db: Db, storyIds: readonly number[], now: Date): Promise<void> {
  const ids = [...new Set(storyIds)];
  if (ids.length === 0) return;
  const byStory = new Map<number, StoryMember[]>();
  for (const m of await storyMembers(db, ids)) {
    const list = byStory.get(Number(m.story));
    if (list) list.push(m);
    else byStory.set(Number(m.story), [m]);
  }
  const headlines = ids.map((id) => {
    const list = byStory.get(id);
    if (!list) return null;
    const override = list[0]!.override;
    if (override !== null && list.some((m) => m.id === override)) return override;
    return Number(pickHeadline(list.map((m) => ({ id: String(m.id), sourcePriority: priority(m), published: m.published ? new Date(m.published).toISOString() : undefined }))));
  });
  await saveStoryState(db, ids, headlines, now);
}
