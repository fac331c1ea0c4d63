import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../helpers/db.ts';
import { BIN, childEnv, cliInstallation, runCli, startCli } from '../helpers/cli.ts';
import { dropPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';

const prefixes: string[] = [];
const baseEnv = () => {
  const prefix = uniquePrefix();
  prefixes.push(prefix);
  return { PRESSDESK_DATA_DIR: mkdtempSync(join(tmpdir(), 'pd-cli-')), PORT: '0', QUEUE_PREFIX: prefix, REDIS_URL: testRedisUrl() };
};
afterAll(async () => {
  for (const p of prefixes) await dropPrefix(p);
});

describe('pressdesk start (embedded storage)', () => {
  it('serves the home page and /healthz, refuses a second owner, lets the CLI work beside it, and stops on SIGTERM', async () => {
    const env = baseEnv();
    const app = await startCli(['start'], env);
    try {
      const health = await fetch(`${app.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true, db: { status: 'up' }, redis: { status: 'up' } });
      const home = await fetch(`${app.url}/`);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('<h1>pressdesk</h1>');

      const second = runCli(['start'], env);
      expect(second.code).toBe(1);
      expect(second.stderr.trim()).toMatch(/^storage: another pressdesk \(pid \d+\) owns .* — stop it first/);
      expect(second.stderr.trim().split('\n')).toHaveLength(1);

      const migrate = runCli(['migrate'], env); // goes through the running process's admin socket
      expect(migrate.stderr).toContain('migrate: schema is up to date');
      expect(migrate.code).toBe(0);
    } finally {
      app.child.kill('SIGTERM');
    }
    expect(await app.exited).toBe(0);
    // Three real processes in turn (start, a second start, migrate): each compiles the sources at start-up.
  }, 120_000);
});

describe('pressdesk start (PostgreSQL)', () => {
  const url = inject('databaseUrl');
  it.skipIf(url === null)('runs the same migrations and serves the same pages', async () => {
    const schema = uniqueName('t');
    const admin = new pg.Client({ connectionString: url! });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    const dbUrl = `${url}${url!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const app = await startCli(['start'], { ...baseEnv(), DATABASE_URL: dbUrl });
    try {
      const health = (await (await fetch(`${app.url}/healthz`)).json()) as { db: unknown };
      expect(health.db).toMatchObject({ status: 'up', detail: expect.stringMatching(/^postgres /) });
      expect((await fetch(`${app.url}/`)).status).toBe(200);
      const tables = await admin.query(`SELECT count(*)::int AS n FROM ${schema}.schema_migrations`);
      expect(tables.rows[0].n).toBeGreaterThan(0);
    } finally {
      app.child.kill('SIGTERM');
      expect(await app.exited).toBe(0);
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
  });
});

describe('start-up failures give one clear line and a non-zero exit', () => {
  it.each([
    ['bad config', { PORT: 'eighty' }, /^config: PORT must be a port number/],
    ['unreachable Redis', { REDIS_URL: 'redis://127.0.0.1:1' }, /^redis: nothing answers at 127\.0\.0\.1:1 — start Redis there or fix REDIS_URL$/],
    ['unreachable PostgreSQL', { DATABASE_URL: 'postgres://127.0.0.1:1/none' }, /^storage: cannot reach PostgreSQL at 127\.0\.0\.1:1 .* — start it or fix DATABASE_URL$/],
  ])('%s', (_name, env, line) => {
    const r = runCli(['start'], { ...baseEnv(), ...env });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
  });
});

describe('pressdesk start under a parent that does not pass signals on (npm, npx, a shell)', () => {
  // Storage plays no part here: on PostgreSQL when there is one, so start-up costs the least.
  it('stops when its parent goes away, so the data directory and port are free again', async () => {
    const { env } = await cliInstallation();
    // sh starts pressdesk in the background and waits: a SIGTERM to sh is not passed on to it.
    const sh = spawn('sh', ['-c', `"${process.execPath}" "${BIN}" start & echo "pid $!" >&2; wait`], { env: childEnv(env), stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    sh.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const waitFor = async (re: RegExp, ms: number) => {
      const end = Date.now() + ms;
      while (!re.test(err)) {
        if (Date.now() > end) throw new Error(`no ${re} in ${ms} ms; stderr: ${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await waitFor(/listening on http/, 60_000);
    const pid = Number(/pid (\d+)/.exec(err)![1]);
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(alive()).toBe(true);
    sh.kill('SIGTERM');
    // Bounds for a report, not guesses at speed: the check runs every PARENT_CHECK_MS, and a loaded machine may
    // take a while to start pressdesk's stop.
    await waitFor(/parent process \d+ exited, stopping/, 60_000);
    const end = Date.now() + 60_000;
    while (alive() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    if (alive()) process.kill(pid, 'SIGKILL');
    expect(alive()).toBe(false);
  }, 240_000);
});
