import { describe, expect, it } from 'vitest';
import type { TopicSighting } from '../../src/domain/digests.ts';
import { pickDigestStories } from '../../src/pipeline/digest-stories.ts';

const at = (h: number) => new Date(Date.UTC(2026, 2, 2, h));
const seen = (storyId: number, topic: string, h: number): TopicSighting => ({ storyId, topic, firstAt: at(h) });
const all = () => true;

describe('pickDigestStories', () => {
  const sightings = [
    seen(1, 'parole', 1), // before the window
    seen(1, 'courts', 5), // the same story gains a topic inside it: not news again
    seen(2, 'parole', 5),
    seen(3, 'prisons', 6), // not a subscribed topic
    seen(4, 'courts', 10), // the cut-off itself counts
    seen(5, 'courts', 11), // after the cut-off: the next digest's
    seen(6, 'parole', 7),
    seen(6, 'courts', 1), // first seen with courts before the window
  ];

  it('takes the stories first seen with a subscribed topic in (since, cutoff], oldest first', () => {
    expect(pickDigestStories(['parole', 'courts'], sightings, { since: at(2), cutoff: at(10) }, all)).toEqual([2, 4]);
  });

  it('judges each subscriber by their own topics', () => {
    expect(pickDigestStories(['courts'], sightings, { since: at(2), cutoff: at(10) }, all)).toEqual([1, 4]);
    expect(pickDigestStories(['parole'], sightings, { since: at(2), cutoff: at(10) }, all)).toEqual([2, 6]);
    expect(pickDigestStories(['prisons'], sightings, { since: at(2), cutoff: at(10) }, all)).toEqual([3]);
  });

  it('a chain of windows shows every story exactly once', () => {
    const topics = ['parole', 'courts'];
    const cuts = [0, 2, 4, 6, 8, 10, 12].map(at);
    const shown = cuts.slice(1).flatMap((cutoff, i) => pickDigestStories(topics, sightings, { since: cuts[i]!, cutoff }, all));
    expect(shown.sort()).toEqual([1, 2, 4, 5, 6]);
  });

  it('leaves out stories no longer relevant by the active rules', () => {
    expect(pickDigestStories(['parole', 'courts'], sightings, { since: at(2), cutoff: at(10) }, (id) => id !== 2)).toEqual([4]);
  });
});
