// Documents built to make parsing slow. Each must end in a clear outcome, and its time must grow with the
// document, not with its square: before the scans were linear, the 1 MB one blocked the process for ~50 s.
import { describe, expect, it } from 'vitest';
import { ParseError, parse } from '../../src/pipeline/parse.ts';

const URL_ = 'https://feeds.example.org/feed';
const HEAD = '<rss version="2.0"><channel><title>t</title>';
const ITEM = '<item><title>x</title></item>';

const outcome = (text: string): string => {
  try {
    return `${parse(text, { url: URL_ }).entries.length} entries`;
  } catch (err) {
    expect(err).toBeInstanceOf(ParseError);
    return (err as Error).message;
  }
};

/** Fastest of three runs of each size, interleaved so a load spike on this shared machine hits both alike. */
function fastest(texts: string[]): number[] {
  const best = texts.map(() => Number.POSITIVE_INFINITY);
  for (let round = 0; round < 3; round++) {
    for (const [i, t] of texts.entries()) {
      const started = performance.now();
      outcome(t);
      best[i] = Math.min(best[i]!, performance.now() - started);
    }
  }
  return best;
}

const MALFORMED = /^parse: malformed RSS feed that could not be repaired/;

describe('parse: crafted slow documents', () => {
  it('170,000 unclosed <item> tags (1 MB) are a malformed feed, not an empty one', () => {
    const text = HEAD + '<item>'.repeat(170_000);
    expect(text.length).toBeGreaterThan(1_000_000);
    expect(outcome(text)).toMatch(MALFORMED);
  });

  it('60,000 unterminated comments (240 KB) before an item and a broken tag are a malformed feed', () => {
    expect(outcome(HEAD + '<!--'.repeat(60_000) + ITEM + '<broken')).toMatch(MALFORMED);
  });

  // Each of these was quadratic: a regex restarting its search for an end at every opener, a closing tag
  // searched for through the whole stack of open ones, a trial parse repeating a big head per item.
  const CASES: [string, (n: number) => string, RegExp][] = [
    ['unclosed items', (n) => HEAD + '<item>'.repeat(n), MALFORMED],
    ['unterminated comments', (n) => HEAD + '<!--'.repeat(n) + ITEM + '<broken', MALFORMED],
    ['unterminated processing instructions', (n) => HEAD + '<?x'.repeat(n) + ITEM + '<broken', MALFORMED],
    ['unterminated CDATA sections', (n) => HEAD + '<![CDATA['.repeat(n) + ITEM + '<broken', MALFORMED],
    ['unterminated declarations', (n) => HEAD + '<!X'.repeat(n) + ITEM + '<broken', /^0 entries$/],
    ['unterminated DOCTYPE subsets', (n) => `<!DOCTYPE rss [${'<!DOCTYPE x ['.repeat(n)}${HEAD}${ITEM}</channel></rss>`, /^parse: unable to detect feed format/],
    ['closing tags that close nothing', (n) => HEAD + '<a>'.repeat(n) + '</b>'.repeat(n) + ITEM + '<broken', MALFORMED],
    ['item tags without an end under an xml:base', (n) => `<rss version="2.0" xml:base="https://a.example/"><channel><title>t</title>${ITEM}${'<item '.repeat(n)}`, /^1 entries$/],
    ['a big head before items, one of them broken', (n) => `${HEAD}<description>${'x'.repeat(6 * n)}</description>${'<item><title>ok</title></item>'.repeat(n / 80)}<item><title><!-- x</title></item></channel></rss>`, /^[1-9]\d+ entries$/],
  ];

  it.each(CASES)('%s: 4x the input takes well under 16x the time', (_, make, expected) => {
    const [small, big] = [make(10_000), make(40_000)];
    expect(outcome(small)).toMatch(expected);
    expect(outcome(big)).toMatch(expected);
    const [ts, tb] = fastest([small, big]);
    // Linear is ~4x, quadratic 16x (seconds here). Under 250 ms passes whatever the ratio: timer noise.
    expect(tb!, `${ts!.toFixed(1)} ms -> ${tb!.toFixed(1)} ms`).toBeLessThan(Math.max(8 * ts!, 250));
  });
});
