import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openPostgres } from '../../src/storage/db.ts';
import { listMigrations, migrate } from '../../src/storage/migrate.ts';
import { type TestDb, backends } from '../helpers/db.ts';
import { startPgProxy } from '../helpers/pg-proxy.ts';

const testDatabaseUrl = () => inject('databaseUrl');

describe.each(backends())('Db on $name', ({ available, open }) => {
  let t: TestDb;
  beforeAll(async () => {
    if (available) t = await open();
  });
  afterAll(async () => t?.close());

  it.skipIf(!available)('returns rows with numbers for int8 and Dates for timestamptz', async () => {
    const [row] = await t.db.query<{ n: number; at: Date; arr: number[] }>(
      "SELECT 42::int8 AS n, '2026-01-02T03:04:05Z'::timestamptz AS at, ARRAY[1,2]::int4[] AS arr",
    );
    expect(row).toEqual({ n: 42, at: new Date('2026-01-02T03:04:05Z'), arr: [1, 2] });
  });

  it.skipIf(!available)('commits a transaction and rolls one back on throw', async () => {
    await t.db.exec('CREATE TABLE tx_probe (v int UNIQUE)');
    await t.db.tx(async (db) => {
      await db.query('INSERT INTO tx_probe VALUES (1)');
      await db.tx((inner) => inner.query('INSERT INTO tx_probe VALUES (2)')); // nested joins the outer
    });
    await expect(
      t.db.tx(async (db) => {
        await db.query('INSERT INTO tx_probe VALUES (3)');
        await db.query('INSERT INTO tx_probe VALUES (1)'); // violates UNIQUE
      }),
    ).rejects.toThrow(/duplicate key/);
    const rows = await t.db.query<{ v: number }>('SELECT v FROM tx_probe ORDER BY v');
    expect(rows.map((r) => r.v)).toEqual([1, 2]);
  });

  it.skipIf(!available)('has applied every migration once, and a second run applies nothing', async () => {
    const versions = (await t.db.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version')).map((r) => r.version);
    expect(versions).toEqual(listMigrations().map((m) => m.version));
    expect(await migrate(t.db)).toEqual([]);
  });
});

describe.skipIf(testDatabaseUrl() === null)('Db on PostgreSQL losing its server', () => {
  it('rejects a transaction cut between statements without an uncaught error, and serves after', async () => {
    const url = testDatabaseUrl()!;
    const target = new URL(url);
    const proxy = await startPgProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const db = openPostgres(proxy.urlFor(url), { max: 2 });
    try {
      // The cut lands while the transaction's client is checked out and idle: the moment a pool's own
      // listener does not cover, where an 'error' event would otherwise end the process.
      const tx = db.tx(async (d) => {
        await d.query('SELECT 1');
        proxy.cut();
        await new Promise((r) => setTimeout(r, 200)); // loopback delivers the close well within this
        await d.query('SELECT 2');
      });
      await expect(tx).rejects.toThrow();
      proxy.restore();
      expect(await db.query<{ n: number }>('SELECT 3 AS n')).toEqual([{ n: 3 }]);
    } finally {
      await db.close().catch(() => {});
      await proxy.close();
    }
  });
});
