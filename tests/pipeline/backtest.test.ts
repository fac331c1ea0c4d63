import { describe, expect, it } from 'vitest';
import type { ItemText } from '../../src/domain/types.ts';
import { backtest } from '../../src/pipeline/backtest.ts';
import { tag } from '../../src/pipeline/tag.ts';
import { compileRules } from '../../src/rules/compile.ts';
import type { RuleSet } from '../../src/rules/types.ts';

const rules = (prisons: string, extra: Partial<RuleSet> = {}): RuleSet => ({
  exclude: [],
  topics: [
    { id: 'prisons', name: 'Prisons', rules: [{ id: 'prison', query: prisons }], exclude: [] },
    { id: 'courts', name: 'Courts', rules: [{ id: 'court', query: 'court' }], exclude: [] },
  ],
  ...extra,
});

const items: ItemText[] = [
  { id: '1', title: 'Prison officers strike', summary: 'Staff at HMP Leeds walked out', published: '2026-11-01T00:00:00Z' },
  { id: '2', title: 'Jail overcrowding', body: 'The jail in Leeds is full, a court heard.', published: '2026-11-02T00:00:00Z' },
  { id: '3', title: 'Football results', body: 'Leeds won.', published: '2026-11-03T00:00:00Z' },
  { id: '4', title: 'Prison break film <b>review</b>', body: '<p>A film about a prison break &amp; a jail.</p>', published: '2026-11-04T00:00:00Z' },
];

describe('backtest', () => {
  it('finds the items that gain and lose a topic, with marked snippets', () => {
    const bt = backtest(rules('prison*'), rules('(prison* OR jail) NOT "prison break"'));
    bt.add(items.slice(0, 2));
    bt.add(items.slice(2));
    const r = bt.result();
    expect(r).toMatchObject({ scanned: 4, gainedCount: 1, lostCount: 1, byTopic: [{ topic: 'prisons', gained: 1, lost: 1 }] });
    // item 3 holds none of the changed rule's words: never tagged.
    expect(r.tagged).toBe(3);
    expect(r.gained.map((c) => [c.id, c.before, c.after, c.gained])).toEqual([['2', ['courts'], ['prisons', 'courts'], ['prisons']]]);
    expect(r.lost.map((c) => [c.id, c.lost])).toEqual([['4', ['prisons']]]);
    const title = r.gained[0]!.snippets.find((s) => s.field === 'title')!;
    expect(title.parts).toEqual([{ text: 'Jail', mark: true }, { text: ' overcrowding', mark: false }]);
    // Snippets are of the stripped text: no markup, entities decoded (templates escape it again).
    const body = r.lost[0]!.snippets.find((s) => s.field === 'body')!;
    expect(body.parts.map((p) => p.text).join('')).toBe(' A film about a prison break & a jail. ');
    expect(body.parts.filter((p) => p.mark).map((p) => p.text)).toEqual(['prison']);
  });

  it('agrees with tagging every item twice, including excludes, NEAR and removed topics', () => {
    const words = 'prison jail court judge leeds hmp parole film break officers the a'.split(' ');
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const many: ItemText[] = Array.from({ length: 400 }, (_, i) => ({
      id: String(i),
      title: Array.from({ length: 6 }, () => words[Math.floor(rnd() * words.length)]).join(' '),
      body: Array.from({ length: 30 }, () => words[Math.floor(rnd() * words.length)]).join(' '),
    }));
    const cases: [RuleSet, RuleSet][] = [
      [rules('prison*'), rules('prison* OR jail')],
      [rules('prison*'), rules('prison*', { exclude: [{ id: 'film', query: 'film NEAR/2 break' }] })],
      [rules('prison* NOT film'), rules('prison* NOT (film OR break)')],
      [rules('prison*'), rules('prison*', { topics: [] })], // every topic removed
      [rules('prison* AND judge'), rules('"prison officers" AND (leeds OR hmp) NOT film')],
      [rules('prison*', { exclude: [{ id: 'x', query: 'film' }] }), rules('prison*', { exclude: [{ id: 'x', query: 'film NEAR/1 break' }] })],
    ];
    for (const [a, b] of cases) {
      const bt = backtest(a, b, { limit: 1000 });
      bt.add(many);
      const r = bt.result();
      const ma = compileRules(a);
      const mb = compileRules(b);
      const expected = many.filter((it) => tag(ma, it).topics.join() !== tag(mb, it).topics.join()).map((it) => it.id).sort();
      const got = [...new Set([...r.gained, ...r.lost].map((c) => c.id))].sort();
      expect(got).toEqual(expected);
      expect(expected.length).toBeGreaterThan(0);
    }
  });

  it('screens folded text: accents and case in the item never hide a match', () => {
    const bt = backtest(rules('prison*'), rules('prison* OR cafe OR "dépôt central"'));
    bt.add([
      { id: '1', title: 'Un CAFÉ près du tribunal' },
      { id: '2', title: 'Le DEPOT Central rouvre' },
      { id: '3', title: 'Cafeteria closes' },
    ]);
    expect(bt.result().gained.map((c) => c.id).sort()).toEqual(['1', '2']);
  });

  it('tags nothing when the rules did not change', () => {
    const bt = backtest(rules('prison*'), rules('prison*'));
    bt.add(items);
    expect(bt.result()).toMatchObject({ scanned: 4, tagged: 0, gainedCount: 0, lostCount: 0 });
  });

  it('keeps the newest changes up to the limit but counts them all', () => {
    const bt = backtest(rules('prison*'), rules('prison* OR jail'), { limit: 2 });
    bt.add(Array.from({ length: 10 }, (_, i) => ({ id: String(i), title: 'jail', published: `2026-11-${String(10 + i)}T00:00:00Z` })));
    const r = bt.result();
    expect(r.gainedCount).toBe(10);
    expect(r.gained.map((c) => c.id)).toEqual(['9', '8']);
    // limit 0 only counts (the rules editor's hits per row): the same counts, per topic too, and no lists.
    const counts = backtest(rules('prison*'), rules('jail NOT prison*'), { limit: 0 });
    counts.add(Array.from({ length: 10 }, (_, i) => ({ id: String(i), title: i % 3 ? 'jail' : 'prison' })));
    expect(counts.result()).toMatchObject({ gainedCount: 6, lostCount: 4, byTopic: [{ topic: 'prisons', gained: 6, lost: 4 }], gained: [], lost: [] });
  });

  it('an added global exclude only loses topics, and the topic lists come from the one tagging', () => {
    const a = rules('prison*');
    const b = rules('prison*', { exclude: [{ id: 'film', query: 'film OR football' }] });
    const bt = backtest(a, b);
    expect(bt.screen).toEqual({ nothing: false, words: "('film' | 'football')" });
    bt.add(items);
    const r = bt.result();
    expect(r).toMatchObject({ gainedCount: 0, lostCount: 1, byTopic: [{ topic: 'prisons', gained: 0, lost: 1 }] });
    expect(r.lost[0]).toMatchObject({ id: '4', before: ['prisons'], after: [], lost: ['prisons'] });
    expect(r.lost[0]!.matches).toEqual(tag(compileRules(a), items[3]!).matches);
  });

  it('a title-scoped change reads and tags only items holding its words; source: terms need nothing', () => {
    const bt = backtest(rules('prison*'), rules('prison* OR title:(jail AND overcrowd*)'));
    // The old query or the new one.
    expect(bt.screen.words).toBe("('prison':* | ('prison':* | ('jail' & 'overcrowd':*)))");
    bt.add(items);
    expect(bt.result().gained.map((c) => c.id)).toEqual(['2']);
    expect(backtest(rules('prison*'), rules('prison* OR source:bbc')).screen).toEqual({ nothing: false, words: null });
    expect(backtest(rules('prison*'), rules('prison*')).screen).toEqual({ nothing: true, words: null });
  });
});
