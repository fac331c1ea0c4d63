// The relevance model's services on both backends: tagging applies the active model under each topic's mode and
// records its decisions; a retrain learns from press officers' verdicts in a worker thread and is versioned
// (skipped when nothing new was judged); suggestions for the rules come with the edited rules to backtest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker } from '../../src/adapters/queues.ts';
import type { StoredModel } from '../../src/domain/relevance.ts';
import { loadRuleSet } from '../../src/rules/ruleset.ts';
import { activeModel } from '../../src/services/active-model.ts';
import { retag } from '../../src/services/retag.ts';
import { requestRetrain } from '../../src/services/request-retrain.ts';
import { retrainRelevance } from '../../src/services/retrain-relevance.ts';
import { suggestRules } from '../../src/services/suggest-rules.ts';
import { tagItems } from '../../src/services/tag-items.ts';
import { recordFeedback } from '../../src/storage/feedback.ts';
import { getItem, insertItems, type NewItem, saveTopics, topicsOf } from '../../src/storage/items.ts';
import { decisionsOf, listModelVersions, saveModelVersion, setTopicMode } from '../../src/storage/relevance.ts';
import { createRetagRun, saveRuleVersion } from '../../src/storage/rules.ts';
import { addSource } from '../../src/storage/sources.ts';
import { backends, type TestDb } from '../helpers/db.ts';
import { type TestRuntime, later, testRuntime } from '../helpers/ingest.ts';
import { item as synthetic, type Kind } from '../pipeline/relevance/synthetic.ts';
import { retrainRelevance as retrainJob } from '../../workers/retrain-relevance.ts';

// The synthetic world's rules, with a second prisons rule (a topic's only rule is never suggested for removal).
const YAML = `topics:
  - id: prisons
    name: Prisons
    rules:
      - id: prison-word
        query: prison OR jail
      - id: hmpps
        query: hmpps
  - id: courts
    name: Courts
    rules:
      - id: court-word
        query: court OR courts
`;
// A model that knows one thing: "Texas" is not UK news. It vetoes prisons below 0.5.
const TEXAS: StoredModel = {
  heads: ['relevant', 'prisons', 'courts'],
  bias: [2, 3, 0],
  thresholds: [{ veto: 0, rescue: 1 }, { veto: 0.5, rescue: 1 }, { veto: 0, rescue: 1 }],
  terms: { 'w:texa': [-6, 0, 0] },
};
const row = (kind: Kind, n: number): NewItem => {
  const x = synthetic(kind, n).item;
  return { identity: `${kind}-${n}`, canonicalUrl: null, guid: null, url: x.url!, title: x.title, summaryHtml: x.summary!, contentHtml: null, bodyText: null, author: null, publishedAt: '2026-11-19T00:00:00Z', categories: [], extractStatus: 'done' };
};

for (const b of backends()) {
  describe.skipIf(!b.available)(`relevance services (${b.name})`, () => {
    let t: TestDb;
    let rt: TestRuntime;
    let source: number;
    const ids: Record<string, number[]> = {};
    beforeAll(async () => {
      t = await b.open();
      rt = testRuntime(t.db);
      await saveRuleVersion(t.db, { yaml: YAML, ruleSet: loadRuleSet(YAML).ruleSet, authorId: null, message: 'synthetic', now: rt.now() });
      source = (await addSource(t.db, { url: 'http://a.example/feed', name: 'News' })).source.id;
      for (const kind of ['uk-prison', 'abroad-prison', 'missed-prison'] as const) {
        ids[kind] = (await insertItems(t.db, source, Array.from({ length: 12 }, (_, n) => row(kind, n)), rt.now())).map((r) => r.id);
      }
    });
    afterAll(async () => {
      await rt?.close();
      await t?.close();
    });

    it('skips a retrain with too few verdicts, learns from them when there are enough, then waits for new ones', async () => {
      expect(await retrainRelevance(rt, { requestedBy: null, force: true })).toMatchObject({ skipped: '0 judged item(s); at least 10 are needed' });
      // The rules give the UK and the foreign prison stories "prisons"; press officers disagree on the foreign ones.
      for (const id of [...ids['uk-prison']!, ...ids['abroad-prison']!]) await saveTopics(t.db, id, [{ topic: 'prisons', rule: 'prison-word' }], rt.now());
      later(rt, 60);
      await recordFeedback(t.db, { itemIds: [...ids['uk-prison']!, ...ids['missed-prison']!], userId: null, relevant: true, via: 'web', now: rt.now() });
      await recordFeedback(t.db, { itemIds: ids['abroad-prison']!, userId: null, relevant: false, via: 'web', now: rt.now() });
      later(rt, 60);
      const first = await retrainRelevance(rt, { requestedBy: null, force: false });
      expect(first).toMatchObject({ version: 1, examples: 36 });
      const [v] = await listModelVersions(t.db, 1);
      expect(v).toMatchObject({ number: 1, examples: 36, prior: 0, ruleVersion: 1, activated: first.activated });
      expect(v!.metrics.examples).toBe(36);
      expect(v!.note).toMatch(first.activated ? /^learnt from 36 judged items on top of the shipped model$/ : /^not activated: /);
      expect((await activeModel(t.db)).version).toBe(first.activated ? 1 : 0);
      later(rt, 60);
      expect(await retrainRelevance(rt, { requestedBy: null, force: false })).toEqual({ skipped: 'no verdict since the last version', examples: 0 });
    });

    it('retrains through a real BullMQ worker when an editor asks, even with no new verdict', async () => {
      const handle = startWorker('retrain-relevance', retrainJob(rt), { connection: rt.redis, prefix: rt.prefix, concurrency: 1 });
      try {
        await requestRetrain(rt, null);
        let versions = await listModelVersions(t.db, 5);
        for (let i = 0; i < 900 && versions.length < 2; i++) {
          await new Promise((r) => setTimeout(r, 100));
          versions = await listModelVersions(t.db, 5);
        }
        expect(versions.map((v) => [v.number, v.examples])).toEqual([
          [2, 36],
          [1, 36],
        ]);
      } finally {
        await handle.stop(1000);
      }
    });

    it('suggests terms of the relevant items the rules miss and rules whose hits were judged not relevant, each with the edited rules', async () => {
      const got = await suggestRules(t.db);
      const add = got.find((s) => s.change === 'add' && s.query === 'hmp');
      expect(add).toMatchObject({ rule: 'suggested-hmp', why: 'in 12 items marked relevant that the rules miss; 0 marked not relevant' });
      const withIt = loadRuleSet(add!.yaml);
      expect(withIt.problems).toEqual([]);
      expect(withIt.ruleSet.topics.find((x) => x.id === add!.topic)!.rules.at(-1)).toEqual({ id: 'suggested-hmp', query: 'hmp' });
      const remove = got.find((s) => s.change === 'remove');
      expect(remove).toMatchObject({ topic: 'prisons', rule: 'prison-word', why: '12 of its 24 judged hits marked not relevant' });
      expect(loadRuleSet(remove!.yaml).ruleSet.topics[0]!.rules.map((r) => r.id)).toEqual(['hmpps']);
    });

    it('tags with the active model: a veto removes the topic and is recorded; under "suggest" it is only recorded', async () => {
      await saveModelVersion(t.db, { model: TEXAS, metrics: { folds: 4, examples: 0, rules: {}, model: {} }, examples: 0, prior: 0, ruleVersion: 1, activated: true, note: 'test', trainMs: 1, requestedBy: null, now: rt.now() });
      const version = (await activeModel(t.db)).version;
      const texas = (await getItem(t.db, ids['abroad-prison']![0]!))!;
      expect(texas.title).toMatch(/^Texas/);
      await tagItems(rt, [texas], 'News');
      expect(await topicsOf(t.db, texas.id)).toEqual([]);
      const recorded = (await decisionsOf(t.db, [texas.id])).get(texas.id)!;
      expect(recorded).toMatchObject({ model: version, decisions: [{ topic: 'prisons', action: 'veto', applied: true }] });
      expect(recorded.decisions[0]!.terms[0]).toEqual({ term: 'Texas', weight: -6 });

      await setTopicMode(t.db, { topic: 'prisons', mode: 'suggest', userId: null, now: rt.now() });
      await tagItems(rt, [texas], 'News');
      expect((await topicsOf(t.db, texas.id)).map((x) => x.topic)).toEqual(['prisons']);
      expect((await decisionsOf(t.db, [texas.id])).get(texas.id)!.decisions).toMatchObject([{ topic: 'prisons', action: 'veto', applied: false }]);

      // "rules only": no decision, and a re-tag clears the recorded one.
      await setTopicMode(t.db, { topic: 'prisons', mode: 'rules', userId: null, now: rt.now() });
      const run = await createRetagRun(t.db, { version: 1, since: null, requestedBy: null, now: rt.now() });
      await retag(rt, run.id, { signal: new AbortController().signal });
      expect((await topicsOf(t.db, texas.id)).map((x) => x.topic)).toEqual(['prisons']);
      expect((await decisionsOf(t.db, [texas.id])).size).toBe(0);

      // Back to "apply": the re-tag applies the model to stored items too.
      await setTopicMode(t.db, { topic: 'prisons', mode: 'apply', userId: null, now: rt.now() });
      const again = await createRetagRun(t.db, { version: 1, since: null, requestedBy: null, now: rt.now() });
      await retag(rt, again.id, { signal: new AbortController().signal });
      expect(await topicsOf(t.db, texas.id)).toEqual([]);
      const uk = ids['uk-prison']![0]!;
      expect((await topicsOf(t.db, uk)).map((x) => x.topic)).toEqual(['prisons']);
      const vetoed = [...(await decisionsOf(t.db, ids['abroad-prison']!)).keys()].sort((a, z) => a - z);
      const texan = ids['abroad-prison']!.filter((_, n) => /Texas/.test(`${synthetic('abroad-prison', n).item.title} ${synthetic('abroad-prison', n).item.summary}`));
      expect(vetoed).toEqual(texan);
      expect(texan.length).toBeGreaterThan(1);
    });
  });
}
