// This installation's id (migration 016): what claims the Redis queue prefix.
import type { Db } from './db.ts';

export async function installationId(db: Db): Promise<string> {
  const rows = await db.query<{ id: string }>('SELECT id FROM installation');
  if (!rows[0]) throw new Error('storage: the installation row is missing; run `pressdesk migrate`');
  return rows[0].id;
}
