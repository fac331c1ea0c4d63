import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/pipeline/backtest.ts';
import { tag } from '../../src/pipeline/tag.ts';
import { compileRules } from '../../src/rules/compile.ts';
import type { RuleSet } from '../../src/rules/types.ts';
import { insertItems, type NewItem, saveTopics } from '../../src/storage/items.ts';
import {
  activeRuleVersion,
  activeVersionNumber,
  backtestItemIds,
  backtestStore,
  countItemsSince,
  countRuleVersions,
  createRetagRun,
  finishRetagRun,
  getRuleVersion,
  itemTextBatch,
  latestRetagRun,
  listRuleVersions,
  recordRetagProgress,
  ruleHits,
  saveRuleVersion,
  startRetagRun,
} from '../../src/storage/rules.ts';
import { addSource } from '../../src/storage/sources.ts';
import { createUser } from '../../src/storage/users.ts';
import { backends, type TestDb } from '../helpers/db.ts';
import { newItem } from '../helpers/items.ts';

const NOW = new Date('2026-11-20T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();
const item = (n: string, publishedAt: string, over: Partial<NewItem> = {}) =>
  newItem({ identity: `guid:${n}`, canonicalUrl: `https://news.example/${n}`, guid: n, url: `https://news.example/${n}`, title: `Story ${n}`, summaryHtml: '<p>summary</p>', bodyText: 'body', publishedAt, ...over });
const RS = { topics: [{ id: 'prisons', name: 'Prisons', rules: [{ id: 'prison', query: 'prison*' }], exclude: [] }], exclude: [] };

for (const b of backends()) {
  describe.skipIf(!b.available)(`rules storage (${b.name})`, () => {
    let t: TestDb;
    let author: number;
    let source: number;
    beforeAll(async () => {
      t = await b.open();
      author = (await createUser(t.db, { email: 'ed@example.org', roles: ['editor'] }))!.id;
      source = (await addSource(t.db, { url: 'http://a.example/feed', name: 'Agency A' })).source.id;
    });
    afterAll(async () => t?.close());

    it('numbers versions from 1, the highest is active, and keeps author, message, YAML and rule set', async () => {
      expect(await activeVersionNumber(t.db)).toBe(0);
      expect(await activeRuleVersion(t.db)).toBeUndefined();
      const v1 = await saveRuleVersion(t.db, { yaml: 'topics: []\n', ruleSet: RS, authorId: author, message: 'first', now: NOW });
      const [v2, v3] = await Promise.all([
        saveRuleVersion(t.db, { yaml: 'b', ruleSet: { topics: [], exclude: [] }, authorId: null, message: 'second', now: NOW }),
        saveRuleVersion(t.db, { yaml: 'c', ruleSet: RS, authorId: author, message: 'rollback', copiedFrom: 1, now: NOW }),
      ]);
      expect(v1).toMatchObject({ number: 1, authorEmail: 'ed@example.org', message: 'first', ruleSet: RS, copiedFrom: null });
      expect([v2!.number, v3!.number].sort()).toEqual([2, 3]);
      expect(await activeVersionNumber(t.db)).toBe(3);
      expect((await activeRuleVersion(t.db))!.number).toBe(3);
      expect((await getRuleVersion(t.db, 1))!.yaml).toBe('topics: []\n');
      expect(await getRuleVersion(t.db, 9)).toBeUndefined();
      expect((await listRuleVersions(t.db, { limit: 2 })).map((v) => v.number)).toEqual([3, 2]);
      expect(await countRuleVersions(t.db)).toBe(3);
    });

    it('counts each rule\'s hits in 7 and 30 days and its last firing in one query', async () => {
      const ids = await insertItems(t.db, source, [item('1', daysAgo(1)), item('2', daysAgo(10)), item('3', daysAgo(40)), item('4', daysAgo(2))], NOW);
      const [a, b2, c, d] = ids.map((r) => r.id);
      await saveTopics(t.db, a!, [{ topic: 'prisons', rule: 'prison' }, { topic: 'courts', rule: 'court' }], NOW);
      await saveTopics(t.db, b2!, [{ topic: 'prisons', rule: 'prison' }], NOW);
      await saveTopics(t.db, c!, [{ topic: 'prisons', rule: 'prison' }], NOW);
      await saveTopics(t.db, d!, [{ topic: 'prisons', rule: null }], NOW);
      const hits = (await ruleHits(t.db, NOW)).sort((x, y) => x.topic.localeCompare(y.topic));
      expect(hits).toEqual([
        { topic: 'courts', rule: 'court', lastFired: new Date(daysAgo(1)), hits7: 1, hits30: 1 },
        { topic: 'prisons', rule: 'prison', lastFired: new Date(daysAgo(1)), hits7: 1, hits30: 2 },
      ]);
    });

    it('pages stored item text by id, within a date window, skipping duplicates', async () => {
      const since = new Date(daysAgo(30));
      expect(await countItemsSince(t.db, since)).toBe(3);
      const first = await itemTextBatch(t.db, { since, afterId: 0, limit: 2 });
      expect(first.map((x) => x.title)).toEqual(['Story 1', 'Story 2']);
      expect(first[0]).toMatchObject({ summary: '<p>summary</p>', body: 'body', source: 'Agency A', url: 'https://news.example/1' });
      const rest = await itemTextBatch(t.db, { since, afterId: first[1]!.itemId, limit: 2 });
      expect(rest.map((x) => x.title)).toEqual(['Story 4']);
      expect((await itemTextBatch(t.db, { since: null, afterId: 0, limit: 10 })).length).toBe(4);
    });

    it('backtests from the word index: reads only items holding the words, plus those it cannot list exactly', async () => {
      const texts: [string, string, string][] = [
        ['bt1', 'Cafe owner jailed', 'plain ASCII'],
        ['bt2', 'Le café ferme', 'an accented letter'],
        ['bt3', 'Un caf&eacute; ferme', 'an entity that decodes to a letter'],
        ['bt4', 'Jail<b>break</b> at the cafe', 'a tag inside a word'],
        ['bt5', 'Football results', 'no word of the rule'],
        ['bt6', 'It&#8217;s the prison cafeteria', 'punctuation only: still exact'],
      ];
      const rows = await insertItems(t.db, source, texts.map(([n, title]) => item(n, daysAgo(3), { title, summaryHtml: null, bodyText: null })), NOW);
      const id = new Map(rows.map((r, i) => [texts[i]![0], r.id]));
      const since = new Date(daysAgo(5));
      const ids = await backtestItemIds(t.db, { since, words: "'cafe'" });
      // bt1 holds the word; bt2-bt4 are always read; bt5 and bt6 (cafeteria is another word) are not.
      expect(ids).toEqual(['bt1', 'bt2', 'bt3', 'bt4'].map((n) => id.get(n)));
      expect(await backtestItemIds(t.db, { since, words: "'cafe':*" })).toContain(id.get('bt6'));

      const a: RuleSet = { topics: [{ id: 'food', name: 'Food', rules: [{ id: 'x', query: 'cafeteria' }], exclude: [] }], exclude: [] };
      const b: RuleSet = { ...a, topics: [{ ...a.topics[0]!, rules: [{ id: 'x', query: 'cafe OR jailbreak' }] }] };
      const r = await runBacktest(a, b, backtestStore(t.db, since), { limit: 100 });
      const stored = await itemTextBatch(t.db, { since, afterId: 0, limit: 100 });
      const [ma, mb] = [compileRules(a), compileRules(b)];
      const expected = stored.filter((x) => tag(ma, x).topics.join() !== tag(mb, x).topics.join()).map((x) => x.id);
      expect([...r.gained, ...r.lost].map((c) => c.id).sort()).toEqual(expected.sort());
      expect(expected.sort()).toEqual(['bt1', 'bt2', 'bt3', 'bt4', 'bt6'].map((n) => String(id.get(n))).sort());
      expect(r.scanned).toBe(stored.length);
      expect(r.tagged).toBeLessThan(stored.length);
    });

    it('runs a retag through its states once: a finished run cannot start again', async () => {
      const run = await createRetagRun(t.db, { version: 3, since: null, requestedBy: author, now: NOW });
      expect(run).toMatchObject({ status: 'queued', progress: 0, total: 0 });
      expect(await startRetagRun(t.db, run.id, 4, NOW)).toMatchObject({ status: 'running', total: 4 });
      await recordRetagProgress(t.db, run.id, { done: 2, changed: 1, cursorId: 7 });
      // An interrupted run restarts from its cursor, keeping the total it counted first.
      expect(await startRetagRun(t.db, run.id, 99, NOW)).toMatchObject({ status: 'running', total: 4, progress: 2, changed: 1, cursorId: 7 });
      await finishRetagRun(t.db, run.id, { now: NOW });
      expect(await startRetagRun(t.db, run.id, 4, NOW)).toBeUndefined();
      expect(await latestRetagRun(t.db)).toMatchObject({ id: run.id, status: 'done', finishedAt: NOW });
    });
  });
}
