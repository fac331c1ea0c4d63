import { describe, expect, it } from 'vitest';
import { type SortableSource, sortParam, sortSources, sourceOrder } from '../../src/pipeline/sort-sources.ts';

const day = (d: number) => new Date(Date.UTC(2026, 2, d));
const src = (name: string, o: Partial<SortableSource> = {}): SortableSource => ({
  name,
  enabled: true,
  consecutiveFailures: 0,
  failingSince: null,
  lastSuccessAt: day(10),
  perDay: 1,
  ...o,
});
const rows = [
  src('beta', { perDay: 12, lastSuccessAt: day(9) }),
  src('Alpha', { perDay: 0.5 }),
  src('failing late', { consecutiveFailures: 2, failingSince: day(8), lastSuccessAt: day(7) }),
  src('failing long', { consecutiveFailures: 9, failingSince: day(1), lastSuccessAt: null, perDay: null }),
  src('off', { enabled: false, perDay: 3 }),
  src('new one', { lastSuccessAt: null, perDay: null }),
];
const names = (o: string) => sortSources(rows, sourceOrder(o)).map((s) => s.name);

describe('sortSources', () => {
  it('puts failing sources first by default, the longest failing on top, then new, working and disabled ones', () => {
    expect(names('')).toEqual(['failing long', 'failing late', 'new one', 'Alpha', 'beta', 'off']);
    expect(names('nonsense')).toEqual(names('health'));
  });

  it('sorts by name (any case), last success, items per day and failures, either way round', () => {
    expect(names('name')).toEqual(['Alpha', 'beta', 'failing late', 'failing long', 'new one', 'off']);
    expect(names('name-desc')).toEqual(['off', 'new one', 'failing long', 'failing late', 'beta', 'Alpha']);
    // Never succeeded counts as oldest; ties by name.
    expect(names('success')).toEqual(['failing long', 'new one', 'failing late', 'beta', 'Alpha', 'off']);
    // Unknown rates go last whichever way round.
    expect(names('items')).toEqual(['beta', 'off', 'failing late', 'Alpha', 'failing long', 'new one']);
    expect(names('items-asc')).toEqual(['Alpha', 'failing late', 'off', 'beta', 'failing long', 'new one']);
    expect(names('failures').slice(0, 2)).toEqual(['failing long', 'failing late']);
  });

  it('reads and writes the sort parameter, the natural direction without a suffix', () => {
    expect(sourceOrder('items')).toEqual({ key: 'items', dir: 'desc' });
    expect(sourceOrder('items-asc')).toEqual({ key: 'items', dir: 'asc' });
    expect(sourceOrder('bogus-asc')).toEqual({ key: 'health', dir: 'asc' });
    expect(sortParam({ key: 'name', dir: 'asc' })).toBe('name');
    expect(sortParam({ key: 'name', dir: 'desc' })).toBe('name-desc');
  });
});
