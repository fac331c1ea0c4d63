// composeDigest: what one digest says, ready for templates/digests/. The union's releases of the period come
// first; then the stories grouped by the subscriber's topics in the order the topics are listed, each story
// once (under the first of its topics the subscriber follows), most widely covered first, then newest. A
// digest is read on a phone: at most MAX_PER_TOPIC stories a topic and MAX_STORIES in all are listed, the
// rest counted ("and 4 more on Prisons"); they were news in this digest all the same and do not come back.
import type { DigestRelease, DigestStory } from '../domain/digests.ts';

export const MAX_PER_TOPIC = 8;
export const MAX_STORIES = 30;

export interface DigestGroup {
  topic: string;
  name: string;
  stories: DigestStory[];
  /** Stories of this topic left out by the limits. */
  more: number;
}

export interface DigestContent {
  groups: DigestGroup[];
  releases: DigestRelease[];
  /** Every story the digest stands for, listed or counted. */
  storyCount: number;
  /** Nothing to tell: the subscriber's skip-when-empty decides whether it goes. */
  empty: boolean;
}

export function composeDigest(input: {
  topics: readonly string[];
  stories: readonly DigestStory[];
  releases: readonly DigestRelease[];
  topicNames: ReadonlyMap<string, string>;
}): DigestContent {
  const groups = new Map<string, DigestStory[]>();
  for (const t of input.topics) groups.set(t, []);
  for (const s of input.stories) {
    const home = input.topics.find((t) => s.topics.includes(t));
    if (home) groups.get(home)!.push(s);
  }
  const out: DigestGroup[] = [];
  let room = MAX_STORIES;
  let storyCount = 0;
  for (const [topic, stories] of groups) {
    if (stories.length === 0) continue;
    stories.sort((a, b) => b.moreSources - a.moreSources || b.at.getTime() - a.at.getTime() || a.id - b.id);
    const listed = stories.slice(0, Math.min(MAX_PER_TOPIC, room));
    room -= listed.length;
    storyCount += stories.length;
    out.push({ topic, name: input.topicNames.get(topic) ?? topic, stories: listed, more: stories.length - listed.length });
  }
  const releases = [...input.releases].sort((a, b) => b.sentAt.getTime() - a.sentAt.getTime());
  return { groups: out, releases, storyCount, empty: storyCount === 0 && releases.length === 0 };
}
