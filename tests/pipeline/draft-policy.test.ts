import { describe, expect, it } from 'vitest';
import type { DraftPolicy } from '../../src/domain/drafts.ts';
import { refuseEarly, shouldDraft, sourceKind } from '../../src/pipeline/draft-policy.ts';
import { ukClock } from '../../src/pipeline/uk-clock.ts';

const policy = (over: Partial<DraftPolicy> = {}): DraftPolicy => ({
  topic: 'probation', enabled: true, minSources: 1, sourceKinds: ['official', 'inspectorate'], quietStart: null, quietEnd: null,
  maxPerHour: 3, deadlineMinutes: 30, expireHours: 12, template: null, ...over,
});
const gov = { category: null, url: 'https://www.gov.uk/government/organisations/probation-service.atom' };
const blog = { category: null, url: 'https://probationmatters.blogspot.com/feeds' };
const NOON_BST = new Date('2026-07-01T11:00:00Z'); // 12:00 in London
const story = (sources = [gov], topics = ['probation'], sourceCount = sources.length) => ({ topics, sourceCount, sources });
const one = (p: DraftPolicy) => new Map([[p.topic, p]]);

describe('draft policy', () => {
  it('reads the UK wall clock across summer time', () => {
    expect(ukClock(new Date('2026-07-01T11:00:00Z'))).toEqual({ weekday: 3, minute: 12 * 60 });
    expect(ukClock(new Date('2026-01-04T23:30:00Z'))).toEqual({ weekday: 0, minute: 23 * 60 + 30 });
  });

  it('infers source kinds from the address when a source has no category', () => {
    expect(sourceKind(gov)).toBe('official');
    expect(sourceKind({ category: null, url: 'https://www.justiceinspectorates.gov.uk/hmiprobation/feed/' })).toBe('inspectorate');
    expect(sourceKind(blog)).toBeNull();
    expect(sourceKind({ category: 'campaign', url: 'https://www.gov.uk/x' })).toBe('campaign');
  });

  it('drafts a story with an official source in an enabled topic', () => {
    expect(shouldDraft(story(), one(policy()), new Map(), NOON_BST)).toMatchObject({ draft: true, topic: 'probation' });
  });

  it('says why not: no topic, disabled, too few sources, wrong kinds, quiet hours, rate', () => {
    const no = (s: ReturnType<typeof story>, p: DraftPolicy, counts = new Map<string, number>(), now = NOON_BST) => {
      const d = shouldDraft(s, one(p), counts, now);
      return d.draft ? 'drafted' : d.reason;
    };
    expect(no(story([gov], []), policy())).toBe('the story has no topic');
    expect(no(story(), policy({ enabled: false }))).toMatch(/off for probation/);
    expect(no(story(), policy({ minSources: 2 }))).toMatch(/needs 2 sources, the story has 1/);
    expect(no(story([blog]), policy())).toMatch(/official or inspectorate/);
    expect(no(story([blog]), policy({ sourceKinds: [] }))).toBe('drafted');
    expect(no(story(), policy({ quietStart: 22 * 60, quietEnd: 7 * 60 }), new Map(), new Date('2026-07-01T22:30:00Z'))).toMatch(/quiet hours .*22:00–07:00/);
    expect(no(story(), policy({ quietStart: 22 * 60, quietEnd: 7 * 60 }))).toBe('drafted');
    expect(no(story(), policy({ maxPerHour: 2 }), new Map([['probation', 2]]))).toMatch(/already had 2 drafts/);
  });

  it('drafts new stories only: one first seen more than 48 hours ago is left to a person', () => {
    const hours = (h: number) => new Date(NOON_BST.getTime() - h * 3_600_000);
    expect(shouldDraft({ ...story(), firstSeen: hours(47) }, one(policy()), new Map(), NOON_BST)).toMatchObject({ draft: true });
    expect(shouldDraft({ ...story(), firstSeen: hours(49) }, one(policy()), new Map(), NOON_BST)).toMatchObject({ draft: false, reason: expect.stringMatching(/more than 48 hours ago/) });
    // The same refusals without items or policies, for callers that skip loading them.
    expect(refuseEarly({ topics: ['probation'], firstSeen: hours(49) }, NOON_BST)).toMatch(/more than 48 hours ago/);
    expect(refuseEarly({ topics: [], firstSeen: hours(1) }, NOON_BST)).toBe('the story has no topic');
    expect(refuseEarly({ topics: ['probation'], firstSeen: hours(47) }, NOON_BST)).toBeUndefined();
  });

  it('takes the first topic whose policy allows it', () => {
    const ps = new Map([['prisons', policy({ topic: 'prisons', enabled: false })], ['probation', policy()]]);
    expect(shouldDraft(story([gov], ['prisons', 'probation']), ps, new Map(), NOON_BST)).toMatchObject({ draft: true, topic: 'probation' });
  });
});
