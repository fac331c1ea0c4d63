// `npm run bench -- tag [items] [--rounds N]`: items/s of the compiled matcher with 10, 100 and 1,000 synthesised rules and
// with the shipped pack, over 10,000 items (the dev set's headlines and summaries repeated when
// ../shared/eval/dev.jsonl is present, else text synthesised from a vocabulary). Baseline, same run: each rule
// tested on its own with regular expressions (one per term, proximity as a bounded regex), fields stripped once.
import { existsSync, readFileSync } from 'node:fs';
import type { ItemText } from '../src/domain/types.ts';
import { tag } from '../src/pipeline/tag.ts';
import { compileRules } from '../src/rules/compile.ts';
import { shippedRulePack } from '../src/rules/pack.ts';
import { parseQuery } from '../src/rules/query.ts';
import { loadRuleSet } from '../src/rules/ruleset.ts';
import { type Field, fieldText, fold, tokens } from '../src/rules/text.ts';
import type { QueryNode, RuleSet } from '../src/rules/types.ts';

const args = process.argv.slice(2);
const flag = args.indexOf('--rounds');
const ROUNDS = flag >= 0 ? Number(args[flag + 1]) : 7;
const N = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--rounds') ?? 10_000);
const DEV = new URL('../../shared/eval/dev.jsonl', import.meta.url);

// A seeded generator so every run measures the same rules and items.
let seed = 42;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x80000000;
};
const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;

let base: ItemText[];
if (existsSync(DEV)) {
  base = readFileSync(DEV, 'utf8').trim().split('\n').map((l) => {
    const o = JSON.parse(l);
    return { id: o.id, title: o.title, summary: o.summary, url: o.link, source: o.source };
  });
  console.log(`items: ${N} from ../shared/eval/dev.jsonl (${base.length} distinct, repeated)`);
} else {
  const vocab = 'prison probation court jail officer staff strike pay service justice minister report inspection inmates release parole board family youth custody sentence judge council police city week plan new year people government school hospital water train road house market'.split(' ');
  const sentence = (n: number) => Array.from({ length: n }, () => pick(vocab)).join(' ');
  base = Array.from({ length: 2000 }, (_, i) => ({ id: `s${i}`, title: sentence(12), summary: `<p>${sentence(30)}</p>`, url: `https://news.test/${i}` }));
  console.log(`items: ${N} synthesised from a ${vocab.length}-word vocabulary (no ../shared/eval/dev.jsonl)`);
}
const items = Array.from({ length: N }, (_, i) => ({ ...base[i % base.length]!, id: String(i) }));

// Rule vocabulary: the items' words of more than 3 letters between frequency ranks 200 and 20,000 (keyword
// rules name topic words, not "said" or "police"); the table shows how often the rules then fire.
const freq = new Map<string, number>();
for (const it of base) for (const w of tokens(`${it.title} ${it.summary ?? ''}`)) if (w.length > 3) freq.set(fold(w), (freq.get(fold(w)) ?? 0) + 1);
const words = [...freq].sort((a, b) => b[1] - a[1]).slice(200, 20_000).map(([w]) => w);

function synthQuery(): string {
  const r = rnd();
  if (r < 0.3) return `${pick(words)} OR ${pick(words)} OR ${pick(words)}`;
  if (r < 0.5) return `"${pick(words)} ${pick(words)}" OR ${pick(words).slice(0, 5)}*`;
  if (r < 0.75) return `(${pick(words)} OR ${pick(words)}) NEAR/4 ${pick(words)}`;
  return `title:(${pick(words)} OR ${pick(words)}) AND ${pick(words)} NOT ${pick(words)}`;
}
const synth = (n: number): RuleSet => ({
  exclude: [],
  topics: Array.from({ length: 10 }, (_, t) => ({ id: `t${t}`, name: `T${t}`, rules: Array.from({ length: n / 10 }, (_, r) => ({ id: `r${r}`, query: synthQuery() })), exclude: [] })),
});

// Baseline: each rule evaluated alone with regular expressions over the stripped fields.
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const termSource = (words: string[]) => words.map((w) => (w.endsWith('*') ? `${esc(w.slice(0, -1))}[\\p{L}\\p{N}]*` : esc(w))).join('[^\\p{L}\\p{N}]+');
type Test = (f: Record<Field, string>, mask: Field[]) => boolean;
function regexRule(n: QueryNode, fields: Field[] = ['title', 'summary', 'body']): Test {
  switch (n.type) {
    case 'term': {
      const re = new RegExp(`(?<![\\p{L}\\p{N}])${termSource(n.words)}(?![\\p{L}\\p{N}])`, n.caseSensitive ? 'u' : 'iu');
      return (f) => fields.some((k) => re.test(f[k]));
    }
    case 'and': {
      const c = n.children.map((x) => regexRule(x, fields));
      return (f, m) => c.every((t) => t(f, m));
    }
    case 'or': {
      const c = n.children.map((x) => regexRule(x, fields));
      return (f, m) => c.some((t) => t(f, m));
    }
    case 'not': {
      const c = regexRule(n.child, fields);
      return (f, m) => !c(f, m);
    }
    case 'field':
      return regexRule(n.child, n.fields);
    case 'near': {
      const side = (s: typeof n.left) => (s.type === 'term' ? [s] : (s.children as { words: string[] }[])).map((t) => termSource(t.words)).join('|');
      const gap = `(?:[^\\p{L}\\p{N}]+[\\p{L}\\p{N}]+){0,${n.distance}}[^\\p{L}\\p{N}]+`;
      const [a, b] = [side(n.left), side(n.right)];
      const src = n.ordered ? `(?:${a})${gap}(?:${b})` : `(?:${a})${gap}(?:${b})|(?:${b})${gap}(?:${a})`;
      const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${src})(?![\\p{L}\\p{N}])`, 'iu');
      return (f) => fields.some((k) => re.test(f[k]));
    }
  }
}
function baseline(rs: RuleSet): (item: ItemText) => number {
  const rules = rs.topics.flatMap((t) => t.rules.map((r) => regexRule(parseQuery(r.query))));
  return (item) => {
    const f = { title: fieldText(item, 'title'), summary: fieldText(item, 'summary'), body: fieldText(item, 'body'), source: fieldText(item, 'source'), url: fieldText(item, 'url') };
    let hits = 0;
    for (const r of rules) if (r(f, [])) hits++;
    return hits;
  };
}

// Regex baseline: one timed pass after a warm-up (it is 100x slower; its figure is a scale, not a target).
function rate(fn: (item: ItemText) => unknown, list = items): number {
  for (let i = 0; i < Math.min(200, list.length); i++) fn(list[i]!);
  const t0 = performance.now();
  for (const it of list) fn(it);
  return list.length / ((performance.now() - t0) / 1000);
}
const fmt = (x: number) => Math.round(x).toLocaleString('en-GB').padStart(9);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const spread = (xs: number[], f: (x: number) => string) => `${f(Math.min(...xs)).trim()}–${f(Math.max(...xs)).trim()}`;

// The matchers: the shipped pack and 10, 100, 1,000 synthesised rules.
const pack = loadRuleSet(shippedRulePack()).ruleSet;
const packRules = pack.topics.reduce((n, t) => n + t.rules.length + t.exclude.length, pack.exclude.length);
const sets = [10, 100, 1000].map((n) => ({ n, rs: synth(n) }));
const configs = [{ name: 'pack', m: compileRules(pack) }, ...sets.map(({ n, rs }) => ({ name: String(n), m: compileRules(rs) }))];

// Matcher timing on a shared, loaded machine: ROUNDS rounds, each one pass over all items per matcher, the
// matchers interleaved (in a rotating order) so that load changes hit all of them alike. A pass is timed in
// CPU time (process.cpuUsage), not wall time: items per CPU-second is the "one core" figure, and waiting for a
// core another process holds does not count. Each figure is the median of its rounds, with the range; the
// 1,000-vs-10 ratio is taken within each round, then its median.
for (const c of configs) for (let i = 0; i < 1000; i++) tag(c.m, items[i % items.length]!);
const rates = configs.map(() => [] as number[]);
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < configs.length; k++) {
    const ci = (k + round) % configs.length;
    const m = configs[ci]!.m;
    const c0 = process.cpuUsage();
    for (const it of items) tag(m, it);
    const cpu = process.cpuUsage(c0);
    rates[ci]!.push(items.length / ((cpu.user + cpu.system) / 1e6));
  }
}
const packRates = rates[0]!;
console.log(`shipped pack (${packRules} rules and excludes): ${fmt(median(packRates))} items per CPU-second, median of ${ROUNDS} rounds (range ${spread(packRates, fmt)}; target >= 20,000)`);

const rows = sets.map(({ n, rs }, i) => {
  const m = configs[i + 1]!.m;
  const regex = rate(baseline(rs), n === 1000 ? items.slice(0, 300) : n === 100 ? items.slice(0, 3000) : items);
  const fired = items.slice(0, 2000).reduce((k, it) => k + tag(m, it).matches.length, 0) / 2000;
  const r = rates[i + 1]!;
  return { n, matcher: median(r), range: spread(r, fmt), regex, fired };
});
console.log('rules   matches/item   matcher items/CPU-s (median, range)   regex baseline items/s   matcher vs baseline');
for (const r of rows) console.log(`${String(r.n).padStart(5)}   ${r.fired.toFixed(2).padStart(12)}   ${fmt(r.matcher)} (${r.range.padEnd(16)})       ${fmt(r.regex)}              ${(r.matcher / r.regex).toFixed(1)}x`);
const ratios = rates[1]!.map((x, i) => x / rates[3]![i]!);
const costRe = rows[0]!.regex / rows[2]!.regex;
console.log(`cost of 1,000 rules vs 10: matcher ${median(ratios).toFixed(2)}x, median of ${ROUNDS} per-round ratios (range ${spread(ratios, (x) => x.toFixed(2))}; target <= 2x), regex baseline ${costRe.toFixed(1)}x`);
