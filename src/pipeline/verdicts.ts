// The tagger's verdict in the shape stored per item: one row per topic, credited to the first rule that gave
// it, with its highlights capped; then, with a relevance model, its decisions on top (judge.ts): a vetoed topic
// is left out when its mode applies the model, a rescued one is added (credited to no rule). Shared by the poll
// path, process-item and retag so they store alike.
import type { ModelDecision } from '../domain/relevance.ts';
import type { ItemText, TopicMatch } from '../domain/types.ts';
import type { Matcher } from '../rules/compile.ts';
import { type ModelInUse, judge } from './relevance/judge.ts';
import { tag } from './tag.ts';

/** Highlights kept per topic: a long body can match a term hundreds of times, and storing every position
 *  made the poll path's insert 2x slower (bench/ingest.ts). The rest can be recomputed with explain. */
export const MAX_STORED_HITS = 12;

export interface Verdict {
  topics: TopicMatch[];
  /** The model's vetoes and rescues (applied or suggested); empty without a model or when it agreed. */
  decisions: ModelDecision[];
}

/** Topics of each item, in input order, by the given matcher and, when given, the relevance model. */
export function verdicts(matcher: Matcher, items: readonly ItemText[], model?: ModelInUse | null): Verdict[] {
  return items.map((it) => {
    const r = tag(matcher, it);
    const judged = model ? judge(model.model, it, r, model.modeOf) : { topics: r.topics, decisions: [] };
    const topics = judged.topics.map((topic) => {
      const hit = r.matches.find((x) => x.topic === topic);
      return { topic, rule: hit?.rule ?? null, matches: hit?.terms.slice(0, MAX_STORED_HITS) ?? null };
    });
    return { topics, decisions: judged.decisions };
  });
}

/** A stored or about-to-be-stored item row as the tagger reads it. */
export function textOf(
  it: { title: string; summaryHtml?: string | null; bodyText?: string | null; url?: string | null; publishedAt?: string | null },
  sourceName: string,
): ItemText {
  return {
    id: '',
    title: it.title,
    summary: it.summaryHtml ?? undefined,
    body: it.bodyText ?? undefined,
    url: it.url ?? undefined,
    source: sourceName,
    published: it.publishedAt ?? undefined,
  };
}
