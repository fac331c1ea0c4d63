import { describe, expect, it } from 'vitest';
import { type Noise, openTags, stripNoise } from '../../../src/pipeline/parse/scan.ts';

// The regexes these scans replace: same results, without their quadratic worst case.
const NOISE: Noise[] = [
  { open: /<!--/y, close: '-->' },
  { open: /<!\[CDATA\[/iy, close: ']]>' },
  { open: /<\?/y, close: '?>' },
  { open: /<![A-Z]/iy, close: '>' },
];
const NOISE_RE = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<![A-Z][^>]*>/gi;
const PROLOG: Noise[] = [
  { open: /<!--/y, close: '-->' },
  { open: /<\?/y, close: '?>' },
  { open: /<!/y, close: '>' },
];
const PROLOG_RE = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<![^>]*>/g;
const ITEM = /<(?:[\w-]+:)?(?:item|entry)\b/gi;
const ITEM_TAG = /<(?:[\w-]+:)?(?:item|entry)\b[^>]*>/gi;

const TOKENS = ['<', '>', '!', '-', '<!--', '-->', '<?', '?>', '[', ']]>', '<![CDATA[', '<!cdata[', 'a', 'D', ' ', '/', '<item', '<entry', '<x:item', '<!DOCTYPE '];

/** Deterministic soup of the tokens these scans care about. */
function* soups(count: number): Generator<string> {
  let seed = 1;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let k = 0; k < count; k++) {
    let s = '';
    for (let i = 1 + next(14); i > 0; i--) s += TOKENS[next(TOKENS.length)];
    yield s;
  }
}

describe('stripNoise and openTags', () => {
  it('give what the regexes they replace give', () => {
    for (const s of soups(20_000)) {
      expect(stripNoise(s, NOISE), s).toBe(s.replace(NOISE_RE, ''));
      expect(stripNoise(s, PROLOG), s).toBe(s.replace(PROLOG_RE, ''));
      expect([...openTags(s, ITEM)], s).toEqual([...s.matchAll(ITEM_TAG)].map((m) => m[0]));
    }
  });

  it('cut what ends and keep what never does', () => {
    expect(stripNoise('<a><!-- c --><?pi x?><![CDATA[<b>]]><!DOCTYPE x><c>', NOISE)).toBe('<a><c>');
    expect(stripNoise('<a><!-- never ends <b>', NOISE)).toBe('<a><!-- never ends <b>');
    expect([...openTags('<item a="1"><x:entry>t</x:entry><item', ITEM)]).toEqual(['<item a="1">', '<x:entry>']);
  });
});
