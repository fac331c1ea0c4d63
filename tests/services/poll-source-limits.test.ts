// The limits on the work one feed can cause, on the poll path: a feed longer than MAX_ITEMS_PER_POLL keeps its
// newest entries and the poll records how many it left out; more new teasers than MAX_PAGE_FETCHES_PER_POLL
// queue only that many process-item jobs, the rest stored and tagged on the feed's own text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitWords } from '../../src/pipeline/limit-words.ts';
import { itemsOfSource, topicsOf } from '../../src/storage/items.ts';
import { recentFetches } from '../../src/storage/polls.ts';
import { addSource, getSource } from '../../src/storage/sources.ts';
import { pollSource } from '../../src/services/poll-source.ts';
import { backends, type TestDb } from '../helpers/db.ts';
import { type LoopbackServer, startLoopbackServer } from '../helpers/loopback-server.ts';
import { later, rss, type TestRuntime, testRuntime } from '../helpers/ingest.ts';

const long = (n: string) => `Probation officers and prison staff told the inspectorate about caseloads in story ${n}. `.repeat(6);
const day = (d: number) => new Date(Date.UTC(2026, 10, d, 8));

for (const b of backends()) {
  describe.skipIf(!b.available)(`poll-source limits on one feed's work (${b.name})`, () => {
    let t: TestDb;
    let rt: TestRuntime;
    let srv: LoopbackServer;
    beforeAll(async () => {
      t = await b.open();
      rt = testRuntime(t.db, { MAX_ITEMS_PER_POLL: '5', MAX_PAGE_FETCHES_PER_POLL: '3' });
      srv = await startLoopbackServer();
    });
    afterAll(async () => {
      await srv?.close();
      await rt?.close();
      await t?.close();
    });

    it('keeps the newest entries of a long feed and records how many it left out, on the poll and the source', async () => {
      // Twelve full-text entries, dates out of order, two undated: the newest five dated ones are kept.
      const days = [3, 17, 9, 1, 15, 12, 6, 19, 4, 11];
      const entries = [
        ...days.map((d) => ({ id: `d${d}`, description: long(`d${d}`), published: day(d) })),
        { id: 'u1', description: long('u1') },
        { id: 'u2', description: long('u2') },
      ];
      const undated = (xml: string) => xml.replace(/(<guid isPermaLink="false">u\d<\/guid>(?:(?!<\/item>).)*)<pubDate>[^<]*<\/pubDate>/g, '$1');
      const body = undated(rss(entries));
      expect(body.match(/<pubDate>/g)).toHaveLength(10);
      srv.route('/long.xml', { body, etag: '"l1"' });
      const id = (await addSource(t.db, { url: srv.url('/long.xml'), name: 'long' })).source.id;

      const r = await pollSource(rt, id);
      expect(r).toMatchObject({ result: 'ok', newItems: 5, skippedItems: 7, pagesNotFetched: 0 });
      const kept = (await itemsOfSource(t.db, id)).map((i) => i.guid);
      expect(kept).toEqual(['d17', 'd15', 'd12', 'd19', 'd11']); // feed order, the five newest dates
      const [log] = await recentFetches(t.db, id, 1);
      expect(log).toMatchObject({ result: 'ok', newItems: 5, feedItems: 12, skippedItems: 7, pagesNotFetched: 0 });
      const s = (await getSource(t.db, id))!;
      expect(s).toMatchObject({ lastFeedItems: 12, lastSkippedItems: 7 });
      expect(limitWords({ feedItems: s.lastFeedItems, skippedItems: s.lastSkippedItems })).toBe('kept the newest 5 of 12 entries (MAX_ITEMS_PER_POLL)');

      // A 304 did not read the feed: the source still says what the last reading left out.
      later(rt, 600);
      expect(await pollSource(rt, id)).toMatchObject({ result: 'not_modified', skippedItems: 0 });
      expect(await getSource(t.db, id)).toMatchObject({ lastFeedItems: 12, lastSkippedItems: 7 });
      expect((await recentFetches(t.db, id, 1))[0]).toMatchObject({ result: 'not_modified', feedItems: null, skippedItems: 0 });

      // One newer entry: it is kept and stored, the oldest kept one now falls outside, nothing old comes back.
      srv.route('/long.xml', { body: undated(rss([{ id: 'd20', description: long('d20'), published: day(20) }, ...entries])), etag: '"l2"' });
      later(rt, 600);
      expect(await pollSource(rt, id)).toMatchObject({ result: 'ok', newItems: 1, skippedItems: 8 });
      expect((await itemsOfSource(t.db, id)).map((i) => i.guid)).toEqual([...kept, 'd20']);
      expect(await getSource(t.db, id)).toMatchObject({ lastFeedItems: 13, lastSkippedItems: 8 });
    });

    it('queues only MAX_PAGE_FETCHES_PER_POLL page fetches, the newest teasers; the rest are stored and tagged on the feed text', async () => {
      // Eight teasers (short descriptions, so their pages would be fetched) and one full-text entry.
      const teasers = [2, 8, 5, 1, 7, 3, 6, 4].map((d) => ({ id: `t${d}`, link: srv.url(`/page-t${d}`), published: day(d) }));
      srv.route('/teasers.xml', { body: rss([...teasers, { id: 'full', description: long('full'), published: day(9) }]) });
      const id = (await addSource(t.db, { url: srv.url('/teasers.xml'), name: 'teasers' })).source.id;
      const q = rt.queues.get('process-item');
      const before = await q.count();

      const r = await pollSource(rt, id);
      expect(r).toMatchObject({ result: 'ok', newItems: 5, skippedItems: 4, pagesNotFetched: 1 });
      // MAX_ITEMS_PER_POLL (5) kept full (day 9) and the teasers of days 8, 7, 6, 5; of those four teasers, three
      // get a page fetch (the newest) and one is tagged on its feed text.
      const items = await itemsOfSource(t.db, id);
      const byGuid = new Map(items.map((i) => [i.guid, i]));
      expect([...byGuid.keys()].sort()).toEqual(['full', 't5', 't6', 't7', 't8']);
      expect(r.queued.sort((a, b) => a - b)).toEqual(['t8', 't7', 't6'].map((g) => byGuid.get(g)!.id).sort((a, b) => a - b));
      expect((await q.count()) - before).toBe(3);
      for (const g of ['t8', 't7', 't6']) expect((await q.getJob(`item-${byGuid.get(g)!.id}`))?.data).toEqual({ itemId: byGuid.get(g)!.id });

      const left = byGuid.get('t5')!;
      expect(left).toMatchObject({ extractStatus: 'skipped' });
      expect(left.extractError).toMatch(/page was not fetched: this poll had queued its 3 page fetches \(MAX_PAGE_FETCHES_PER_POLL\)/);
      expect(left.processedAt).not.toBeNull();
      expect((await topicsOf(t.db, left.id)).map((x) => x.topic)).toContain('probation');
      expect(await q.getJob(`item-${left.id}`)).toBeUndefined();
      expect(srv.hits().filter((h) => h.path.startsWith('/page-'))).toEqual([]); // pages are process-item's to fetch
      const [log] = await recentFetches(t.db, id, 1);
      expect(log).toMatchObject({ feedItems: 9, skippedItems: 4, pagesNotFetched: 1 });
      expect(limitWords(log!)).toBe('kept the newest 5 of 9 entries (MAX_ITEMS_PER_POLL); 1 teaser tagged on the feed\'s text, page not fetched (MAX_PAGE_FETCHES_PER_POLL)');
    });
  });
}
