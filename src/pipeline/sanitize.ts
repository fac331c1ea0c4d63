// sanitize: feed and page HTML -> a small safe subset we can render in drafts, digests and the web UI.
// Everything a feed sends is untrusted: scripts, styles, frames, event handlers and javascript:/data: URLs
// go; relative links are made absolute so the HTML still works once it leaves the source's site.
import * as cheerio from 'cheerio';
import sanitizeHtml from 'sanitize-html';

const ALLOWED_TAGS = [
  'p', 'a', 'em', 'strong', 'ul', 'ol', 'li', 'blockquote', 'h2', 'h3', 'h4', 'img', 'br', 'figure',
  'figcaption', 'code', 'pre', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption',
];

// Tags whose text is not readable prose: dropped with their content (sanitize-html keeps the text of other
// disallowed tags, which is what we want for div/span/font soup).
const DROP_WITH_CONTENT = ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed',
  'svg', 'math', 'template', 'head', 'title', 'select', 'button', 'form'];

const REL = 'noopener noreferrer nofollow';

/** Resolve `value` against `base`; undefined when it is not a usable http(s)/mailto URL. */
function absolute(value: string | undefined, base: string | undefined, schemes: string[]): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  try {
    const u = base ? new URL(v, base) : new URL(v);
    return schemes.includes(u.protocol) ? u.href : undefined;
  } catch {
    // No base and relative: keep it relative rather than lose the link; scheme checks below still apply.
    return base || /^[a-z][a-z0-9+.-]*:/i.test(v) ? undefined : v;
  }
}

function options(baseUrl: string | undefined): sanitizeHtml.IOptions {
  return {
    allowedTags: ALLOWED_TAGS,
    nonTextTags: DROP_WITH_CONTENT,
    allowedAttributes: {
      a: ['href', 'title', 'rel'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan', 'scope'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https'] },
    allowProtocolRelative: false,
    transformTags: {
      h1: 'h2',
      h5: 'h4',
      h6: 'h4',
      b: 'strong',
      i: 'em',
      a: (_tag, attribs) => {
        const href = absolute(attribs.href, baseUrl, ['http:', 'https:', 'mailto:']);
        const out: Record<string, string> = { rel: REL };
        if (href) out.href = href;
        if (attribs.title) out.title = attribs.title;
        return { tagName: 'a', attribs: out };
      },
      img: (_tag, attribs) => {
        const src = absolute(attribs.src, baseUrl, ['http:', 'https:']);
        const out: Record<string, string> = {};
        if (src) out.src = src;
        for (const k of ['alt', 'title', 'width', 'height']) if (attribs[k]) out[k] = attribs[k] as string;
        return { tagName: 'img', attribs: out };
      },
    },
    // An image without a usable source is noise (tracking pixels with data: URLs, lazy-load placeholders).
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
  };
}

/** Reduce untrusted HTML to the safe subset; relative href/src become absolute against `baseUrl`. */
export function sanitize(html: string, baseUrl?: string): string {
  if (!html) return '';
  return sanitizeHtml(html, options(baseUrl)).trim();
}

// Block-level boundaries become spaces so "<p>a</p><p>b</p>" reads "a b", not "ab".
const BLOCK = /<\/?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|pre|figure|figcaption|section|article|header|footer|hr|dd|dt)\b[^>]*>/gi;

/** Plain text of an HTML fragment: tags stripped, entities decoded, whitespace collapsed. */
export function htmlToText(html: string): string {
  if (!html) return '';
  // Fast path: most feed titles are already plain text.
  if (!/[<&]/.test(html)) return html.replace(/\s+/g, ' ').trim();
  const $ = cheerio.load(html.replace(BLOCK, ' $& '), null, false);
  $('script, style, noscript, template').remove();
  return $.root().text().replace(/\s+/g, ' ').trim();
}
