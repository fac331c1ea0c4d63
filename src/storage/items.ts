// All SQL about items: the batch insert whose ON CONFLICT decides what is new, the extraction result (which
// may reveal a duplicate through its canonical URL), and the topics the tagger found.
import type { Db, Row } from './db.ts';
import type { TopicMatch } from '../domain/types.ts';

/** pending: its page is to be fetched (process-item); not_needed: the feed gave the full text; done: the page's
 *  text is in; failed: the page could not be had, tagged on the feed's text (extract_error says why); skipped:
 *  its page was not fetched because the poll had queued its MAX_PAGE_FETCHES_PER_POLL, tagged on the feed's
 *  text (extract_error says so); duplicate: its page is canonically another item's. */
export type ExtractStatus = 'pending' | 'not_needed' | 'done' | 'failed' | 'skipped' | 'duplicate';

/** The backtest's words of an item (itemWords, src/pipeline/words.ts): its distinct lower-case ASCII words,
 *  space-separated, and whether they are all the rule matcher can see. */
export interface StoredWords {
  words: string;
  exact: boolean;
}

export interface NewItem {
  identity: string;
  canonicalUrl: string | null;
  guid: string | null;
  url: string | null;
  title: string;
  summaryHtml: string | null;
  contentHtml: string | null;
  bodyText: string | null;
  author: string | null;
  /** ISO-8601 UTC. */
  publishedAt: string | null;
  categories: string[];
  extractStatus: ExtractStatus;
  /** Why its page is not in (status skipped), in words. */
  extractError?: string | null;
  /** Set when the item was tagged before it was stored (full-text items on the poll path)... */
  processedAt?: string | null;
  /** ...with the topics it got, stored in the same statement. */
  topics?: TopicMatch[];
  /** itemWords of the item, when the caller computed them; absent, the trigger computes them in SQL
   *  (backtest_words over a whole article costs far more there than in JS). */
  words?: StoredWords;
  /** searchLexemes of the item (src/pipeline/lexemes.ts), sent only where the database's stemmer is the one
   *  it mirrors (stemmerAgrees over englishStems); null or absent, the trigger computes them in SQL. */
  lexemes?: string | null;
}

export interface Item extends Omit<NewItem, 'processedAt' | 'topics' | 'words' | 'lexemes' | 'extractError'> {
  id: number;
  sourceId: number;
  fetchedAt: Date;
  extractError: string | null;
  duplicateOf: number | null;
  processedAt: Date | null;
  storyId: number | null;
}

const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function toItem(r: Row): Item {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (k !== 'words' && k !== 'words_exact') o[camel(k)] = v;
  o.id = Number(o.id);
  o.sourceId = Number(o.sourceId);
  const p = o.publishedAt;
  o.publishedAt = p == null ? null : (p instanceof Date ? p : new Date(String(p))).toISOString();
  return o as unknown as Item;
}

/** Which of these identities each source has stored already, for several sources in one read (concurrent polls
 *  ask together, src/services/poll-batch.ts). A changed feed mostly repeats what it carried before; knowing that
 *  spares tagging and sending those entries. The insert's ON CONFLICT stays the guard. */
export async function storedIdentities(db: Db, asks: { sourceId: number; identities: string[] }[]): Promise<Set<string>[]> {
  const sources: number[] = [];
  const identities: string[] = [];
  for (const a of asks) {
    for (const id of a.identities) {
      sources.push(a.sourceId);
      identities.push(id);
    }
  }
  const found = new Map<number, Set<string>>(asks.map((a) => [a.sourceId, new Set<string>()]));
  if (identities.length) {
    const rows = await db.query<{ source_id: number; identity: string }>(
      `SELECT i.source_id, i.identity FROM items i
       JOIN unnest($1::bigint[], $2::text[]) AS a(source_id, identity) ON i.source_id = a.source_id AND i.identity = a.identity`,
      [sources, identities],
    );
    for (const r of rows) found.get(Number(r.source_id))?.add(r.identity);
  }
  return asks.map((a) => found.get(a.sourceId)!);
}

/** english_stem's lexeme for each word (undefined for a stop word), in order: what searchLexemes' stemmer is
 *  compared with (stemmerAgrees, src/pipeline/lexemes.ts). Asked once per Db and word list: a database's
 *  dictionary does not change under a running process. */
export function englishStems(db: Db, words: readonly string[]): Promise<(string | undefined)[]> {
  const asked = stems.get(db) ?? new Map<string, Promise<(string | undefined)[]>>();
  stems.set(db, asked);
  const key = words.join(' ');
  let p = asked.get(key);
  if (!p) {
    p = db
      .query<{ s: string | null }>(`SELECT (ts_lexize('english_stem', w))[1] AS s FROM unnest($1::text[]) WITH ORDINALITY AS u(w, n) ORDER BY n`, [words])
      .then((rows) => rows.map((r) => r.s ?? undefined));
    p.catch(() => asked.delete(key)); // a failed read is asked again next time
    asked.set(key, p);
  }
  return p;
}
const stems = new WeakMap<Db, Map<string, Promise<(string | undefined)[]>>>();

/** One item as the insert's JSON record: a literal of one shape (spreading NewItem cost ~10 us per item). */
function toRecord(it: NewItem, feed: number, ord: number) {
  return {
    identity: it.identity, canonicalUrl: it.canonicalUrl, guid: it.guid, url: it.url, title: it.title, summaryHtml: it.summaryHtml,
    contentHtml: it.contentHtml, bodyText: it.bodyText, author: it.author, publishedAt: it.publishedAt, categories: it.categories,
    extractStatus: it.extractStatus, extractError: it.extractError ?? null, processedAt: it.processedAt, topics: it.topics, words: it.words?.words ?? null,
    exact: it.words?.exact ?? null, lexemes: it.lexemes ?? null, feed, ord,
  };
}

/** A stored item as the insert reports it. */
export type InsertedItem = { id: number; identity: string };

/** One feed's worth of items for insertFeeds. */
export interface FeedItems {
  sourceId: number;
  items: NewItem[];
  fetchedAt: Date;
}

/** Inserts a feed's items — and the topics of those tagged already — in ONE statement; returns only the
 *  items that were new, in input order. Conflicts on (source, identity) or on the canonical URL (the same
 *  story through another source) are skipped, which makes re-polls and retried jobs harmless. */
export async function insertItems(db: Db, sourceId: number, items: NewItem[], fetchedAt: Date): Promise<InsertedItem[]> {
  return (await insertFeeds(db, [{ sourceId, items, fetchedAt }]))[0]!;
}

/** insertItems for several feeds in ONE statement (what concurrent polls write, src/services/poll-batch.ts): the
 *  new items of each feed, in its input order. Feeds are inserted in the order given, so when two of them carry
 *  the same canonical URL the earlier one stores it, as two statements in that order would. */
export async function insertFeeds(db: Db, feeds: FeedItems[]): Promise<InsertedItem[][]> {
  const records = [];
  let ord = 0;
  for (const [f, feed] of feeds.entries()) for (const it of feed.items) records.push(toRecord(it, f, ord++));
  const out = feeds.map((): InsertedItem[] => []);
  if (!records.length) return out;
  const rows = await db.query<{ id: number; identity: string; feed: number }>(
    `WITH f AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS f(feed int, "sourceId" bigint, "fetchedAt" timestamptz)
     ), x AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(identity text, "canonicalUrl" text, guid text, url text,
         title text, "summaryHtml" text, "contentHtml" text, "bodyText" text, author text, "publishedAt" timestamptz,
         categories text[], "extractStatus" text, "extractError" text, "processedAt" timestamptz, topics jsonb, words text, exact boolean, lexemes text, feed int, ord bigint)
       JOIN f USING (feed)
     ), ins AS (
       INSERT INTO items (source_id, identity, canonical_url, guid, url, title, summary_html, content_html, body_text,
                          author, published_at, fetched_at, categories, extract_status, extract_error, processed_at, words, words_exact, search_lexemes)
       SELECT x."sourceId", x.identity, x."canonicalUrl", x.guid, x.url, x.title, x."summaryHtml", x."contentHtml", x."bodyText",
              x.author, x."publishedAt", x."fetchedAt", coalesce(x.categories, '{}'), x."extractStatus", x."extractError", x."processedAt",
              array_to_tsvector(string_to_array(x.words, ' ')), x.exact, array_to_tsvector(string_to_array(x.lexemes, ' '))
       FROM x ORDER BY x.ord
       ON CONFLICT DO NOTHING
       RETURNING id, source_id, identity
     ), first AS (
       SELECT "sourceId", identity, min(feed) AS feed, min(ord) AS ord FROM x GROUP BY "sourceId", identity
     ), tp AS (
       INSERT INTO item_topics (item_id, topic, rule, matches)
       SELECT ins.id, t.topic, t.rule, t.matches FROM ins JOIN x ON x."sourceId" = ins.source_id AND x.identity = ins.identity
         CROSS JOIN jsonb_to_recordset(coalesce(x.topics, '[]')) AS t(topic text, rule text, matches jsonb)
       ON CONFLICT (item_id, topic) DO NOTHING
     )
     SELECT ins.id, ins.identity, first.feed FROM ins JOIN first ON first."sourceId" = ins.source_id AND first.identity = ins.identity
     ORDER BY first.ord`,
    [JSON.stringify(feeds.map((f, feed) => ({ feed, sourceId: f.sourceId, fetchedAt: f.fetchedAt }))), JSON.stringify(records)],
  );
  for (const r of rows) out[r.feed]!.push({ id: Number(r.id), identity: r.identity });
  return out;
}

export async function getItem(db: Db, id: number): Promise<Item | undefined> {
  const [r] = await db.query('SELECT * FROM items WHERE id = $1', [id]);
  return r ? toItem(r) : undefined;
}

export async function itemsOfSource(db: Db, sourceId: number, limit = 100): Promise<Item[]> {
  const rows = await db.query('SELECT * FROM items WHERE source_id = $1 ORDER BY id LIMIT $2', [sourceId, limit]);
  return rows.map(toItem);
}

export interface Extraction {
  status: 'done' | 'failed' | 'not_needed';
  bodyText?: string | null;
  /** itemWords of the item with this body, when the caller computed them: the trigger then need not
   *  (evaluating backtest_words over a whole article in SQL costs far more than in JS). */
  words?: StoredWords;
  /** searchLexemes of the item with this body, when the caller computed them, as for NewItem.lexemes (only
   *  where the database's stemmer agrees; null: the trigger will). */
  lexemes?: string | null;
  canonicalUrl?: string | null;
  author?: string | null;
  publishedAt?: string | null;
  error?: string | null;
}

/** Stores what extraction found. When the page's canonical URL already belongs to another item, this item is
 *  that story again: it is marked duplicate (pointing at the first) and nothing else is stored. */
export async function saveExtraction(db: Db, id: number, e: Extraction): Promise<{ duplicateOf?: number }> {
  if (e.canonicalUrl) {
    const [other] = await db.query<{ id: number }>('SELECT id FROM items WHERE canonical_url = $1 AND id <> $2', [e.canonicalUrl, id]);
    if (other) {
      await db.query(`UPDATE items SET extract_status = 'duplicate', duplicate_of = $2, extract_error = NULL WHERE id = $1`, [id, other.id]);
      return { duplicateOf: Number(other.id) };
    }
  }
  await db.query(
    `UPDATE items SET extract_status = $2, body_text = coalesce($3, body_text), canonical_url = coalesce($4, canonical_url),
       author = coalesce(author, $5), published_at = coalesce(published_at, $6::timestamptz), extract_error = $7,
       words = coalesce(array_to_tsvector(string_to_array($8, ' ')), words), words_exact = coalesce($9, words_exact),
       search_lexemes = coalesce(array_to_tsvector(string_to_array($10, ' ')), search_lexemes)
     WHERE id = $1`,
    [id, e.status, e.bodyText ?? null, e.canonicalUrl ?? null, e.author ?? null, e.publishedAt ?? null, e.error ?? null, e.words?.words ?? null, e.words?.exact ?? null, e.lexemes ?? null],
  );
  return {};
}

/** Replaces the item's topics with what the tagger found now, and marks the item processed. */
export async function saveTopics(db: Db, itemId: number, topics: TopicMatch[], now: Date): Promise<void> {
  await db.tx(async (t) => {
    await t.query('DELETE FROM item_topics WHERE item_id = $1', [itemId]);
    if (topics.length) {
      await t.query(
        `INSERT INTO item_topics (item_id, topic, rule, matches)
         SELECT $1, x.topic, x.rule, x.matches FROM jsonb_to_recordset($2::jsonb) AS x(topic text, rule text, matches jsonb)
         ON CONFLICT (item_id, topic) DO NOTHING`,
        [itemId, JSON.stringify(topics.map((m) => ({ topic: m.topic, rule: m.rule ?? null, matches: m.matches ?? null })))],
      );
    }
    await t.query('UPDATE items SET processed_at = $2 WHERE id = $1', [itemId, now]);
  });
}

export async function topicsOf(db: Db, itemId: number): Promise<TopicMatch[]> {
  return db.query<TopicMatch>('SELECT topic, rule, matches FROM item_topics WHERE item_id = $1 ORDER BY topic', [itemId]);
}

/** Topics of items that have none yet (just inserted): one INSERT, nothing to delete or update. */
export async function insertTopics(db: Db, batch: { itemId: number; topics: TopicMatch[] }[]): Promise<void> {
  const rows = batch.flatMap((b) => b.topics.map((m) => ({ item: b.itemId, topic: m.topic, rule: m.rule ?? null, matches: m.matches ?? null })));
  if (!rows.length) return;
  await db.query(
    `INSERT INTO item_topics (item_id, topic, rule, matches)
     SELECT x.item, x.topic, x.rule, x.matches FROM jsonb_to_recordset($1::jsonb) AS x(item bigint, topic text, rule text, matches jsonb)
     ON CONFLICT (item_id, topic) DO NOTHING`,
    [JSON.stringify(rows)],
  );
}

/** saveTopics for a whole batch: replaces topics and marks the items processed. */
export async function saveTopicsMany(db: Db, batch: { itemId: number; topics: TopicMatch[] }[], now: Date): Promise<void> {
  if (!batch.length) return;
  const ids = batch.map((b) => b.itemId);
  await db.tx(async (t) => {
    await t.query('DELETE FROM item_topics WHERE item_id = ANY($1::bigint[])', [ids]);
    await insertTopics(t, batch);
    await t.query('UPDATE items SET processed_at = $2 WHERE id = ANY($1::bigint[])', [ids, now]);
  });
}
