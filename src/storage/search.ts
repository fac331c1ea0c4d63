// The archive: full-text search over items, results grouped by story, and the story page's read. The index
// (items_search, migration 011) is over the stored lexemes; the text condition repeats item_search_text
// (migration 009) to decide phrases and to rank.
import type { ItemHit, SearchFilters, StoryHit } from '../domain/types.ts';
import type { Db } from './db.ts';

// The item's full vector (migration 009's expression): title + body, or the summary when no body.
const TEXT = `to_tsvector('english', item_search_text(i.title, i.summary_html, i.body_text))`;
const ITEM_TIME = 'least(i.published_at, i.fetched_at)';

export interface SearchPage {
  limit?: number;
  offset?: number;
  /** Matched items listed per story (default 5; CSV export asks for all). */
  itemsPerStory?: number;
}

export interface SearchResult {
  /** Stories (groups) matching, over all pages. */
  total: number;
  hits: StoryHit[];
}

function where(f: SearchFilters, params: unknown[]): string {
  const c = conditions(f, params);
  return c.length ? `WHERE ${c.join(' AND ')}` : '';
}

function conditions(f: SearchFilters, params: unknown[]): string[] {
  const add = (v: unknown) => `$${params.push(v)}`;
  const c: string[] = [];
  // The tsquery is $1 (the rank reads it). The index holds lexemes without positions: it screens, the full
  // vector decides (phrases, NOT) on the rows it lets through.
  if (f.tsquery) c.push(`${TEXT} @@ to_tsquery('english', ${add(f.tsquery)})`);
  if (f.tsquery && f.screen) c.push(`i.search_lexemes @@ to_tsquery('english', ${add(f.screen)})`);
  if (f.topic) c.push(`EXISTS (SELECT 1 FROM item_topics it WHERE it.item_id = i.id AND it.topic = ${add(f.topic)})`);
  if (f.source) {
    const p = add(f.source.trim());
    c.push(`(src.name ILIKE ${p} OR src.host = lower(${p}) OR src.host = 'www.' || lower(${p}) OR src.id::text = ${p})`);
  }
  if (f.since) c.push(`${ITEM_TIME} >= ${add(f.since)}`);
  if (f.until) c.push(`${ITEM_TIME} < ${add(f.until)}`);
  if (f.relevant) c.push('EXISTS (SELECT 1 FROM item_topics it WHERE it.item_id = i.id)');
  return c;
}

export interface Facets {
  /** Stories per topic under the other filters (the topic filter left out). */
  topics: { topic: string; stories: number }[];
  /** Stories per source under the other filters (the source filter left out), most first. */
  sources: { id: number; name: string; stories: number }[];
}

/** The counts beside the archive's topic and source choices: each facet counts stories (an item outside a
 *  story counts as its own) matching every filter but its own, so a choice shows what picking it would give. */
export async function searchFacets(db: Db, f: SearchFilters, maxSources = 60): Promise<Facets> {
  const facet = async (leave: 'topic' | 'source', select: string, join: string, group: string, tail: string) => {
    const params: unknown[] = [];
    // $1 stays the tsquery, as conditions() expects.
    const c = conditions({ ...f, [leave]: undefined }, params);
    return db.query(
      `SELECT ${select}, count(DISTINCT coalesce(i.story_id, -i.id))::int AS stories
       FROM items i JOIN sources src ON src.id = i.source_id ${join} ${c.length ? `WHERE ${c.join(' AND ')}` : ''}
       GROUP BY ${group} ${tail}`,
      params,
    );
  };
  const [topics, sources] = await Promise.all([
    facet('topic', 'ft.topic', 'JOIN item_topics ft ON ft.item_id = i.id', 'ft.topic', 'ORDER BY ft.topic'),
    facet('source', 'src.id, src.name', '', 'src.id, src.name', `ORDER BY stories DESC, src.name LIMIT ${Math.max(1, Math.floor(maxSources))}`),
  ]);
  return {
    topics: topics.map((r) => ({ topic: String(r.topic), stories: Number(r.stories) })),
    sources: sources.map((r) => ({ id: Number(r.id), name: String(r.name), stories: Number(r.stories) })),
  };
}

/** Stories with matching items, best match first (newest first without a query). */
export async function searchStories(db: Db, f: SearchFilters, page: SearchPage = {}): Promise<SearchResult> {
  const params: unknown[] = [];
  const rank = f.tsquery ? `ts_rank(${TEXT}, to_tsquery('english', $1))` : '0';
  const cond = where(f, params);
  const limit = `$${params.push(Math.max(1, Math.min(page.limit ?? 20, 1000)))}`;
  const offset = `$${params.push(Math.max(0, page.offset ?? 0))}`;
  const per = `$${params.push(page.itemsPerStory ?? 5)}`;
  const rows = await db.query<{
    grp: number; total: number; matched: number; story_id: number | null; topics: string[] | null; first_seen: Date | null;
    last_seen: Date | null; source_count: number | null; item_count: number | null; headline: string; headline_url: string | null;
    items: { id: number; title: string; url: string | null; source: string; t: string }[];
  }>(
    `WITH hits AS (
       SELECT i.id, coalesce(i.story_id, -i.id) AS grp, ${rank} AS rank, ${ITEM_TIME} AS t
       FROM items i JOIN sources src ON src.id = i.source_id ${cond}),
     groups AS (
       SELECT grp, max(rank) AS rank, max(t) AS last, count(*)::int AS matched, count(*) OVER ()::int AS total
       FROM hits GROUP BY grp ORDER BY max(rank) DESC, max(t) DESC, grp DESC LIMIT ${limit} OFFSET ${offset})
     SELECT g.grp, g.total, g.matched, s.id AS story_id, s.topics, s.first_seen, s.last_seen, s.source_count, s.item_count,
       h.title AS headline, h.url AS headline_url,
       (SELECT jsonb_agg(x ORDER BY x.t, x.id) FROM (
          SELECT i.id, i.title, i.url, src.name AS source, hh.t FROM hits hh JOIN items i ON i.id = hh.id
          JOIN sources src ON src.id = i.source_id WHERE hh.grp = g.grp ORDER BY hh.t, i.id LIMIT ${per}) x) AS items
     FROM groups g LEFT JOIN stories s ON s.id = g.grp
     JOIN items h ON h.id = CASE WHEN g.grp < 0 THEN -g.grp ELSE coalesce(s.headline_item_id, (SELECT min(id) FROM items WHERE story_id = g.grp)) END
     ORDER BY g.rank DESC, g.last DESC, g.grp DESC`,
    params,
  );
  const hits = rows.map((r): StoryHit => {
    const items = r.items.map((x) => ({ id: Number(x.id), title: x.title, url: x.url, source: x.source, time: new Date(x.t) }));
    return {
      storyId: r.story_id === null ? null : Number(r.story_id),
      headline: r.headline,
      headlineUrl: r.headline_url,
      topics: r.topics ?? [],
      firstSeen: r.first_seen ? new Date(r.first_seen) : items[0]!.time,
      lastSeen: r.last_seen ? new Date(r.last_seen) : items[0]!.time,
      sourceCount: r.source_count ?? 1,
      itemCount: r.item_count ?? 1,
      matched: r.matched,
      items,
    };
  });
  return { total: rows[0]?.total ?? 0, hits };
}

export interface CoverageItem extends ItemHit {
  sourceId: number;
  summaryHtml: string | null;
  bodyText: string | null;
  publishedAt: Date | null;
  /** item_topics rows: the topic, the rule that matched and its term hits (offsets into the field's text). */
  topics: { topic: string; rule: string | null; matches: unknown }[];
}

export interface Decision {
  id: number;
  kind: 'split' | 'merge' | 'headline';
  storyId: number;
  otherStoryId: number | null;
  itemId: number | null;
  actor: string | null;
  note: string | null;
  at: Date;
}

/** Everything the story page shows besides the story's state: its items in time order, and its decisions. */
export async function storyCoverage(db: Db, storyId: number): Promise<{ items: CoverageItem[]; decisions: Decision[] }> {
  const items = await db.query<Omit<CoverageItem, 'time' | 'publishedAt'> & { time: Date; publishedAt: Date | null }>(
    `SELECT i.id, i.title, i.url, src.name AS source, src.id AS "sourceId", i.summary_html AS "summaryHtml", i.body_text AS "bodyText",
       i.published_at AS "publishedAt", ${ITEM_TIME} AS time,
       coalesce((SELECT jsonb_agg(jsonb_build_object('topic', it.topic, 'rule', it.rule, 'matches', it.matches) ORDER BY it.topic)
                 FROM item_topics it WHERE it.item_id = i.id), '[]'::jsonb) AS topics
     FROM items i JOIN sources src ON src.id = i.source_id WHERE i.story_id = $1 ORDER BY ${ITEM_TIME}, i.id`,
    [storyId],
  );
  const decisions = await db.query<Decision>(
    `SELECT id, kind, story_id AS "storyId", other_story_id AS "otherStoryId", item_id AS "itemId", actor, note, at
     FROM story_decisions WHERE story_id = $1 OR other_story_id = $1 ORDER BY at, id`,
    [storyId],
  );
  return {
    items: items.map((r) => ({ ...r, id: Number(r.id), sourceId: Number(r.sourceId), time: new Date(r.time), publishedAt: r.publishedAt && new Date(r.publishedAt) })),
    decisions: decisions.map((d) => ({ ...d, id: Number(d.id), storyId: Number(d.storyId), otherStoryId: d.otherStoryId === null ? null : Number(d.otherStoryId), itemId: d.itemId === null ? null : Number(d.itemId), at: new Date(d.at) })),
  };
}
