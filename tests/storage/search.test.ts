import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchQuery } from '../../src/pipeline/searchquery.ts';
import type { Db } from '../../src/storage/db.ts';
import { searchStories, storyCoverage } from '../../src/storage/search.ts';
import { splitItem } from '../../src/services/split-item.ts';
import { assignStory } from '../helpers/stories.ts';
import { type TestDb, backends } from '../helpers/db.ts';

interface Fixture {
  id: string;
  story: string;
  source: string;
  published: string;
  title: string;
  summary?: string;
  body?: string;
}

const fixtures: Fixture[] = readFileSync(new URL('../fixtures/cluster/stories.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));
const NOW = new Date('2025-06-01T00:00:00Z');

/** Every fixture item stored (a source per outlet), tagged with its fixture story's family as topic, clustered
 *  in time order; one item left unclustered. */
async function load(db: Db): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  const sorted = [...fixtures].sort((a, b) => a.published.localeCompare(b.published));
  for (const f of sorted) {
    const host = `${f.source.toLowerCase().replace(/\W+/g, '-')}.example.org`;
    const [src] = await db.query<{ id: number }>(
      'INSERT INTO sources (url, host, name) VALUES ($1, $2, $3) ON CONFLICT (url) DO UPDATE SET name = excluded.name RETURNING id',
      [`https://${host}/feed`, host, f.source],
    );
    const [row] = await db.query<{ id: number }>(
      `INSERT INTO items (source_id, identity, url, title, summary_html, body_text, published_at, fetched_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7::timestamptz + interval '5 minutes') RETURNING id`,
      [src!.id, f.id, `https://${host}/${f.id}`, f.title, f.summary ?? null, [f.summary, f.body].filter(Boolean).join('\n'), f.published],
    );
    ids.set(f.id, row!.id);
    await db.query('INSERT INTO item_topics (item_id, topic) VALUES ($1, $2)', [row!.id, f.story.split('-')[0]]);
    if (f.id !== 'single-hmp-lewes-1') await assignStory(db, row!.id, NOW);
  }
  return ids;
}

const q = (text: string) => {
  const { tsquery, screen } = searchQuery(text);
  return { tsquery, screen };
};

for (const backend of backends()) {
  describe.skipIf(!backend.available)(`archive search on ${backend.name}`, () => {
    let t: TestDb;
    let ids: Map<string, number>;
    beforeAll(async () => {
      t = await backend.open();
      ids = await load(t.db);
    });
    afterAll(async () => t?.close());

    const storyOf = async (fid: string) =>
      (await t.db.query<{ s: number }>('SELECT story_id AS s FROM items WHERE id = $1', [ids.get(fid)]))[0]!.s;

    it('groups matching copies under their story, with the headline and the matched items', async () => {
      const res = await searchStories(t.db, { ...q('"sitting days"') });
      const home = await storyOf('sitting-days-1');
      const hit = res.hits.find((h) => h.storyId === home)!;
      expect(hit.matched).toBeGreaterThanOrEqual(2);
      expect(hit.items.map((i) => i.id)).toContain(ids.get('sitting-days-1'));
      expect(new Set(res.hits.map((h) => h.storyId)).size).toBe(res.hits.length);
      expect(res.total).toBe(res.hits.length);
    });

    it('honours AND, OR, NOT and prefixes', async () => {
      const stories = async (text: string) => new Set((await searchStories(t.db, { ...q(text) }, { limit: 100 })).hits.map((h) => h.storyId));
      const wandsworth = await stories('wandsworth');
      expect(wandsworth).toContain(await storyOf('escape-wandsworth-1'));
      expect(wandsworth).toContain(await storyOf('insp-wandsworth-1'));
      const escapes = await stories('(escape* OR abscond*) NOT wandsworth');
      expect(escapes).toContain(await storyOf('escape-ford-1'));
      expect(escapes).not.toContain(await storyOf('escape-wandsworth-1'));
      const both = await stories('wandsworth AND inspector*');
      expect(both).toContain(await storyOf('insp-wandsworth-1'));
      expect(both.size).toBeLessThan(wandsworth.size);
    });

    it('filters by topic, source and date', async () => {
      const byTopic = await searchStories(t.db, { ...q('prison*'), topic: 'escape' }, { limit: 100 });
      expect(byTopic.hits.length).toBeGreaterThan(0);
      for (const h of byTopic.hits) expect(h.topics).toContain('escape');
      const bySource = await searchStories(t.db, { source: 'inside time' }, { limit: 100, itemsPerStory: 50 });
      expect(bySource.total).toBeGreaterThan(0);
      for (const h of bySource.hits) for (const i of h.items) expect(i.source).toBe('Inside Time');
      const since = new Date('2025-04-10T00:00:00Z');
      const recent = await searchStories(t.db, { since }, { limit: 1000 });
      for (const h of recent.hits) for (const i of h.items) expect(i.time.getTime()).toBeGreaterThanOrEqual(since.getTime());
      expect(recent.hits.map((h) => h.storyId)).not.toContain(await storyOf('gov-caseload-1'));
    });

    it('finds the same with the index screen as with the full text alone: phrases, NOT and prefixes included', async () => {
      for (const text of ['"sitting days"', 'wandsworth AND inspector*', '(escape* OR abscond*) NOT wandsworth', 'prison* NOT "sitting days"', 'lewes OR caseload*']) {
        const { tsquery, screen } = q(text);
        const ids = async (f: { tsquery: string; screen?: string | null }) =>
          (await searchStories(t.db, f, { limit: 1000, itemsPerStory: 1000 })).hits.flatMap((h) => h.items.map((i) => i.id)).sort();
        const screened = await ids({ tsquery, screen });
        expect(screen).not.toBeNull();
        expect({ text, found: screened.length > 0 }).toEqual({ text, found: true });
        expect({ text, ids: screened }).toEqual({ text, ids: await ids({ tsquery }) });
      }
    });

    it('lists an item not yet in a story as its own result', async () => {
      const res = await searchStories(t.db, { ...q('Lewes') });
      expect(res.hits).toEqual([expect.objectContaining({ storyId: null, itemCount: 1, matched: 1 })]);
      expect(res.hits[0]!.items[0]!.id).toBe(ids.get('single-hmp-lewes-1'));
    });

    it('finds an item that has only a feed summary, by a word in the summary but not in its markup', async () => {
      const [src] = await t.db.query<{ id: number }>(`INSERT INTO sources (url, host, name) VALUES ('https://news.example.net/rss', 'news.example.net', 'Aggregator') RETURNING id`);
      const [row] = await t.db.query<{ id: number }>(
        `INSERT INTO items (source_id, identity, url, title, summary_html, published_at, fetched_at)
         VALUES ($1, 'summary-only', 'https://news.example.net/a', 'Inspectors visit Northshire', $2, $3, $3) RETURNING id`,
        [src!.id, '<p>They found <b>chronic</b> staffing gaps &amp; <a href="/zqxwvb">delays</a></p>', NOW],
      );
      const found = await searchStories(t.db, { ...q('chronic AND staffing') });
      expect(found.hits.flatMap((h) => h.items.map((i) => i.id))).toContain(row!.id);
      expect((await searchStories(t.db, { ...q('zqxwvb') })).hits).toEqual([]);
    });

    it('pages through results newest first when there is no query', async () => {
      const all = await searchStories(t.db, {}, { limit: 1000 });
      const page2 = await searchStories(t.db, {}, { limit: 5, offset: 5 });
      expect(page2.total).toBe(all.total);
      expect(page2.hits.map((h) => h.storyId)).toEqual(all.hits.slice(5, 10).map((h) => h.storyId));
      const last = all.hits.map((h) => Math.max(...h.items.map((i) => i.time.getTime())));
      expect(last).toEqual([...last].sort((a, b) => b - a));
    });

    it('reads a story page: items in time order with sources, topics and decisions', async () => {
      const home = await storyOf('early-release-1');
      const moved = ids.get('early-release-11')!;
      const to = await splitItem(t.db, moved, { actor: 'ed@example.org', now: NOW, userId: null });
      const page = await storyCoverage(t.db, home);
      expect(page.items.map((i) => i.id)).not.toContain(moved);
      const times = page.items.map((i) => i.time.getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(page.items[0]).toMatchObject({ source: 'gov.uk', topics: [{ topic: 'early', rule: null, matches: null }] });
      expect(page.decisions).toEqual([expect.objectContaining({ kind: 'split', storyId: home, otherStoryId: to, itemId: moved, actor: 'ed@example.org' })]);
    });
  });
}
