import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDueSources, claimFailingNotices, makeDue, pruneFetchLog, recentFetches, recordPoll, recordPolls, releaseClaim } from '../../src/storage/polls.ts';
import { setWebsub, websubToRenew } from '../../src/storage/websub.ts';
import { addSource, getSource, getSources, listSources, setSourceEnabled, updateSource } from '../../src/storage/sources.ts';
import { backends, type TestDb } from '../helpers/db.ts';

const T0 = new Date('2026-11-20T10:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

const poll = (over: Partial<Parameters<typeof recordPoll>[2]> = {}) => ({
  at: T0,
  result: 'ok' as const,
  status: 200,
  ms: 12,
  bytes: 100,
  newItems: 2,
  etag: '"v1"',
  lastModified: null,
  bodyHash: 'h1',
  pollsSinceFull: 1,
  intervalS: 600,
  nextPollAt: at(600),
  nextPollReason: 'new items',
  errorScore: 0,
  itemsPerDay: 3,
  ...over,
});

for (const b of backends()) {
  describe.skipIf(!b.available)(`sources storage (${b.name})`, () => {
    let t: TestDb;
    beforeAll(async () => {
      t = await b.open();
    });
    afterAll(async () => t?.close());

    it('adds a source once per URL and edits it', async () => {
      const a = await addSource(t.db, { url: 'https://www.gov.uk/x.atom', name: 'MoJ', topics: ['prisons'] });
      expect(a.created).toBe(true);
      expect(a.source).toMatchObject({ host: 'www.gov.uk', kind: 'feed', dedupPolicy: 'guid', topics: ['prisons'], enabled: true });
      const again = await addSource(t.db, { url: 'https://www.gov.uk/x.atom', name: 'other name' });
      expect(again).toMatchObject({ created: false, source: { id: a.source.id, name: 'MoJ' } });
      const html = await addSource(t.db, { url: 'https://napo.org.uk/news', name: 'Napo', kind: 'html', selectors: { item: '.views-row', link: 'a' } });
      expect(html.source.selectors).toEqual({ item: '.views-row', link: 'a' });
      const edited = await updateSource(t.db, a.source.id, { name: 'Ministry of Justice', minIntervalS: 900, charset: 'windows-1252' });
      expect(edited).toMatchObject({ name: 'Ministry of Justice', minIntervalS: 900, maxIntervalS: 21600, charset: 'windows-1252', topics: ['prisons'] });
      expect((await listSources(t.db)).map((s) => s.name)).toEqual(['Ministry of Justice', 'Napo']);
    });

    it('claims due sources once, capped per host, and frees the host when the poll is recorded', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 4; i++) ids.push((await addSource(t.db, { url: `http://feeds.example/${i}`, name: `e${i}` })).source.id);
      const other = (await addSource(t.db, { url: 'http://other.example/f', name: 'o' })).source.id;
      await t.db.query('UPDATE sources SET next_poll_at = $1', [T0]);
      const first = await claimDueSources(t.db, { now: T0, perHost: 2, limit: 100, leaseS: 300 });
      const claimed = first.map((c) => c.id);
      expect(claimed.filter((id) => ids.includes(id))).toHaveLength(2);
      expect(claimed).toContain(other);
      // A second tick at the same moment claims nothing from the busy host, and nothing twice.
      const second = await claimDueSources(t.db, { now: T0, perHost: 2, limit: 100, leaseS: 300 });
      expect(second.filter((c) => claimed.includes(c.id))).toEqual([]);
      expect(second.filter((c) => ids.includes(c.id))).toEqual([]);
      // Recording one poll frees one slot on that host.
      await recordPoll(t.db, claimed.find((id) => ids.includes(id))!, poll({ nextPollAt: at(600) }));
      const third = await claimDueSources(t.db, { now: at(1), perHost: 2, limit: 100, leaseS: 300 });
      expect(third.filter((c) => ids.includes(c.id))).toHaveLength(1);
      // A released claim is due again.
      await releaseClaim(t.db, third[0]!.id, at(2));
      expect((await claimDueSources(t.db, { now: at(2), perHost: 5, limit: 100, leaseS: 300 })).map((c) => c.id)).toContain(third[0]!.id);
    });

    it('records polls: validators on success, failures counted, failing spell noticed once', async () => {
      const id = (await addSource(t.db, { url: 'http://health.example/f', name: 'h' })).source.id;
      let s = await recordPoll(t.db, id, poll());
      expect(s).toMatchObject({ etag: '"v1"', bodyHash: 'h1', lastStatus: 200, consecutiveFailures: 0, lastError: null, itemsPerDay: 3 });
      expect(s.lastSuccessAt?.toISOString()).toBe(T0.toISOString());
      s = await recordPoll(t.db, id, poll({ at: at(60), result: 'error', status: 404, error: 'poll: the server says the feed is not there (HTTP 404)', etag: null, bodyHash: null, errorScore: 3 }));
      s = await recordPoll(t.db, id, poll({ at: at(120), result: 'error', status: 404, error: 'again', errorScore: 6 }));
      expect(s).toMatchObject({ consecutiveFailures: 2, lastError: 'again', etag: '"v1"', bodyHash: 'h1', errorScore: 6 });
      expect(s.failingSince?.toISOString()).toBe(at(60).toISOString());
      expect(s.lastSuccessAt?.toISOString()).toBe(T0.toISOString());
      expect(await claimFailingNotices(t.db, at(0), at(200))).toEqual([]);
      expect((await claimFailingNotices(t.db, at(100), at(200))).map((x) => x.id)).toEqual([id]);
      expect(await claimFailingNotices(t.db, at(100), at(300))).toEqual([]);
      s = await recordPoll(t.db, id, poll({ at: at(180) }));
      expect(s).toMatchObject({ consecutiveFailures: 0, failingSince: null, failingNotifiedAt: null, lastError: null });
      const log = await recentFetches(t.db, id);
      expect(log.map((l) => l.result)).toEqual(['ok', 'error', 'error', 'ok']);
      expect(await pruneFetchLog(t.db, at(90))).toBeGreaterThanOrEqual(2);
      expect(await recentFetches(t.db, id)).toHaveLength(2);
    });

    it('records several polls in one statement: each source its own outcome and fetch_log row; a missing one is left out', async () => {
      const ok = (await addSource(t.db, { url: 'http://batch.example/ok', name: 'ok' })).source.id;
      const bad = (await addSource(t.db, { url: 'http://batch.example/bad', name: 'bad' })).source.id;
      const done = await recordPolls(t.db, [
        { ...poll({ etag: '"b1"', nextPollAt: at(900) }), sourceId: ok },
        { ...poll({ result: 'error', status: 500, error: 'poll: the server failed', etag: null, errorScore: 1 }), sourceId: bad },
        { ...poll(), sourceId: 987_654_321 },
      ]);
      expect([...done.keys()].sort((a, b) => a - b)).toEqual([ok, bad]);
      expect(done.get(ok)).toMatchObject({ etag: '"b1"', lastStatus: 200, consecutiveFailures: 0 });
      expect(done.get(ok)?.nextPollAt.toISOString()).toBe(at(900).toISOString());
      expect(done.get(bad)).toMatchObject({ etag: null, lastStatus: 500, consecutiveFailures: 1, lastError: 'poll: the server failed', errorScore: 1 });
      expect((await recentFetches(t.db, ok)).map((l) => [l.result, l.status])).toEqual([['ok', 200]]);
      expect((await recentFetches(t.db, bad)).map((l) => [l.result, l.status])).toEqual([['error', 500]]);
      const both = await getSources(t.db, [ok, bad, 987_654_321]);
      expect([...both.keys()].sort((a, b) => a - b)).toEqual([ok, bad]);
      expect(both.get(ok)?.etag).toBe('"b1"');
    });

    it('disables and re-enables (due at once, failures cleared); makeDue; WebSub state', async () => {
      const id = (await addSource(t.db, { url: 'http://ws.example/f', name: 'ws' })).source.id;
      await recordPoll(t.db, id, poll({ result: 'error', error: 'x', errorScore: 1, nextPollAt: at(9999) }));
      expect((await setSourceEnabled(t.db, id, false, T0))?.enabled).toBe(false);
      expect(await makeDue(t.db, T0, [id])).toEqual([]);
      const back = await setSourceEnabled(t.db, id, true, at(5));
      expect(back).toMatchObject({ enabled: true, consecutiveFailures: 0, errorScore: 0, failingSince: null });
      expect(back?.nextPollAt.toISOString()).toBe(at(5).toISOString());
      await setWebsub(t.db, id, { hub: 'http://hub.example/', topic: 'http://ws.example/f' });
      expect((await websubToRenew(t.db, T0)).map((s) => s.id)).toEqual([id]);
      await setWebsub(t.db, id, { secret: 's', state: 'active', leaseUntil: at(3600) });
      expect(await websubToRenew(t.db, at(60))).toEqual([]);
      expect((await websubToRenew(t.db, at(3601))).map((s) => s.id)).toEqual([id]);
      expect(await getSource(t.db, id)).toMatchObject({ websubState: 'active', websubSecret: 's' });
    });
  });
}
