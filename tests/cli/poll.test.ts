// `pressdesk poll --once` in real child processes against loopback feeds, each test on an installation of
// its own (a PostgreSQL schema; the embedded database when there is no test PostgreSQL).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOpml } from '../../src/pipeline/opml.ts';
import { cliInstallation, runCliAsync, startCli } from '../helpers/cli.ts';
import { type LoopbackServer, startLoopbackServer } from '../helpers/loopback-server.ts';
import { rss } from '../helpers/ingest.ts';

let srv: LoopbackServer;
const para = '<p>Probation officers in the region carry caseloads far above the recommended level, the inspectorate found, and some people on licence had no named officer for weeks.</p>';

beforeAll(async () => {
  srv = await startLoopbackServer({
    '/good.xml': { body: '', etag: '"g1"' },
    '/gone.xml': { status: 404, body: 'no' },
    '/page': { body: `<html><head><title>Caseloads</title></head><body><article><h1>Caseloads</h1>${para.repeat(4)}</article></body></html>` },
  });
  srv.route('/good.xml', { body: rss([{ id: 'g1', link: srv.url('/page') }, { id: 'g2', description: para.repeat(3) }]), etag: '"g1"' });
});
afterAll(async () => {
  await srv?.close();
});

async function setup() {
  const { env, dataDir } = await cliInstallation({ FETCH_ALLOW_PRIVATE: 'true' });
  const file = join(dataDir, 'sources.opml');
  writeFileSync(
    file,
    exportOpml(
      [
        { url: srv.url('/good.xml'), name: 'Good feed' },
        { url: srv.url('/gone.xml'), name: 'Gone feed' },
      ],
      { title: 't', now: new Date() },
    ),
  );
  const imported = await runCliAsync(['sources', 'import', file], env);
  expect(imported.stdout.trim()).toBe('imported 2 new sources, 0 already there');
  return env;
}

describe('pressdesk poll --once', () => {
  it('polls due sources in-process, waits for the page extraction, reports failures and exits 0', async () => {
    const env = await setup();
    const first = await runCliAsync(['poll', '--once'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Good feed: 2 new items in \d+ ms$/m);
    expect(first.stdout).toMatch(/^Gone feed: FAILED poll: HTTP 404: the feed is not there any more/m);
    expect(first.stderr).toMatch(/poll: 2 sources polled by workers in this process/);
    // The teaser's page was fetched before poll returned.
    expect(srv.hits('/page').length).toBeGreaterThanOrEqual(1);

    const none = await runCliAsync(['poll', '--once'], env);
    expect(none.code).toBe(0);
    expect(none.stderr).toMatch(/poll: no source is due; use --all/);

    const all = await runCliAsync(['poll', '--once', '--all'], env);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^Good feed: not modified \(304\) in \d+ ms$/m);
  }, 300_000);

  it('leaves the jobs to a running `pressdesk start` and still waits for them', async () => {
    const env = await setup();
    const app = await startCli(['start'], env);
    try {
      const r = await runCliAsync(['poll', '--once', '--all'], env);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Good feed: (2 new items|not modified \(304\)|unchanged) in \d+ ms/m);
      expect(r.stdout).toMatch(/^Gone feed: FAILED poll: HTTP 404/m);
      expect(r.stderr).toMatch(/polled by the running workers/);
    } finally {
      app.child.kill('SIGTERM');
    }
    expect(await app.exited).toBe(0);
  }, 300_000);
});

describe('pressdesk poll --once with a queue prefix another installation holds', () => {
  it('refuses at once, naming the setting to change', { timeout: 120_000 }, async () => {
    const { Redis } = await import('ioredis');
    // No sources needed: the claim is checked when the runtime opens, before anything is polled.
    const { env } = await cliInstallation();
    const r = new Redis(env.REDIS_URL!, { maxRetriesPerRequest: null });
    await r.set(`${env.QUEUE_PREFIX}:installation`, 'another-installation', 'PX', 60_000);
    await r.quit();
    const res = await runCliAsync(['poll', '--once', '--all'], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`queues: another pressdesk installation (another database) is using the queue prefix "${env.QUEUE_PREFIX}"`);
  });
});
