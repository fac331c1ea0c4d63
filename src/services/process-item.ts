// process-item: for an item whose feed gave only a short summary, fetch the page (bounded) and extract the
// main text and metadata; an item whose page is canonically another item's is marked duplicate and stops
// there. Then tag it and store its topics. Items that arrived with full text are tagged by the poll path in a
// batch and never come through here: one hop fewer for most items.
// Page fetches from one host are limited per minute across all processes (PAGE_FETCHES_PER_HOST_PER_MINUTE):
// an item over the limit is not fetched now but reserves its turn, and `wait` says how long until then; the
// worker (workers/process-item.ts) delays the job until its turn, so nothing is dropped or failed for it.
import { UnrecoverableError } from 'bullmq';
import { FetchError, fetchUrl } from '../adapters/fetch.ts';
import { takePageSlot } from '../adapters/page-slots.ts';
import { decode } from '../pipeline/decode.ts';
import { extract } from '../pipeline/extract.ts';
import { normalizeUrl } from '../pipeline/normalize.ts';
import { STEMMER_PROBE, searchLexemes, stemmerAgrees } from '../pipeline/lexemes.ts';
import { itemWords } from '../pipeline/words.ts';
import { englishStems, getItem, type Item, saveExtraction } from '../storage/items.ts';
import { getSource } from '../storage/sources.ts';
import type { Runtime } from '../runtime.ts';
import { type IngestDeps, userAgent } from './deps.ts';
import { tagItems } from './tag-items.ts';

/** Below this much plain text the feed gave only a teaser: fetch the page. */
export const SHORT_TEXT_CHARS = 400;
const PAGE_TIMEOUT_MS = 15_000;
const PAGE_MAX_BYTES = 5 * 1024 * 1024;
const MINUTE_MS = 60_000;

/** Fetches and extracts the item's page; returns false when the item turned out to be a duplicate. */
async function fill(rt: IngestDeps, item: Item, signal: AbortSignal): Promise<boolean> {
  try {
    const res = await fetchUrl(item.url!, {
      allowPrivate: rt.config.fetchAllowPrivate,
      userAgent: userAgent(rt),
      accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5',
      totalTimeoutMs: PAGE_TIMEOUT_MS,
      maxBytes: PAGE_MAX_BYTES,
      signal,
    });
    if (res.status < 200 || res.status >= 300) {
      await saveExtraction(rt.db, item.id, { status: 'failed', error: `process-item: the page answered HTTP ${res.status}; tagged on the feed's summary` });
      return true;
    }
    const page = extract(decode(res.body, { contentType: res.headers['content-type'] }), { url: res.url });
    const canonical = page.canonicalUrl ? normalizeUrl(page.canonicalUrl) : undefined;
    const better = page.text.length > (item.bodyText?.length ?? 0) ? page.text : undefined;
    const withBody = better ? { title: item.title, summaryHtml: item.summaryHtml, bodyText: better, url: item.url } : undefined;
    // searchLexemes speaks only for a database whose stemmer it mirrors; elsewhere the trigger computes them.
    const jsLexemes = withBody !== undefined && stemmerAgrees(await englishStems(rt.db, STEMMER_PROBE));
    const saved = await saveExtraction(rt.db, item.id, {
      status: 'done',
      bodyText: better,
      words: withBody && itemWords(withBody),
      lexemes: withBody && jsLexemes ? searchLexemes(withBody) : null,
      canonicalUrl: canonical,
      author: page.authors.join(', ') || undefined,
      publishedAt: page.published,
    });
    if (saved.duplicateOf) return false;
    if (better) item.bodyText = better;
    return true;
  } catch (err) {
    if (signal.aborted) throw err;
    const why = err instanceof FetchError ? err.message : `process-item: extraction failed (${(err as Error).message})`;
    await saveExtraction(rt.db, item.id, { status: 'failed', error: why });
    return true;
  }
}

export interface Processed {
  itemId: number;
  duplicate?: boolean;
  topics?: string[];
  /** Its host's page-fetch limit is reached: nothing was done; its turn is reserved this many ms from now. */
  wait?: number;
}

/** The lower-case host an item's page is fetched from (the limit is per host of the item's link). */
const hostOf = (url: string) => {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
};

/** What process-item needs: the ingest parts and Redis, which holds every process's page-fetch windows. */
export type ProcessItemDeps = IngestDeps & Pick<Runtime, 'redis'>;

/** How long until this page fetch may start (0: now), its turn reserved in the host's window. */
async function pageTurn(rt: ProcessItemDeps, url: string, asker: string): Promise<number> {
  const limit = rt.config.pageFetchesPerHostPerMinute;
  const host = hostOf(url);
  if (limit <= 0 || !host) return 0;
  const slot = await takePageSlot(rt.redis, { prefix: rt.queues.prefix, host, limit, windowMs: rt.pageWindowMs ?? MINUTE_MS, member: asker });
  return Math.max(0, slot.at - slot.now);
}

/** Fills a teaser item from its page (once), then tags it and hands it on. Idempotent: a duplicate stays one,
 *  and tagging replaces the item's topics. `turn`: who asks for the page-fetch slot (a job's id and attempt),
 *  or false when the caller already holds one (a job that waited for its turn). */
export async function processItem(rt: ProcessItemDeps, itemId: number, signal: AbortSignal, opts: { turn?: string | false } = {}): Promise<Processed> {
  const item = await getItem(rt.db, itemId);
  if (!item) throw new UnrecoverableError(`process-item: item ${itemId} does not exist (deleted with its source?)`);
  if (item.extractStatus === 'duplicate') return { itemId: item.id, duplicate: true };
  if (item.extractStatus === 'pending' && item.url) {
    const wait = opts.turn === false ? 0 : await pageTurn(rt, item.url, opts.turn ?? `item-${item.id}:${Date.now()}`);
    if (wait > 0) return { itemId: item.id, wait };
    if (!(await fill(rt, item, signal))) return { itemId: item.id, duplicate: true };
  }
  const source = await getSource(rt.db, item.sourceId);
  const [tagged] = await tagItems(rt, [item], source?.name ?? '');
  return { itemId: item.id, topics: tagged?.topics ?? [] };
}
