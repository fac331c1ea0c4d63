import { describe, expect, it } from 'vitest';
import { searchFilters } from '../../src/pipeline/search-filters.ts';
import { SearchQueryError } from '../../src/pipeline/searchquery.ts';

describe('searchFilters', () => {
  it('keeps the filters, trimmed, and lists the newest without a query', () => {
    const since = new Date('2025-03-01T00:00:00Z');
    expect(searchFilters({ query: '  ', topic: ' prisons ', source: '', since })).toEqual({ filters: { topic: 'prisons', source: undefined, since, until: undefined }, notes: [] });
  });

  it('adds the tsquery, its screen and the notes of a query', () => {
    const { filters, notes } = searchFilters({ query: 'tooting NEAR/3 escape*' });
    expect(filters.tsquery).toContain("'tooting'");
    expect(filters.screen).toBeTruthy();
    expect(notes.join(' ')).toContain('NEAR/3 is searched as AND');
  });

  it('refuses a query that is not in the rule language', () => {
    expect(() => searchFilters({ query: '(tooting' })).toThrow(SearchQueryError);
  });
});
