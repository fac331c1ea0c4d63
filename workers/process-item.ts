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
import { tag } from '../src/pipeline/tag.ts';
import { activeMatcher as activeRulesMatcher } from '../src/rules/active.ts';
import type { Matcher } from '../src/rules/compile.ts';
import { STEMMER_PROBE, searchLexemes, stemmerAgrees } from '../src/pipeline/lexemes.ts';
import { itemWords } from '../src/pipeline/words.ts';
import { englishStems, getItem, type Item, saveExtraction, saveTopicsMany, type TopicMatch } from '../src/storage/items.ts';
import { getSource } from '../src/storage/sources.ts';
import type { Runtime } from '../src/runtime.ts';
import { clusterItems } from './cluster-item.ts';

/** What the ingest workers need from the runtime (tests and the bench build just this). */
export type IngestRuntime = Pick<Runtime, 'db' | 'queues' | 'config' | 'now' | 'mailer'> & {
  fullFetchEvery?: number;
  /** bench/ingest.ts: milliseconds spent per stage, summed over polls. */
  profile?: Record<string, number>;
  /** bench/ingest.ts only: leave out the after-tagged hook, to time ingestion by itself. */
  skipAfterTagged?: boolean;
};

/** Adds the time since `t0` to a stage of the profile (when one is kept); returns now for the next stage. */
export function lap(rt: IngestRuntime, stage: string, t0: number): number {
  const t = performance.now();
  if (rt.profile) rt.profile[stage] = (rt.profile[stage] ?? 0) + (t - t0);
  return t;
}

export const userAgent = (rt: Pick<Runtime, 'config'>) => `pressdesk/0.1 (media monitoring; +${rt.config.publicUrl})`;

/** Below this much plain text the feed gave only a teaser: fetch the page. */
export const SHORT_TEXT_CHARS = 400;
const PAGE_TIMEOUT_MS = 15_000;
const PAGE_MAX_BYTES = 5 * 1024 * 1024;

const inFlight = new WeakMap<IngestRuntime['db'], Promise<Matcher>>();

/** THE place that decides which rules tag items: the database's active rule version, or the shipped pack
 *  when none was saved (cached per version; see src/rules/active.ts). Concurrent polls share one in-flight
 *  version check instead of one query each (a check already in flight when a save commits may answer the
 *  old version; the next check, one statement later, sees the new one). */
export function activeMatcher(rt: IngestRuntime): Promise<Matcher> {
  let p = inFlight.get(rt.db);
  if (!p) {
    p = activeRulesMatcher(rt).finally(() => inFlight.delete(rt.db));
    inFlight.set(rt.db, p);
  }
  return p;
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

/** Highlights kept per topic: a long body can match a term hundreds of times, and storing every position
 *  made the poll path's insert 2x slower (bench/ingest.ts). The rest can be recomputed with explain. */
export const MAX_STORED_HITS = 12;

type Taggable = Pick<Item, 'title' | 'summaryHtml' | 'bodyText' | 'url' | 'publishedAt'>;

/** The active rules' verdict on each text (pure apart from loading the matcher): topics, and per topic the
 *  first rule that gave it with the terms to highlight. */
export async function tagTexts(rt: IngestRuntime, items: Taggable[], sourceName: string): Promise<TopicMatch[][]> {
  const m = await activeMatcher(rt);
  return items.map((it, i) => {
    const r = tag(m, {
      id: String(i),
      title: it.title,
      summary: it.summaryHtml ?? undefined,
      body: it.bodyText ?? undefined,
      url: it.url ?? undefined,
      source: sourceName,
      published: it.publishedAt ?? undefined,
    });
    return r.topics.map((topic) => {
      const hit = r.matches.find((x) => x.topic === topic);
      return { topic, rule: hit?.rule ?? null, matches: hit?.terms.slice(0, MAX_STORED_HITS) ?? null };
    });
  });
}

/** Tags stored items, replaces their topics in one batch, then calls the hook (process-item's path). */
export async function tagItems(rt: IngestRuntime, items: (Taggable & { id: number })[], sourceName: string): Promise<TaggedItem[]> {
  let t0 = performance.now();
  const verdicts = await tagTexts(rt, items, sourceName);
  t0 = lap(rt, 'tag', t0);
  await saveTopicsMany(rt.db, items.map((it, i) => ({ itemId: it.id, topics: verdicts[i]! })), rt.now());
  t0 = lap(rt, 'store topics', t0);
  const tagged = items.map((it, i) => ({ itemId: it.id, topics: verdicts[i]!.map((v) => v.topic) }));
  await runAfterTagged(rt, tagged);
  return tagged;
}

/** The hook, unless the bench asked to time ingestion alone. */
export async function runAfterTagged(rt: IngestRuntime, tagged: TaggedItem[]) {
  const t0 = performance.now();
  if (!rt.skipAfterTagged && tagged.length) await afterTagged(rt, tagged);
  lap(rt, 'after-tagged hook (stories)', t0);
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
