// kill -9 of a `pressdesk worker` with polls in flight; another worker takes over: every item stored exactly
// once, and polling goes on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.ts';
import { type LoopbackServer, startLoopbackServer } from '../helpers/loopback-server.ts';
import { Feed, type Installation, addSources, allStored, databaseUrl, expectExactlyOnce, installation, makeDue, until } from './harness.ts';

// 127.0.0.2 … 127.0.0.17, two feeds each: the per-host cap (two polls in flight) lets every poll start in the
// first scheduling tick. The feeds answer after 0.3 … 6.5 s, so the kill finds some done and some in flight.
const HOSTS = 16;
const FEEDS_PER_HOST = 2;
const ITEMS = 30;

describe.skipIf(databaseUrl() === null)('kill -9 of a worker mid-poll', () => {
  const servers: LoopbackServer[] = [];
  const feeds: Feed[] = [];
  let slow = true;
  let inst: Installation;

  beforeAll(async () => {
    inst = await installation();
    for (let h = 0; h < HOSTS; h++) {
      const srv = await startLoopbackServer({}, { host: `127.0.0.${h + 2}` });
      servers.push(srv);
      for (let f = 0; f < FEEDS_PER_HOST; f++) {
        const feed = new Feed(`h${h}f${f}`).publish(ITEMS);
        feeds.push(feed);
        const delayMs = 300 + (h * FEEDS_PER_HOST + f) * 200;
        srv.route(`/feed${f}.xml`, () => ({ body: feed.xml(), delayMs: slow ? delayMs : 0 }));
      }
    }
    await addSources(
      inst,
      servers.flatMap((srv, h) => Array.from({ length: FEEDS_PER_HOST }, (_, f) => ({ url: srv.url(`/feed${f}.xml`), name: `host ${h} feed ${f}` }))),
    );
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await inst?.close();
  });

  const published = () => feeds.flatMap((f) => f.ids);
  const polled = async () => (await inst.pg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM sources WHERE last_fetch_at IS NOT NULL'))[0]!.n;

  it('a second worker finishes the dead one\'s polls: each item once, none lost, polling resumes', async () => {
    const a = await startCli(['worker'], inst.env, /workers for (\S+)/);
    // Kill it once some polls are recorded and others are still waiting on the (slow) feed servers.
    await until('some polls recorded while others are in flight', async () => (await polled()) >= 6 && servers.flatMap((s) => s.hits()).filter((h) => h.outcome === 'pending').length >= 4);
    a.child.kill('SIGKILL');
    await a.exited;
    const done = await polled();
    expect(done).toBeLessThan(HOSTS * FEEDS_PER_HOST);
    // The dead worker's requests were cut off mid-poll.
    await until('the killed worker\'s requests closed', () => servers.every((s) => s.hits().every((h) => h.outcome !== 'pending')), 10_000);
    const interrupted = servers.flatMap((s) => s.hits()).filter((h) => h.outcome === 'closed').length;
    expect(interrupted).toBeGreaterThan(0);

    const b = await startCli(['worker'], inst.env, /workers for (\S+)/);
    try {
      const t0 = Date.now();
      // BullMQ hands the dead worker's jobs on once their locks lapse (30 s) and a stall check sees it (every
      // 30 s); the rest were never taken. 67 s on a quiet machine, over 150 s at load 10: a generous bound.
      await until('every published item stored', () => allStored(inst.pg, published()), 300_000, 500);
      const recovered = Date.now() - t0;
      console.log(`worker-kill: killed with ${done}/${HOSTS * FEEDS_PER_HOST} sources polled and ${interrupted} requests in flight; the second worker stored the rest in ${recovered} ms`);
      await expectExactlyOnce(inst.pg, published());

      // Polling goes on: the feeds gain items, the sources come due, the new items are stored once.
      slow = false;
      for (const f of feeds) f.publish(3);
      await makeDue(inst.pg);
      const t1 = Date.now();
      await until('the new items stored', () => allStored(inst.pg, published()), 90_000, 500);
      console.log(`worker-kill: polling resumed, the new items stored in ${Date.now() - t1} ms`);
      await expectExactlyOnce(inst.pg, published());
      const errors = await inst.pg.db.query<{ name: string; last_error: string }>('SELECT name, last_error FROM sources WHERE last_error IS NOT NULL');
      expect(errors).toEqual([]);
      expect(b.child.exitCode).toBeNull();
    } finally {
      b.child.kill('SIGTERM');
      await b.exited;
    }
  }, 480_000);
});
