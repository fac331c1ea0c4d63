import { describe, expect, it } from 'vitest';
import { parseUkLocal, toUkLocal } from '../../src/pipeline/uk-local-time.ts';

describe('parseUkLocal', () => {
  it('reads GMT in winter and BST in summer', () => {
    expect(parseUkLocal('2026-01-15T09:30')?.toISOString()).toBe('2026-01-15T09:30:00.000Z');
    expect(parseUkLocal('2026-07-01T09:30')?.toISOString()).toBe('2026-07-01T08:30:00.000Z');
  });
  it('crosses the spring change: before is GMT, after is BST, the skipped hour is refused', () => {
    expect(parseUkLocal('2026-03-29T00:30')?.toISOString()).toBe('2026-03-29T00:30:00.000Z');
    expect(parseUkLocal('2026-03-29T01:30')).toBeUndefined();
    expect(parseUkLocal('2026-03-29T02:30')?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });
  it('takes the first of the repeated autumn hour (BST)', () => {
    expect(parseUkLocal('2026-10-25T01:30')?.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(parseUkLocal('2026-10-25T02:30')?.toISOString()).toBe('2026-10-25T02:30:00.000Z');
  });
  it('refuses what is not a datetime-local value', () => {
    for (const v of ['', 'tomorrow', '2026-02-30T09:00', '2026-01-01 09:00', '2026-01-01T25:00']) expect(parseUkLocal(v)).toBeUndefined();
  });
  it('round-trips through toUkLocal', () => {
    for (const iso of ['2026-03-29T01:00:00Z', '2026-10-25T00:59:00Z', '2026-12-31T23:59:00Z']) expect(parseUkLocal(toUkLocal(new Date(iso)))?.toISOString()).toBe(new Date(iso).toISOString());
  });
});
