import { describe, expect, it } from 'vitest';
import { relativeTime } from '../../src/pipeline/relative-time.ts';

const now = new Date('2026-03-02T09:00:00Z');
const at = (s: number) => new Date(now.getTime() + s * 1000);

describe('relativeTime', () => {
  it('says how long ago or how soon, in minutes, hours or days', () => {
    expect(relativeTime(at(-20), now)).toBe('just now');
    expect(relativeTime(at(-12 * 60), now)).toBe('12 min ago');
    expect(relativeTime(at(3 * 3600), now)).toBe('in 3 h');
    expect(relativeTime(at(-30 * 3600), now)).toBe('30 h ago');
    expect(relativeTime(at(-5 * 86400), now)).toBe('5 days ago');
  });
});
