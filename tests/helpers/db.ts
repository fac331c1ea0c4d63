// Storage tests run against both backends: an in-memory PGlite and a fresh schema in real PostgreSQL.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { inject } from 'vitest';
import { type Db, openPglite, openPostgres } from '../../src/storage/db.ts';
import { migrate } from '../../src/storage/migrate.ts';

export interface TestDb {
  db: Db;
  close(): Promise<void>;
}

export interface Backend {
  name: 'pglite' | 'postgres';
  available: boolean;
  open(): Promise<TestDb>;
}

export const uniqueName = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;

/** A URL with the schema as search_path, as a separate process (a `pressdesk` child) must be given it. */
export const withSchema = (url: string, schema: string) => `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;

/** A migrated schema of its own on the test PostgreSQL; dropped on close. */
export async function openTestPostgres(url: string): Promise<TestDb & { schema: string }> {
  const schema = uniqueName('t');
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const db = openPostgres(url, { schema, max: 4 });
  await migrate(db);
  return {
    db,
    schema,
    async close() {
      await db.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

let template: Promise<Blob> | undefined;

/** An in-memory PGlite started from the run's migrated template (tests/global-setup.ts); migrate() then
 *  has nothing to do unless a migration was added since. */
export async function openTestPglite(): Promise<TestDb> {
  template ??= readFile(inject('pgliteTemplate')).then((b) => new Blob([b]));
  const db = await openPglite(undefined, await template);
  await migrate(db);
  return { db, close: () => db.close() };
}

export function backends(): Backend[] {
  const url = inject('databaseUrl');
  return [
    { name: 'pglite', available: true, open: openTestPglite },
    { name: 'postgres', available: url !== null, open: () => openTestPostgres(url!) },
  ];
}
