// The relevance model's parts: features (the same under a growing and a frozen vocabulary), storing and
// loading, thresholds and their fold guard, learning on top of a prior, the activation guard, explanations.
import { describe, expect, it } from 'vitest';
import type { ModelMetrics } from '../../../src/domain/relevance.ts';
import { accept } from '../../../src/pipeline/relevance/accept.ts';
import { describe as describeTerms } from '../../../src/pipeline/relevance/describe.ts';
import { FeatureSet, features } from '../../../src/pipeline/relevance/features.ts';
import { learn } from '../../../src/pipeline/relevance/learn.ts';
import { loadModel, storeModel } from '../../../src/pipeline/relevance/model.ts';
import { score } from '../../../src/pipeline/relevance/score.ts';
import { type Scored, chooseThresholds } from '../../../src/pipeline/relevance/thresholds.ts';
import { Vocabulary, stemOf } from '../../../src/pipeline/relevance/vocabulary.ts';
import { tag } from '../../../src/pipeline/tag.ts';
import { TOPICS, TRAINING, item, labelled, matcher } from './synthetic.ts';

const names = (v: Vocabulary, fs: FeatureSet) => Array.from(fs.ids.subarray(0, fs.size), (f) => v.names[f]!).sort();

describe('features', () => {
  const it1 = { id: '1', title: 'Texas sheriff: Prison officers’ pay in Leeds, Café', summary: '<p>The Crown Court &amp; HMPPS said</p>', url: 'https://www.bbc.co.uk/news/uk-politics-59871075?x=1' };

  it('reads words, title words, phrases, cues, the host, URL sections and the rules', () => {
    const v = new Vocabulary();
    const fs = new FeatureSet();
    features(v, it1, tag(matcher, it1), fs);
    const got = names(v, fs);
    expect(got).toEqual(expect.arrayContaining(['w:prison', 'T:prison', 'b:prison offic', 'w:cafe', 'w:hmpps', 'b:crown court', 'c:uk-place', 'c:foreign-place', 'c:uk-institution', 'c:us-legal', 'h:bbc.co.uk', 'u:news', 'u:uk', 'u:politics', 't:prisons', 't:courts', 'r:prisons/prison-word']));
    // Stop words and numbers are not words; the slug-like query string is not a section.
    expect(got.some((n) => n === 'w:the' || n === 'w:59871075' || n === 'u:x')).toBe(false);
  });

  it('gives a frozen vocabulary the features it knows, and nothing it does not', () => {
    const grown = new Vocabulary();
    const fs = new FeatureSet();
    features(grown, it1, tag(matcher, it1), fs);
    const all = names(grown, fs);
    const known = all.filter((n, i) => i % 2 === 0 && !n.startsWith('c:'));
    const frozen = Vocabulary.of(known);
    features(frozen, it1, tag(matcher, it1), fs);
    // Every vocabulary knows the cue groups (a model without a weight for one gives it 0).
    expect(names(frozen, fs)).toEqual([...known, ...all.filter((n) => n.startsWith('c:'))].sort());
    expect(frozen.size).toBe(Vocabulary.of(known).size);
  });

  it('keeps every word and phrase apart once its tables have grown past their first size', () => {
    // 6,000 made-up words in 600 items of ten: more spellings than the token table's first 4,096 slots and more
    // phrases than the pair table's first 1,024; every word and phrase must come back as itself.
    const word = (n: number) => `zq${n.toString(36)}x`;
    const items = Array.from({ length: 600 }, (_, i) => ({ id: `g${i}`, title: Array.from({ length: 10 }, (_, j) => word(10 * i + j)).join(' '), url: 'https://example.org/a' }));
    const none = { topics: [], matches: [], excluded: [] };
    const grown = new Vocabulary();
    const fs = new FeatureSet();
    for (const x of items) features(grown, x, none, fs);
    const frozen = Vocabulary.of(grown.names);
    for (const v of [grown, frozen]) {
      for (const i of [0, 299, 599]) {
        features(v, items[i]!, none, fs);
        const got = names(v, fs);
        const w = Array.from({ length: 10 }, (_, j) => stemOf(word(10 * i + j))!);
        expect(got.filter((n) => n.startsWith('w:'))).toEqual(w.map((x) => `w:${x}`).sort());
        expect(got.filter((n) => n.startsWith('b:'))).toEqual(w.slice(1).map((x, j) => `b:${w[j]} ${x}`).sort());
      }
    }
  });

  it('names the rules’ features by their topic and rule, the same on every item', () => {
    const v = new Vocabulary();
    const fs = new FeatureSet();
    const rules = { topics: ['prisons'], matches: [{ topic: 'prisons', rule: 'prison-word', terms: [] }], excluded: [{ topic: '', rule: 'foreign', terms: [] }] };
    for (let i = 0; i < 2; i++) {
      features(v, { id: `${i}`, title: 'x' }, rules, fs);
      expect(names(v, fs)).toEqual(['r:prisons/prison-word', 't:prisons', 'x:*/foreign']);
    }
    features(v, { id: '2', title: 'x' }, { topics: [], matches: [], excluded: [] }, fs);
    expect(names(v, fs)).toEqual(['t:-']);
  });
});

describe('storing a model', () => {
  it('loads what it stored: the same probabilities within the rounding', () => {
    const { model } = learn(labelled(TRAINING), { topics: TOPICS });
    const m = loadModel(model);
    expect(storeModel(m)).toEqual(model);
    const x = item('uk-prison', 500).item;
    const fs = new FeatureSet();
    features(m.vocab, x, tag(matcher, x), fs);
    const p = score(m, fs.ids, fs.size);
    expect(p[0]).toBeGreaterThan(0.5);
    expect(p[1]! / p[0]!).toBeGreaterThan(0.5);
    // Topic heads are the topic given relevance: never above the relevance.
    for (let h = 1; h < p.length; h++) expect(p[h]).toBeLessThanOrEqual(p[0]!);
  });
});

describe('chooseThresholds', () => {
  const opts = { folds: 2, minGain: 0.002, minPositives: 4, minBetterFolds: 1 };
  const row = (ruled: boolean, p: number, gold: boolean, fold: number): Scored => ({ ruled, p, gold, fold });

  it('vetoes low-probability hits of the rules when that helps in every fold', () => {
    const rows = [0, 1].flatMap((f) => [row(true, 0.9, true, f), row(true, 0.8, true, f), row(true, 0.7, true, f), row(true, 0.02, false, f), row(false, 0.01, false, f)]);
    const got = chooseThresholds(rows, opts);
    expect(got.thresholds.veto).toBeGreaterThan(0.02);
    expect(got.thresholds.veto).toBeLessThanOrEqual(0.7);
    expect(got.counts).toEqual({ tp: 6, fp: 0, fn: 0 });
    expect(got.rules).toEqual({ tp: 6, fp: 2, fn: 0 });
  });

  it('takes no action when it would hurt one fold, however much it helps the other', () => {
    const rows = [
      ...[row(true, 0.9, true, 0), row(true, 0.9, true, 0), row(true, 0.1, false, 0), row(true, 0.1, false, 0), row(true, 0.1, false, 0)],
      ...[row(true, 0.9, true, 1), row(true, 0.1, true, 1), row(true, 0.1, true, 1), row(true, 0.9, false, 1)],
    ];
    expect(chooseThresholds(rows, opts).thresholds).toEqual({ veto: 0, rescue: 1 });
  });

  it('takes no action on a topic with too few positives', () => {
    const rows = [0, 1].flatMap((f) => [row(true, 0.9, true, f), row(true, 0.02, false, f)]);
    expect(chooseThresholds(rows, opts).thresholds).toEqual({ veto: 0, rescue: 1 });
  });

  it('rescues only above even odds', () => {
    const rows = [0, 1].flatMap((f) => [row(true, 0.9, true, f), row(true, 0.9, true, f), row(false, 0.45, true, f), row(false, 0.45, true, f), row(false, 0.3, false, f)]);
    expect(chooseThresholds(rows, opts).thresholds).toEqual({ veto: 0, rescue: 1 });
    const higher = rows.map((r) => (!r.ruled && r.gold ? { ...r, p: 0.8 } : r));
    expect(chooseThresholds(higher, opts).thresholds.rescue).toBeGreaterThanOrEqual(0.5);
    expect(chooseThresholds(higher, opts).counts).toEqual({ tp: 8, fp: 0, fn: 0 });
  });
});

describe('learning on top of a prior', () => {
  it('keeps the prior where the new items say nothing, and its thresholds when they are too few to choose', () => {
    const prior = learn(labelled(TRAINING), { topics: TOPICS }).model;
    const few = labelled({ 'uk-prison': 6, other: 6 }, 2000);
    const next = learn(few, { topics: TOPICS, prior }).model;
    expect(next.thresholds).toEqual(prior.thresholds);
    // A feature only the prior knows keeps its weights exactly.
    const only = Object.keys(prior.terms).find((k) => k.startsWith('w:sheriff'))!;
    expect(next.terms[only]).toEqual(prior.terms[only]);
    // The new items' features moved, but not far.
    const moved = Object.keys(prior.terms).filter((k) => next.terms[k] && next.terms[k]!.some((w, h) => Math.abs(w - prior.terms[k]![h]!) > 0.001));
    expect(moved.length).toBeGreaterThan(0);
    for (const k of moved) for (let h = 0; h < 3; h++) expect(Math.abs(next.terms[k]![h]! - prior.terms[k]![h]!)).toBeLessThan(1);
  });
});

describe('accept', () => {
  const m = (rules: [number, number, number], model: [number, number, number]): ModelMetrics => ({
    folds: 4,
    examples: 10,
    rules: { relevant: { tp: 5, fp: 1, fn: 1 }, prisons: { tp: rules[0], fp: rules[1], fn: rules[2] }, courts: { tp: 0, fp: 0, fn: 0 } },
    model: { relevant: { tp: 5, fp: 1, fn: 1 }, prisons: { tp: model[0], fp: model[1], fn: model[2] }, courts: { tp: 0, fp: 0, fn: 0 } },
  });
  it('activates a model that lowers neither precision nor F1, and says why not otherwise', () => {
    expect(accept(m([8, 2, 2], [8, 1, 2]))).toBeNull();
    expect(accept(m([8, 2, 2], [9, 3, 1]))).toMatch(/^not activated: it lowered the precision of prisons \(0\.750 against the rules' 0\.800\)$/);
    expect(accept(m([8, 2, 2], [6, 1, 4]))).toMatch(/lowered the F1 of prisons/);
  });
});

describe('describe', () => {
  it('reads features in the item\'s own words', () => {
    const x = { id: '1', title: 'Prison Officers strike in Texas', summary: 'Overcrowded jails.' };
    expect(describeTerms(['w:prison', 'T:offic', 'b:prison offic', 'c:foreign-place', 'h:bbc.co.uk', 'u:world', 't:-', 't:prisons', 'r:prisons/jail', 'x:*/foreign', 'w:absent'], x)).toEqual([
      'Prison', 'Officers', '“Prison Officers”', 'place abroad', 'source bbc.co.uk', 'URL section “world”', 'no topic by the rules', "the rules' topic prisons", 'rule prisons/jail', 'exclude foreign', 'absent',
    ]);
  });
});
