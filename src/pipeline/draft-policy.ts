// Should this story be drafted now? A topic's policy (values in) against the story (values in) at `now`:
// the decision and the reason, so a story page can say why no draft was made.
import type { DraftPolicy, SourceCategory } from '../domain/drafts.ts';
import { ukClock } from './uk-clock.ts';

export interface PolicyStory {
  topics: readonly string[];
  sourceCount: number;
  /** The category of each item's source (null = not said: inferred from its address). */
  sources: readonly { category: SourceCategory | null; url: string; name?: string }[];
  /** When the story's earliest item was published: only new stories are drafted on their own. */
  firstSeen?: Date;
}

/** A story older than this is news already answered or missed: importing a source's archive (its feed's
 *  old items) must not fill the press officers' inboxes. A person can still draft it by hand. */
export const NEW_STORY_HOURS = 48;

export type PolicyDecision =
  | { draft: true; topic: string; policy: DraftPolicy }
  | { draft: false; reason: string; topic?: string };

/** The category a source counts as: its own, else official for gov.uk-like hosts, inspectorate for theirs. */
export function sourceKind(s: { category: SourceCategory | null; url: string }): SourceCategory | null {
  if (s.category) return s.category;
  let host = '';
  try {
    host = new URL(s.url).hostname.toLowerCase();
  } catch {
    return null;
  }
  if (/(^|\.)justiceinspectorates\.gov\.uk$/.test(host)) return 'inspectorate';
  if (/(^|\.)(gov\.uk|judiciary\.uk|parliament\.uk)$/.test(host)) return 'official';
  return null;
}

const inQuietHours = (minute: number, start: number, end: number) =>
  start === end ? false : start < end ? minute >= start && minute < end : minute >= start || minute < end;

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** The refusals that need neither the story's items nor the policies (no topic, too old), so a caller can
 *  skip loading them: most draft-release jobs are for a story that grew, and a big story's items cost. */
export function refuseEarly(story: Pick<PolicyStory, 'topics' | 'firstSeen'>, now: Date): string | undefined {
  if (story.topics.length === 0) return 'the story has no topic';
  if (story.firstSeen && now.getTime() - story.firstSeen.getTime() > NEW_STORY_HOURS * 3600_000) {
    return `the story first appeared more than ${NEW_STORY_HOURS} hours ago; draft it by hand if it still needs an answer`;
  }
  return undefined;
}

/**
 * The first of the story's topics (in the story's order) whose policy lets it be drafted now, or the reason
 * of the first topic that came closest. `draftsLastHour` counts the topic's drafts in the hour before `now`.
 */
export function shouldDraft(
  story: PolicyStory,
  policies: ReadonlyMap<string, DraftPolicy>,
  draftsLastHour: ReadonlyMap<string, number>,
  now: Date,
): PolicyDecision {
  const early = refuseEarly(story, now);
  if (early) return { draft: false, reason: early };
  const kinds = new Set(story.sources.map(sourceKind).filter((k): k is SourceCategory => k !== null));
  const { minute } = ukClock(now);
  let first: PolicyDecision | undefined;
  for (const topic of story.topics) {
    const p = policies.get(topic);
    const refuse = (reason: string) => {
      first ??= { draft: false, reason, topic };
    };
    if (!p?.enabled) {
      refuse(`automatic drafts are off for ${topic}`);
      continue;
    }
    if (story.sourceCount < p.minSources) {
      refuse(`${topic} needs ${p.minSources} sources, the story has ${story.sourceCount}`);
      continue;
    }
    if (p.sourceKinds.length > 0 && !p.sourceKinds.some((k) => kinds.has(k))) {
      refuse(`${topic} needs a source of kind ${p.sourceKinds.join(' or ')}`);
      continue;
    }
    if (p.quietStart !== null && p.quietEnd !== null && inQuietHours(minute, p.quietStart, p.quietEnd)) {
      refuse(`quiet hours for ${topic} (${hhmm(p.quietStart)}–${hhmm(p.quietEnd)} UK time)`);
      continue;
    }
    if ((draftsLastHour.get(topic) ?? 0) >= p.maxPerHour) {
      refuse(`${topic} already had ${p.maxPerHour} drafts in the last hour`);
      continue;
    }
    return { draft: true, topic, policy: p };
  }
  return first!;
}
