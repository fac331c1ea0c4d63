// PGlite may be opened by one process only. While `pressdesk start` owns the data directory, other
// pressdesk commands reach the same database through this owner-only Unix socket: one connection is one
// session, so a transaction sent over it is really one transaction in the owner's PGlite.
import { chmodSync, rmSync } from 'node:fs';
import { type Server, type Socket, createConnection, createServer } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import type { Db } from './db.ts';

interface Request {
  id: number;
  op: 'query' | 'exec' | 'begin' | 'commit' | 'rollback';
  sql?: string;
  params?: unknown[];
}
interface Response {
  id: number;
  rows?: unknown[];
  error?: { message: string; code?: string };
}

const TX_TIMEOUT_MS = 60_000;

// Dates and bytes survive the JSON hop.
const encode = (v: unknown) =>
  JSON.stringify(v, function (this: Record<string, unknown>, key, value) {
    const raw = this[key];
    if (raw instanceof Date) return { $date: raw.toISOString() };
    if (raw instanceof Uint8Array) return { $bytes: Buffer.from(raw).toString('base64') };
    return value;
  });
const decode = (s: string) =>
  JSON.parse(s, (_k, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      if (typeof v.$date === 'string' && Object.keys(v).length === 1) return new Date(v.$date);
      if (typeof v.$bytes === 'string' && Object.keys(v).length === 1) return new Uint8Array(Buffer.from(v.$bytes, 'base64'));
    }
    return v;
  });

function lines(socket: Socket, onLine: (line: string) => void) {
  let buf = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buf += chunk;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
}

type Handle = Pick<PGlite, 'query' | 'exec'>;

/** Serves the owner's PGlite on `path` (mode 0600). */
export async function serveAdminSocket(root: PGlite, path: string): Promise<Server> {
  rmSync(path, { force: true });
  const server = createServer((socket) => {
    let handle: Handle = root;
    let endTx: ((commit: boolean) => void) | undefined;
    let txFinished: Promise<unknown> = Promise.resolve();
    let chain: Promise<void> = Promise.resolve();
    const reply = (r: Response) => socket.writable && socket.write(`${encode(r)}\n`);

    const run = async (req: Request): Promise<unknown[] | undefined> => {
      switch (req.op) {
        case 'query':
          return (await handle.query(req.sql!, req.params)).rows;
        case 'exec':
          await handle.exec(req.sql!);
          return [];
        case 'begin': {
          if (endTx) throw new Error('admin socket: transaction already open');
          let ready!: () => void;
          const started = new Promise<void>((r) => (ready = r));
          txFinished = root
            .transaction(async (t) => {
              handle = t;
              const commit = await new Promise<boolean>((resolve) => {
                endTx = resolve;
                ready();
                setTimeout(() => resolve(false), TX_TIMEOUT_MS).unref();
              });
              if (!commit) await t.rollback();
            })
            .finally(() => {
              handle = root;
              endTx = undefined;
            });
          await Promise.race([started, txFinished]);
          return [];
        }
        case 'commit':
        case 'rollback': {
          if (!endTx) throw new Error('admin socket: no transaction open');
          endTx(req.op === 'commit');
          await txFinished;
          return [];
        }
      }
    };

    lines(socket, (line) => {
      chain = chain.then(async () => {
        let req: Request;
        try {
          req = decode(line);
        } catch {
          socket.destroy();
          return;
        }
        try {
          reply({ id: req.id, rows: await run(req) });
        } catch (err) {
          const e = err as Error & { code?: string };
          reply({ id: req.id, error: { message: e.message, code: e.code } });
        }
      });
    });
    // A client that vanishes mid-transaction must not hold the database: roll it back.
    socket.on('close', () => endTx?.(false));
    socket.on('error', () => endTx?.(false));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  return server;
}

class RemoteSession {
  private next = 1;
  private pending = new Map<number, { resolve: (r: Response) => void; reject: (e: Error) => void }>();
  private constructor(private socket: Socket) {
    lines(socket, (line) => {
      const r = decode(line) as Response;
      this.pending.get(r.id)?.resolve(r);
      this.pending.delete(r.id);
    });
    socket.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error('admin socket: pressdesk closed the connection'));
      this.pending.clear();
    });
  }

  static connect(path: string): Promise<RemoteSession> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(path);
      socket.once('connect', () => resolve(new RemoteSession(socket)));
      socket.once('error', (e) => reject(new Error(`admin socket: cannot reach the running pressdesk at ${path} (${e.message})`)));
    });
  }

  async call(op: Request['op'], sql?: string, params?: readonly unknown[]): Promise<unknown[]> {
    const id = this.next++;
    const res = await new Promise<Response>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.write(`${encode({ id, op, sql, params })}\n`);
    });
    if (res.error) throw Object.assign(new Error(res.error.message), { code: res.error.code });
    return res.rows ?? [];
  }

  close() {
    this.socket.end();
  }
}

/** A Db that runs every statement in the process that owns the data directory. */
export async function openRemote(path: string): Promise<Db> {
  const main = await RemoteSession.connect(path);
  const on = (s: RemoteSession, inTx: boolean): Db => ({
    kind: 'remote',
    query: async <T>(sql: string, params?: readonly unknown[]) => (await s.call('query', sql, params)) as T[],
    exec: async (sql: string) => void (await s.call('exec', sql)),
    async tx<T>(fn: (db: Db) => Promise<T>): Promise<T> {
      if (inTx) return fn(on(s, true));
      const txs = await RemoteSession.connect(path);
      try {
        await txs.call('begin');
        const out = await fn(on(txs, true));
        await txs.call('commit');
        return out;
      } catch (err) {
        await txs.call('rollback').catch(() => {});
        throw err;
      } finally {
        txs.close();
      }
    },
    close: async () => s.close(),
  });
  return on(main, false);
}
