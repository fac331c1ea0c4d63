import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemVerdict, recentFalsePositives, recordFeedback, rulePrecision, storyItemIds } from '../../src/storage/feedback.ts';
import { insertItems, saveTopics } from '../../src/storage/items.ts';
import { addSource } from '../../src/storage/sources.ts';
import { createUser } from '../../src/storage/users.ts';
import { backends, type TestDb } from '../helpers/db.ts';
import { newItem } from '../helpers/items.ts';

const T = (m: number) => new Date(Date.UTC(2026, 10, 20, 12, m));
const item = (n: string) => newItem({ identity: `guid:${n}`, canonicalUrl: `https://news.example/${n}`, guid: n, url: `https://news.example/${n}`, title: `Story ${n}` });

for (const b of backends()) {
  describe.skipIf(!b.available)(`feedback storage (${b.name})`, () => {
    let t: TestDb;
    let ids: number[];
    let ed: number;
    let po: number;
    beforeAll(async () => {
      t = await b.open();
      ed = (await createUser(t.db, { email: 'ed@example.org', roles: ['editor'] }))!.id;
      po = (await createUser(t.db, { email: 'po@example.org', roles: ['press_officer'] }))!.id;
      const s = (await addSource(t.db, { url: 'http://a.example/feed', name: 'a' })).source.id;
      ids = (await insertItems(t.db, s, ['1', '2', '3', '4'].map(item), T(0))).map((r) => r.id);
      for (const id of ids) await saveTopics(t.db, id, [{ topic: 'probation', rule: 'service' }], T(0));
      await saveTopics(t.db, ids[3]!, [{ topic: 'probation', rule: 'officer' }, { topic: 'courts', rule: 'court' }], T(0));
    });
    afterAll(async () => t?.close());

    it('keeps one verdict per item and person, the latest wins; unknown items are ignored', async () => {
      expect(await recordFeedback(t.db, { itemIds: [ids[0]!, 999_999], userId: ed, relevant: true, via: 'web', now: T(1) })).toBe(1);
      await recordFeedback(t.db, { itemIds: [ids[0]!], userId: ed, relevant: false, via: 'web', now: T(2) });
      expect(await itemVerdict(t.db, ids[0]!)).toBe(false);
      await recordFeedback(t.db, { itemIds: [ids[0]!], userId: po, relevant: true, via: 'web', now: T(3) });
      expect(await itemVerdict(t.db, ids[0]!)).toBe(true);
      // Links carry no person: one row per item, replaced by the next click.
      await recordFeedback(t.db, { itemIds: [ids[1]!], userId: null, relevant: true, via: 'link', now: T(4) });
      await recordFeedback(t.db, { itemIds: [ids[1]!], userId: null, relevant: false, via: 'link', now: T(5) });
      const [{ n }] = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM feedback WHERE item_id = $1', [ids[1]])) as [{ n: number }];
      expect(n).toBe(1);
      expect(await itemVerdict(t.db, ids[2]!)).toBeUndefined();
    });

    it('computes each rule\'s precision over its judged items and lists recent false positives', async () => {
      await recordFeedback(t.db, { itemIds: [ids[2]!], userId: ed, relevant: false, via: 'web', now: T(6) });
      await recordFeedback(t.db, { itemIds: [ids[3]!], userId: ed, relevant: true, via: 'web', now: T(7) });
      expect(await rulePrecision(t.db)).toEqual([
        { topic: 'courts', rule: 'court', judged: 1, relevant: 1, precision: 1 },
        { topic: 'probation', rule: 'officer', judged: 1, relevant: 1, precision: 1 },
        // items 1 (relevant, latest), 2 (not), 3 (not)
        { topic: 'probation', rule: 'service', judged: 3, relevant: 1, precision: 1 / 3 },
      ]);
      const fp = await recentFalsePositives(t.db, 1);
      expect(fp).toEqual([{ topic: 'probation', rule: 'service', itemId: ids[2], title: 'Story 3', url: 'https://news.example/3', judgedAt: T(6) }]);
    });

    it('finds the items of a story, and of stories merged into it, for a story-level verdict', async () => {
      const story = async (mergedInto: number | null) => {
        const [r] = await t.db.query<{ id: number }>(
          'INSERT INTO stories (first_seen, last_seen, last_updated, created_at, merged_into) VALUES ($1, $1, $1, $1, $2) RETURNING id',
          [T(0), mergedInto],
        );
        return Number(r!.id);
      };
      const a = await story(null);
      const b = await story(a);
      await t.db.query('UPDATE items SET story_id = $1 WHERE id = ANY($2::bigint[])', [a, [ids[0], ids[1]]]);
      await t.db.query('UPDATE items SET story_id = $1 WHERE id = $2', [b, ids[2]]);
      expect(await storyItemIds(t.db, a)).toEqual([ids[0], ids[1], ids[2]]);
      expect(await storyItemIds(t.db, 12345)).toEqual([]);
    });
  });
}
