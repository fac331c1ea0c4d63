import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { pairwise } from '../../src/pipeline/cluster/pairwise.ts';
import { type Db, openPostgres } from '../../src/storage/db.ts';
import { assignStories } from '../../src/services/cluster-items.ts';
import { mergeStories } from '../../src/services/merge-stories.ts';
import { setHeadline } from '../../src/services/set-headline.ts';
import { splitItem } from '../../src/services/split-item.ts';
import { isNewStory, storyState } from '../../src/storage/stories.ts';
import { assignStory } from '../helpers/stories.ts';
import { type TestDb, backends, openTestPostgres } from '../helpers/db.ts';

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
const byStory = (story: string) => fixtures.filter((f) => f.story === story);

const HOSTS: Record<string, string> = { 'gov.uk': 'www.gov.uk', 'The Guardian': 'www.theguardian.com', 'BBC News': 'feeds.bbci.co.uk' };
const NOW = new Date('2025-06-01T00:00:00Z');
const act = { actor: 'editor@example.org', now: NOW, userId: null };

/** Stores fixture items as ingestion would (a source per outlet), returns fixture id -> item id. */
async function store(db: Db, items: Fixture[], topics: Record<string, string[]> = {}): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const f of items) {
    const host = HOSTS[f.source] ?? `${f.source.toLowerCase().replace(/\W+/g, '-')}.example.org`;
    const [src] = await db.query<{ id: number }>(
      `INSERT INTO sources (url, host, name) VALUES ($1, $2, $3)
       ON CONFLICT (url) DO UPDATE SET name = excluded.name RETURNING id`,
      [`https://${host}/feed`, host, f.source],
    );
    const [row] = await db.query<{ id: number }>(
      `INSERT INTO items (source_id, identity, title, summary_html, body_text, published_at, fetched_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6::timestamptz + interval '10 minutes') RETURNING id`,
      [src!.id, f.id, f.title, f.summary ?? null, f.body ?? null, f.published],
    );
    ids.set(f.id, row!.id);
    for (const t of topics[f.id] ?? []) await db.query('INSERT INTO item_topics (item_id, topic) VALUES ($1, $2)', [row!.id, t]);
  }
  return ids;
}

async function assignAll(db: Db, ids: Map<string, number>) {
  const out = new Map<string, number>();
  const ordered = [...ids].sort((a, b) => fixtures.find((f) => f.id === a[0])!.published.localeCompare(fixtures.find((f) => f.id === b[0])!.published));
  for (const [, id] of ordered) await assignStory(db, id, NOW);
  // Final homes, not the ones at assignment time: a later item may have merged stories.
  for (const [fid, id] of ids) out.set(fid, (await db.query<{ s: number }>('SELECT story_id AS s FROM items WHERE id = $1', [id]))[0]!.s);
  return out;
}

/** A story of the escape-wandsworth copies with its second copy split out by an editor. */
async function splitOut(db: Db, note?: string) {
  const copies = byStory('escape-wandsworth');
  const ids = await store(db, copies);
  const stories = await assignAll(db, ids);
  const home = stories.get(copies[0]!.id)!;
  const moved = ids.get(copies[1]!.id)!;
  const to = await splitItem(db, moved, { ...act, note });
  return { copies, home, moved, to };
}

const homes = async (db: Db, ids: Iterable<number>) =>
  Promise.all([...ids].map(async (id) => (await db.query<{ s: number | null }>('SELECT story_id AS s FROM items WHERE id = $1', [id]))[0]!.s));

/** Everything clustering writes, to compare before and after. */
const snapshot = async (db: Db) => ({
  items: await db.query('SELECT id, story_id FROM items ORDER BY id'),
  stories: await db.query('SELECT id, headline_item_id, topics, first_seen, last_seen, last_updated, source_count, item_count, merged_into FROM stories ORDER BY id'),
  bands: await db.query('SELECT story_id, band_key FROM story_bands ORDER BY 1, 2'),
  sigs: await db.query('SELECT item_id FROM item_signatures ORDER BY 1'),
  decisions: await db.query('SELECT kind, story_id, other_story_id, item_id FROM story_decisions ORDER BY id'),
});

for (const backend of backends()) {
  describe.skipIf(!backend.available)(`stories on ${backend.name}`, () => {
    let t: TestDb;
    beforeAll(async () => {
      t = await backend.open();
    });
    afterAll(async () => t?.close());
    beforeEach(async () => {
      await t.db.exec('TRUNCATE audit_log, story_decisions, item_signatures, story_bands, item_topics, items, stories, sources RESTART IDENTITY CASCADE');
    });

    it('files syndicated copies as one story with the union of topics and the official headline', async () => {
      // The gov.uk release arrives after the BBC's copy: official still heads the story.
      const copies = byStory('early-release').map((f) => (f.source === 'gov.uk' ? { ...f, published: '2025-03-10T08:30:00Z' } : f));
      const ids = await store(t.db, copies, { 'early-release-3': ['prisons'], 'early-release-11': ['early-release', 'prisons'] });
      const stories = await assignAll(t.db, ids);
      expect(new Set(stories.values()).size).toBe(1);
      const state = (await storyState(t.db, [...stories.values()][0]!))!;
      expect(state.itemCount).toBe(copies.length);
      expect(state.sourceCount).toBe(new Set(copies.map((c) => c.source)).size);
      expect(state.topics).toEqual(['early-release', 'prisons']);
      expect(state.headlineItemId).toBe(ids.get('early-release-1'));
      expect(state.headline).toBe(copies.find((c) => c.id === 'early-release-1')!.title);
      expect(state.firstSeen.toISOString()).toBe('2025-03-10T08:15:00.000Z');
    });

    it('keeps stories on one topic apart (three escapes, two assaults, two SFO reviews)', async () => {
      const set = ['escape-ford', 'escape-wandsworth', 'escape-leyhill', 'assault-hewell', 'assault-elmley', 'sfo-reading', 'sfo-swindon'];
      const items = set.flatMap(byStory);
      const stories = await assignAll(t.db, await store(t.db, items));
      for (const s of set) expect(new Set(byStory(s).map((f) => stories.get(f.id))).size).toBeLessThanOrEqual(2);
      const owners = new Map<number, Set<string>>();
      for (const f of items) owners.set(stories.get(f.id)!, (owners.get(stories.get(f.id)!) ?? new Set()).add(f.story));
      for (const o of owners.values()) expect(o.size).toBe(1);
    });

    it('clusters the whole fixture set as well as the pure clusterer does (pairwise P >= 0.95, R >= 0.8)', async () => {
      const stories = await assignAll(t.db, await store(t.db, fixtures));
      const { precision, recall } = pairwise(new Map(fixtures.map((f) => [f.id, f.story])), new Map(fixtures.map((f) => [f.id, String(stories.get(f.id))])));
      expect(precision).toBeGreaterThanOrEqual(0.95);
      expect(recall).toBeGreaterThanOrEqual(0.8);
    });

    it('is idempotent: an item already in a story stays there', async () => {
      const ids = await store(t.db, byStory('napo-ballot'));
      const first = await assignAll(t.db, ids);
      const again = await assignStory(t.db, ids.get('napo-ballot-2')!, NOW);
      expect(again).toEqual({ kind: 'kept', storyId: first.get('napo-ballot-2') });
    });

    it('merges two stories when an item bridges them, and old ids lead to the kept story', async () => {
      const base = { story: 'x', source: 'Wire', summary: undefined, body: undefined };
      const p1 = 'Inspectors found that staff at HMP Wealdstone had not checked cells overnight for three weeks in January and that records were falsified by agency workers';
      const p2 = 'Governor Alison Trent told the Independent Monitoring Board that recruitment of permanent officers at the Harrow jail would begin in March with forty posts advertised';
      const items: Fixture[] = [
        { ...base, id: 'a', published: '2025-05-01T09:00:00Z', title: 'Overnight checks missed at HMP Wealdstone', summary: p1 },
        { ...base, id: 'b', published: '2025-05-01T10:00:00Z', title: 'Forty officer posts advertised at Harrow jail', summary: p2 },
        { ...base, id: 'c', published: '2025-05-01T11:00:00Z', title: 'Overnight checks missed at HMP Wealdstone as forty posts advertised', body: `${p1}. ${p2}.` },
      ];
      const ids = await store(t.db, items);
      const a = await assignStory(t.db, ids.get('a')!, NOW);
      const b = await assignStory(t.db, ids.get('b')!, NOW);
      expect(b.storyId).not.toBe(a.storyId);
      const c = await assignStory(t.db, ids.get('c')!, NOW);
      expect(c).toMatchObject({ kind: 'merge', storyId: a.storyId, merged: [b.storyId] });
      expect((await storyState(t.db, b.storyId))).toMatchObject({ id: a.storyId, itemCount: 3 });
      const [d] = await t.db.query<{ actor: string | null }>("SELECT actor FROM story_decisions WHERE kind = 'merge'");
      expect(d).toEqual({ actor: null });
    });

    it('respects an editor split: the item stays out and the two stories are not merged back', async () => {
      const { copies, home, moved, to } = await splitOut(t.db, 'different escort');
      expect(to).not.toBe(home);
      expect(await assignStory(t.db, moved, NOW)).toEqual({ kind: 'kept', storyId: to });
      // A further copy of the moved item matches both stories strongly: it joins one, nothing is merged.
      const [copy] = await store(t.db, [{ ...copies[1]!, id: 'late-copy', source: 'Wire copy', published: '2025-03-18T20:00:00Z' }]).then((m) => [...m.values()]);
      const res = await assignStory(t.db, copy!, NOW);
      expect(res.kind).not.toBe('merge');
      expect((await storyState(t.db, to))!.id).toBe(to);
      expect((await storyState(t.db, home))!.id).toBe(home);
      // Re-clustering the moved item from scratch does not put it back either.
      await t.db.query('UPDATE items SET story_id = NULL WHERE id = $1', [moved]);
      expect((await assignStory(t.db, moved, NOW)).storyId).not.toBe(home);
      const [d] = await t.db.query<{ actor: string; note: string }>("SELECT actor, note FROM story_decisions WHERE kind = 'split'");
      expect(d).toEqual({ actor: 'editor@example.org', note: 'different escort' });
      const [a] = await t.db.query<{ action: string; object_id: string }>("SELECT action, object_id FROM audit_log WHERE action LIKE 'story.%'");
      expect(a).toEqual({ action: 'story.split', object_id: String(home) });
    });

    it('lets an editor merge stories and pick the headline', async () => {
      const ids = await store(t.db, [...byStory('assault-hewell'), ...byStory('assault-elmley')]);
      const stories = await assignAll(t.db, ids);
      const a = stories.get('assault-hewell-1')!;
      const b = stories.get('assault-elmley-1')!;
      expect(await mergeStories(t.db, a, b, act)).toBe(a);
      const state = (await storyState(t.db, b))!;
      expect(state.id).toBe(a);
      const pick = ids.get('assault-elmley-1')!;
      await setHeadline(t.db, a, pick, act);
      expect((await storyState(t.db, a))!.headlineItemId).toBe(pick);
      await expect(setHeadline(t.db, a, 999_999, act)).rejects.toThrow(/not in story/);
    });

    it('answers "is this story new?" from the first time anything of it was seen', async () => {
      const ids = await store(t.db, byStory('napo-ballot'));
      const stories = await assignAll(t.db, ids);
      const id = stories.get('napo-ballot-1')!;
      expect(await isNewStory(t.db, id, { since: new Date('2025-03-05T08:00:00Z') })).toBe(true);
      expect(await isNewStory(t.db, id, { since: new Date('2025-03-05T12:00:00Z') })).toBe(false);
      await expect(isNewStory(t.db, 424242, { since: NOW })).rejects.toThrow(/stories: story 424242 does not exist/);
    });

    it('files two syndicated copies arriving in one batch as one story', async () => {
      const copies = byStory('sitting-days').slice(0, 2);
      const ids = [...(await store(t.db, copies)).values()];
      const got = await assignStories(t.db, ids, NOW);
      expect(got.map((a) => a.kind)).toEqual(['new', 'join']);
      expect(got[1]!.storyId).toBe(got[0]!.storyId);
      expect(new Set(await homes(t.db, ids)).size).toBe(1);
      expect((await storyState(t.db, got[0]!.storyId))!.itemCount).toBe(2);
    });

    it('lets a batch item join a story stored by an earlier batch', async () => {
      const copies = byStory('sitting-days');
      const ids = [...(await store(t.db, copies)).values()];
      const [first] = await assignStories(t.db, ids.slice(0, 1), NOW);
      const later = await assignStories(t.db, ids.slice(1), NOW);
      expect(later.map((a) => a.storyId)).toEqual(later.map(() => first!.storyId));
      expect(later.map((a) => a.kind)).toContain('join');
      expect((await storyState(t.db, first!.storyId))!.itemCount).toBe(copies.length);
    });

    it('clusters the fixture set in batches of 50 as well as item by item (pairwise P >= 0.95, R >= 0.8)', async () => {
      const ids = await store(t.db, fixtures);
      const list = [...ids.values()];
      for (let i = 0; i < list.length; i += 50) await assignStories(t.db, list.slice(i, i + 50), NOW);
      const got = await homes(t.db, fixtures.map((f) => ids.get(f.id)!));
      const { precision, recall } = pairwise(new Map(fixtures.map((f) => [f.id, f.story])), new Map(fixtures.map((f, i) => [f.id, String(got[i])])));
      expect(precision).toBeGreaterThanOrEqual(0.95);
      expect(recall).toBeGreaterThanOrEqual(0.8);
    });

    it('merges within a batch when an item bridges two new stories, with the merge recorded', async () => {
      const p1 = 'Inspectors found that staff at HMP Wealdstone had not checked cells overnight for three weeks in January and that records were falsified by agency workers';
      const p2 = 'Governor Alison Trent told the Independent Monitoring Board that recruitment of permanent officers at the Harrow jail would begin in March with forty posts advertised';
      const base = { story: 'x', source: 'Wire' };
      const ids = [...(await store(t.db, [
        { ...base, id: 'a', published: '2025-05-01T09:00:00Z', title: 'Overnight checks missed at HMP Wealdstone', summary: p1 },
        { ...base, id: 'b', published: '2025-05-01T10:00:00Z', title: 'Forty officer posts advertised at Harrow jail', summary: p2 },
        { ...base, id: 'c', published: '2025-05-01T11:00:00Z', title: 'Overnight checks missed at HMP Wealdstone as forty posts advertised', body: `${p1}. ${p2}.` },
      ])).values()];
      const [a, b, c] = await assignStories(t.db, ids, NOW);
      expect(a).toEqual({ kind: 'new', storyId: c!.storyId });
      expect(b).toEqual({ kind: 'new', storyId: c!.storyId });
      expect(c).toMatchObject({ kind: 'merge', merged: [expect.any(Number)] });
      const folded = (c as { merged: number[] }).merged[0]!;
      expect(await storyState(t.db, folded)).toMatchObject({ id: c!.storyId, itemCount: 3 });
      const d = await t.db.query<{ story_id: number; other_story_id: number; actor: string | null }>("SELECT story_id, other_story_id, actor FROM story_decisions WHERE kind = 'merge'");
      expect(d).toEqual([{ story_id: c!.storyId, other_story_id: folded, actor: null }]);
    });

    it('respects an editor split within a batch: the moved item and a copy of it never rejoin or merge', async () => {
      const { copies, home, moved, to } = await splitOut(t.db);
      await t.db.query('UPDATE items SET story_id = NULL WHERE id = $1', [moved]);
      const copy = [...(await store(t.db, [{ ...copies[1]!, id: 'late-copy', source: 'Wire copy', published: '2025-03-18T20:00:00Z' }])).values()][0]!;
      const merges = "SELECT story_id, other_story_id FROM story_decisions WHERE kind = 'merge'";
      const before = await t.db.query(merges);
      const [again, late] = await assignStories(t.db, [moved, copy], NOW);
      expect(again!.storyId).not.toBe(home);
      expect(late!.kind).not.toBe('merge');
      expect((await storyState(t.db, home))!.id).toBe(home);
      expect((await storyState(t.db, to))!.id).toBe(to);
      expect(await t.db.query(merges)).toEqual(before);
    });

    it('is idempotent: the same batch twice changes nothing', async () => {
      const ids = [...(await store(t.db, [...byStory('napo-ballot'), ...byStory('sitting-days')], { 'napo-ballot-1': ['probation'] })).values()];
      const first = await assignStories(t.db, ids, NOW);
      const before = await snapshot(t.db);
      const again = await assignStories(t.db, ids, new Date(NOW.getTime() + 3_600_000));
      expect(again).toEqual(first.map((a) => ({ kind: 'kept', storyId: a.storyId })));
      expect(await snapshot(t.db)).toEqual(before);
    });

    it('makes one story of two copies clustered at the same time', async () => {
      for (let round = 0; round < 3; round++) {
        await t.db.exec('TRUNCATE audit_log, story_decisions, item_signatures, story_bands, items, stories, sources RESTART IDENTITY CASCADE');
        const copies = byStory('sitting-days').slice(0, 2);
        const ids = [...(await store(t.db, copies)).values()];
        const [x, y] = await Promise.all(ids.map((id) => assignStory(t.db, id, NOW)));
        expect(x!.storyId).toBe(y!.storyId);
      }
    });
  });
}

// Two workers, two connections: each clusters a batch holding one copy of each of two stories, at once.
const url = inject('databaseUrl');
describe.skipIf(url === null)('concurrent batches on PostgreSQL', () => {
  let one: TestDb & { schema: string };
  let two: Db;
  beforeAll(async () => {
    one = await openTestPostgres(url!);
    two = openPostgres(url!, { schema: one.schema, max: 2 });
  });
  afterAll(async () => {
    await two?.close();
    await one?.close();
  });

  it('ends with one story per event, not one per worker', async () => {
    for (let round = 0; round < 3; round++) {
      await one.db.exec('TRUNCATE audit_log, story_decisions, item_signatures, story_bands, items, stories, sources RESTART IDENTITY CASCADE');
      const x = byStory('sitting-days').slice(0, 2);
      const y = byStory('napo-ballot').slice(0, 2);
      const ids = await store(one.db, [...x, ...y]);
      const batch = (i: number) => [ids.get(x[i]!.id)!, ids.get(y[i]!.id)!];
      await Promise.all([assignStories(one.db, batch(0), NOW), assignStories(two, batch(1), NOW)]);
      const [x0, y0, x1, y1] = await homes(one.db, [...batch(0), ...batch(1)]);
      expect(x1).toBe(x0);
      expect(y1).toBe(y0);
      expect(x0).not.toBe(y0);
    }
  });
});
