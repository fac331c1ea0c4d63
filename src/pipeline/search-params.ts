// The archive's query string, canonical: only its own parameters (q, topic, source, since, all), trimmed,
// empty ones dropped, in one order. What a saved search stores and what the page's links carry. Pure.

export const SEARCH_PARAMS = ['q', 'topic', 'source', 'since', 'all'] as const;
export type SearchParams = Partial<Record<(typeof SEARCH_PARAMS)[number], string>>;

const MAX = 500;

export function searchParams(input: Record<string, unknown>): URLSearchParams {
  const out = new URLSearchParams();
  for (const k of SEARCH_PARAMS) {
    const v = input[k];
    if (typeof v === 'string' && v.trim()) out.set(k, v.trim().slice(0, MAX));
  }
  return out;
}
