// Terms for editors to consider as rules: words and two-word phrases frequent in items press officers marked
// relevant that the rules miss, and rare in items they marked not relevant. Each comes with the topic most of
// its items belong to (the caller says which, e.g. the model's best topic), so it can be tried as a rule of that
// topic in one click (a backtest). Words as written (folded), not stems: the rule language matches words.
import type { ItemText } from '../../domain/types.ts';
import { fold } from '../../rules/text.ts';
import { stripHtml } from '../text.ts';
import { stemOf } from './vocabulary.ts';

export interface TermSuggestion {
  term: string;
  /** The rule query that matches it. */
  query: string;
  topic: string;
  /** Missed relevant items that hold it, and not-relevant items that do. */
  relevant: number;
  notRelevant: number;
}

export interface SuggestOptions {
  max: number;
  /** A term must be in at least this many missed items. */
  minItems: number;
  /** relevant / (relevant + notRelevant) at least this. */
  minPrecision: number;
}

const DEFAULTS: SuggestOptions = { max: 10, minItems: 2, minPrecision: 0.75 };

/** The distinct terms of an item's title and lead: words of three letters or more that are not stop words,
 *  and pairs of such words side by side. */
function termsOf(item: ItemText): Set<string> {
  const text = `${item.title} . ${item.summary ?? item.body?.slice(0, 1200) ?? ''}`;
  const out = new Set<string>();
  let prev: string | null = null;
  for (const m of fold(stripHtml(text)).matchAll(/[\p{L}\p{N}]+|[^\p{L}\p{N}\s]+/gu)) {
    const w = m[0];
    const counts = /^[\p{L}]/u.test(w) && w.length >= 3 && stemOf(w) !== null;
    if (!counts) {
      prev = null;
      continue;
    }
    out.add(w);
    if (prev) out.add(`${prev} ${w}`);
    prev = w;
  }
  return out;
}

export function suggestTerms(missed: readonly { item: ItemText; topic: string | null }[], rejected: readonly ItemText[], options: Partial<SuggestOptions> = {}): TermSuggestion[] {
  const opts = { ...DEFAULTS, ...options };
  const found = new Map<string, { relevant: number; topics: Map<string, number> }>();
  for (const { item, topic } of missed) {
    for (const t of termsOf(item)) {
      let f = found.get(t);
      if (!f) {
        f = { relevant: 0, topics: new Map() };
        found.set(t, f);
      }
      f.relevant++;
      if (topic) f.topics.set(topic, (f.topics.get(topic) ?? 0) + 1);
    }
  }
  const against = new Map<string, number>();
  for (const item of rejected) for (const t of termsOf(item)) if (found.has(t)) against.set(t, (against.get(t) ?? 0) + 1);
  const out: TermSuggestion[] = [];
  for (const [term, f] of found) {
    const notRelevant = against.get(term) ?? 0;
    if (f.relevant < opts.minItems || f.relevant / (f.relevant + notRelevant) < opts.minPrecision || !f.topics.size) continue;
    const topic = [...f.topics].sort((a, b) => b[1] - a[1])[0]![0];
    out.push({ term, query: term.includes(' ') ? `"${term}"` : term, topic, relevant: f.relevant, notRelevant });
  }
  // Most items first; then the cleaner; then phrases before words (more specific); then by term.
  out.sort((a, b) => b.relevant - a.relevant || a.notRelevant - b.notRelevant || Number(b.term.includes(' ')) - Number(a.term.includes(' ')) || (a.term < b.term ? -1 : 1));
  // A word whose phrase is already listed with the same counts says nothing more.
  const kept = out.filter((s) => s.term.includes(' ') || !out.some((p) => p.term.includes(' ') && p.term.split(' ').includes(s.term) && p.relevant === s.relevant && p.notRelevant === s.notRelevant));
  return kept.slice(0, opts.max);
}
