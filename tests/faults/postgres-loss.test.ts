// PostgreSQL unreachable for a few seconds under a running `pressdesk start`: a TCP proxy in this process sits
// between pressdesk and the test PostgreSQL, drops every connection and refuses new ones, then lets them
// through again. pressdesk lives on, /healthz goes 503 (naming the database) and back to 200, and polling
// resumes with every item stored once.
import { describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.ts';
import { startLoopbackServer } from '../helpers/loopback-server.ts';
import { Feed, addSources, allStored, databaseUrl, expectExactlyOnce, healthz, installation, makeDue, until } from './harness.ts';
import { startPgProxy } from '../helpers/pg-proxy.ts';

const CUT_MS = 5_000;

describe.skipIf(databaseUrl() === null)('PostgreSQL connection loss', () => {
  it('pressdesk start lives on, /healthz goes 503 then 200, polling resumes, each item once', async () => {
    const target = new URL(databaseUrl()!);
    const proxy = await startPgProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const inst = await installation({ databaseUrl: proxy.urlFor(databaseUrl()!) });
    const feed = new Feed('pgloss').publish(20);
    const srv = await startLoopbackServer({ '/feed.xml': () => ({ body: feed.xml() }) });
    await addSources(inst, [{ url: srv.url('/feed.xml'), name: 'Feed' }]);
    const app = await startCli(['start'], inst.env);
    try {
      await until('the first poll stored', () => allStored(inst.pg, feed.ids));
      await until('/healthz 200', async () => (await healthz(app.url)).status === 200);

      // The feed gains items and falls due while the database is out of reach (the test's own connection
      // does not go through the proxy).
      feed.publish(5);
      await makeDue(inst.pg);
      const before = proxy.connections();
      proxy.cut();
      const cutAt = Date.now();
      // Hold the cut for CUT_MS; /healthz must say the database is down meanwhile.
      const seen: string[] = [];
      let down: { status: number; body: string } | undefined;
      await until(`${CUT_MS} ms of cut with /healthz 503 naming the database`, async () => {
        const h = await healthz(app.url);
        seen.push(`${Date.now() - cutAt}ms:${h.status}`);
        if (h.status === 503 && /"db":\{"status":"down"/.test(h.body)) down = h;
        if (Date.now() - cutAt < CUT_MS) return false;
        if (!down) throw new Error(`no 503 naming the database; /healthz answered ${seen.join(' ')}; exit ${app.child.exitCode}; stderr: ${app.stderr().slice(-2000)}`);
        return true;
      }, 30_000);
      expect(app.child.exitCode).toBeNull();
      proxy.restore();
      const t0 = Date.now();
      const cutMs = t0 - cutAt;
      await until('/healthz 200 again', async () => (await healthz(app.url)).status === 200, 60_000);
      const healthy = Date.now() - t0;
      await until('the items published during the cut stored', () => allStored(inst.pg, feed.ids), 90_000, 300);
      console.log(`postgres-loss: cut ${cutMs} ms; /healthz 503 (${JSON.parse(down!.body).db?.detail}); 200 ${healthy} ms after; polling resumed ${Date.now() - t0} ms after; ${proxy.connections() - before} new connections since`);
      await expectExactlyOnce(inst.pg, feed.ids);
      expect(proxy.connections()).toBeGreaterThan(before);
      expect(app.child.exitCode).toBeNull();
    } finally {
      app.child.kill('SIGTERM');
      await app.exited;
      await srv.close();
      await proxy.close();
      await inst.close();
    }
  });
});
