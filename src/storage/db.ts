// One small interface over three drivers: PostgreSQL (pg), embedded PGlite, and PGlite owned by another
// process reached through its admin socket. Storage modules see only `Db`, so the same SQL runs on all three.
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export type Row = Record<string, unknown>;

export interface Db {
  readonly kind: 'postgres' | 'pglite' | 'remote';
  /** One statement with $1.. parameters; returns its rows. */
  query<T = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs fn in one transaction: commit on return, rollback on throw. Nested calls join the outer one. */
  tx<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// int8 counts and ids come back as numbers on both drivers (PGlite does this already).
pg.types.setTypeParser(20, (v: string) => Number(v));

export interface PostgresOptions {
  /** Sets search_path: tests give each run its own schema. */
  schema?: string;
  max?: number;
}

export function openPostgres(url: string, opts: PostgresOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: 5000,
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
  });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const onClient = (client: pg.PoolClient | pg.Pool): Db => ({
    kind: 'postgres',
    async query<T>(sql: string, params?: readonly unknown[]) {
      const r = await client.query(sql, params as unknown[] | undefined);
      return r.rows as T[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
    async tx<T>(fn: (db: Db) => Promise<T>): Promise<T> {
      if (client !== pool) return fn(onClient(client));
      const c = await pool.connect();
      // A checked-out client is not covered by the pool's listener: losing the server between two of the
      // transaction's statements would emit 'error' on it and end the process. The failed query reports it.
      const ignore = () => {};
      c.on('error', ignore);
      try {
        await c.query('BEGIN');
        const out = await fn(onClient(c));
        await c.query('COMMIT');
        return out;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        c.off('error', ignore);
        c.release();
      }
    },
    async close() {
      if (client === pool) await pool.end();
    },
  });
  return onClient(pool);
}

type PgliteTx = Parameters<Parameters<PGlite['transaction']>[0]>[0];

/** PGlite runs each statement synchronously on this thread, and hands its lock from one waiting statement to
 *  the next in microtasks: forty polls' statements ran back to back for 12 s without the event loop getting a
 *  turn (no request answered, every timer late). So statements outside a transaction, and whole transactions,
 *  queue here, one at a time with a macrotask turn before each; a transaction's own statements take a turn too.
 *  The longest wait for the event loop is then one statement. */
const turn = () => new Promise<void>((r) => setImmediate(r));
const queues = new WeakMap<PGlite, Promise<unknown>>();
function inTurn<T>(root: PGlite, fn: () => Promise<T>): Promise<T> {
  const run = (queues.get(root) ?? Promise.resolve()).then(turn).then(fn);
  queues.set(root, run.catch(() => {}));
  return run;
}

function pgliteDb(handle: PGlite | PgliteTx, root: PGlite): Db {
  const statement = <T>(fn: () => Promise<T>): Promise<T> => (handle === root ? inTurn(root, fn) : turn().then(fn));
  return {
    kind: 'pglite',
    query<T>(sql: string, params?: readonly unknown[]) {
      return statement(async () => (await handle.query<T>(sql, params as unknown[] | undefined)).rows);
    },
    exec(sql: string) {
      return statement(async () => {
        await handle.exec(sql);
      });
    },
    async tx<T>(fn: (db: Db) => Promise<T>): Promise<T> {
      if (handle !== root) return fn(pgliteDb(handle, root));
      return inTurn(root, () => root.transaction((t) => fn(pgliteDb(t, root))));
    },
    async close() {
      if (handle === root) await root.close();
    },
  };
}

/** Embedded PostgreSQL. `dir` undefined = in memory (tests). Only one process may own a directory.
 *  `from`: a data directory saved with `pglite.dumpDataDir()` to start from (skips initdb: tests use a
 *  migrated one). */
export async function openPglite(dir?: string, from?: Blob): Promise<Db & { pglite: PGlite }> {
  // Loaded here, not at the top: processes on PostgreSQL or on the owner's admin socket never need it.
  const { PGlite } = await import('@electric-sql/pglite');
  const root = await PGlite.create({ ...(dir ? { dataDir: dir } : {}), ...(from ? { loadDataDir: from } : {}) });
  return Object.assign(pgliteDb(root, root), { pglite: root });
}

/** One round trip: the health check's "is the database answering?". */
export async function ping(db: Db): Promise<void> {
  await db.query('SELECT 1');
}
