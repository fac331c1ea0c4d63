// poll-source: one source, one poll. fetch (conditional GET, unconditional every FULL_FETCH_EVERY polls because
// some servers answer 304 while the feed changed) -> body hash compare -> decode -> parse (in a worker thread,
// within a time limit: adapters/parse-pool.ts) or scrape -> keep the newest MAX_ITEMS_PER_POLL entries ->
// normalize -> drop entries stored by earlier polls -> tag full-text items, and the teasers beyond
// MAX_PAGE_FETCHES_PER_POLL on the feed's own text -> insert new items and their topics in one statement ->
// record health, the next poll and what the limits left out -> queue the other teasers for process-item.
// Concurrent polls share their source reads, item inserts and health writes (one statement per batch, see
// `coalesce`); the claim and the UNIQUE constraints stay the guards. Every failure a source can cause is
// RECORDED on it in words and the job succeeds; the schedule, not BullMQ, retries. Only our own faults
// (database down) throw.
import { createHash } from 'node:crypto';
import { UnrecoverableError } from 'bullmq';
import { FetchError, type FetchResult, fetchUrl, parseCacheHeaders, parseRetryAfter } from '../adapters/fetch.ts';
import type { FeedEntry, ParsedFeed } from '../domain/types.ts';
import { decode } from '../pipeline/decode.ts';
import { keepNewest } from '../pipeline/keep-newest.ts';
import { identity, normalize } from '../pipeline/normalize.ts';
import { ParseError } from '../pipeline/parse.ts';
import { htmlToText } from '../pipeline/text.ts';
import { STEMMER_PROBE, searchLexemes, stemmerAgrees } from '../pipeline/lexemes.ts';
import { itemWords } from '../pipeline/words.ts';
import { type PollErrorKind, type PollOutcome, nextPoll } from '../pipeline/schedule.ts';
import { linksFromHeader } from '../pipeline/websub.ts';
import type { TopicMatch } from '../domain/types.ts';
import type { ModelDecision } from '../domain/relevance.ts';
import { englishStems, type NewItem } from '../storage/items.ts';
import { insertDecisions } from '../storage/relevance.ts';
import { pollBatch } from './poll-batch.ts';
import { pollNextOf } from './schedule-polls.ts';
import type { PollRecord } from '../storage/polls.ts';
import { setWebsub } from '../storage/websub.ts';
import type { Source } from '../domain/types.ts';
import { textOf, verdicts as tagged } from '../pipeline/verdicts.ts';
import { sourceName } from '../pipeline/source-name.ts';
import { activeModel } from './active-model.ts';
import { activeRules } from './active-rules.ts';
import { afterTagged } from './after-tagged.ts';
import { type IngestDeps, userAgent } from './deps.ts';
import { SHORT_TEXT_CHARS } from './process-item.ts';

export const FULL_FETCH_EVERY = 12;
const FEED_ACCEPT = 'application/atom+xml, application/rss+xml, application/rdf+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5';

export interface PollSummary {
  sourceId: number;
  name: string;
  result: PollRecord['result'] | 'skipped';
  status?: number;
  newItems: number;
  /** New items queued for process-item (their pages are fetched). */
  queued: number[];
  /** Entries of the feed this poll left out (it keeps the newest MAX_ITEMS_PER_POLL). */
  skippedItems?: number;
  /** New teasers tagged on the feed's text, their pages not fetched (MAX_PAGE_FETCHES_PER_POLL). */
  pagesNotFetched?: number;
  error?: string;
  nextPollAt?: Date;
}

type Failure = { kind: PollErrorKind; message: string; status?: number; retryAfter?: Date };

function httpFailure(res: FetchResult, now: Date): Failure {
  const s = res.status;
  const retryAfter = parseRetryAfter(res.headers['retry-after'], now);
  if (s === 429) return { kind: 'http_429', status: s, retryAfter, message: `poll: the server says we poll too often (HTTP 429); waiting as it asked` };
  if (s >= 500) return { kind: 'http_5xx', status: s, retryAfter, message: `poll: the server failed (HTTP ${s}); it is retried later with backoff` };
  const what =
    s === 404 || s === 410
      ? 'the feed is not there any more — check the URL on the site, or disable the source'
      : s === 401 || s === 403
        ? 'the server refuses pressdesk — the site may block robots; ask the site owner or disable the source'
        : 'the server refused the request';
  return { kind: 'http_4xx', status: s, message: `poll: HTTP ${s}: ${what}` };
}

/** Feed entries (with their identities) -> rows, keeping the first of entries that share an identity and
 *  leaving out those already stored. `dates`: each row's date as the feed gave it (undefined when it gave
 *  none or an implausible one: the stored date is then the poll's time). */
function toRows(source: Source, entries: FeedEntry[], ids: string[], stored: Set<string>, now: Date): { rows: NewItem[]; dates: (string | undefined)[] } {
  const seen = new Set<string>();
  const rows: NewItem[] = [];
  const dates: (string | undefined)[] = [];
  for (const [k, raw] of entries.entries()) {
    const id = ids[k]!;
    if (seen.has(id) || stored.has(id)) continue;
    seen.add(id);
    const e = normalize(raw, { feedUrl: source.url, now });
    dates.push(e.publishedDefaulted ? undefined : e.published);
    const bodyText = htmlToText(e.content ?? e.summary ?? '');
    rows.push({
      identity: id,
      canonicalUrl: e.url ?? null,
      guid: e.guid ?? null,
      url: e.url ?? null,
      title: e.title,
      summaryHtml: e.summary ?? null,
      contentHtml: e.content ?? null,
      bodyText: bodyText || null,
      author: e.author ?? null,
      publishedAt: e.published ?? null,
      categories: e.categories ?? [],
      extractStatus: e.url && bodyText.length < SHORT_TEXT_CHARS ? 'pending' : 'not_needed',
    });
  }
  return { rows, dates };
}

/** Teasers beyond the page-fetch limit: the newest `max` keep their fetch, the rest are marked to be tagged on
 *  the feed's own text, saying why. */
function limitPageFetches(rows: NewItem[], dates: (string | undefined)[], max: number, now: Date): void {
  const teasers = rows.flatMap((r, i) => (r.extractStatus === 'pending' ? [i] : []));
  const { skipped } = keepNewest(teasers, max, { dateOf: (i) => dates[i], now });
  for (const i of skipped) {
    rows[i]!.extractStatus = 'skipped';
    rows[i]!.extractError = `poll: the page was not fetched: this poll had queued its ${max} page fetches (MAX_PAGE_FETCHES_PER_POLL), newest first; tagged on the feed's own text`;
  }
}

/** Polls one source now and records the outcome. Never throws for the source's own failures. */
export async function pollSource(rt: IngestDeps, sourceId: number, opts: { force?: boolean; signal?: AbortSignal } = {}): Promise<PollSummary> {
  const batch = pollBatch(rt.db);
  const source = await batch.load(sourceId);
  if (!source) throw new UnrecoverableError(`poll: source ${sourceId} does not exist (deleted?)`);
  if (!source.enabled) return { sourceId, name: source.name, result: 'skipped', newItems: 0, queued: [] };
  const now = rt.now();
  const full = Boolean(opts.force) || source.pollsSinceFull + 1 >= (rt.fullFetchEvery ?? FULL_FETCH_EVERY);
  let res: FetchResult | undefined;
  let failure: Failure | undefined;
  let feed: ParsedFeed | undefined;
  let hash: string | undefined;
  const started = performance.now();
  try {
    res = await fetchUrl(source.url, {
      allowPrivate: rt.config.fetchAllowPrivate,
      userAgent: userAgent(rt),
      accept: source.kind === 'html' ? 'text/html' : FEED_ACCEPT,
      etag: full ? undefined : (source.etag ?? undefined),
      lastModified: full ? undefined : (source.lastModified ?? undefined),
      signal: opts.signal,
    });
    if (res.status !== 304 && (res.status < 200 || res.status >= 300)) failure = httpFailure(res, now);
    else if (res.status !== 304) {
      hash = createHash('sha1').update(res.body).digest('hex');
      if (hash !== source.bodyHash) {
        const text = decode(res.body, { contentType: res.headers['content-type'], override: source.charset ?? undefined });
        // Loaded on first use: most deployments poll feeds only.
        feed = source.kind === 'html' ? (await import('../pipeline/scrape.ts')).scrape(text, { url: res.url, selectors: source.selectors! }) : await rt.parsePool.parse(text, { url: res.url });
      }
    }
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    if (err instanceof FetchError) failure = { kind: err.kind === 'aborted' ? 'timeout' : err.kind, message: err.message };
    else if (err instanceof ParseError) failure = { kind: 'parse', status: res?.status, message: err.message };
    else throw err;
  }

  let rows: NewItem[] = [];
  let feedItems: number | undefined;
  let skippedItems = 0;
  if (feed) {
    // One feed's work is bounded: only its newest entries go on (the rest are counted on the poll's record),
    // so a feed listing 50,000 entries costs what one listing 500 does from here on.
    feedItems = feed.entries.length;
    const { kept, skipped } = keepNewest(feed.entries as FeedEntry[], rt.config.maxItemsPerPoll, { dateOf: (e) => e.published, now });
    skippedItems = skipped.length;
    feed = { ...feed, entries: kept };
    // Entries stored by an earlier poll are not normalised, tagged or sent again: a feed that gained one item
    // still carries its other 49. A source that never delivered a body has none, so no query.
    const entries = kept;
    const ids = entries.map((raw) => identity(raw, source.dedupPolicy, source.url));
    const stored = source.bodyHash !== null && ids.length ? await batch.known({ sourceId: source.id, identities: ids }) : new Set<string>();
    const made = toRows(source, entries, ids, stored, now);
    rows = made.rows;
    limitPageFetches(rows, made.dates, rt.config.maxPageFetchesPerPoll, now);
  }
  // Full-text items are tagged before they are stored, so they are stored once, topics and all (an UPDATE
  // afterwards would re-index every row's search vector); so are the teasers whose pages the limit leaves
  // unfetched, on the feed's own text. The other teasers wait for their page in process-item.
  const complete = rows.filter((r) => r.extractStatus === 'not_needed' || r.extractStatus === 'skipped');
  const verdicts = new Map<string, TopicMatch[]>();
  const decisions = new Map<string, ModelDecision[]>();
  let modelVersion = 0;
  if (complete.length) {
    const [rules, model] = await Promise.all([activeRules(rt.db), activeModel(rt.db)]);
    modelVersion = model.version;
    const found = tagged(rules.matcher, complete.map((r) => textOf(r, source.name)), model);
    complete.forEach((r, i) => {
      r.processedAt = now.toISOString();
      r.topics = found[i]!.topics;
      verdicts.set(r.identity, found[i]!.topics);
      if (found[i]!.decisions.length) decisions.set(r.identity, found[i]!.decisions);
    });
  }
  const outcome: PollOutcome = failure
    ? { ok: false, error: failure.kind, retryAfter: failure.retryAfter }
    : { ok: true, newItems: 0, ttlMinutes: feed?.ttlMinutes, cacheExpires: res ? parseCacheHeaders(res.headers, now).expires : undefined };
  const websubActive = source.websubState === 'active' && (source.websubLeaseUntil?.getTime() ?? 0) > now.getTime();

  const result: PollRecord['result'] = failure ? 'error' : res?.status === 304 ? 'not_modified' : feed ? 'ok' : 'unchanged';
  // Two statements, no transaction: items (with topics) first; if the process dies before the health is
  // recorded, the claim lapses, the source is polled again and the items are already there.
  if (rows.length) {
    // The backtest's words and the search lexemes, computed here rather than by the database's trigger.
    const lexemes = stemmerAgrees(await englishStems(rt.db, STEMMER_PROBE));
    for (const r of rows) {
      r.words = itemWords(r);
      r.lexemes = lexemes ? searchLexemes(r) : null;
    }
  }
  const fresh = rows.length ? await batch.insert({ sourceId: source.id, items: rows, fetchedAt: now }) : [];
  if (outcome.ok) outcome.newItems = fresh.length;
  // The model's decisions on the new items, for their story pages (a second statement: rare, and a poll that
  // dies before it only loses the explanations, not the topics).
  if (decisions.size) await insertDecisions(rt.db, fresh.flatMap((f) => (decisions.has(f.identity) ? [{ itemId: f.id, model: modelVersion, decisions: decisions.get(f.identity)! }] : [])), now);
  const unfetched = new Set(rows.filter((r) => r.extractStatus === 'skipped').map((r) => r.identity));
  const pagesNotFetched = fresh.filter((f) => unfetched.has(f.identity)).length;
  const next = nextPoll({ ...source, sourceId: source.id, websubActive }, outcome, now);
  const record = await batch.record({
      sourceId: source.id,
      at: now,
      result,
      status: failure?.status ?? res?.status,
      ms: performance.now() - started,
      bytes: res?.bytes ?? 0,
      newItems: fresh.length,
      feedItems,
      skippedItems,
      pagesNotFetched,
      // Only a source nobody named takes it (storage/polls.ts); reading it costs nothing beside the parse.
      feedTitle: source.nameIsDefault ? sourceName(feed?.title) : undefined,
      error: failure?.message,
      etag: res?.headers.etag ?? (res?.status === 304 ? source.etag : null),
      lastModified: res?.headers['last-modified'] ?? (res?.status === 304 ? source.lastModified : null),
      bodyHash: hash ?? source.bodyHash,
      pollsSinceFull: full ? 0 : source.pollsSinceFull + 1,
      intervalS: next.intervalS,
      nextPollAt: next.at,
      nextPollReason: failure ? `${next.reason}: ${failure.message}` : next.reason,
      errorScore: next.errorScore,
      itemsPerDay: next.itemsPerDay,
  });
  if (!record) throw new Error(`poll: source ${source.id} vanished while it was being polled`);
  await pollNextOf(rt, source.host);
  const teasers = fresh.filter((f) => !verdicts.has(f.identity)).map((f) => f.id);
  await afterTagged(rt, fresh.filter((f) => verdicts.has(f.identity)).map((f) => ({ itemId: f.id, topics: verdicts.get(f.identity)!.map((v) => v.topic) })));
  if (teasers.length) {
    await rt.queues.get('process-item').addBulk(teasers.map((itemId) => ({ name: 'process-item', data: { itemId }, opts: { jobId: `item-${itemId}` } })));
  }
  if (feed || res) await noteHub(rt, source, feed, res);
  const status = failure?.status ?? res?.status;
  return { sourceId, name: source.name, result, status, newItems: fresh.length, queued: teasers, skippedItems, pagesNotFetched, error: failure?.message, nextPollAt: record.nextPollAt };
}

/** A hub advertised in the feed or the Link header is remembered; the websub-renew task subscribes. */
async function noteHub(rt: IngestDeps, source: Source, feed: ParsedFeed | undefined, res: FetchResult | undefined) {
  const links = linksFromHeader(res?.headers.link);
  const hub = feed?.hub ?? links.hub;
  if (!hub || hub === source.websubHub) return;
  await setWebsub(rt.db, source.id, { hub, topic: feed?.selfUrl ?? links.self ?? source.url, state: null, leaseUntil: null });
}
