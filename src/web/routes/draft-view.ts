// How drafts read on pages: ages and deadlines in words, status labels, source links that are only web links.
import type { Draft } from '../../domain/drafts.ts';
import { statusLabel } from '../../pipeline/transitions.ts';
import type { DraftSourceStory } from '../../storage/draft-sources.ts';
import type { DraftListEntry } from '../../storage/drafts.ts';

/** "4 min", "2 h 5 min", "3 days". */
export function duration(minutes: number): string {
  const m = Math.max(0, Math.round(minutes));
  if (m < 60) return `${m} min`;
  if (m < 48 * 60) return m % 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m / 60} h`;
  return `${Math.floor(m / 1440)} days`;
}

/** Only web links become hrefs: a feed can put javascript: in a link. */
export const safeUrl = (u: string | null | undefined) => (u && /^https?:\/\//i.test(u) ? u : null);

export const draftStatus = (d: Pick<Draft, 'status'>) => ({ key: d.status, label: statusLabel(d.status) });

/** One row of the review queue. */
export function queueRow(e: DraftListEntry) {
  const m = e.minutesToDeadline;
  return {
    id: e.draft.id,
    href: `/drafts/${e.draft.id}`,
    subject: e.draft.subject,
    headline: e.headline,
    topic: e.draft.topic,
    status: draftStatus(e.draft),
    version: e.draft.version,
    createdAt: e.draft.createdAt,
    updatedAt: e.draft.updatedAt,
    age: duration(e.ageMinutes),
    deadlineAt: e.draft.status === 'awaiting_approval' ? e.draft.deadlineAt : null,
    due: m === null || e.draft.status !== 'awaiting_approval' ? null : m < 0 ? `overdue by ${duration(-m)}` : `in ${duration(m)}`,
    overdue: m !== null && m < 0 && e.draft.status === 'awaiting_approval',
  };
}

/** The story beside the draft: headline, each item with its source and a safe link. */
export function storyPanel(story: DraftSourceStory | undefined) {
  if (!story) return undefined;
  return {
    id: story.id,
    headline: story.headline ?? story.items[0]?.title ?? `Story ${story.id}`,
    topics: story.topics,
    firstSeen: story.firstSeen,
    sourceCount: story.sourceCount,
    items: story.items.map((i) => ({ title: i.title, url: safeUrl(i.url), source: i.source, sourceUrl: safeUrl(i.sourceUrl), category: i.sourceCategory, time: i.time })),
  };
}
