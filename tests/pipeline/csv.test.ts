import { describe, expect, it } from 'vitest';
import type { StoryHit } from '../../src/domain/types.ts';
import { storiesCsv } from '../../src/pipeline/csv.ts';

const t = new Date('2025-03-10T07:00:00Z');
const story = (headline: string, titles: string[]): StoryHit => ({
  storyId: 4, headline, headlineUrl: null, topics: ['prisons'], firstSeen: t, lastSeen: t, sourceCount: 2, itemCount: titles.length, matched: titles.length,
  items: titles.map((title, i) => ({ id: i + 1, title, url: i ? `https://x/${i + 1}` : null, source: i ? 'PA' : 'BBC', time: t })),
});

describe('storiesCsv', () => {
  it('writes one row per matched item under its story', () => {
    expect(storiesCsv([story('=cmd', ['A', 'B, too'])]).split('\r\n')).toEqual([
      'story,headline,topics,first_seen,last_seen,sources,items,item,title,source,time,url',
      "4,'=cmd,prisons,2025-03-10T07:00:00.000Z,2025-03-10T07:00:00.000Z,2,2,1,A,BBC,2025-03-10T07:00:00.000Z,",
      "4,'=cmd,prisons,2025-03-10T07:00:00.000Z,2025-03-10T07:00:00.000Z,2,2,2,\"B, too\",PA,2025-03-10T07:00:00.000Z,https://x/2",
      '',
    ]);
  });

  it('defuses spreadsheet formulas and quotes what needs quoting', () => {
    const cells: [string, string][] = [
      ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
      ['+1', "'+1"],
      ['-2', "'-2"],
      ['@SUM(A1)', "'@SUM(A1)"],
      ['\tx', "'\tx"],
      ['Probation, prisons', '"Probation, prisons"'],
      ['plain', 'plain'],
    ];
    for (const [title, cell] of cells) {
      const T = '2025-03-10T07:00:00.000Z';
      expect(storiesCsv([story('h', [title])]).split('\r\n')[1]).toBe(`4,h,prisons,${T},${T},2,1,1,${cell},BBC,${T},`);
    }
  });
});
