// All SQL about items: the batch insert whose ON CONFLICT decides what is new, the extraction result (which
// may reveal a duplicate through its canonical URL), and the topics the tagger found.
import type { Db, Row } from './db.ts';

export type ExtractStatus = 'pending' | 'not_needed' | 'done' | 'failed' | 'duplicate';

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
}

export interface Item extends NewItem {
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
  for (const [k, v] of Object.entries(r)) o[camel(k)] = v;
  o.id = Number(o.id);
  o.sourceId = Number(o.sourceId);
  const p = o.publishedAt;
  o.publishedAt = p == null ? null : (p instanceof Date ? p : new Date(String(p))).toISOString();
  return o as unknown as Item;
}

/** Inserts a feed's items in ONE statement; returns only those that were new. Conflicts on (source, identity)
 *  or on the canonical URL (the same story through another source) are skipped, which makes re-polls and
 *  retried jobs harmless. Order of the input is kept in the ids returned. */
export async function insertItems(db: Db, sourceId: number, items: NewItem[], fetchedAt: Date): Promise<{ id: number; identity: string }[]> {
  if (!items.length) return [];
  const rows = await db.query<{ id: number; identity: string }>(
    `INSERT INTO items (source_id, identity, canonical_url, guid, url, title, summary_html, content_html, body_text,
                        author, published_at, fetched_at, categories, extract_status)
     SELECT $1, x.identity, x."canonicalUrl", x.guid, x.url, x.title, x."summaryHtml", x."contentHtml", x."bodyText",
            x.author, x."publishedAt", $2, coalesce(x.categories, '{}'), x."extractStatus"
     FROM jsonb_to_recordset($3::jsonb) AS x(identity text, "canonicalUrl" text, guid text, url text,
          title text, "summaryHtml" text, "contentHtml" text, "bodyText" text, author text, "publishedAt" timestamptz,
          categories text[], "extractStatus" text, ord bigint)
     ORDER BY x.ord
     ON CONFLICT DO NOTHING
     RETURNING id, identity`,
    [sourceId, fetchedAt, JSON.stringify(items.map((it, ord) => ({ ...it, ord })))],
  );
  return rows.map((r) => ({ id: Number(r.id), identity: r.identity }));
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
       author = coalesce(author, $5), published_at = coalesce(published_at, $6::timestamptz), extract_error = $7
     WHERE id = $1`,
    [id, e.status, e.bodyText ?? null, e.canonicalUrl ?? null, e.author ?? null, e.publishedAt ?? null, e.error ?? null],
  );
  return {};
}

export interface TopicMatch {
  topic: string;
  rule?: string | null;
  matches?: unknown;
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

/** saveTopics for a whole batch in three statements (the poll path tags full-text items inline). */
export async function saveTopicsMany(db: Db, batch: { itemId: number; topics: TopicMatch[] }[], now: Date): Promise<void> {
  if (!batch.length) return;
  const ids = batch.map((b) => b.itemId);
  const rows = batch.flatMap((b) => b.topics.map((m) => ({ item: b.itemId, topic: m.topic, rule: m.rule ?? null, matches: m.matches ?? null })));
  await db.tx(async (t) => {
    await t.query('DELETE FROM item_topics WHERE item_id = ANY($1::bigint[])', [ids]);
    if (rows.length) {
      await t.query(
        `INSERT INTO item_topics (item_id, topic, rule, matches)
         SELECT x.item, x.topic, x.rule, x.matches FROM jsonb_to_recordset($1::jsonb) AS x(item bigint, topic text, rule text, matches jsonb)
         ON CONFLICT (item_id, topic) DO NOTHING`,
        [JSON.stringify(rows)],
      );
    }
    await t.query('UPDATE items SET processed_at = $2 WHERE id = ANY($1::bigint[])', [ids, now]);
  });
}
