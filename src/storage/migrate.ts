// Plain SQL migrations, applied in file-name order, each in its own transaction. The same files run on
// PGlite and PostgreSQL 15+. An advisory lock keeps two processes starting at once from racing.
import { readFileSync, readdirSync } from 'node:fs';
import type { Db } from './db.ts';

const dir = new URL('./migrations/', import.meta.url);
const LOCK_KEY = 7_270_513;

export function listMigrations(): { version: string; sql: string }[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: f.replace(/\.sql$/, ''), sql: readFileSync(new URL(f, dir), 'utf8') }));
}

/** Applies what is missing; returns the versions applied now. */
export async function migrate(db: Db): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  // Usually nothing is missing: one query, instead of a locked transaction per migration, says so (every short
  // CLI command migrates before it runs). What is missing is applied under the lock as before.
  const have = new Set((await db.query<{ version: string }>('SELECT version FROM schema_migrations')).map((r) => r.version));
  const missing = listMigrations().filter((m) => !have.has(m.version));
  const applied: string[] = [];
  for (const m of missing) {
    const done = await db.tx(async (t) => {
      await t.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      const seen = await t.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
      if (seen.length > 0) return false;
      await t.exec(m.sql);
      await t.query('INSERT INTO schema_migrations (version) VALUES ($1)', [m.version]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}
