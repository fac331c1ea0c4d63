import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordPoll } from '../../src/storage/polls.ts';
import { addSource, getSource } from '../../src/storage/sources.ts';
import { notifyFailing } from '../../src/services/notify-failing.ts';
import { renewWebsub } from '../../src/services/renew-websub.ts';
import { schedulePolls } from '../../src/services/schedule-polls.ts';
import { backends, type TestDb } from '../helpers/db.ts';
import { type LoopbackServer, startLoopbackServer } from '../helpers/loopback-server.ts';
import { later, type TestRuntime, testRuntime } from '../helpers/ingest.ts';

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
