import { describe, expect, it } from 'vitest';
import { DurationError, parseDuration, parseSince } from '../../src/pipeline/duration.ts';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['72h', 259_200_000],
    ['30d', 2_592_000_000],
    ['2w', 1_209_600_000],
    ['1.5h', 5_400_000],
    [' 3 D ', 259_200_000],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it('refuses what is not a number and a unit, naming the grammar', () => {
    for (const text of ['', '48', '0h', '-3d', '3 weeks', 'h', '3x', '1y', '10m5s']) {
      expect(() => parseDuration(text)).toThrow(DurationError);
    }
    expect(() => parseDuration('3x')).toThrow('"3x" is not a duration: give a number and a unit, like 10m, 72h, 30d or 2w');
  });
});

describe('parseSince', () => {
  const now = new Date('2025-04-01T00:00:00Z');
  it('reads a duration back from now, or a date', () => {
    expect(parseSince('30d', now).toISOString()).toBe('2025-03-02T00:00:00.000Z');
    expect(parseSince('12h', now).toISOString()).toBe('2025-03-31T12:00:00.000Z');
    expect(parseSince('2025-03-01', now).toISOString()).toBe('2025-03-01T00:00:00.000Z');
    expect(parseSince('2025-03-01T09:30:00Z', now).toISOString()).toBe('2025-03-01T09:30:00.000Z');
  });

  it('refuses anything else, naming both forms', () => {
    for (const text of ['lately', '48', '3', 'March']) expect(() => parseSince(text, now)).toThrow(DurationError);
    expect(() => parseSince('lately', now)).toThrow('"lately" is not a duration or a date: give a number and a unit, like 10m, 72h, 30d or 2w, or a date like 2025-03-01');
  });
});
