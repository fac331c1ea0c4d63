// OPML in and out (pure: text in, source specs out, and back). feedsmith parses OPML without expanding
// entities. pressdesk's own settings ride along as extra outline attributes (pdKind, pdSelectors, ...), so an
// export re-imports losslessly, while other readers see an ordinary subscription list.
// Source packs (src/packs/sources/*.json) hold the same specs, checked by the same `sourceSpec`.
import { generateOpml, parseOpml } from 'feedsmith';
import type { DedupPolicy, SourceSpec } from '../domain/types.ts';

const EXTRA = ['pdKind', 'pdSelectors', 'pdMinInterval', 'pdMaxInterval', 'pdCharset', 'pdDedup', 'pdTopics', 'pdDisabled'] as const;
type Outline = { text?: string; title?: string; xmlUrl?: string; htmlUrl?: string; category?: string; outlines?: Outline[] } & Partial<
  Record<(typeof EXTRA)[number], string>
>;

const POLICIES = new Set(['guid', 'link', 'title_link']);
const num = (v: unknown) => (v === undefined || v === '' ? undefined : Number(v));

/** Checks one raw spec (from OPML or a pack file); returns it cleaned, or why it is refused. */
export function sourceSpec(raw: Record<string, unknown>): SourceSpec | { problem: string } {
  const url = typeof raw.url === 'string' ? raw.url.trim() : '';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { problem: `"${url}" is not a URL` };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { problem: `${url}: only http and https sources can be polled` };
  const kind = raw.kind ?? 'feed';
  if (kind !== 'feed' && kind !== 'html') return { problem: `${url}: kind must be feed or html, not ${String(kind)}` };
  const sel = raw.selectors as SourceSpec['selectors'];
  if (kind === 'html' && (!sel || typeof sel.item !== 'string' || typeof sel.link !== 'string')) {
    return { problem: `${url}: an html source needs selectors with at least "item" and "link"` };
  }
  const min = num(raw.minIntervalS);
  const max = num(raw.maxIntervalS);
  if ((min !== undefined && !(min >= 30)) || (max !== undefined && !(max >= (min ?? 30)))) {
    return { problem: `${url}: poll intervals must be at least 30 s, and max at least min` };
  }
  const policy = raw.dedupPolicy;
  if (policy !== undefined && !POLICIES.has(String(policy))) return { problem: `${url}: dedup policy must be guid, link or title_link` };
  const name = typeof raw.name === 'string' && raw.name.trim() ? raw.name.trim() : parsed.hostname;
  // A name that is only the host (none given, or an export of one) gives way to the feed's title.
  const nameIsDefault = name === parsed.hostname;
  const topics = Array.isArray(raw.topics) ? raw.topics.map(String).filter(Boolean) : [];
  return {
    url: parsed.href,
    name,
    nameIsDefault,
    kind,
    selectors: kind === 'html' ? sel : null,
    ...(min !== undefined && { minIntervalS: min }),
    ...(max !== undefined && { maxIntervalS: max }),
    charset: typeof raw.charset === 'string' && raw.charset ? raw.charset : null,
    ...(policy !== undefined && { dedupPolicy: policy as DedupPolicy }),
    topics,
    enabled: raw.enabled !== false,
  };
}

/** Every outline with an xmlUrl (or pdKind=html and htmlUrl), at any depth. Bad ones are reported, not fatal. */
export function importOpml(text: string): { sources: SourceSpec[]; problems: string[] } {
  let doc: { body?: { outlines?: Outline[] } };
  try {
    doc = parseOpml(text, { extraOutlineAttributes: EXTRA }) as typeof doc;
  } catch (err) {
    throw new Error(`opml: not an OPML document (${(err as Error).message}) — export the subscription list again as OPML`);
  }
  const sources: SourceSpec[] = [];
  const problems: string[] = [];
  const walk = (list: Outline[] | undefined) => {
    for (const o of list ?? []) {
      const kind = o.pdKind === 'html' ? 'html' : 'feed';
      const url = kind === 'html' ? (o.htmlUrl ?? o.xmlUrl) : o.xmlUrl;
      if (url) {
        let selectors: unknown = null;
        try {
          selectors = o.pdSelectors ? JSON.parse(o.pdSelectors) : null;
        } catch {
          problems.push(`${url}: pdSelectors is not JSON`);
          continue;
        }
        const topics = [...(o.pdTopics ?? o.category ?? '').split(/[,\s]+/)].map((t) => t.replace(/^\/+/, '')).filter(Boolean);
        const spec = sourceSpec({
          url,
          name: o.title ?? o.text,
          kind,
          selectors,
          minIntervalS: num(o.pdMinInterval),
          maxIntervalS: num(o.pdMaxInterval),
          charset: o.pdCharset,
          dedupPolicy: o.pdDedup,
          topics,
          enabled: o.pdDisabled !== 'true',
        });
        if ('problem' in spec) problems.push(spec.problem);
        else sources.push(spec);
      }
      walk(o.outlines);
    }
  };
  walk(doc.body?.outlines);
  return { sources, problems };
}

/** An OPML 2.0 subscription list of the given sources. */
export function exportOpml(sources: SourceSpec[], opts: { title: string; now: Date }): string {
  const outlines = sources.map((s) => {
    const o: Record<string, string> = { text: s.name, title: s.name, type: s.kind === 'html' ? 'link' : 'rss' };
    if (s.kind === 'html') {
      o.htmlUrl = s.url;
      o.pdKind = 'html';
      o.pdSelectors = JSON.stringify(s.selectors ?? {});
    } else o.xmlUrl = s.url;
    if (s.topics?.length) o.category = s.topics.map((t) => `/${t}`).join(',');
    if (s.minIntervalS !== undefined) o.pdMinInterval = String(s.minIntervalS);
    if (s.maxIntervalS !== undefined) o.pdMaxInterval = String(s.maxIntervalS);
    if (s.charset) o.pdCharset = s.charset;
    if (s.dedupPolicy && s.dedupPolicy !== 'guid') o.pdDedup = s.dedupPolicy;
    if (s.enabled === false) o.pdDisabled = 'true';
    return o;
  });
  return generateOpml(
    { head: { title: opts.title, dateCreated: opts.now }, body: { outlines } } as never,
    { extraOutlineAttributes: EXTRA } as never,
  );
}
