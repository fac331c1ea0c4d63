// Picks the database: PostgreSQL when DATABASE_URL is set; otherwise the embedded PGlite in the data
// directory, owned by this process, or — while `pressdesk start` owns it — reached through its admin socket.
import type { Server } from 'node:net';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { openRemote, serveAdminSocket } from './admin-socket.ts';
import type { Db } from './db.ts';
import { lockDataDir } from './lock.ts';

export interface Storage {
  db: Db;
  /** Where the data lives, for logs and /healthz. */
  describe: string;
  close(): Promise<void>;
}

export class StorageError extends Error {}

export interface OpenOptions {
  /** Serve the admin socket so other pressdesk commands can use this PGlite while it runs. */
  serve?: boolean;
  /** When another process owns the data directory, go through it instead of refusing. */
  allowRemote?: boolean;
}

export const adminSocketPath = (dataDir: string) => join(dataDir, 'admin.sock');

export async function openStorage(config: Pick<Config, 'databaseUrl' | 'dataDir'>, opts: OpenOptions = {}): Promise<Storage> {
  // The drivers load only on the paths that use them: a command going through the admin socket needs neither.
  if (config.databaseUrl) {
    const { openPostgres } = await import('./db.ts');
    const db = openPostgres(config.databaseUrl);
    try {
      await db.query('SELECT 1');
    } catch (err) {
      await db.close();
      const host = new URL(config.databaseUrl).host;
      throw new StorageError(`storage: cannot reach PostgreSQL at ${host} (${(err as Error).message}) — start it or fix DATABASE_URL`);
    }
    return { db, describe: `postgres ${new URL(config.databaseUrl).host}`, close: () => db.close() };
  }
  const sock = adminSocketPath(config.dataDir);
  const taken = lockDataDir(config.dataDir);
  if (!taken.ok) {
    if (!opts.allowRemote) {
      throw new StorageError(
        `storage: another pressdesk (pid ${taken.ownerPid}) owns ${config.dataDir} — stop it first, or give this one its own PRESSDESK_DATA_DIR, or use PostgreSQL (DATABASE_URL) to run several processes`,
      );
    }
    const db = await openRemote(sock);
    return { db, describe: `embedded, via pid ${taken.ownerPid}`, close: () => db.close() };
  }
  let server: Server | undefined;
  try {
    const { openPglite } = await import('./db.ts');
    const db = await openPglite(join(config.dataDir, 'pg'));
    if (opts.serve) server = await serveAdminSocket(db.pglite, sock);
    return {
      db,
      describe: `embedded ${join(config.dataDir, 'pg')}`,
      async close() {
        await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
        await db.close();
        taken.lock.release();
      },
    };
  } catch (err) {
    taken.lock.release();
    throw err;
  }
}
