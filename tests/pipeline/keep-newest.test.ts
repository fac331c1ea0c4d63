import { describe, expect, it } from 'vitest';
import { keepNewest } from '../../src/pipeline/keep-newest.ts';

const now = new Date('2026-11-20T10:00:00Z');
type E = { id: string; published?: string };
const e = (id: string, published?: string): E => ({ id, published });
const keep = (list: E[], max: number) => {
  const r = keepNewest(list, max, { dateOf: (x) => x.published, now });
  return { kept: r.kept.map((x) => x.id), skipped: r.skipped.map((x) => x.id) };
};

describe('keepNewest', () => {
  it('keeps everything, in order, when the list is within the limit or there is none', () => {
    const list = [e('a', '2026-11-01T00:00:00Z'), e('b'), e('c', '2026-11-19T00:00:00Z')];
    expect(keep(list, 3)).toEqual({ kept: ['a', 'b', 'c'], skipped: [] });
    expect(keep(list, 0)).toEqual({ kept: ['a', 'b', 'c'], skipped: [] });
    expect(keep([], 5)).toEqual({ kept: [], skipped: [] });
  });

  it('keeps the newest by date, whatever their place in the feed, and returns both lists in feed order', () => {
    const list = [e('old', '2026-01-01T00:00:00Z'), e('new', '2026-11-19T00:00:00Z'), e('mid', '2026-06-01T00:00:00Z'), e('newer', '2026-11-20T09:00:00Z')];
    expect(keep(list, 2)).toEqual({ kept: ['new', 'newer'], skipped: ['old', 'mid'] });
  });

  it('puts undated entries after dated ones, in feed order among themselves', () => {
    const list = [e('u1'), e('d-old', '2020-01-01T00:00:00Z'), e('u2'), e('d-new', '2026-11-19T00:00:00Z'), e('u3')];
    expect(keep(list, 3)).toEqual({ kept: ['u1', 'd-old', 'd-new'], skipped: ['u2', 'u3'] });
    expect(keep([e('u1'), e('u2'), e('u3')], 2)).toEqual({ kept: ['u1', 'u2'], skipped: ['u3'] });
  });

  it('treats an unreadable date, or one more than a day ahead, as undated', () => {
    const list = [e('future', '2099-01-01T00:00:00Z'), e('garbage', 'last Tuesday'), e('real', '2026-11-01T00:00:00Z'), e('soon', '2026-11-20T20:00:00Z')];
    expect(keep(list, 2)).toEqual({ kept: ['real', 'soon'], skipped: ['future', 'garbage'] });
  });

  it('breaks ties between equal dates by feed order', () => {
    const at = '2026-11-19T08:00:00Z';
    expect(keep([e('a', at), e('b', at), e('c', at), e('d', at)], 2)).toEqual({ kept: ['a', 'b'], skipped: ['c', 'd'] });
  });

  it('keeps exactly max of 50,000 entries, and they are the newest', () => {
    const base = Date.parse('2026-11-19T00:00:00Z');
    // Dates in a scrambled order, all distinct.
    const list = Array.from({ length: 50_000 }, (_, i) => e(String(i), new Date(base - ((i * 7919) % 50_000) * 60_000).toISOString()));
    const r = keepNewest(list, 500, { dateOf: (x) => x.published, now });
    expect(r.kept).toHaveLength(500);
    expect(r.skipped).toHaveLength(49_500);
    const cutoff = Math.min(...r.kept.map((x) => Date.parse(x.published!)));
    expect(r.skipped.every((x) => Date.parse(x.published!) < cutoff)).toBe(true);
    expect(r.kept.map((x) => Number(x.id))).toEqual([...r.kept.map((x) => Number(x.id))].sort((a, b) => a - b));
  });
});
