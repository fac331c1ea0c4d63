// The matcher on crafted texts: what each construct matches and what it must not, exclusions, explanations.
import { describe, expect, it } from 'vitest';
import type { ItemText } from '../../src/domain/types.ts';
import { tag } from '../../src/pipeline/tag.ts';
import { compileRules } from '../../src/rules/compile.ts';
import { evaluate } from '../../src/rules/evaluate.ts';
import { fieldText } from '../../src/rules/text.ts';
import type { RuleSet } from '../../src/rules/types.ts';

/** A matcher with one topic "t" holding one rule "r" with this query. */
const one = (query: string) => compileRules({ exclude: [], topics: [{ id: 't', name: 'T', rules: [{ id: 'r', query }], exclude: [] }] });
const hits = (query: string, item: Partial<ItemText>) => tag(one(query), { id: 'x', title: '', ...item }).relevant;

describe('tag: words, wildcards, phrases, case', () => {
  it('matches whole words only, in any case and with accents folded', () => {
    expect(hits('prison', { title: 'PRISON officers' })).toBe(true);
    expect(hits('prison', { title: 'Prisons inspected' })).toBe(false);
    expect(hits('prison', { title: 'imprisonment' })).toBe(false);
    expect(hits('cafe', { title: 'The Café prison' })).toBe(true);
    expect(hits('café', { title: 'the CAFE' })).toBe(true);
    expect(hits('prisoner', { title: "the prisoner's appeal" })).toBe(true);
  });

  it('matches prefixes with a wildcard, including the bare prefix', () => {
    expect(hits('probat*', { title: 'Probationer and probation' })).toBe(true);
    expect(hits('probat*', { title: 'probat' })).toBe(true);
    expect(hits('probat*', { title: 'approbation' })).toBe(false);
  });

  it('matches phrases as adjacent words in order, not across clause punctuation', () => {
    expect(hits('"approved premises"', { summary: 'living in Approved  Premises now' })).toBe(true);
    expect(hits('"approved premises"', { summary: 'premises approved' })).toBe(false);
    expect(hits('"approved premises"', { summary: 'approved the new premises' })).toBe(false);
    expect(hits('"family court"', { summary: 'protect her family, court hears' })).toBe(false);
    expect(hits('"family court"', { summary: 'family (court)' })).toBe(false);
    expect(hits('"family court"', { summary: 'the family-court judge' })).toBe(true);
    expect(hits('"prison offic*"', { title: 'Prison officials said' })).toBe(true);
    expect(hits('url:"bbc co uk"', { url: 'https://www.bbc.co.uk/news/uk-1' })).toBe(true);
  });

  it('respects case with case:', () => {
    expect(hits('case:POA', { title: 'The POA said' })).toBe(true);
    expect(hits('case:POA', { title: 'the poa said' })).toBe(false);
    expect(hits('case:POA', { title: 'Poa' })).toBe(false);
    expect(hits('case:"OMiC"', { title: 'OMiC model' })).toBe(true);
    expect(hits('case:"OMiC"', { title: 'OMIC model' })).toBe(false);
    expect(hits('omic', { title: 'OMiC model' })).toBe(true);
  });
});

describe('tag: boolean and proximity', () => {
  it('AND, OR, NOT and juxtaposition', () => {
    expect(hits('prison officer', { title: 'officer at the prison' })).toBe(true);
    expect(hits('prison AND officer', { title: 'prison gates' })).toBe(false);
    expect(hits('prison OR jail', { title: 'jail' })).toBe(true);
    expect(hits('prison NOT ukraine', { title: 'prison in Ukraine' })).toBe(false);
    expect(hits('prison NOT ukraine', { title: 'prison in Wales' })).toBe(true);
    expect(hits('(a OR b) NOT (c OR d)', { title: 'b d' })).toBe(false);
  });

  it('NEAR respects the distance, in either order, within one field', () => {
    const q = 'prison NEAR/2 staff';
    expect(hits(q, { title: 'prison staff' })).toBe(true);
    expect(hits(q, { title: 'staff at the prison' })).toBe(true);
    expect(hits(q, { title: 'prison has many new staff' })).toBe(false);
    expect(hits(q, { title: 'prison', summary: 'staff' })).toBe(false);
    expect(hits('prison NEAR/0 staff', { title: 'prison staff' })).toBe(true);
    expect(hits('prison NEAR/0 staff', { title: 'prison and staff' })).toBe(false);
    expect(hits('(jail OR prison) NEAR/1 "probation service"', { title: 'the jail and probation service' })).toBe(true);
    expect(hits('prison NEAR/3 prison', { title: 'prison' })).toBe(false);
  });

  it('ONEAR respects order', () => {
    expect(hits('recalled ONEAR/2 prison', { title: 'recalled to prison' })).toBe(true);
    expect(hits('recalled ONEAR/2 prison', { title: 'prison recalled' })).toBe(false);
  });

  it('field scopes limit where terms count; no scope means title, summary and body', () => {
    expect(hits('title:prison', { summary: 'prison' })).toBe(false);
    expect(hits('title:prison', { title: 'prison' })).toBe(true);
    expect(hits('body:(prison OR jail)', { body: '<p>jail</p>' })).toBe(true);
    expect(hits('prison', { body: 'prison' })).toBe(true);
    expect(hits('prison', { source: 'Prison News', url: 'https://x.test/prison' })).toBe(false);
    expect(hits('source:guardian', { source: 'The Guardian' })).toBe(true);
    expect(hits('url:sport', { url: 'https://www.bbc.co.uk/sport/1' })).toBe(true);
    expect(hits('title:prison summary:staff', { title: 'prison', summary: 'staff' })).toBe(true);
  });

  it('never matches inside tags or attributes, and decodes entities first', () => {
    expect(hits('probation', { body: '<a href="https://x.test/probation" title="probation">link</a>' })).toBe(false);
    expect(hits('probation', { body: '<img alt="probation">' })).toBe(false);
    expect(hits('"prison probation"', { title: 'Prison &amp; Probation' })).toBe(true);
    expect(hits('cafe', { title: 'Caf&eacute;' })).toBe(true);
  });
});

describe('tag: topics, exclusions and explanations', () => {
  const ruleSet: RuleSet = {
    exclude: [{ id: 'sport', query: 'url:sport' }],
    topics: [
      { id: 'probation', name: 'Probation', rules: [{ id: 'word', query: 'probation' }], exclude: [{ id: 'job', query: '"probation period"' }] },
      { id: 'workforce', name: 'Workforce', rules: [{ id: 'pay', query: '(probation OR prison) NEAR/3 (pay OR strike*)' }], exclude: [] },
    ],
  };
  const m = compileRules(ruleSet);

  it('gives each topic whose rule matches, in rule-set order, and relevant = at least one topic', () => {
    const r = tag(m, { id: '1', title: 'Probation staff <em>strike</em> over pay' });
    expect(r).toMatchObject({ id: '1', relevant: true, topics: ['probation', 'workforce'] });
    expect(tag(m, { id: '2', title: 'Weather' })).toEqual({ id: '2', relevant: false, topics: [], matches: [], excluded: [] });
  });

  it('a topic exclude withholds only that topic; a global exclude withholds all', () => {
    const job = tag(m, { id: '3', title: 'Prison strike as probation period ends' });
    expect(job.topics).toEqual(['workforce']);
    expect(job.excluded).toEqual([{ topic: 'probation', rule: 'job', terms: [{ field: 'title', start: 17, end: 33, text: 'probation period' }] }]);
    const sport = tag(m, { id: '4', title: 'Probation strike', url: 'https://news.test/sport/1' });
    expect(sport.relevant).toBe(false);
    expect(sport.excluded.map((e) => `${e.topic}/${e.rule}`)).toEqual(['/sport']);
  });

  it('explains each match with character offsets into the stripped field text', () => {
    const item = { id: '5', title: 'New <b>probation</b> pay deal', summary: 'The prison &amp; probation staff strike.' };
    const r = tag(m, item);
    expect(r.matches).toEqual([
      { topic: 'probation', rule: 'word', terms: [{ field: 'title', start: 4, end: 13, text: 'probation' }, { field: 'summary', start: 13, end: 22, text: 'probation' }] },
      {
        topic: 'workforce',
        rule: 'pay',
        terms: [
          { field: 'title', start: 4, end: 13, text: 'probation' },
          { field: 'title', start: 14, end: 17, text: 'pay' },
          { field: 'summary', start: 4, end: 10, text: 'prison' },
          { field: 'summary', start: 13, end: 22, text: 'probation' },
          { field: 'summary', start: 29, end: 35, text: 'strike' },
        ],
      },
    ]);
    for (const match of r.matches) for (const t of match.terms) expect(fieldText(item, t.field).slice(t.start, t.end)).toBe(t.text);
  });

  it('leaves out rules that do not parse and says which', () => {
    const bad = compileRules({ exclude: [], topics: [{ id: 't', name: 'T', rules: [{ id: 'a', query: 'pr*' }, { id: 'b', query: 'prison' }], exclude: [] }] });
    expect(bad.skipped).toEqual([{ topic: 't', rule: 'a', message: expect.stringMatching(/^query: a wildcard needs/) }]);
    expect(tag(bad, { id: '1', title: 'prison' }).topics).toEqual(['t']);
  });

  it('gives the same answers however many unrelated rules share the matcher', () => {
    const many: RuleSet = { exclude: [], topics: [...ruleSet.topics, { id: 'noise', name: 'Noise', rules: Array.from({ length: 500 }, (_, i) => ({ id: `n${i}`, query: `word${i} NEAR/2 other${i}` })), exclude: [] }] };
    const big = compileRules(many);
    const item = { id: '6', title: 'Probation pay row: word7 and other7' };
    expect(tag(big, item).topics).toEqual(['probation', 'workforce', 'noise']);
    expect(tag(big, item).matches.filter((x) => x.topic !== 'noise')).toEqual(tag(m, item).matches);
  });

  it('indexes each rule under terms it needs, never under a term it forbids', () => {
    const rs: RuleSet = {
      exclude: [],
      topics: [{ id: 't', name: 'T', rules: [
        { id: 'and-not', query: 'prison AND staff NOT ukraine' },
        { id: 'or', query: 'jail OR (court NEAR/2 backlog)' },
        { id: 'not-first', query: 'NOT sport AND (parole OR recall)' },
      ], exclude: [] }],
    };
    const mm = compileRules(rs);
    const triggered = (word: string) => {
      const t = mm.terms.findIndex((atoms) => atoms.length === 1 && mm.atomsOf(word).includes(atoms[0]!));
      return (mm.rulesByTrigger[t] ?? []).map((r) => mm.rules[r]!.id);
    };
    expect(triggered('ukraine')).toEqual([]);
    expect(triggered('sport')).toEqual([]);
    expect(triggered('prison').concat(triggered('staff'))).toEqual(['and-not']);
    expect(triggered('jail')).toEqual(['or']);
    expect(triggered('court').concat(triggered('backlog'))).toEqual(['or']);
    expect(triggered('parole')).toEqual(['not-first']);
    expect(triggered('recall')).toEqual(['not-first']);
    expect(tag(mm, { id: '1', title: 'Ukraine prison staff' }).topics).toEqual([]);
    expect(tag(mm, { id: '2', title: 'Parole hearing, no sport' }).topics).toEqual([]);
    expect(tag(mm, { id: '3', title: 'Court backlog grows' }).matches[0]!.rule).toBe('or');
  });

  it('explains an evaluation correctly after the matcher has evaluated other items', () => {
    const first = evaluate(m, { id: 'a', title: 'Probation pay talks' });
    const second = evaluate(m, { id: 'b', title: '', summary: 'A prison strike, no probation news' });
    expect(first.explain(first.fired[0]!)).toEqual([{ field: 'title', start: 0, end: 9, text: 'Probation' }]);
    expect(second.explain(second.fired[0]!)).toEqual([{ field: 'summary', start: 20, end: 29, text: 'probation' }]);
    expect(first.explain(first.fired[1]!)).toEqual([
      { field: 'title', start: 0, end: 9, text: 'Probation' },
      { field: 'title', start: 10, end: 13, text: 'pay' },
    ]);
  });
});

describe('tag: topics and excludes over many rule sets', () => {
  // The definition, written plainly: a topic is given when one of its rules fired and none of its excludes nor
  // a global exclude did; an exclude is reported when it withheld something (global: some topic's rule fired;
  // a topic's: one of that topic's rules fired). tag() gets there in one pass over the fired rules.
  function reference(m: ReturnType<typeof compileRules>, item: ItemText) {
    const ev = evaluate(m, item);
    const rules = ev.fired.map((r) => ({ r, ...m.rules[r]! }));
    const topicOf = (t: number) => (t < 0 ? '' : m.topics[t]!.id);
    const hitTopics = new Set(rules.filter((x) => !x.exclude).map((x) => x.topic));
    const global = rules.some((x) => x.exclude && x.topic < 0);
    const blocked = new Set(rules.filter((x) => x.exclude).map((x) => x.topic));
    const given = [...hitTopics].filter((t) => !global && !blocked.has(t)).sort((a, b) => a - b);
    return {
      id: item.id,
      relevant: given.length > 0,
      topics: given.map(topicOf),
      matches: given.flatMap((t) => rules.filter((x) => x.topic === t && !x.exclude).map((x) => ({ topic: topicOf(t), rule: x.id, terms: ev.explain(x.r) }))),
      excluded: hitTopics.size ? rules.filter((x) => x.exclude && (x.topic < 0 || hitTopics.has(x.topic))).map((x) => ({ topic: topicOf(x.topic), rule: x.id, terms: ev.explain(x.r) })) : [],
    };
  }

  it('gives what the definition gives, on random rule sets and items', () => {
    let seed = 11;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return seed % n;
    };
    const vocab = ['prison', 'probation', 'court', 'staff', 'pay', 'strike', 'youth', 'family', 'judge', 'sport'];
    const word = () => vocab[rnd(vocab.length)]!;
    let compared = 0;
    let withExcluded = 0;
    for (let s = 0; s < 40; s++) {
      const rs: RuleSet = {
        exclude: Array.from({ length: rnd(2) }, (_, i) => ({ id: `g${i}`, query: `${word()} AND ${word()}` })),
        topics: Array.from({ length: 2 + rnd(4) }, (_, t) => ({
          id: `t${t}`,
          name: `T${t}`,
          rules: Array.from({ length: 1 + rnd(3) }, (_, r) => ({ id: `r${r}`, query: rnd(2) ? word() : `${word()} OR ${word()}` })),
          exclude: Array.from({ length: rnd(2) }, (_, e) => ({ id: `x${e}`, query: `${word()} AND ${word()}` })),
        })),
      };
      const m = compileRules(rs);
      for (let i = 0; i < 25; i++) {
        const item = { id: `${s}-${i}`, title: Array.from({ length: 2 + rnd(5) }, word).join(' ') };
        const got = tag(m, item);
        expect(got, `${JSON.stringify(rs)} / ${item.title}`).toEqual(reference(m, item));
        compared++;
        if (got.excluded.length) withExcluded++;
      }
    }
    expect(compared).toBe(1000);
    expect(withExcluded).toBeGreaterThan(50);
  });
});
