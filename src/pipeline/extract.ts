// Main text and metadata of one fetched page, for items whose feed gave only a summary. Pure: html in,
// values out. Mozilla Readability over linkedom finds the story's body (fast, ~7 ms a page, see bench/extract.ts);
// cheerio reads the metadata publishers state outright — canonical URL, Open Graph, article:* and JSON-LD
// NewsArticle — which beats Readability's guesses for dates and authors. The body is sanitised by
// sanitize.ts before anything downstream sees it: Readability keeps whatever markup the page had.
import { isProbablyReaderable, Readability } from '@mozilla/readability';
import { type CheerioAPI, load } from 'cheerio';
import { parseHTML } from 'linkedom';
import { sanitize } from './sanitize.ts';
import { htmlToText } from './text.ts';

export interface Extracted {
  title?: string;
  /** Plain text of the main body; '' when the page holds no story (an index page, a search page). */
  text: string;
  /** The main body, sanitised. */
  html: string;
  canonicalUrl?: string;
  /** ISO-8601 UTC. */
  published?: string;
  modified?: string;
  authors: string[];
  siteName?: string;
  description?: string;
  image?: string;
  lang?: string;
}

/** Bigger pages are not stories: a 5 MB page would take Readability ~100 ms and most of it is cruft. */
export const MAX_HTML_CHARS = 5 * 1024 * 1024;
/** Readability gives up past this many elements; it bounds the work on a pathological page. */
const MAX_ELEMENTS = 60_000;
const ARTICLE_TYPES = /^(NewsArticle|ReportageNewsArticle|AnalysisNewsArticle|OpinionNewsArticle|BackgroundNewsArticle|Article|BlogPosting|LiveBlogPosting|Report|ScholarlyArticle)$/;

type Json = Record<string, unknown>;

const clean = (s: unknown): string | undefined => {
  if (typeof s !== 'string') return undefined;
  const t = s.replace(/\s+/g, ' ').trim();
  return t || undefined;
};

/** Dates as ISO-8601 UTC. A date-time with no offset is read as UTC, so the result never depends on the
 *  machine's time zone. */
export function toIsoUtc(value: unknown): string | undefined {
  const v = clean(value);
  if (!v) return undefined;
  const zoned = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(v) ? `${v}Z` : v;
  const t = Date.parse(zoned);
  return Number.isNaN(t) || !/\d{4}/.test(v) ? undefined : new Date(t).toISOString();
}

function absolute(href: unknown, base: string): string | undefined {
  const h = clean(href);
  if (!h) return undefined;
  try {
    const u = new URL(h, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** Every JSON-LD node on the page, flattened out of arrays and @graph, plus an @id index for references. */
function jsonLdNodes($: CheerioAPI): { nodes: Json[]; byId: Map<string, Json> } {
  const nodes: Json[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    const node = v as Json;
    nodes.push(node);
    if (node['@graph']) visit(node['@graph']);
  };
  $('script[type="application/ld+json"]').each((_, el) => {
    const raw = $(el).text().replace(/^\s*(<!--|<!\[CDATA\[)|(-->|\]\]>)\s*$/g, '');
    try {
      visit(JSON.parse(raw));
    } catch {
      // Broken JSON-LD is common; the other metadata still stands.
    }
  });
  const byId = new Map<string, Json>();
  for (const n of nodes) if (typeof n['@id'] === 'string') byId.set(n['@id'], n);
  return { nodes, byId };
}

function typesOf(node: Json): string[] {
  const t = node['@type'];
  return (Array.isArray(t) ? t : [t]).filter((x): x is string => typeof x === 'string');
}

function names(value: unknown, byId: Map<string, Json>): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((v) => {
    if (typeof v === 'string') return clean(v) ? [clean(v)!] : [];
    if (!v || typeof v !== 'object') return [];
    const ref = (v as Json)['@id'];
    const node = typeof ref === 'string' && !(v as Json).name ? (byId.get(ref) ?? (v as Json)) : (v as Json);
    const name = clean(node.name);
    return name ? [name] : [];
  });
}

function imageOf(value: unknown): unknown {
  const v = Array.isArray(value) ? value[0] : value;
  return v && typeof v === 'object' ? (v as Json).url : v;
}

function metadata(html: string, url: string) {
  // htmlparser2 rather than parse5: 3.7× faster on a 54 KB page, and metadata needs no tree-building finesse.
  const $ = load(html, { xml: { xmlMode: false, decodeEntities: true } });
  const meta = (...keys: string[]) => {
    for (const k of keys) {
      const v = clean($(`meta[property="${k}"], meta[name="${k}"], meta[itemprop="${k}"]`).first().attr('content'));
      if (v) return v;
    }
    return undefined;
  };
  const { nodes, byId } = jsonLdNodes($);
  const ld = nodes.find((n) => typesOf(n).some((t) => ARTICLE_TYPES.test(t))) ?? {};
  const publisher = names(ld.publisher, byId)[0];
  const metaAuthors = $('meta[name="author"], meta[property="article:author"]')
    .map((_, el) => clean($(el).attr('content')))
    .get()
    .filter((a) => !/^https?:\/\//.test(a)); // article:author is often a profile URL, not a name
  return {
    title: meta('og:title', 'twitter:title') ?? clean(ld.headline),
    canonicalUrl: absolute($('link[rel~="canonical"]').first().attr('href'), url) ?? absolute(meta('og:url'), url),
    published: toIsoUtc(ld.datePublished) ?? toIsoUtc(meta('article:published_time', 'datePublished', 'DC.date.issued', 'dcterms.created')),
    modified: toIsoUtc(ld.dateModified) ?? toIsoUtc(meta('article:modified_time', 'og:updated_time', 'dateModified', 'dcterms.modified')),
    authors: [...new Set([...names(ld.author, byId), ...metaAuthors])],
    siteName: meta('og:site_name') ?? publisher,
    description: meta('og:description', 'description', 'twitter:description') ?? clean(ld.description),
    image: absolute(meta('og:image', 'og:image:url', 'twitter:image') ?? imageOf(ld.image), url),
    lang: clean($('html').attr('lang'))?.replace('_', '-') ?? meta('og:locale')?.replace('_', '-'),
    pageTitle: clean($('title').first().text()),
    isArticle: Object.keys(ld).length > 0 || meta('og:type') === 'article',
  };
}

/** Readability's output, or null when the page holds no story. Its readerable test alone misses short notices
 *  (two 150-character paragraphs), so a page that declares itself an article is always read. */
function mainBody(html: string, isArticle: boolean) {
  // linkedom wants a whole document; a bare fragment would leave Readability without a <body>.
  const doc = parseHTML(/<html[\s>]/i.test(html) ? html : `<!doctype html><html><head></head><body>${html}</body></html>`).document;
  if (!isArticle && !isProbablyReaderable(doc)) return null;
  try {
    return new Readability(doc, { maxElemsToParse: MAX_ELEMENTS }).parse();
  } catch {
    return null; // over MAX_ELEMENTS: treat as "no story here" rather than spend seconds on it
  }
}

/** The main text and metadata of one page. Throws only for a page over MAX_HTML_CHARS. */
export function extract(html: string, opts: { url: string }): Extracted {
  if (html.length > MAX_HTML_CHARS) {
    throw new Error(`extract: ${opts.url} is ${html.length} characters of HTML, over the ${MAX_HTML_CHARS} cap — it is not a story page; keep the feed's summary instead`);
  }
  const m = metadata(html, opts.url);
  const r = mainBody(html, m.isArticle);
  const body = r?.content ? sanitize(r.content, opts.url) : '';
  const text = body ? htmlToText(body).trim() : '';
  const byline = clean(r?.byline);
  const out: Extracted = {
    title: m.title ?? clean(r?.title) ?? m.pageTitle,
    text,
    html: body,
    canonicalUrl: m.canonicalUrl,
    published: m.published ?? toIsoUtc(r?.publishedTime),
    modified: m.modified,
    authors: m.authors.length ? m.authors : byline ? [byline.replace(/^by\s+/i, '')] : [],
    siteName: m.siteName ?? clean(r?.siteName),
    description: m.description ?? clean(r?.excerpt),
    image: m.image,
    lang: m.lang ?? clean(r?.lang),
  };
  // Leave absent fields out, so results compare and serialise cleanly.
  for (const k of Object.keys(out) as (keyof Extracted)[]) if (out[k] === undefined) delete out[k];
  return out;
}
