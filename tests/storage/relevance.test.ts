// The relevance model's storage on both backends: versions numbered in order with the active one the highest
// activated, topic modes, decisions replaced per item, and the judged items the model learns from.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelMetrics, StoredModel } from '../../src/domain/relevance.ts';
import { recordFeedback } from '../../src/storage/feedback.ts';
import { insertItems, saveTopics } from '../../src/storage/items.ts';
import {
  decisionsOf,
  getModelVersion,
  insertDecisions,
  judgedItems,
  latestVerdictAt,
  listModelVersions,
  modelOf,
  relevanceState,
  saveDecisions,
  saveModelVersion,
  setTopicMode,
} from '../../src/storage/relevance.ts';
import { addSource } from '../../src/storage/sources.ts';
import { createUser } from '../../src/storage/users.ts';
import { backends, type TestDb } from '../helpers/db.ts';
import { newItem } from '../helpers/items.ts';

const T = (m: number) => new Date(Date.UTC(2026, 10, 20, 12, m));
const model: StoredModel = { heads: ['relevant', 'prisons'], bias: [0.1, -0.2], thresholds: [{ veto: 0, rescue: 1 }, { veto: 0.2, rescue: 0.7 }], terms: { 'w:prison': [0.5, 1.2] } };
const metrics: ModelMetrics = { folds: 4, examples: 12, rules: { relevant: { tp: 1, fp: 2, fn: 3 } }, model: { relevant: { tp: 2, fp: 1, fn: 2 } } };
const version = (activated: boolean, now: Date, requestedBy: number | null = null) =>
  ({ model, metrics, examples: 12, prior: 0, ruleVersion: null, activated, note: activated ? 'ok' : 'not activated: x', trainMs: 1234.5, requestedBy, now });
const item = (n: string) =>
  newItem({ identity: `guid:${n}`, canonicalUrl: `https://news.example/${n}`, guid: n, url: `https://news.example/${n}`, title: `Story ${n}`, summaryHtml: `<p>Summary ${n}</p>` });

for (const b of backends()) {
  describe.skipIf(!b.available)(`relevance storage (${b.name})`, () => {
    let t: TestDb;
    let ed: number;
    let ids: number[];
    beforeAll(async () => {
      t = await b.open();
      ed = (await createUser(t.db, { email: 'ed@example.org', roles: ['editor'] }))!.id;
      const s = (await addSource(t.db, { url: 'http://a.example/feed', name: 'Source A' })).source.id;
      ids = (await insertItems(t.db, s, ['1', '2', '3'].map(item), T(0))).map((r) => r.id);
    });
    afterAll(async () => t?.close());

    it('numbers versions; the active one is the highest activated, with the shipped model (0) before any', async () => {
      expect(await relevanceState(t.db)).toEqual({ active: 0, modes: {} });
      const v1 = await saveModelVersion(t.db, version(true, T(1), ed));
      const v2 = await saveModelVersion(t.db, version(false, T(2)));
      expect([v1.number, v2.number]).toEqual([1, 2]);
      expect(v1).toMatchObject({ activated: true, examples: 12, trainMs: 1235, requestedBy: 'ed@example.org', metrics });
      expect(v2).toMatchObject({ activated: false, note: 'not activated: x', requestedBy: null, createdAt: T(2) });
      expect((await relevanceState(t.db)).active).toBe(1);
      expect(await modelOf(t.db, 1)).toEqual(model);
      expect(await modelOf(t.db, 9)).toBeUndefined();
      expect((await listModelVersions(t.db)).map((v) => v.number)).toEqual([2, 1]);
      expect((await getModelVersion(t.db, 2))?.activated).toBe(false);
      // Two saves at once still get distinct numbers.
      const both = await Promise.all([saveModelVersion(t.db, version(true, T(3))), saveModelVersion(t.db, version(true, T(3)))]);
      expect(both.map((v) => v.number).sort()).toEqual([3, 4]);
      expect((await relevanceState(t.db)).active).toBe(4);
    });

    it('keeps one mode per topic', async () => {
      await setTopicMode(t.db, { topic: 'prisons', mode: 'suggest', userId: ed, now: T(4) });
      await setTopicMode(t.db, { topic: 'courts', mode: 'rules', userId: ed, now: T(4) });
      await setTopicMode(t.db, { topic: 'prisons', mode: 'apply', userId: null, now: T(5) });
      expect((await relevanceState(t.db)).modes).toEqual({ prisons: 'apply', courts: 'rules' });
      await expect(t.db.query(`INSERT INTO topic_modes (topic, mode, updated_at) VALUES ('x', 'maybe', now())`)).rejects.toThrow();
    });

    it('replaces an item\'s decisions when it is tagged again, and keeps none where the model agreed', async () => {
      const d = (topic: string) => [{ topic, action: 'veto' as const, probability: 0.1, applied: true, terms: [{ term: 'Texas', weight: -1.2 }] }];
      await insertDecisions(t.db, [{ itemId: ids[0]!, model: 1, decisions: d('prisons') }, { itemId: ids[1]!, model: 1, decisions: [] }], T(6));
      expect([...(await decisionsOf(t.db, ids)).keys()]).toEqual([ids[0]]);
      await saveDecisions(t.db, [{ itemId: ids[0]!, model: 2, decisions: [] }, { itemId: ids[1]!, model: 2, decisions: d('courts') }], T(7));
      const got = await decisionsOf(t.db, ids);
      expect([...got.keys()]).toEqual([ids[1]]);
      expect(got.get(ids[1]!)).toEqual({ itemId: ids[1], model: 2, decisions: d('courts') });
      expect(await decisionsOf(t.db, [])).toEqual(new Map());
    });

    it('lists judged items with their latest verdict, text and current topics, newest verdict first', async () => {
      expect(await latestVerdictAt(t.db)).toBeNull();
      await saveTopics(t.db, ids[0]!, [{ topic: 'prisons', rule: 'r' }, { topic: 'courts', rule: 'c' }], T(0));
      await recordFeedback(t.db, { itemIds: [ids[0]!], userId: ed, relevant: false, via: 'web', now: T(8) });
      await recordFeedback(t.db, { itemIds: [ids[1]!], userId: ed, relevant: true, via: 'web', now: T(9) });
      await recordFeedback(t.db, { itemIds: [ids[0]!], userId: null, relevant: true, via: 'link', now: T(10) });
      const got = await judgedItems(t.db, 10);
      expect(got.map((j) => [j.itemId, j.relevant, j.topics])).toEqual([
        [ids[0], true, ['courts', 'prisons']],
        [ids[1], true, []],
      ]);
      expect(got[0]).toMatchObject({ title: 'Story 1', summary: '<p>Summary 1</p>', url: 'https://news.example/1', source: 'Source A', judgedAt: T(10) });
      expect((await judgedItems(t.db, 1)).length).toBe(1);
      expect(await latestVerdictAt(t.db)).toEqual(T(10));
    });
  });
}
