import { describe, expect, it } from 'vitest';
import { collapseDiff, diffText } from '../../src/pipeline/textdiff.ts';

describe('diffText', () => {
  it('marks added and removed words, keeping the rest', () => {
    expect(diffText('Napo says staff are tired.', 'Napo says probation staff are exhausted.')).toEqual([
      { op: 'same', text: 'Napo says ' },
      { op: 'add', text: 'probation ' },
      { op: 'same', text: 'staff are ' },
      { op: 'del', text: 'tired.' },
      { op: 'add', text: 'exhausted.' },
    ]);
  });
  it('rebuilds both texts from its parts', () => {
    const a = 'one\ntwo three\nfour';
    const b = 'zero\none\ntwo 3\nfour\nfive';
    const parts = diffText(a, b);
    expect(parts.filter((p) => p.op !== 'add').map((p) => p.text).join('')).toBe(a);
    expect(parts.filter((p) => p.op !== 'del').map((p) => p.text).join('')).toBe(b);
  });
  it('falls back to lines for very long texts', () => {
    const a = Array.from({ length: 3000 }, (_, i) => `w${i}`).join(' ');
    const b = `${a}\nextra line`;
    const parts = diffText(a, b);
    expect(parts.filter((p) => p.op !== 'del').map((p) => p.text).join('')).toBe(b);
    // Whole lines: the first line (which gained a newline) is replaced, not diffed word by word.
    expect(parts.map((p) => p.op)).toEqual(['del', 'add']);
  });
});

describe('collapseDiff', () => {
  it('keeps a few lines around each change and cuts the rest', () => {
    const a = ['l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7', 'l8'].join('\n');
    const parts = collapseDiff(diffText(a, `${a}\nnew`), 2);
    const shown = parts.map((p) => p.text).join('');
    expect(shown).toBe('l1\n…\nl6\nl7\nl8\nnew');
  });
});
