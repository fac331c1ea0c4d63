// pickDigestStories: which stories a subscriber's digest holds. A story is news to a subscriber when it
// first carried one of the subscriber's topics within (since, cutoff]: the earliest sighting among those
// topics decides, so a story that was news under one topic is not news again when it gains another, and a
// chain of digests (each `since` the previous `cutoff`) shows every story exactly once.
import type { TopicSighting } from '../domain/digests.ts';

/** `sightings` must hold every sighting of the candidate stories (not only those in the window), and
 *  `relevantNow` the stories that still carry one of the topics by the active rules. Ids in story order of
 *  first sighting. */
export function pickDigestStories(
  topics: readonly string[],
  sightings: readonly TopicSighting[],
  window: { since: Date; cutoff: Date },
  relevantNow: (storyId: number, topics: readonly string[]) => boolean,
): number[] {
  const wanted = new Set(topics);
  const first = new Map<number, number>();
  for (const s of sightings) {
    if (!wanted.has(s.topic)) continue;
    const t = s.firstAt.getTime();
    const had = first.get(s.storyId);
    if (had === undefined || t < had) first.set(s.storyId, t);
  }
  const since = window.since.getTime();
  const cutoff = window.cutoff.getTime();
  return [...first]
    .filter(([id, t]) => t > since && t <= cutoff && relevantNow(id, topics))
    .sort((a, b) => a[1] - b[1] || a[0] - b[0])
    .map(([id]) => id);
}
