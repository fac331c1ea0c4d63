import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pairwise } from '../../src/pipeline/cluster/pairwise.ts';
import type { Db } from '../../src/storage/db.ts';
import { clusterItems } from '../../src/services/cluster-items.ts';
import { type TestDb, openTestPglite } from '../helpers/db.ts';

interface Fx { id: string; story: string; source: string; published: string; title: string; summary?: string; body?: string }
const fixtures: Fx[] = readFileSync(new URL('../fixtures/cluster/stories.jsonl', import.meta.url), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

/** The same Db, counting the statements sent through it (inside transactions too). */
function counting(db: Db): { db: Db; statements: () => number } {
  let n = 0;
  const wrap = (d: Db): Db => ({
    ...d,
    query: (sql, params) => {
      n++;
      return d.query(sql, params);
    },
    exec: (sql) => {
      n++;
      return d.exec(sql);
    },
    tx: (fn) => d.tx((t) => fn(wrap(t))),
  });
  return { db: wrap(db), statements: () => n };
}

describe('clusterItems (the afterTagged hook)', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestPglite();
  });
  afterAll(async () => t?.close());

  it('puts copies into one story and reports, without throwing, an item it cannot cluster', async () => {
    const [src] = await t.db.query<{ id: number }>("INSERT INTO sources (url, host, name) VALUES ('https://w.example/f', 'w.example', 'Wire') RETURNING id");
    const text = 'Probation officers at the Leeds office voted by 83% to walk out over caseloads after Darren Pike was appointed regional director';
    const ids: number[] = [];
    for (const [n, title] of [['a', 'Leeds probation staff vote to strike'], ['b', 'Leeds probation officers vote for strike action']]) {
      const [row] = await t.db.query<{ id: number }>(
        `INSERT INTO items (source_id, identity, title, body_text, published_at) VALUES ($1, $2, $3, $4, '2026-11-19T08:00:00Z') RETURNING id`,
        [src!.id, n, title, text],
      );
      ids.push(row!.id);
    }
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const out = await clusterItems({ db: t.db, now: () => new Date('2026-11-19T09:00:00Z') }, [{ itemId: ids[1]! }, { itemId: 999 }, { itemId: ids[0]! }]);
    stderr.mockRestore();
    expect(out.map((o) => o.assignment?.kind ?? 'error')).toEqual(['new', 'join', 'error']);
    expect(out[1]!.assignment!.storyId).toBe(out[0]!.assignment!.storyId);
    expect(out[2]!.error).toMatch(/^stories: item 999 was not put into a story \(stories: item 999 does not exist/);
  });

  it('clusters a poll-sized batch in one transaction with a constant number of statements', async () => {
    await t.db.exec('TRUNCATE story_decisions, item_signatures, story_bands, items, stories, sources RESTART IDENTITY CASCADE');
    const [src] = await t.db.query<{ id: number }>("INSERT INTO sources (url, host, name) VALUES ('https://w.example/f', 'w.example', 'Wire') RETURNING id");
    const ids = new Map<string, number>();
    for (const f of fixtures) {
      const [row] = await t.db.query<{ id: number }>(
        'INSERT INTO items (source_id, identity, title, summary_html, body_text, published_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
        [src!.id, f.id, f.title, f.summary ?? null, f.body ?? null, f.published],
      );
      ids.set(f.id, row!.id);
    }
    const now = () => new Date('2025-06-01T00:00:00Z');
    const counted = counting(t.db);
    const first = await clusterItems({ db: counted.db, now }, fixtures.slice(0, 50).map((f) => ({ itemId: ids.get(f.id)! })));
    const forFifty = counted.statements();
    // The rest join stories stored by the first batch, merge some, and start others: still a handful of statements.
    const rest = await clusterItems({ db: counted.db, now }, fixtures.slice(50).map((f) => ({ itemId: ids.get(f.id)! })));
    const forRest = counted.statements() - forFifty;
    expect([...first, ...rest].filter((c) => c.error)).toEqual([]);
    expect(forFifty).toBeLessThanOrEqual(12);
    expect(forRest).toBeLessThanOrEqual(12);
    const homes = new Map((await t.db.query<{ id: number; story_id: number }>('SELECT id, story_id FROM items')).map((r) => [r.id, String(r.story_id)]));
    const { precision, recall } = pairwise(new Map(fixtures.map((f) => [f.id, f.story])), new Map(fixtures.map((f) => [f.id, homes.get(ids.get(f.id)!)!])));
    expect(precision).toBeGreaterThanOrEqual(0.95);
    expect(recall).toBeGreaterThanOrEqual(0.8);
  });
});
