import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:net';
import { createConnection } from 'node:net';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRemote, serveAdminSocket } from '../../src/storage/admin-socket.ts';
import { type Db, openPglite } from '../../src/storage/db.ts';

describe('admin socket', () => {
  let owner: Awaited<ReturnType<typeof openPglite>>;
  let server: Server;
  let remote: Db;
  const path = join(mkdtempSync(join(tmpdir(), 'pd-sock-')), 'admin.sock');

  beforeAll(async () => {
    owner = await openPglite();
    await owner.exec('CREATE TABLE notes (id int PRIMARY KEY, body text, at timestamptz)');
    server = await serveAdminSocket(owner.pglite, path);
    remote = await openRemote(path);
  });
  afterAll(async () => {
    await remote?.close();
    await new Promise((r) => server.close(r));
    await owner.close();
  });

  it('is readable and writable by its owner only', () => {
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('runs statements in the owner and keeps Dates', async () => {
    const at = new Date('2026-11-22T10:00:00Z');
    await remote.query('INSERT INTO notes VALUES ($1, $2, $3)', [1, 'from the CLI', at]);
    expect(await owner.query('SELECT body, at FROM notes WHERE id = 1')).toEqual([{ body: 'from the CLI', at }]);
    expect(await remote.query('SELECT at FROM notes WHERE id = 1')).toEqual([{ at }]);
  });

  it('reports SQL errors without breaking the session', async () => {
    await expect(remote.query('SELECT * FROM no_such_table')).rejects.toThrow(/no_such_table/);
    expect(await remote.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('commits and rolls back real transactions', async () => {
    await remote.tx(async (t) => {
      await t.query("INSERT INTO notes VALUES (2, 'kept')");
    });
    await expect(
      remote.tx(async (t) => {
        await t.query("INSERT INTO notes VALUES (3, 'dropped')");
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const ids = (await owner.query<{ id: number }>('SELECT id FROM notes ORDER BY id')).map((r) => r.id);
    expect(ids).toEqual([1, 2]);
  });

  it('rolls back when a client vanishes mid-transaction, and the owner carries on', async () => {
    const s = createConnection(path);
    await new Promise((r) => s.once('connect', r));
    s.write(`${JSON.stringify({ id: 1, op: 'begin' })}\n`);
    s.write(`${JSON.stringify({ id: 2, op: 'query', sql: "INSERT INTO notes VALUES (9, 'half done')" })}\n`);
    await new Promise((r) => setTimeout(r, 200));
    s.destroy();
    await new Promise((r) => setTimeout(r, 200));
    expect(await owner.query('SELECT id FROM notes WHERE id = 9')).toEqual([]);
    await owner.query("INSERT INTO notes VALUES (10, 'owner still works')");
  });
});
