// The relevance model end to end on synthetic items: it learns to veto what the rules wrongly give and to rescue
// what they miss, explains each decision, respects each topic's mode, and learns the same model twice.
import { describe, expect, it } from 'vitest';
import type { TopicMode } from '../../../src/domain/relevance.ts';
import { judge } from '../../../src/pipeline/relevance/judge.ts';
import { learn } from '../../../src/pipeline/relevance/learn.ts';
import { loadModel } from '../../../src/pipeline/relevance/model.ts';
import { tag } from '../../../src/pipeline/tag.ts';
import { TOPICS, TRAINING, item, labelled, matcher } from './synthetic.ts';

const f1 = (c: { tp: number; fp: number; fn: number }) => (2 * c.tp) / (2 * c.tp + c.fp + c.fn);
const precision = (c: { tp: number; fp: number }) => c.tp / (c.tp + c.fp);
const learnt = learn(labelled(TRAINING), { topics: TOPICS });
const model = loadModel(learnt.model);
const all = (mode: TopicMode) => () => mode;

describe('learn', () => {
  it('learns thresholds for the topic the rules get wrong, and none where they are right', () => {
    const at = (t: string) => learnt.model.thresholds[learnt.model.heads.indexOf(t)]!;
    expect(learnt.model.heads).toEqual(['relevant', 'prisons', 'courts']);
    expect(at('prisons').veto).toBeGreaterThan(0);
    expect(at('prisons').rescue).toBeLessThan(1);
    expect(at('courts')).toEqual({ veto: 0, rescue: 1 });
  });

  it('measures itself cross-validated: better F1 than the rules on prisons, precision not lower anywhere', () => {
    const { rules, model: m } = learnt.metrics;
    expect(learnt.metrics).toMatchObject({ folds: 4, examples: 400 });
    expect(f1(m.prisons!)).toBeGreaterThan(f1(rules.prisons!) + 0.1);
    for (const head of ['relevant', 'prisons', 'courts']) expect(precision(m[head]!)).toBeGreaterThanOrEqual(precision(rules[head]!));
  });

  it('is deterministic: the same items give the same model', () => {
    expect(learn(labelled(TRAINING), { topics: TOPICS }).model).toEqual(learnt.model);
  });
});

describe('judge', () => {
  // Items the model never saw (numbered past the training set).
  const abroad = item('abroad-prison', 1000).item;
  const missed = item('missed-prison', 1000).item;

  it('vetoes a prison story from abroad and explains it with the terms that weighed', () => {
    const j = judge(model, abroad, tag(matcher, abroad), all('apply'));
    expect(tag(matcher, abroad).topics).toEqual(['prisons']);
    expect(j.topics).toEqual([]);
    expect(j.decisions).toMatchObject([{ topic: 'prisons', action: 'veto', applied: true }]);
    const d = j.decisions[0]!;
    expect(d.probability).toBeLessThan(learnt.model.thresholds[1]!.veto);
    expect(d.terms.length).toBeGreaterThan(0);
    expect(d.terms.every((t) => t.weight < 0)).toBe(true);
    // The words as the item spells them, and cue groups in words.
    expect(d.terms.map((t) => t.term).join(' ')).toMatch(/sheriff|inmates|place abroad|County|Texas|URL section “world”/);
  });

  it('rescues a UK prison story the rules miss', () => {
    const j = judge(model, missed, tag(matcher, missed), all('apply'));
    expect(tag(matcher, missed).topics).toEqual([]);
    expect(j.topics).toEqual(['prisons']);
    expect(j.decisions).toMatchObject([{ topic: 'prisons', action: 'rescue', applied: true }]);
    expect(j.decisions[0]!.terms.every((t) => t.weight > 0)).toBe(true);
  });

  it('per topic mode: "suggest" records the decision and keeps the rules\' topics; "rules" asks nothing', () => {
    const suggested = judge(model, abroad, tag(matcher, abroad), all('suggest'));
    expect(suggested.topics).toEqual(['prisons']);
    expect(suggested.decisions).toMatchObject([{ topic: 'prisons', action: 'veto', applied: false }]);
    expect(judge(model, abroad, tag(matcher, abroad), all('rules'))).toEqual({ topics: ['prisons'], decisions: [] });
    // Another topic's mode does not matter.
    expect(judge(model, abroad, tag(matcher, abroad), (t) => (t === 'courts' ? 'rules' : 'apply')).topics).toEqual([]);
  });

  it('leaves alone what the rules get right', () => {
    for (const kind of ['uk-prison', 'court', 'other'] as const) {
      const it = item(kind, 1001).item;
      const r = tag(matcher, it);
      expect(judge(model, it, r, all('apply'))).toEqual({ topics: r.topics, decisions: [] });
    }
  });
});
