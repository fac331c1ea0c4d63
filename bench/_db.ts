// The benches' database: in-memory PGlite, or a throwaway schema on the PostgreSQL at `pgUrl` (dropped on
// close). Migrated either way.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Db, openPglite, openPostgres } from '../src/storage/db.ts';
import { migrate } from '../src/storage/migrate.ts';

export async function openBenchDb(pgUrl: string): Promise<{ db: Db; label: string; schema: string | null; close(): Promise<void> }> {
  if (!pgUrl) {
    const db = await openPglite();
    await migrate(db);
    return { db, label: 'PGlite (in memory)', schema: null, close: () => db.close() };
  }
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  // The pool size pressdesk runs with (10).
  const db = openPostgres(pgUrl, { schema });
  await migrate(db);
  return {
    db,
    label: `PostgreSQL ${new URL(pgUrl).host}`,
    schema,
    async close() {
      await db.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}
