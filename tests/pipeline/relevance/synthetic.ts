// Synthetic labelled items for the relevance model's tests (no publisher's text): a small world with two
// topics whose rules are brittle in the two ways the model fixes. Prison stories from abroad match the prisons
// rule but are not relevant (a veto to learn); UK prison stories told without "prison" or "jail" are missed
// (a rescue to learn). Deterministic: item n is always the same.
import type { ItemText } from '../../../src/domain/types.ts';
import type { LabelledItem } from '../../../src/pipeline/relevance/learn.ts';
import { tag } from '../../../src/pipeline/tag.ts';
import { compileRules } from '../../../src/rules/compile.ts';
import type { RuleSet } from '../../../src/rules/types.ts';

export const RULES: RuleSet = {
  exclude: [],
  topics: [
    { id: 'prisons', name: 'Prisons', rules: [{ id: 'prison-word', query: 'prison OR jail' }], exclude: [] },
    { id: 'courts', name: 'Courts', rules: [{ id: 'court-word', query: 'court OR courts' }], exclude: [] },
  ],
};
export const TOPICS = RULES.topics.map((t) => t.id);
export const matcher = compileRules(RULES);

const UK = ['Leeds', 'Manchester', 'Bristol', 'Cardiff', 'Glasgow', 'Norwich', 'Kent', 'Liverpool'];
const ABROAD = ['Texas', 'Florida', 'Ohio', 'Sydney', 'Queensland', 'Chicago'];
const FILL = ['review', 'report', 'figures', 'warning', 'plans', 'minister', 'today', 'data', 'staff', 'families'];
const pick = <T>(xs: T[], n: number) => xs[n % xs.length]!;

export type Kind = 'uk-prison' | 'abroad-prison' | 'missed-prison' | 'court' | 'other';

/** Item n of a kind, with its gold labels. */
export function item(kind: Kind, n: number): { item: ItemText; relevant: boolean; topics: string[] } {
  const f = `${pick(FILL, n)} ${pick(FILL, n * 7 + 3)}`;
  const place = pick(UK, n * 3 + 1);
  const id = `${kind}-${n}`;
  switch (kind) {
    case 'uk-prison':
      return { item: { id, title: `Prison overcrowding in ${place} worsens, ${f}`, summary: `HMPPS says the prison in ${place} is full.`, url: `https://news.test/uk/${n}` }, relevant: true, topics: ['prisons'] };
    case 'abroad-prison':
      return { item: { id, title: `${pick(ABROAD, n)} sheriff moves jail inmates, ${f}`, summary: `County jail officials in ${pick(ABROAD, n + 2)} said ${pick(FILL, n + 5)}.`, url: `https://news.test/world/${n}` }, relevant: false, topics: [] };
    case 'missed-prison':
      return { item: { id, title: `HMP ${place} staff shortage leaves wings locked down, ${f}`, summary: `Inspectors found officers stretched at HMP ${place}.`, url: `https://news.test/uk/${n}` }, relevant: true, topics: ['prisons'] };
    case 'court':
      return { item: { id, title: `Crown court backlog in ${place} grows, ${f}`, summary: `Magistrates and the court service warn of delays in ${place}.`, url: `https://news.test/uk/${n}` }, relevant: true, topics: ['courts'] };
    default:
      return { item: { id, title: `${pick(['Football', 'Weather', 'Recipes', 'Markets'], n)} ${f} ${n}`, summary: `${pick(FILL, n + 1)} and ${pick(FILL, n + 4)} in ${place}.`, url: `https://news.test/life/${n}` }, relevant: false, topics: [] };
  }
}

/** A labelled set: counts per kind, numbered from `from` (so a test set can be disjoint from a training one). */
export function labelled(counts: Partial<Record<Kind, number>>, from = 0): LabelledItem[] {
  const out: LabelledItem[] = [];
  for (const [kind, count] of Object.entries(counts) as [Kind, number][]) {
    for (let n = from; n < from + count; n++) {
      const x = item(kind, n);
      out.push({ item: x.item, rules: tag(matcher, x.item), relevant: x.relevant, topics: x.topics });
    }
  }
  return out;
}

export const TRAINING: Partial<Record<Kind, number>> = { 'uk-prison': 80, 'abroad-prison': 50, 'missed-prison': 50, court: 60, other: 160 };
