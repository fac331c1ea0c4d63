// Redis killed (-9) under a running `pressdesk start` and started again, once without persistence (it comes
// back empty) and once with an append-only file: the process lives on, /healthz says Redis is down and then
// recovers, and polling resumes with every item stored once. A redis-server of the test's own, never the
// shared one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.ts';
import { startLoopbackServer } from '../helpers/loopback-server.ts';
import { Feed, OwnRedis, addSources, allStored, databaseUrl, expectExactlyOnce, healthz, installation, makeDue, until } from './harness.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(databaseUrl() === null).each([
  { name: 'without persistence', persist: false },
  { name: 'with an append-only file', persist: true },
])('Redis restarted $name', ({ name, persist }) => {
  it('pressdesk start lives on, /healthz goes 503 then 200, polling resumes, each item once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-fault-redis-'));
    dirs.push(dir);
    const redis = await OwnRedis.start(persist ? { dir } : false);
    const inst = await installation({ redisUrl: redis.url });
    const feed = new Feed(`redis-${persist ? 'aof' : 'none'}`).publish(20);
    const srv = await startLoopbackServer({ '/feed.xml': () => ({ body: feed.xml() }) });
    await addSources(inst, [{ url: srv.url('/feed.xml'), name: 'Feed' }]);
    const app = await startCli(['start'], inst.env);
    try {
      await until('the first poll stored', () => allStored(inst.pg, feed.ids));
      await until('/healthz 200', async () => (await healthz(app.url)).status === 200);
      // Between polls (the next is minutes away), so no claim is lost with the queue.
      await until('the poll recorded', async () => (await inst.pg.db.query('SELECT 1 FROM sources WHERE last_fetch_at IS NOT NULL AND claimed_until IS NULL')).length === 1);

      await redis.kill();
      const down = await until('/healthz 503 naming Redis', async () => {
        const h = await healthz(app.url);
        return h.status === 503 && /redis/i.test(h.body) ? h : undefined;
      }, 30_000);
      feed.publish(5);
      const t0 = Date.now();
      await redis.up();
      await until('/healthz 200 again', async () => (await healthz(app.url)).status === 200, 60_000);
      const healthy = Date.now() - t0;
      await makeDue(inst.pg);
      await until('the items published while Redis was down stored', () => allStored(inst.pg, feed.ids), 90_000, 300);
      console.log(`redis-restart ${name}: /healthz 503 while down (${JSON.parse(down.body).redis?.detail ?? down.body}); 200 ${healthy} ms after the restart; polling resumed ${Date.now() - t0} ms after it`);
      await expectExactlyOnce(inst.pg, feed.ids);
      expect(app.child.exitCode).toBeNull();
    } finally {
      app.child.kill('SIGTERM');
      await app.exited;
      await redis.kill();
      await srv.close();
      await inst.close();
    }
  });
});
