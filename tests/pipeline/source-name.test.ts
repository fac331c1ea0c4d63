import { describe, expect, it } from 'vitest';
import { sourceName } from '../../src/pipeline/source-name.ts';

describe('sourceName', () => {
  it("makes a feed's title a one-line plain name", () => {
    expect(sourceName('  Ministry of Justice\n  - Activity on GOV.UK ')).toBe('Ministry of Justice - Activity on GOV.UK');
    expect(sourceName('<b>Inside</b> Time &amp; news')).toBe('Inside Time & news');
  });

  it('gives nothing for a missing or empty title, and shortens a long one at a word', () => {
    expect(sourceName(undefined)).toBeUndefined();
    expect(sourceName(' <br> ')).toBeUndefined();
    const long = sourceName('word '.repeat(40))!;
    expect(long.length).toBeLessThanOrEqual(100);
    expect(long).toMatch(/word…$/);
  });
});
