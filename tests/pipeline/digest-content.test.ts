import { describe, expect, it } from 'vitest';
import type { DigestStory } from '../../src/domain/digests.ts';
import { MAX_PER_TOPIC, MAX_STORIES, composeDigest } from '../../src/pipeline/digest-content.ts';

const story = (id: number, topics: string[], moreSources = 0, h = 1): DigestStory => ({
  id, headline: `Story ${id}`, url: `https://example.org/${id}`, outlet: 'BBC News', moreSources, at: new Date(Date.UTC(2026, 2, 2, h)), snippet: '', topics,
});
const names = new Map([['parole', 'Parole and release'], ['courts', 'Courts and sentencing']]);

describe('composeDigest', () => {
  it('groups by the subscriber topics in their order, each story once, widest coverage then newest first', () => {
    const c = composeDigest({
      topics: ['parole', 'courts'],
      stories: [story(1, ['courts'], 0, 5), story(2, ['courts', 'parole'], 1), story(3, ['courts'], 4), story(4, ['courts'], 0, 9)],
      releases: [],
      topicNames: names,
    });
    expect(c.groups.map((g) => [g.name, g.stories.map((s) => s.id)])).toEqual([
      ['Parole and release', [2]],
      ['Courts and sentencing', [3, 4, 1]],
    ]);
    expect(c).toMatchObject({ storyCount: 4, empty: false });
  });

  it('is empty with neither stories nor releases; a release alone is worth sending', () => {
    expect(composeDigest({ topics: ['parole'], stories: [], releases: [], topicNames: names })).toMatchObject({ empty: true, groups: [] });
    const r = composeDigest({ topics: ['parole'], stories: [], releases: [{ id: 1, subject: 'Union responds', slug: 'x', sentAt: new Date() }], topicNames: names });
    expect(r.empty).toBe(false);
  });

  it('lists at most MAX_PER_TOPIC a topic and MAX_STORIES in all, counting the rest', () => {
    const topics = ['parole', 'courts', 'prisons', 'probation', 'youth-justice'];
    const many = topics.flatMap((t, i) => Array.from({ length: 12 }, (_, j) => story(100 * i + j, [t], 12 - j)));
    const c = composeDigest({ topics, stories: many, releases: [], topicNames: names });
    expect(c.storyCount).toBe(60);
    expect(c.groups.map((g) => [g.stories.length, g.more])).toEqual([[MAX_PER_TOPIC, 4], [8, 4], [8, 4], [MAX_STORIES - 24, 12 - (MAX_STORIES - 24)], [0, 12]]);
    expect(c.groups[0]!.stories.map((s) => s.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]); // the widest covered
  });
});
