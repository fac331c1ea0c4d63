// The work of `pressdesk parse` (src/cli/parse.ts registers it): decode -> parse -> normalize on one feed's
// bytes, on every file under a directory, or on a fetched URL, outside the pipeline.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fetchUrl } from '../adapters/fetch.ts';
import { decode } from '../pipeline/decode.ts';
import { normalize, type NormalizedEntry } from '../pipeline/normalize.ts';
import { parse } from '../pipeline/parse.ts';
import { config, fail } from './context.ts';

/** Files bigger than this are refused unread: the fetcher caps bodies at the same size by default. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

export interface ParseDocumentOptions {
  /** Base for relative links and the feed URL for normalisation. */
  url: string;
  contentType?: string;
  charset?: string;
  now: Date;
}

/** The CLI's item shape: exactly these keys, null where the feed had nothing. */
export function itemLine(e: NormalizedEntry) {
  return {
    guid: e.guid ?? null,
    url: e.url ?? null,
    title: e.title,
    summary: e.summary ?? null,
    content: e.content ?? null,
    author: e.author ?? null,
    published: e.published,
    categories: e.categories,
  };
}

/** Bytes of one feed -> its normalised items. Throws ParseError when it is not a usable feed. */
export function parseDocument(bytes: Uint8Array, opts: ParseDocumentOptions) {
  const text = decode(bytes, { contentType: opts.contentType, override: opts.charset });
  let url = opts.url;
  let feed = parse(text, { url });
  // A file on disk has no web address of its own: relative links mean more against the feed's self URL.
  if (url.startsWith('file:') && feed.selfUrl && /^https?:/i.test(feed.selfUrl) && feed.entries.some((e) => e.url?.startsWith('file:'))) {
    url = feed.selfUrl;
    feed = parse(text, { url });
  }
  return feed.entries.map((e) => itemLine(normalize(e, { feedUrl: url, now: opts.now })));
}

export function readCapped(path: string): Uint8Array {
  const size = statSync(path).size;
  if (size > MAX_FILE_BYTES) {
    throw new Error(`parse: ${path} is ${(size / 1048576).toFixed(1)} MB, over the ${MAX_FILE_BYTES / 1048576} MB limit — a feed that big is not one we would poll`);
  }
  return new Uint8Array(readFileSync(path));
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((d) => {
      const p = join(dir, d.name);
      if (d.isDirectory()) return walk(p);
      return d.isFile() ? [p] : [];
    });
}

/** One JSON line per file under `dir`; returns how many parsed and failed. */
export function parseDirectory(dir: string, opts: { charset?: string; now: Date }, write: (line: string) => void) {
  let ok = 0;
  let failed = 0;
  for (const file of walk(dir)) {
    try {
      const items = parseDocument(readCapped(file), { url: pathToFileURL(resolve(file)).href, charset: opts.charset, now: opts.now });
      write(`${JSON.stringify({ file, ok: true, error: null, items })}\n`);
      ok++;
    } catch (err) {
      write(`${JSON.stringify({ file, ok: false, error: (err as Error).message, items: [] })}\n`);
      failed++;
    }
  }
  return { ok, failed };
}

export async function fetchDocument(url: string): Promise<{ bytes: Uint8Array; url: string; contentType?: string }> {
  const c = await config();
  let res: Awaited<ReturnType<typeof fetchUrl>>;
  try {
    res = await fetchUrl(url, {
      allowPrivate: c.fetchAllowPrivate,
      userAgent: `pressdesk/0.1 (+${c.publicUrl})`,
      accept: 'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5',
      maxBytes: MAX_FILE_BYTES,
    });
  } catch (err) {
    fail(`parse: cannot fetch ${url}: ${(err as Error).message}`);
  }
  if (res.status < 200 || res.status > 299) fail(`parse: HTTP ${res.status} from ${res.url} — check the URL`);
  return { bytes: res.body, url: res.url, contentType: res.headers['content-type'] };
}
