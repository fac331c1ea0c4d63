// `npm run seed:relevance [-- --dev FILE]`: learns the shipped relevance model from the labelled development set
// (../shared/eval/dev.jsonl) with the shipped rule pack, and writes src/packs/relevance/uk-justice.json: weights
// over feature names (words, phrases, hosts, rules, cues), thresholds, and the cross-validated metrics. No
// headline or summary is written: only numbers over terms. Run it after changing the rule pack or the model's
// features, then `npm run bench -- relevance` for the figures.
import { writeFileSync } from 'node:fs';
import { readDev } from '../bench/_dev.ts';
import { tag } from '../src/pipeline/tag.ts';
import { learn } from '../src/pipeline/relevance/learn.ts';
import { compileRules } from '../src/rules/compile.ts';
import { SHIPPED_PACK_FILE, shippedRulePack } from '../src/rules/pack.ts';
import { loadRuleSet } from '../src/rules/ruleset.ts';
import { SHIPPED_MODEL_URL, type ShippedModel } from '../src/services/shipped-model.ts';

const items = readDev();
if (!items) {
  console.error('seed-relevance: ../shared/eval/dev.jsonl is absent; give --dev FILE');
  process.exit(1);
}
const matcher = compileRules(loadRuleSet(shippedRulePack(), SHIPPED_PACK_FILE).ruleSet);
const started = performance.now();
const { model, metrics } = learn(
  items.map((it) => ({ item: it, rules: tag(matcher, it), relevant: it.gold, topics: it.goldTopics })),
  { topics: matcher.topics.map((t) => t.id) },
);
const { terms: _, ...rest } = model;
const head: Omit<ShippedModel, 'terms'> = { learntFrom: `${items.length} labelled items of the development set`, metrics, ...rest };
// One line per term keeps the file diffable.
const terms = Object.entries(model.terms).sort(([a], [b]) => (a < b ? -1 : 1));
const text = `${JSON.stringify(head, null, 1).replace(/\n}$/, '')},\n "terms": {\n${terms.map(([k, w]) => `  ${JSON.stringify(k)}: ${JSON.stringify(w)}`).join(',\n')}\n }\n}\n`;
writeFileSync(SHIPPED_MODEL_URL, text);
console.log(`seed-relevance: ${terms.length} terms from ${items.length} items in ${((performance.now() - started) / 1000).toFixed(1)} s → ${SHIPPED_MODEL_URL.pathname}`);
