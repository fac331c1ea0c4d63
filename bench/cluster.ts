// `npm run bench -- cluster [items]`: clusters 50,000 items synthesised from tests/fixtures/cluster (each
// fixture story copied with its names, places and numbers swapped and words dropped, spread over 180 days,
// plus one-item noise stories) and prints items/s against a naive baseline measured in the same run: exact
// all-pairs shingle Jaccard over a 2,000-item sample, extrapolated. Also: pairwise precision/recall on the
// fixtures, and MinHash vs SimHash vs exact Jaccard as the text signal (why the signature is a MinHash).
import { readFileSync } from 'node:fs';
import type { ItemText } from '../src/domain/types.ts';
import { bandKeys, clusterBatch, signature } from '../src/pipeline/cluster.ts';
import { hash32, jaccard, shingles } from '../src/pipeline/cluster/minhash.ts';
import { pairwise } from '../src/pipeline/cluster/pairwise.ts';
import { similarity } from '../src/pipeline/cluster/similarity.ts';
import { COMMON, fold, names, stemmed, term, terms } from '../src/pipeline/cluster/text.ts';
import { stripHtml } from '../src/pipeline/text.ts';

type Fx = ItemText & { story: string };
const load = (name: string): Fx[] =>
  readFileSync(new URL(`../tests/fixtures/cluster/${name}.jsonl`, import.meta.url), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const N = Number(process.argv[2] ?? 50_000);
const fixtures = { stories: load('stories'), holdout: load('holdout') };
const all = [...fixtures.stories, ...fixtures.holdout];
const labels = (items: Fx[]) => new Map(items.map((i) => [i.id, i.story]));
const pct = (x: number) => x.toFixed(3);

// 1. Quality on the fixtures.
console.log('pairwise precision / recall on the fixtures (default thresholds)');
for (const [name, items] of Object.entries(fixtures)) {
  const r = pairwise(labels(items), clusterBatch(items));
  console.log(`  ${name.padEnd(8)} ${items.length} items, ${new Set(items.map((i) => i.story)).size} stories: P ${pct(r.precision)}  R ${pct(r.recall)}  F1 ${pct(r.f1)}`);
}

// 2. The text signal: exact shingle Jaccard vs its MinHash estimate vs SimHash, as same-story classifiers.
const textShingles = (i: ItemText) => {
  const rest = [i.summary, i.body].filter(Boolean).join('\n');
  const t = terms(stripHtml(i.title));
  const x = terms(stripHtml(rest)).slice(0, 400);
  return shingles(x.length ? [...t, '\u0000', ...x] : t, COMMON);
};
function simhash(set: Set<number>): [number, number] {
  const v = new Int32Array(64);
  for (const h of set) {
    const lo = h;
    const hi = hash32(String(h));
    for (let b = 0; b < 32; b++) {
      v[b]! += (lo >>> b) & 1 ? 1 : -1;
      v[b + 32]! += (hi >>> b) & 1 ? 1 : -1;
    }
  }
  let lo = 0;
  let hi = 0;
  for (let b = 0; b < 32; b++) {
    if (v[b]! > 0) lo |= 1 << b;
    if (v[b + 32]! > 0) hi |= 1 << b;
  }
  return [lo, hi];
}
const popcount = (x: number) => {
  let c = 0;
  for (let y = x >>> 0; y; y &= y - 1) c++;
  return c;
};
const sets = all.map(textShingles);
const sigs = all.map((i) => signature(i));
const sims = sets.map(simhash);
const keys = sigs.map((s) => new Set(bandKeys(s)));
const pairs: { same: boolean; exact: number; mh: number; sh: number; score: number; band: boolean; anyKey: boolean }[] = [];
for (let a = 0; a < all.length; a++) {
  for (let b = a + 1; b < all.length; b++) {
    let inter = 0;
    for (const x of sets[a]!) if (sets[b]!.has(x)) inter++;
    const union = sets[a]!.size + sets[b]!.size - inter;
    const shared = [...keys[a]!].filter((k) => keys[b]!.has(k));
    pairs.push({
      same: all[a]!.story === all[b]!.story,
      exact: union ? inter / union : 0,
      mh: jaccard(sigs[a]!.minhash, sigs[b]!.minhash),
      sh: 1 - (popcount(sims[a]![0] ^ sims[b]![0]) + popcount(sims[a]![1] ^ sims[b]![1])) / 64,
      score: similarity(sigs[a]!, sigs[b]!).score,
      band: shared.some((k) => k.startsWith('m')),
      anyKey: shared.length > 0,
    });
  }
}
function bestF1(key: 'exact' | 'mh' | 'sh' | 'score') {
  const xs = pairs.map((p) => ({ s: p[key], same: p.same })).sort((x, y) => y.s - x.s);
  const total = xs.filter((x) => x.same).length;
  let tp = 0;
  let best = { f1: 0, t: 0 };
  xs.forEach((x, i) => {
    if (x.same) tp++;
    const last = i + 1 === xs.length || xs[i + 1]!.s < x.s;
    const f1 = (2 * tp) / (i + 1 + total);
    if (last && f1 > best.f1) best = { f1, t: x.s };
  });
  return best;
}
const overlapping = pairs.filter((p) => p.exact > 0);
const mae = overlapping.reduce((s, p) => s + Math.abs(p.mh - p.exact), 0) / overlapping.length;
const samePairs = pairs.filter((p) => p.same);
console.log(`\ntext signal as a same-story pair classifier (${pairs.length} fixture pairs, ${samePairs.length} same-story); best F1 over thresholds:`);
for (const [k, label] of [['exact', 'exact shingle Jaccard'], ['mh', 'MinHash-64 estimate'], ['sh', 'SimHash-64 (1 - Hamming/64)'], ['score', 'full score (text + names + title)']] as const) {
  const b = bestF1(k);
  console.log(`  ${label.padEnd(34)} F1 ${pct(b.f1)} at ${pct(b.t)}`);
}
console.log(`  MinHash-64 mean absolute error vs exact Jaccard, over the ${overlapping.length} pairs with any shared shingle: ${pct(mae)}`);
console.log(`candidate lookup recall (same-story pairs sharing a key): MinHash bands ${pct(samePairs.filter((p) => p.band).length / samePairs.length)}, bands + title terms ${pct(samePairs.filter((p) => p.anyKey).length / samePairs.length)}`);

// 3. Speed on N synthesised items.
let seed = 0x2545f491;
const rnd = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
const SYL = ['ash', 'bur', 'cal', 'dun', 'el', 'fen', 'gar', 'hol', 'ing', 'kel', 'lan', 'mor', 'nor', 'ot', 'pen', 'ros', 'stan', 'tor', 'wen', 'wick', 'by', 'ton', 'ley', 'ham', 'field', 'worth'];
const fakeName = () => {
  const w = pick(SYL) + pick(SYL) + pick(SYL) + (rnd() < 0.5 ? pick(SYL) : ''); // ~10^5 names, as in real news
  return w[0]!.toUpperCase() + w.slice(1);
};
const stories = new Map<string, Fx[]>();
for (const i of all) stories.set(i.story, [...(stories.get(i.story) ?? []), i]);
const storyList = [...stories.values()];
const storyNames = new Map([...stories].map(([k, items]) => [k, new Set(items.flatMap((i) => [...names(i.title, [i.summary, i.body].join('\n'))]))]));
const VOCAB = 'prison probation court officer staff inspection report violence drugs pay strike union council family judge sentence review release escape hospital safety budget housing police minister plan warning figures record rise fall delay backlog tag licence youth custody'.split(' ');
const SPAN_MS = 180 * 86_400_000;
const T0 = Date.parse('2025-01-01T00:00:00Z');

// A copy is a different story: names, places and numbers swapped, and half of its other words too (one
// substitution per copy, so the copy's own outlets still agree with each other); editors cut a few words.
const STOPS = new Set(terms('the a an of to in on at by for from with and or but is are was were be been has have had will would said says it its this that'));
function vary(text: string | undefined, swap: Map<string, string>, known: Set<string>): string | undefined {
  if (!text) return text;
  return text.replace(/[\p{L}\p{N}][\p{L}\p{N}'’.,]*/gu, (w) => {
    const core = w.replace(/[.,]+$/, '');
    const tail = w.slice(core.length);
    const t = stemmed(term(fold(core)));
    if (/^\d/.test(core)) {
      if (!swap.has(t)) swap.set(t, String(Math.floor(rnd() * 90_000) + 10));
      return swap.get(t)! + tail;
    }
    if (known.has(t)) {
      if (!swap.has(t)) swap.set(t, fakeName());
      return swap.get(t)! + tail;
    }
    if (rnd() < 0.04) return tail.trim(); // an editor's cut
    if (STOPS.has(t) || t.length < 3) return w;
    if (!swap.has(t)) swap.set(t, rnd() < 0.5 ? core : fakeName().toLowerCase());
    const out = swap.get(t)!;
    return (/^\p{Lu}/u.test(core) ? out[0]!.toUpperCase() + out.slice(1) : out) + tail;
  });
}

const synth: Fx[] = [];
let copy = 0;
while (synth.length < N) {
  if (rnd() < 0.25) {
    const t = T0 + rnd() * SPAN_MS;
    // Noise: one-item stories in the sector's words, names and a long tail of other words.
    const words = Array.from({ length: 8 + Math.floor(rnd() * 14) }, () => {
      const r = rnd();
      return r < 0.2 ? fakeName() : r < 0.5 ? pick(VOCAB) : fakeName().toLowerCase();
    });
    synth.push({ id: `noise-${synth.length}`, story: `noise-${synth.length}`, title: words.slice(0, 8).join(' '), summary: words.join(' '), published: new Date(t).toISOString() });
    continue;
  }
  const base = pick(storyList);
  const swap = new Map<string, string>();
  const start = T0 + rnd() * SPAN_MS;
  const t0 = Math.min(...base.map((i) => Date.parse(i.published!)));
  copy++;
  for (const i of base) {
    if (synth.length >= N || rnd() < 0.15) continue; // not every outlet runs every story
    const known = storyNames.get(i.story)!;
    synth.push({
      ...i,
      id: `c${copy}-${i.id}`,
      story: `c${copy}`,
      title: vary(i.title, swap, known)!,
      summary: vary(i.summary, swap, known),
      body: vary(i.body, swap, known),
      published: new Date(start + (Date.parse(i.published!) - t0) + rnd() * 3_600_000).toISOString(),
    });
  }
}

const time = (fn: () => void) => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};
time(() => clusterBatch(synth.slice(0, 2000))); // warm up the JIT
let got = new Map<string, string>();
const batchMs = time(() => {
  got = clusterBatch(synth);
});
const sigMs = time(() => {
  for (const i of synth) signature(i);
});
const stress = pairwise(labels(synth), got);

// Baseline: exact all-pairs Jaccard over shingle sets, 2,000 items, extrapolated by the square of the count.
const sample = synth.slice(0, 2000);
let baseMs = 0;
baseMs = time(() => {
  const s = sample.map(textShingles);
  let hits = 0;
  for (let a = 0; a < s.length; a++) {
    for (let b = a + 1; b < s.length; b++) {
      let inter = 0;
      for (const x of s[a]!) if (s[b]!.has(x)) inter++;
      if (inter / (s[a]!.size + s[b]!.size - inter) > 0.3) hits++;
    }
  }
  if (hits < 0) console.log(hits);
});
const naiveMs = baseMs * (synth.length / sample.length) ** 2;
// A fairer naive: all pairs within the 72 h window only (items sorted by time), same per-pair cost.
const times = synth.map((i) => Date.parse(i.published!)).sort((a, b) => a - b);
let windowPairs = 0;
for (let a = 0, lo = 0; a < times.length; a++) {
  while (times[a]! - times[lo]! > 72 * 3_600_000) lo++;
  windowPairs += a - lo;
}
const perPairMs = baseMs / ((sample.length * (sample.length - 1)) / 2);

console.log(`\n${synth.length} synthesised items (${copy} story copies + noise) over 180 days`);
console.log(`  clusterBatch: ${(batchMs / 1000).toFixed(2)} s = ${Math.round(synth.length / (batchMs / 1000))} items/s (signatures alone: ${Math.round(synth.length / (sigMs / 1000))} items/s)`);
console.log(`  baseline, exact all-pairs Jaccard: ${baseMs.toFixed(0)} ms for 2,000 items -> ${(naiveMs / 1000).toFixed(0)} s for ${synth.length} (x${(naiveMs / batchMs).toFixed(0)} slower than clusterBatch)`);
console.log(`  baseline, exact Jaccard over the ${windowPairs} pairs within 72 h: ~${((windowPairs * perPairMs) / 1000).toFixed(1)} s (x${((windowPairs * perPairMs) / batchMs).toFixed(1)} slower)`);
console.log(`  stress P/R on the synthesised set (each copy of a fixture story, with other names and words, is a story of its own): P ${pct(stress.precision)}  R ${pct(stress.recall)}`);
