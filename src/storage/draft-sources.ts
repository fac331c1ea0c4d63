// What a draft is written from: the live story (followed through merges), its items in time order with their
// sources' names, addresses and categories, and the words the topic rules matched in each item.
import type { DraftSourceItem, SourceCategory } from '../domain/drafts.ts';
import type { Db } from './db.ts';
import { type StoryState, storyState } from './stories.ts';

export type { DraftSourceItem };

export interface DraftSourceStory {
  id: number;
  headline: string | null;
  headlineItemId: number | null;
  topics: string[];
  firstSeen: Date;
  lastSeen: Date;
  sourceCount: number;
  itemCount: number;
  items: DraftSourceItem[];
}

/** The story a draft answers; undefined when no story has this id. `state`: the live story, already read. */
export async function loadDraftSource(db: Db, storyId: number, state?: StoryState): Promise<DraftSourceStory | undefined> {
  const s = state ?? (await storyState(db, storyId));
  if (!s) return undefined;
  const rows = await db.query<Record<string, unknown>>(
    `SELECT i.id, i.title, i.url, src.name AS source, src.url AS source_url, src.category, i.summary_html, i.body_text,
       i.published_at, least(i.published_at, i.fetched_at) AS t,
       coalesce((SELECT jsonb_agg(jsonb_build_object('topic', it.topic, 'matches', it.matches) ORDER BY it.topic)
                 FROM item_topics it WHERE it.item_id = i.id), '[]'::jsonb) AS matches
     FROM items i JOIN sources src ON src.id = i.source_id WHERE i.story_id = $1
     ORDER BY least(i.published_at, i.fetched_at), i.id`,
    [s.id],
  );
  return {
    id: s.id,
    headline: s.headline,
    headlineItemId: s.headlineItemId,
    topics: s.topics,
    firstSeen: s.firstSeen,
    lastSeen: s.lastSeen,
    sourceCount: s.sourceCount,
    itemCount: s.itemCount,
    items: rows.map((r) => ({
      id: Number(r.id),
      title: r.title as string,
      url: (r.url as string | null) ?? null,
      source: r.source as string,
      sourceUrl: r.source_url as string,
      sourceCategory: (r.category as SourceCategory | null) ?? null,
      summaryHtml: (r.summary_html as string | null) ?? null,
      bodyText: (r.body_text as string | null) ?? null,
      publishedAt: r.published_at ? new Date(r.published_at as string) : null,
      time: new Date(r.t as string),
      matches: typeof r.matches === 'string' ? JSON.parse(r.matches) : (r.matches as DraftSourceItem['matches']),
    })),
  };
}

/** Sets a source's category (null = not said). */
export async function setSourceCategory(db: Db, sourceId: number, category: SourceCategory | null): Promise<void> {
  await db.query('UPDATE sources SET category = $2 WHERE id = $1', [sourceId, category]);
}
