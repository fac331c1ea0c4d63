// process-item: for an item whose feed gave only a short summary, fetch the page (bounded) and extract the
// main text and metadata; an item whose page is canonically another item's is marked duplicate and stops
// there. Then tag it and store its topics. Items that arrived with full text are tagged by poll-source in a
// batch (tagItems below) and never come through this queue: one hop fewer for most items.
import { UnrecoverableError } from 'bullmq';
import type { Job } from 'bullmq';
import { FetchError, fetchUrl } from '../src/adapters/fetch.ts';
import type { JobData } from '../src/adapters/queues.ts';
import { decode } from '../src/pipeline/decode.ts';
import { extract } from '../src/pipeline/extract.ts';
import { normalizeUrl } from '../src/pipeline/normalize.ts';
import { htmlToText } from '../src/pipeline/sanitize.ts';
import { tag } from '../src/pipeline/tag.ts';
import { activeMatcher as activeRulesMatcher } from '../src/rules/active.ts';
import type { Matcher } from '../src/rules/compile.ts';
import { getItem, type Item, saveExtraction, saveTopicsMany } from '../src/storage/items.ts';
import { getSource } from '../src/storage/sources.ts';
import type { Runtime } from '../src/runtime.ts';
import { clusterItems } from './cluster-item.ts';

/** What the ingest workers need from the runtime (tests and the bench build just this). */
export type IngestRuntime = Pick<Runtime, 'db' | 'queues' | 'config' | 'now' | 'mailer'> & { fullFetchEvery?: number };

export const userAgent = (rt: Pick<Runtime, 'config'>) => `pressdesk/0.1 (media monitoring; +${rt.config.publicUrl})`;

/** Below this much plain text the feed gave only a teaser: fetch the page. */
export const SHORT_TEXT_CHARS = 400;
const PAGE_TIMEOUT_MS = 15_000;
const PAGE_MAX_BYTES = 5 * 1024 * 1024;

/** THE place that decides which rules tag items: the database's active rule version, or the shipped pack
 *  when none was saved (cached per version; see src/rules/active.ts). */
export function activeMatcher(rt: IngestRuntime): Promise<Matcher> {
  return activeRulesMatcher(rt);
}

export interface TaggedItem {
  itemId: number;
  topics: string[];
}

/** HOOK for the next stages: clustering into stories and draft-release plug in here. Called once per batch
 *  of freshly tagged items (never for duplicates). Clustering (workers/cluster-item.ts) runs first. */
export async function afterTagged(rt: IngestRuntime, items: TaggedItem[]): Promise<void> {
  await clusterItems(rt, items);
}

type Taggable = Pick<Item, 'id' | 'title' | 'summaryHtml' | 'bodyText' | 'url' | 'publishedAt'>;

/** Tags items with the active rules and stores their topics in one batch, then calls the hook. */
export async function tagItems(rt: IngestRuntime, items: Taggable[], sourceName: string): Promise<TaggedItem[]> {
  const m = await activeMatcher(rt);
  const results = items.map((it) => {
    const r = tag(m, {
      id: String(it.id),
      title: it.title,
      summary: it.summaryHtml ?? undefined,
      body: it.bodyText ?? undefined,
      url: it.url ?? undefined,
      source: sourceName,
      published: it.publishedAt ?? undefined,
    });
    return { itemId: it.id, topics: r.topics, matches: r.matches.map((x) => ({ topic: x.topic, rule: x.rule, matches: x.terms })) };
  });
  await saveTopicsMany(
    rt.db,
    results.map((r) => ({ itemId: r.itemId, topics: r.topics.map((t) => r.matches.find((x) => x.topic === t) ?? { topic: t }) })),
    rt.now(),
  );
  const tagged = results.map((r) => ({ itemId: r.itemId, topics: r.topics }));
  await afterTagged(rt, tagged);
  return tagged;
}

/** Fetches and extracts the item's page; returns false when the item turned out to be a duplicate. */
async function fill(rt: IngestRuntime, item: Item, signal: AbortSignal): Promise<boolean> {
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
    const saved = await saveExtraction(rt.db, item.id, {
      status: 'done',
      bodyText: better,
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

export const processItem =
  (rt: IngestRuntime) =>
  async (job: Job<JobData['process-item']>, signal: AbortSignal): Promise<{ itemId: number; duplicate?: boolean; topics?: string[] }> => {
    const item = await getItem(rt.db, job.data.itemId);
    if (!item) throw new UnrecoverableError(`process-item: item ${job.data.itemId} does not exist (deleted with its source?)`);
    if (item.extractStatus === 'duplicate') return { itemId: item.id, duplicate: true };
    if (item.extractStatus === 'pending' && item.url) {
      if (!(await fill(rt, item, signal))) return { itemId: item.id, duplicate: true };
    }
    const source = await getSource(rt.db, item.sourceId);
    const [tagged] = await tagItems(rt, [item], source?.name ?? '');
    return { itemId: item.id, topics: tagged?.topics ?? [] };
  };

/** The plain text of an entry's HTML, for the "is this only a teaser?" test. */
export const plainText = (html: string | undefined | null) => (html ? htmlToText(html) : '');
