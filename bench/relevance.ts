// `npm run bench -- relevance [--rules FILE] [--half even|odd] [--verbose] [--show N] [--dev FILE]
//   [--rules-only] [--repeats N] [--folds K] [--no-costs]`: precision, recall and F1 of a rule pack (default: the shipped
// one) on ../shared/eval/dev.jsonl, for `relevant` and per topic, on all lines and separately on even and odd
// lines (tune on one half, check on the other: a gap means rules fit the items, not the rubric). --half limits
// the per-topic table and the listings to one half. --verbose lists the ids of the top false positives and
// negatives. Then (unless --rules-only) the rules alone against rules + the relevance model, cross-validated,
// with the model's training and classifying costs (bench/_relevance-model.ts). Skips when the file is absent.
import { readFileSync } from 'node:fs';
import { tag } from '../src/pipeline/tag.ts';
import { compileRules } from '../src/rules/compile.ts';
import { shippedRulePack } from '../src/rules/pack.ts';
import { formatProblem, loadRuleSet } from '../src/rules/ruleset.ts';
import { readDev } from './_dev.ts';
import { benchModel } from './_relevance-model.ts';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const verbose = args.includes('--verbose');
const show = Number(opt('--show') ?? 25);
const half = opt('--half');
if (half !== undefined && half !== 'even' && half !== 'odd') {
  console.error('relevance: --half takes even or odd');
  process.exit(2);
}

const items = readDev() as NonNullable<ReturnType<typeof readDev>>;
if (!items) {
  console.log('relevance: ../shared/eval/dev.jsonl is absent (or --dev FILE); nothing to measure (skipped)');
  process.exit(0);
}

const rulesFile = opt('--rules');
const { ruleSet, problems } = loadRuleSet(rulesFile ? readFileSync(rulesFile, 'utf8') : shippedRulePack(), rulesFile ?? 'uk-justice.yaml');
for (const p of problems) console.log(formatProblem(p));
const matcher = compileRules(ruleSet);
const t0 = performance.now();
const results = items.map((i) => tag(matcher, i));
const ms = performance.now() - t0;

interface Counts {
  tp: number;
  fp: number;
  fn: number;
}
const score = (c: Counts) => {
  const p = c.tp / (c.tp + c.fp || 1);
  const r = c.tp / (c.tp + c.fn || 1);
  return { p, r, f1: p + r ? (2 * p * r) / (p + r) : 0 };
};
const fmt = (c: Counts) => {
  const s = score(c);
  return `P ${s.p.toFixed(3)}  R ${s.r.toFixed(3)}  F1 ${s.f1.toFixed(3)}  (tp ${c.tp} fp ${c.fp} fn ${c.fn})`;
};
function count(pick: (i: number) => boolean, pred: (i: number) => boolean, gold: (i: number) => boolean): Counts {
  const c = { tp: 0, fp: 0, fn: 0 };
  for (let i = 0; i < items.length; i++) {
    if (!pick(i)) continue;
    const p = pred(i);
    const g = gold(i);
    if (p && g) c.tp++;
    else if (p) c.fp++;
    else if (g) c.fn++;
  }
  return c;
}

const all = () => true;
const rel = (i: number) => results[i]!.relevant;
const gold = (i: number) => items[i]!.gold;
console.log(`relevance of ${rulesFile ?? 'the shipped pack'} on dev.jsonl: ${items.length} items (${items.filter((i) => i.gold).length} relevant), tagged in ${ms.toFixed(0)} ms`);
console.log(`relevant      all  ${fmt(count(all, rel, gold))}`);
console.log(`relevant     even  ${fmt(count((i) => items[i]!.line % 2 === 0, rel, gold))}`);
console.log(`relevant      odd  ${fmt(count((i) => items[i]!.line % 2 === 1, rel, gold))}`);
console.log(`relevant high-conf ${fmt(count((i) => items[i]!.confidence === 'high', rel, gold))}`);
const inHalf = (i: number) => half === undefined || items[i]!.line % 2 === (half === 'even' ? 0 : 1);
if (half) console.log(`per topic, ${half} lines only:`);
for (const t of matcher.topics) {
  const c = count(inHalf, (i) => results[i]!.topics.includes(t.id), (i) => items[i]!.goldTopics.includes(t.id));
  console.log(`  ${t.id.padEnd(14)} ${fmt(c)}`);
}

if (verbose) {
  const line = (i: number) => {
    const r = results[i]!;
    const why = r.matches.map((m) => `${m.topic}/${m.rule}`).join(' ');
    const ex = r.excluded.map((m) => `${m.topic || 'global'}/${m.rule}`).join(' ');
    return `  ${items[i]!.id} [${items[i]!.goldTopics.join(',')}] ${why}${ex ? ` | excluded by ${ex}` : ''}`;
  };
  const idx = items.map((_, i) => i).filter(inHalf);
  const fps = idx.filter((i) => rel(i) && !gold(i));
  const fns = idx.filter((i) => !rel(i) && gold(i));
  console.log(`false positives (${fps.length}, first ${Math.min(show, fps.length)}):`);
  for (const i of fps.slice(0, show)) console.log(line(i));
  console.log(`false negatives (${fns.length}, first ${Math.min(show, fns.length)}):`);
  for (const i of fns.slice(0, show)) console.log(line(i));
}

if (!args.includes('--rules-only')) await benchModel(items, matcher, { repeats: Number(opt('--repeats') ?? 3), folds: Number(opt('--folds') ?? 5), costs: !args.includes('--no-costs') });
