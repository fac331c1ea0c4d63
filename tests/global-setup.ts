// Finds the real Redis and PostgreSQL the integration tests use, once per run.
// Redis: TEST_REDIS_URL, else 127.0.0.1:6379, else a throwaway redis-server when one is installed.
// PostgreSQL: TEST_DATABASE_URL (must answer when set), else the local default; when neither answers the
// PostgreSQL variants skip with a warning and the PGlite variants still run.
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { ping, spawnRedis } from '../src/adapters/redis.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { openPglite } from '../src/storage/db.ts';
import { migrate } from '../src/storage/migrate.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    databaseUrl: string | null;
    /** A migrated embedded database saved once per run: each test's PGlite starts from it (no initdb). */
    pgliteTemplate: string;
  }
}

async function pgliteTemplate(dir: string): Promise<string> {
  const db = await openPglite();
  await migrate(db);
  const file = join(dir, 'migrated.tar');
  writeFileSync(file, Buffer.from(await (await db.pglite.dumpDataDir('none')).arrayBuffer()));
  await db.close();
  return file;
}

async function pgAnswers(url: string) {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

/** Schemas left by runs that were killed mid-test (uniqueName('t'): t_<base-36 ms>_<hex>), once 6 h old. */
async function dropStaleSchemas(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ name: string }>(`SELECT nspname AS name FROM pg_namespace WHERE nspname ~ '^t_[0-9a-z]+_[0-9a-f]{8}$'`);
    const cutoff = Date.now() - 6 * 3_600_000;
    for (const { name } of rows) {
      if (Number.parseInt(name.split('_')[1]!, 36) < cutoff) await c.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    }
  } finally {
    await c.end();
  }
}

export default async function setup(project: TestProject) {
  const teardown: (() => Promise<void>)[] = [];
  let redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (!(await ping(redisUrl))) {
    if (process.env.TEST_REDIS_URL) throw new Error(`tests: TEST_REDIS_URL=${redisUrl} does not answer — start Redis`);
    const dir = mkdtempSync(join(tmpdir(), 'pressdesk-test-redis-'));
    try {
      const child = await spawnRedis(dir, 16379 + Math.floor(Math.random() * 1000));
      redisUrl = child.url;
      teardown.push(async () => {
        await child.stop();
        rmSync(dir, { recursive: true, force: true });
      });
    } catch {
      throw new Error('tests: no Redis at 127.0.0.1:6379 and redis-server could not be started — install Redis (apt-get install redis-server) or set TEST_REDIS_URL');
    }
  }
  const explicit = process.env.TEST_DATABASE_URL;
  const dbUrl = explicit ?? 'postgres://postgres@127.0.0.1:5432/test';
  let databaseUrl: string | null = dbUrl;
  if (!(await pgAnswers(dbUrl))) {
    if (explicit) throw new Error(`tests: TEST_DATABASE_URL=${explicit} does not answer — start PostgreSQL`);
    console.warn(`tests: no PostgreSQL at ${dbUrl}; PostgreSQL variants of the storage tests are skipped (set TEST_DATABASE_URL)`);
    databaseUrl = null;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'pressdesk-test-pglite-'));
  teardown.push(async () => rmSync(scratch, { recursive: true, force: true }));
  project.provide('pgliteTemplate', await pgliteTemplate(scratch));
  project.provide('redisUrl', redisUrl);
  project.provide('databaseUrl', databaseUrl);
  if (databaseUrl) await dropStaleSchemas(databaseUrl);
  return async () => {
    for (const t of teardown) await t();
  };
}
