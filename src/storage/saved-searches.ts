// A person's saved /stories searches. Saving a name again replaces its search (UNIQUE user + name).
import type { Db } from './db.ts';

export interface SavedSearch {
  id: number;
  name: string;
  /** The query string, without '?'. */
  query: string;
}

const MAX_PER_USER = 50;

export async function saveSearch(db: Db, s: { userId: number; name: string; query: string; now: Date }): Promise<SavedSearch | undefined> {
  const [r] = await db.query<{ id: number; name: string; query: string }>(
    `INSERT INTO saved_searches (user_id, name, query, created_at)
     SELECT $1, $2, $3, $4 WHERE (SELECT count(*) FROM saved_searches WHERE user_id = $1 AND name <> $2) < $5
     ON CONFLICT (user_id, name) DO UPDATE SET query = excluded.query, created_at = excluded.created_at
     RETURNING id, name, query`,
    [s.userId, s.name, s.query, s.now, MAX_PER_USER],
  );
  return r && { id: Number(r.id), name: r.name, query: r.query };
}

export async function savedSearches(db: Db, userId: number): Promise<SavedSearch[]> {
  const rows = await db.query<{ id: number; name: string; query: string }>('SELECT id, name, query FROM saved_searches WHERE user_id = $1 ORDER BY name', [userId]);
  return rows.map((r) => ({ id: Number(r.id), name: r.name, query: r.query }));
}

/** Only the owner's row goes; answers whether one did. */
export async function forgetSearch(db: Db, userId: number, id: number): Promise<boolean> {
  return (await db.query('DELETE FROM saved_searches WHERE id = $1 AND user_id = $2 RETURNING id', [id, userId])).length > 0;
}
