// Newsroom formats around the news (src/pipeline/cluster/format.ts), on titles written for these tests.
import { describe, expect, it } from 'vitest';
import { cleanText, cleanTitle, isStandalone } from '../../src/pipeline/cluster/format.ts';

describe('isStandalone', () => {
  it.each([
    'Politics live: ministers questioned on prison places',
    'UK politics live – latest updates',
    'Tottenham v Arsenal: Premier League – live!',
    'LIVE: road closed after crash on the M60',
    'LIVE updates as crews tackle moorland fire',
    'Moravia war latest: ceasefire talks resume in Geneva',
    'Morning briefing: what to expect from the spending review',
    'Tuesday evening news briefing: strike ballot result due',
    'The probation crisis, explained – podcast',
    'Crystal Palace hold their nerve – Football Weekly',
    'A flooded village and a royal visit: photos of the day',
    "Snow in the Pennines: Wednesday's best photos",
    'Week in pictures: 3 - 9 March',
    'Tell us: have you waited more than a year for a court date?',
    'Prisons need more than new wings | Letters',
    'The Grand National 2030: start time and TV channel',
    'Grand National 2030 tips, latest odds and best bets',
    'How to watch the Six Nations on TV',
    'How much tax will I pay on my pension?',
    'The best new children’s books to buy for Easter',
  ])('a roundup or service piece: %s', (title) => {
    expect(isStandalone(title)).toBe(true);
  });

  it.each([
    'Live music venues close as energy costs soar',
    'Prison officer stabbed at HMP Northbridge',
    'Tesco to buy rival chain in £1bn deal',
    'Boy survives fall against the odds',
    'Where prisoners live: a week inside an open prison',
  ])('news of one event: %s', (title) => {
    expect(isStandalone(title)).toBe(false);
  });

  it('reads the format from the address where a feed puts it there', () => {
    expect(isStandalone('Ceasefire talks resume', 'https://news.example.org/world/live/2030/mar/12/talks')).toBe(true);
    expect(isStandalone('Ceasefire talks resume', 'https://news.example.org/world/2030/mar/12/talks')).toBe(false);
  });
});

describe('cleanTitle and cleanText', () => {
  it('drops a byline or column name and reads US as the country', () => {
    expect(cleanTitle('Prisons are full because we made them so | Jo Bloggs')).toBe('Prisons are full because we made them so');
    expect(cleanTitle('US and UK agree prisoner swap')).toBe('USA and UK agree prisoner swap');
  });

  it('drops the related-link labels and reading prompts a feed repeats under every item', () => {
    const text = 'Ministers agreed the package. Moravia war: latest updates See all our coronavirus coverage Continue reading...';
    expect(cleanText(text).replace(/\s+/g, ' ').trim()).toBe('Ministers agreed the package.');
  });
});
