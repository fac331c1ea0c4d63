import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '../../src/storage/migrate.ts';
import { type TestDb, backends } from '../helpers/db.ts';

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
