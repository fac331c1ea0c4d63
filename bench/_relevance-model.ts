// The relevance model's part of `npm run bench -- relevance`: the rules alone against rules + model on the
// development set by repeated k-fold cross-validation (each item judged by a model learnt without it; the
// counts of every repeat added up), then the costs the issue bounds, each beside a baseline from the same run:
// learning from 10,000 labelled items (the development set resampled) from scratch and as the background
// retrain does it (with the shipped model as prior), against tagging those items with the rules; and
// classifying an item, against tagging it with the rules alone.
import type { Counts } from '../src/domain/relevance.ts';
import { judge } from '../src/pipeline/relevance/judge.ts';
import { type LabelledItem, learn } from '../src/pipeline/relevance/learn.ts';
import { loadModel } from '../src/pipeline/relevance/model.ts';
import { type TagResult, tag } from '../src/pipeline/tag.ts';
import type { Matcher } from '../src/rules/compile.ts';
import type { DevItem } from './_dev.ts';

const zero = (): Counts => ({ tp: 0, fp: 0, fn: 0 });
const precision = (c: Counts) => c.tp / (c.tp + c.fp || 1);
const recall = (c: Counts) => c.tp / (c.tp + c.fn || 1);
const f1 = (c: Counts) => (2 * c.tp) / (2 * c.tp + c.fp + c.fn || 1);
const prf = (c: Counts) => `P ${precision(c).toFixed(3)}  R ${recall(c).toFixed(3)}  F1 ${f1(c).toFixed(3)}`;
function add(c: Counts, pred: boolean, gold: boolean): void {
  if (pred && gold) c.tp++;
  else if (pred) c.fp++;
  else if (gold) c.fn++;
}

export async function benchModel(items: DevItem[], matcher: Matcher, opts: { repeats: number; folds: number; costs: boolean }): Promise<void> {
  const topics = matcher.topics.map((t) => t.id);
  const heads = ['relevant', ...topics];
  const tags = items.map((i) => tag(matcher, i));
  const labelled = (i: number): LabelledItem => ({ item: items[i]!, rules: tags[i]!, relevant: items[i]!.gold, topics: items[i]!.goldTopics });
  const goldOf = (i: number, h: string) => (h === 'relevant' ? items[i]!.gold : items[i]!.goldTopics.includes(h));
  const has = (topics: readonly string[], h: string) => (h === 'relevant' ? topics.length > 0 : topics.includes(h));

  console.log(`\nrules + relevance model, ${opts.repeats} × ${opts.folds}-fold cross-validation (counts of all repeats added):`);
  const rules = Object.fromEntries(heads.map((h) => [h, zero()]));
  const model = Object.fromEntries(heads.map((h) => [h, zero()]));
  const started = performance.now();
  for (let rep = 0; rep < opts.repeats; rep++) {
    const fold = (i: number) => (Math.imul(i + 7 + 92 * rep, 0x85ebca6b) >>> 0) % opts.folds;
    const decided: (readonly string[])[] = new Array(items.length);
    for (let k = 0; k < opts.folds; k++) {
      const m = loadModel(learn(items.flatMap((_, i) => (fold(i) === k ? [] : [labelled(i)])), { topics }).model);
      items.forEach((it, i) => {
        if (fold(i) === k) decided[i] = judge(m, it, tags[i]!, () => 'apply').topics;
      });
    }
    const line = heads.map((h) => {
      const r = zero();
      const m = zero();
      items.forEach((_, i) => {
        add(r, has(tags[i]!.topics, h), goldOf(i, h));
        add(m, has(decided[i]!, h), goldOf(i, h));
      });
      for (const k of ['tp', 'fp', 'fn'] as const) {
        rules[h]![k] += r[k];
        model[h]![k] += m[k];
      }
      const d = f1(m) - f1(r);
      return `${h} ${d >= 0 ? '+' : ''}${d.toFixed(3)}${precision(m) < precision(r) ? ' (P lower)' : ''}`;
    });
    console.log(`  repeat ${rep + 1}: F1 change ${line.join(', ')}`);
  }
  console.log(`  (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  console.log(`  ${''.padEnd(14)} ${'rules alone'.padEnd(34)} ${'rules + model'.padEnd(34)} F1 change`);
  for (const h of heads) {
    const r = rules[h]!;
    const m = model[h]!;
    const d = f1(m) - f1(r);
    const verdict = precision(m) < precision(r) ? 'precision LOWER' : d > 0 ? 'better' : d === 0 ? 'same (the model abstains)' : 'F1 LOWER';
    console.log(`  ${h.padEnd(14)} ${prf(r).padEnd(34)} ${prf(m).padEnd(34)} ${d >= 0 ? '+' : ''}${d.toFixed(3)} ${verdict}`);
  }

  if (!opts.costs) return;
  // Classifying: the rules alone, then the rules and the model (every topic in "apply"), rounds interleaved. The
  // fastest round of each: on a shared machine the others measure the neighbours (their spread is printed).
  const m = loadModel(learn(items.map((_, i) => labelled(i)), { topics }).model);
  // One mode function for every item, as tagging passes the model's: run through tsx, each arrow made in the
  // loop would cost a defineProperty (tsx keeps function names), measured as the model's.
  const apply = () => 'apply' as const;
  const rulesUs: number[] = [];
  const bothUs: number[] = [];
  let sink = 0;
  const ROUNDS = 15;
  let t = 0;
  for (let round = 0; round < ROUNDS; round++) {
    t = performance.now();
    for (const it of items) sink += tag(matcher, it).topics.length;
    rulesUs.push(((performance.now() - t) * 1000) / items.length);
    t = performance.now();
    for (const it of items) {
      const r: TagResult = tag(matcher, it);
      sink += judge(m, it, r, apply).topics.length;
    }
    bothUs.push(((performance.now() - t) * 1000) / items.length);
  }
  const [a, b] = [Math.min(...rulesUs), Math.min(...bothUs)];
  const spread = (xs: number[]) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
  console.log(`\nclassifying, µs per item (the fastest of ${ROUNDS} interleaved rounds over ${items.length} items; target: the model adds < 50 µs):`);
  console.log(`  rules alone ${a.toFixed(1)}  rules + model ${b.toFixed(1)}  added ${(b - a).toFixed(1)} µs (${(b / a).toFixed(2)}× the rules alone; rounds ranged ${spread(rulesUs)} and ${spread(bothUs)})`);
  if (sink < 0) console.log(sink); // keeps the loops' results alive

  // Learning from 10,000 labelled items: the development set resampled (a fixed pseudo-random pick).
  const N = 10_000;
  const pick = Array.from({ length: N }, (_, i) => (Math.imul(i + 1, 0x9e3779b1) >>> 0) % items.length);
  t = performance.now();
  for (const i of pick) tag(matcher, items[i]!);
  const tagMs = performance.now() - t;
  const many = pick.map(labelled);
  t = performance.now();
  const seed = learn(many, { topics });
  const scratchS = (performance.now() - t) / 1000;
  t = performance.now();
  learn(many, { topics, prior: seed.model });
  const priorS = (performance.now() - t) / 1000;
  console.log(`\nlearning from ${N.toLocaleString('en-GB')} labelled items (target < 30 s; baseline: tagging them with the rules, ${tagMs.toFixed(0)} ms):`);
  console.log(`  from scratch ${scratchS.toFixed(1)} s (${Math.round((scratchS * 1000) / tagMs)}× the rules' tagging); with the active model as prior (the retrain) ${priorS.toFixed(1)} s (${Math.round((priorS * 1000) / tagMs)}×)`);
}
