// A feed server that accepts and never answers, and one that trickles its body a byte a second: each poll
// fails with a timeout reason recorded on its source (the connect timeout, 10 s; the total timeout, 30 s),
// and a source on another host keeps being polled while they hang.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync, startCli } from '../helpers/cli.ts';
import { type LoopbackServer, startLoopbackServer } from '../helpers/loopback-server.ts';
import { Feed, type Installation, addSources, allStored, databaseUrl, expectExactlyOnce, installation, until } from './harness.ts';

describe.skipIf(databaseUrl() === null)('a hanging and a slow feed server', () => {
  let bad: LoopbackServer;
  let good: LoopbackServer;
  let inst: Installation;
  const feed = new Feed('beside-hang').publish(10);

  beforeAll(async () => {
    inst = await installation();
    bad = await startLoopbackServer({
      '/hang.xml': { hang: true },
      '/slow.xml': { trickle: { chunk: ' ', everyMs: 1000, count: 90 } },
    });
    good = await startLoopbackServer({ '/feed.xml': () => ({ body: feed.xml() }) }, { host: '127.0.0.2' });
    await addSources(inst, [
      { url: bad.url('/hang.xml'), name: 'Hanging' },
      { url: bad.url('/slow.xml'), name: 'Slow' },
      { url: good.url('/feed.xml'), name: 'Good' },
    ]);
  });
  afterAll(async () => {
    await bad?.close();
    await good?.close();
    await inst?.close();
  });

  const source = async (name: string) =>
    (await inst.pg.db.query<{ last_error: string | null; consecutive_failures: number; next_poll_reason: string | null }>(
      'SELECT last_error, consecutive_failures, next_poll_reason FROM sources WHERE name = $1',
      [name],
    ))[0]!;

  it('records each timeout with its reason; the source beside them is polled meanwhile', async () => {
    const app = await startCli(['start'], inst.env);
    const t0 = Date.now();
    try {
      await until('the good feed stored', () => allStored(inst.pg, feed.ids));
      // Polled again while the slow server is still trickling: it holds no slot the good feed needs.
      feed.publish(3);
      await inst.pg.db.query(`UPDATE sources SET next_poll_at = now() WHERE name = 'Good'`);
      await until('the good feed polled again', () => allStored(inst.pg, feed.ids), 30_000);
      const besideMs = Date.now() - t0;
      expect(bad.hits('/slow.xml').some((h) => h.outcome === 'pending')).toBe(true);
      await expectExactlyOnce(inst.pg, feed.ids);

      const hang = await until('the hanging source failed', async () => (await source('Hanging')).last_error, 60_000);
      const hangMs = Date.now() - t0;
      const slow = await until('the slow source failed', async () => (await source('Slow')).last_error, 90_000);
      const slowMs = Date.now() - t0;
      expect(hang).toMatch(/no response from 127\.0\.0\.1:\d+ within 10000 ms \(connect timeout\)/);
      expect(slow).toMatch(/did not complete within 30000 ms \(total timeout\)/);
      for (const name of ['Hanging', 'Slow']) {
        const s = await source(name);
        expect(s.consecutive_failures, name).toBeGreaterThanOrEqual(1);
        expect(s.next_poll_reason, name).toMatch(/timeout/);
      }
      const logged = await inst.pg.db.query<{ name: string; error: string }>(
        `SELECT s.name, f.error FROM fetch_log f JOIN sources s ON s.id = f.source_id WHERE f.result = 'error' ORDER BY s.name`,
      );
      expect(logged.map((l) => l.name)).toEqual(['Hanging', 'Slow']);
      // What an operator sees.
      const list = await runCliAsync(['sources', 'list'], inst.env);
      expect(list.stdout).toMatch(/Hanging.*connect timeout/);
      expect(list.stdout).toMatch(/Slow.*total timeout/);
      console.log(`feed-timeouts: good feed polled twice within ${besideMs} ms; hanging failed at ${hangMs} ms, slow at ${slowMs} ms`);
    } finally {
      app.child.kill('SIGTERM');
      await app.exited;
    }
  });
});
