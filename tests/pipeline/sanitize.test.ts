import { describe, expect, it } from 'vitest';
import { sanitize, sanitizeFull, simpleMarkup } from '../../src/pipeline/sanitize.ts';

const BASE = 'https://example.org/news/story.html';

describe('sanitize', () => {
  it('drops scripts, styles, iframes and event handlers with their content', () => {
    const out = sanitize(
      '<p onclick="steal()">Hi<script>alert(1)</script><style>p{color:red}</style></p><iframe src="https://x">fb</iframe>',
      BASE,
    );
    expect(out).toBe('<p>Hi</p>');
  });

  it('removes javascript: and data: URLs, whatever their spelling', () => {
    const out = sanitize(
      '<a href=" JaVaScRiPt:alert(1)">a</a><a href="data:text/html,x">b</a><img src="data:image/png;base64,AAAA">',
      BASE,
    );
    expect(out).not.toMatch(/javascript|data:/i);
    expect(out).not.toContain('<img');
  });

  it('makes relative href/src absolute and marks links nofollow', () => {
    const out = sanitize('<a href="../about?x=1" target="_blank" rel="me">about</a><img src="//cdn.example.org/a.png" alt="A">', BASE);
    expect(out).toContain('href="https://example.org/about?x=1"');
    expect(out).toContain('rel="noopener noreferrer nofollow"');
    expect(out).not.toContain('target');
    expect(out).toContain('src="https://cdn.example.org/a.png"');
  });

  it('keeps the safe subset and maps near-equivalents onto it', () => {
    const out = sanitize('<div><h1>T</h1><b>bold</b> <i>it</i><ul><li>x</li></ul><table><tr><td colspan="2" style="x">c</td></tr></table></div>', BASE);
    expect(out).toBe('<h2>T</h2><strong>bold</strong> <em>it</em><ul><li>x</li></ul><table><tr><td colspan="2">c</td></tr></table>');
  });

  it('keeps relative links relative when there is no base URL', () => {
    expect(sanitize('<a href="/x">x</a>')).toBe('<a rel="noopener noreferrer nofollow" href="/x">x</a>');
  });
});

describe('entity decoding', () => {
  it('escapes plain text instead of parsing it', () => {
    expect(sanitize('Profits &amp; losses & more &gt; less')).toBe('Profits &amp; losses &amp; more &gt; less');
  });
});

describe('the fast path for simple markup', () => {
  it('gives exactly what sanitize-html gives, or declines', () => {
    const parts = ['<p>', '</p>', '<b>', '</b>', '<i>', '</i>', '<br>', '<br/>', '<li>', '</li>', '<ul>', '</ul>', '<h1>', '</h1>',
      '<P>', '<em>', '</em>', 'text', ' AT&T ', ' &amp; ', '&lt;x&gt;', ' &nbsp;', '&#8217;', '&#x41;', '&#150;', '&copy', ' "q" ',
      " 'a' ", ' > ', ' < ', '&bogus;', '<a href="/x">', '</a>', '<script>', '</script>', '<!-- c -->', '<p class="x">', '\n'];
    let x = 7;
    const pick = () => {
      x = (x * 1103515245 + 12345) >>> 0;
      return parts[x % parts.length]!;
    };
    let fast = 0;
    for (let n = 0; n < 4000; n++) {
      const html = Array.from({ length: 1 + (n % 9) }, pick).join('');
      const got = simpleMarkup(html);
      if (got === undefined) continue;
      fast++;
      expect(got, html).toBe(sanitizeFull(html, BASE));
    }
    expect(fast).toBeGreaterThan(100);
  });

  it('takes plain paragraphs, declines attributes, comments, stray brackets and unknown entities', () => {
    expect(simpleMarkup('<p>Prison &amp; probation &ldquo;staff&rdquo;</p><p>x<br>y</p>')).toBe('<p>Prison &amp; probation “staff”</p><p>x<br />y</p>');
    for (const html of ['<p onclick="x()">a</p>', '<p>a<!-- b --></p>', '<p>a < b</p>', '<p>&bogus; x</p>', '<p>AT&T</p>', '<p>a', '<p><ul><li>x</li></ul></p>', '<script>alert(1)</script>']) {
      expect(simpleMarkup(html), html).toBeUndefined();
    }
    expect(sanitize('<p onclick="x()">a<script>b</script></p>', BASE)).toBe('<p>a</p>');
  });
});
