// A stored story to draft from: a source, an item tagged with a topic (and the matched term), clustered.
import type { Db } from '../../src/storage/db.ts';
import { assignStory } from './stories.ts';

let n = 0;

export async function seedStory(
  db: Db,
  s: { title: string; summary?: string; sourceUrl?: string; sourceName?: string; topic?: string; term?: string; at?: Date; category?: string | null },
): Promise<number> {
  n += 1;
  const url = s.sourceUrl ?? 'https://www.gov.uk/government/organisations/hm-prison-and-probation-service.atom';
  const [src] = await db.query<{ id: number }>(
    `INSERT INTO sources (url, host, name, category) VALUES ($1, $2, $3, $4)
     ON CONFLICT (url) DO UPDATE SET name = excluded.name RETURNING id`,
    [url, new URL(url).hostname, s.sourceName ?? 'HM Prison and Probation Service (GOV.UK)', s.category ?? null],
  );
  // Four days apart unless told: beyond the clusterer's 72 h window, so each seeded story stays its own.
  const at = s.at ?? new Date(Date.parse('2026-01-01T08:00:00Z') + n * 4 * 86_400_000);
  const [item] = await db.query<{ id: number }>(
    `INSERT INTO items (source_id, identity, url, title, summary_html, published_at, fetched_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
    [src!.id, `seed-${n}-${Math.random()}`, `https://www.gov.uk/news/${n}`, s.title, s.summary ?? null, at],
  );
  const topic = s.topic ?? 'probation';
  const term = s.term ?? 'probation';
  await db.query('INSERT INTO item_topics (item_id, topic, rule, matches) VALUES ($1, $2, $3, $4::jsonb)', [
    item!.id, topic, `${topic}-rule`, JSON.stringify([{ field: 'summary', start: 0, end: term.length, text: term }]),
  ]);
  const a = await assignStory(db, item!.id, at);
  return a.storyId;
}
