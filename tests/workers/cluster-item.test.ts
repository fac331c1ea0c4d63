import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { clusterItems } from '../../workers/cluster-item.ts';
import { type TestDb, openTestPglite } from '../helpers/db.ts';

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
    expect(out[2]!.error).toMatch(/^cluster-item: item 999 was not put into a story \(stories: item 999 does not exist/);
  });
});
