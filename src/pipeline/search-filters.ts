// search-filters: what a person typed to search the archive (a query in the rule language, topic, source,
// since, until) -> the filters storage runs, plus notes on what the archive does differently from a rule.
// One reading for the web /stories page, its CSV link and `pressdesk stories search`.
import type { SearchFilters } from '../domain/types.ts';
import { searchQuery } from './searchquery.ts';

export interface SearchInput {
  query?: string;
  topic?: string;
  source?: string;
  since?: Date;
  until?: Date;
  relevant?: boolean;
}

/** Throws SearchQueryError (with the offset of the problem) when the query is not in the rule language. */
export function searchFilters(input: SearchInput): { filters: SearchFilters; notes: string[] } {
  const filters: SearchFilters = { topic: input.topic?.trim() || undefined, source: input.source?.trim() || undefined, since: input.since, until: input.until, relevant: input.relevant || undefined };
  if (!input.query?.trim()) return { filters, notes: [] };
  const q = searchQuery(input.query);
  return { filters: { ...filters, tsquery: q.tsquery, screen: q.screen }, notes: q.notes };
}
