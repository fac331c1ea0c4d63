import { describe, expect, it } from 'vitest';
import { pickHeadline, sourceTier } from '../../src/pipeline/headline.ts';

describe('sourceTier', () => {
  it.each([
    ['gov.uk', 'official'],
    ['https://www.gov.uk/government/news/caseload-limits', 'official'],
    ['https://www.justiceinspectorates.gov.uk/hmiprisons/', 'official'],
    ['HM Inspectorate of Probation', 'official'],
    ['https://www.judiciary.uk/guidance', 'official'],
    ['BBC News (top stories)', 'national'],
    ['The Guardian', 'national'],
    ['https://www.theguardian.com/society/probation', 'national'],
    ['The Times', 'national'],
    ['The Telegraph', 'national'],
    ['PA Media', 'national'],
    ['Sky News', 'national'],
    ['Lancashire Telegraph', 'other'],
    ['Derbyshire Times', 'other'],
    ['Independent Monitoring Board', 'other'],
    ['https://www.fake-gov.uk.example.com/news', 'other'],
    ['Inside Time', 'other'],
    [undefined, 'other'],
  ] as const)('%s -> %s', (source, tier) => {
    expect(sourceTier(source)).toBe(tier);
  });
});

describe('pickHeadline', () => {
  const story = [
    { id: 'echo', source: 'Liverpool Echo', published: '2025-05-06T07:00:00Z' },
    { id: 'bbc', source: 'BBC News', published: '2025-05-06T08:30:00Z' },
    { id: 'guardian', source: 'The Guardian', published: '2025-05-06T08:00:00Z' },
    { id: 'hmip', source: 'HM Inspectorate of Prisons', published: '2025-05-06T09:00:00Z' },
  ];

  it('puts the official source first even when it published last', () => {
    expect(pickHeadline(story)).toBe('hmip');
  });

  it('then the earliest national outlet ahead of an earlier regional paper', () => {
    expect(pickHeadline(story.filter((i) => i.id !== 'hmip'))).toBe('guardian');
  });

  it('then the earliest item; undated items lose to dated ones, ties go to the smaller id', () => {
    expect(pickHeadline([{ id: 'b', source: 'Bristol Post' }, { id: 'c', source: 'Somerset Live', published: '2025-05-26T15:00:00Z' }])).toBe('c');
    expect(pickHeadline([{ id: 'z', published: '2025-05-26T15:00:00Z' }, { id: 'a', published: '2025-05-26T15:00:00Z' }])).toBe('a');
  });

  it('an editor-set priority overrides the tier, up or down', () => {
    expect(pickHeadline([...story.slice(0, 3), { ...story[0]!, id: 'echo-pinned', sourcePriority: 5 }, story[3]!])).toBe('echo-pinned');
    expect(pickHeadline([story[1]!, { ...story[3]!, sourcePriority: 0 }])).toBe('bbc');
  });

  it('refuses an empty story with a hint', () => {
    expect(() => pickHeadline([])).toThrow(/^headline: .*pass the story's items/);
  });
});
