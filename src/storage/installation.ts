// This installation's id (migration 016): what claims the Redis queue prefix; and the public URL its web server
// last started with (migration 021), for the links commands print and mail.
import type { Db } from './db.ts';

export async function installationId(db: Db): Promise<string> {
  const rows = await db.query<{ id: string }>('SELECT id FROM installation');
  if (!rows[0]) throw new Error('storage: the installation row is missing; run `pressdesk migrate`');
  return rows[0].id;
}

/** Recorded by the web server when it starts listening. */
export async function recordPublicUrl(db: Db, url: string): Promise<void> {
  await db.query('UPDATE installation SET public_url = $1', [url]);
}

/** The public URL the web server last started with; null before it first started. */
export async function recordedPublicUrl(db: Db): Promise<string | null> {
  const [r] = await db.query<{ public_url: string | null }>('SELECT public_url FROM installation');
  return r?.public_url ?? null;
}
