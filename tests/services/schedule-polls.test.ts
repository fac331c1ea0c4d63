import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordPoll } from '../../src/storage/polls.ts';
import { addSource, getSource } from '../../src/storage/sources.ts';
import { notifyFailing } from '../../src/services/notify-failing.ts';
import { renewWebsub } from '../../src/services/renew-websub.ts';
import { keepPolling, pollNextOf, schedulePolls } from '../../src/services/schedule-polls.ts';
import { backends, type TestDb } from '../helpers/db.ts';
import { type LoopbackServer, startLoopbackServer } from '../helpers/loopback-server.ts';
import { later, rss, type TestRuntime, testRuntime } from '../helpers/ingest.ts';
import { pollSource } from '../../src/services/poll-source.ts';

for (const b of backends()) {
  describe.skipIf(!b.available)(`ingest maintenance tasks (${b.name})`, () => {
    let t: TestDb;
    let rt: TestRuntime;
    let srv: LoopbackServer;
    beforeAll(async () => {
      t = await b.open();
      rt = testRuntime(t.db);
      srv = await startLoopbackServer({ '/hub': { status: 202 } });
    });
    afterAll(async () => {
      await srv?.close();
      await rt?.close();
      await t?.close();
    });

    it('queues one poll per due source, at most two per host, and a second tick queues nothing twice', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) ids.push((await addSource(t.db, { url: `http://one.example/${i}`, name: `one ${i}` })).source.id);
      ids.push((await addSource(t.db, { url: 'http://two.example/f', name: 'two' })).source.id);
      await t.db.query('UPDATE sources SET next_poll_at = $1', [rt.now()]);
      const first = (await schedulePolls(rt)).map((j) => j.sourceId);
      expect(first).toHaveLength(3);
      expect(first).toContain(ids[3]);
      expect(await schedulePolls(rt)).toEqual([]);
      const jobs = await rt.queues.get('poll-source').getJobs(['waiting']);
      expect(jobs.map((j) => j.data.sourceId).sort()).toEqual([...first].sort());
      expect(jobs.every((j) => j.id?.startsWith(`poll-${j.data.sourceId}-`))).toBe(true);
      // A claim nobody recorded (the worker died) is due again after its lease.
      later(rt, 301);
      expect((await schedulePolls(rt)).length).toBeGreaterThan(0);
      await t.db.query('UPDATE sources SET enabled = false');
    });

    it("claims a host's next due source the moment one of its polls is recorded, and no other host's", async () => {
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) ids.push((await addSource(t.db, { url: `http://busy.example/${i}`, name: `busy ${i}` })).source.id);
      const other = (await addSource(t.db, { url: 'http://quiet.example/f', name: 'quiet' })).source.id;
      await t.db.query('UPDATE sources SET next_poll_at = $1 WHERE id = ANY($2)', [rt.now(), ids]);
      const first = (await schedulePolls(rt, { hosts: ['busy.example'] })).map((j) => j.sourceId);
      expect(first).toHaveLength(2);
      await t.db.query('UPDATE sources SET next_poll_at = $1 WHERE id = $2', [rt.now(), other]);
      // Nothing frees a slot until a poll is recorded.
      await pollNextOf(rt, 'busy.example');
      expect((await rt.queues.get('poll-source').getJobs(['waiting'])).filter((j) => ids.includes(j.data.sourceId))).toHaveLength(2);
      const ok = { result: 'ok' as const, ms: 5, bytes: 10, newItems: 0, pollsSinceFull: 0, intervalS: 600, nextPollReason: 'test', errorScore: 0, itemsPerDay: null };
      await recordPoll(t.db, first[0]!, { ...ok, at: rt.now(), nextPollAt: new Date(rt.now().getTime() + 600_000) });
      await pollNextOf(rt, 'busy.example');
      const waiting = (await rt.queues.get('poll-source').getJobs(['waiting'])).map((j) => j.data.sourceId);
      expect(waiting.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
      expect(waiting).not.toContain(other);
      await t.db.query('UPDATE sources SET enabled = false');
    });

    it('a finished poll claims its host\'s next due source (pollSource → pollNextOf)', async () => {
      const feeds = await startLoopbackServer({ '/a.xml': { body: rss([{ id: 'a1' }]) }, '/b.xml': { body: rss([{ id: 'b1' }]) }, '/c.xml': { body: rss([{ id: 'c1' }]) } }, { host: '127.0.0.3' });
      try {
        const ids: number[] = [];
        for (const f of ['a', 'b', 'c']) ids.push((await addSource(t.db, { url: feeds.url(`/${f}.xml`), name: `feed ${f}` })).source.id);
        await t.db.query('UPDATE sources SET next_poll_at = $1 WHERE id = ANY($2)', [rt.now(), ids]);
        const claimed = (await schedulePolls(rt)).map((j) => j.sourceId);
        expect(claimed).toHaveLength(2);
        await pollSource(rt, claimed[0]!);
        const waiting = (await rt.queues.get('poll-source').getJobs(['waiting'])).map((j) => j.data.sourceId);
        expect(waiting.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
      } finally {
        await feeds.close();
        await t.db.query('UPDATE sources SET enabled = false');
      }
    });

    it('a polling process starts a newly due source within its every-second check', async () => {
      const id = (await addSource(t.db, { url: 'http://fresh.example/feed', name: 'fresh' })).source.id;
      await t.db.query('UPDATE sources SET next_poll_at = $1 WHERE id = $2', [rt.now(), id]);
      const stop = keepPolling(rt);
      try {
        await expect.poll(async () => (await rt.queues.get('poll-source').getJobs(['waiting'])).some((j) => j.data.sourceId === id), { timeout: 90_000, interval: 100 }).toBe(true);
      } finally {
        stop();
      }
      await t.db.query('UPDATE sources SET enabled = false');
    });

    it('emails editors once when a source has failed for a day', async () => {
      const hasUsers = (await t.db.query<{ t: string | null }>(`SELECT to_regclass('users')::text AS t`))[0]?.t;
      if (hasUsers) {
        await t.db.query(`INSERT INTO users (email, roles) VALUES ('ed@union.example', '{editor}'), ('po@union.example', '{press_officer}')`);
      }
      const id = (await addSource(t.db, { url: 'http://dead.example/feed', name: 'Dead feed' })).source.id;
      const fail = { result: 'error' as const, status: 404, ms: 5, bytes: 0, newItems: 0, error: 'poll: HTTP 404: the feed is not there any more', pollsSinceFull: 0, intervalS: 600, nextPollAt: rt.now(), nextPollReason: 'backing off', errorScore: 3, itemsPerDay: null };
      await recordPoll(t.db, id, { ...fail, at: rt.now() });
      later(rt, 3600);
      expect(await notifyFailing(rt)).toBe(0);
      later(rt, 86_400);
      await recordPoll(t.db, id, { ...fail, at: rt.now() });
      expect(await notifyFailing(rt)).toBe(1);
      expect(await notifyFailing(rt)).toBe(0);
      if (hasUsers) {
        expect(rt.sent).toHaveLength(1);
        expect(rt.sent[0]).toMatchObject({ to: ['ed@union.example'], subject: expect.stringMatching(/^pressdesk: source "Dead feed" has been failing since/) });
        expect(rt.sent[0]!.text).toContain('HTTP 404: the feed is not there any more');
      }
      expect((await getSource(t.db, id))?.failingNotifiedAt).not.toBeNull();
    });

    it('subscribes to an advertised hub with a callback under PUBLIC_URL and a per-source secret', async () => {
      const id = (await addSource(t.db, { url: 'http://pushy.example/feed', name: 'pushy' })).source.id;
      await t.db.query('UPDATE sources SET websub_hub = $2, websub_topic = $3 WHERE id = $1', [id, srv.url('/hub'), 'http://pushy.example/feed']);
      expect(await renewWebsub(rt)).toBe(1);
      const form = new URLSearchParams(srv.hits('/hub')[0]!.body);
      expect(form.get('hub.mode')).toBe('subscribe');
      expect(form.get('hub.callback')).toBe(`http://127.0.0.1:9/websub/${id}`);
      expect(form.get('hub.topic')).toBe('http://pushy.example/feed');
      const s = (await getSource(t.db, id))!;
      expect(s.websubSecret).toBe(form.get('hub.secret'));
      expect(s.websubSecret!.length).toBeGreaterThanOrEqual(32);
      expect(s.websubState).toBe('subscribing');
      expect(await renewWebsub(rt)).toBe(0);
    });
  });
}
