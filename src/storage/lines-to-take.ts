// Lines to take: the union's position and spokesperson quotes per topic, every save a new version.
import type { LinesToTake, Quote } from '../domain/drafts.ts';
import type { Db } from './db.ts';

type Row = { topic: string; version: number; position: string; quotes: Quote[] | string; created_by: number | null; created_at: Date };
const toLines = (r: Row): LinesToTake => ({
  topic: r.topic,
  version: Number(r.version),
  position: r.position,
  quotes: typeof r.quotes === 'string' ? JSON.parse(r.quotes) : r.quotes,
  createdBy: r.created_by === null ? null : Number(r.created_by),
  createdAt: new Date(r.created_at),
});
const COLUMNS = 'topic, version, position, quotes, created_by, created_at';

/** Saves a new version (the highest so far + 1) and returns it. */
export async function saveLinesToTake(
  db: Db,
  l: { topic: string; position: string; quotes: Quote[]; createdBy: number | null; now: Date },
): Promise<LinesToTake> {
  return db.tx(async (t) => {
    await t.query(`SELECT pg_advisory_xact_lock(hashtext('lines:' || $1::text))`, [l.topic]);
    const [row] = await t.query<Row>(
      `INSERT INTO lines_to_take (topic, version, position, quotes, created_by, created_at)
       SELECT $1, coalesce(max(version), 0) + 1, $2, $3::jsonb, $4, $5 FROM lines_to_take WHERE topic = $1
       RETURNING ${COLUMNS}`,
      [l.topic, l.position, JSON.stringify(l.quotes), l.createdBy, l.now],
    );
    return toLines(row!);
  });
}

/** The latest version for a topic, or the given one. */
export async function getLinesToTake(db: Db, topic: string, version?: number): Promise<LinesToTake | undefined> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM lines_to_take WHERE topic = $1 AND ($2::int IS NULL OR version = $2) ORDER BY version DESC LIMIT 1`,
    [topic, version ?? null],
  );
  return rows[0] && toLines(rows[0]);
}

export async function listLinesVersions(db: Db, topic: string): Promise<LinesToTake[]> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM lines_to_take WHERE topic = $1 ORDER BY version DESC`, [topic]);
  return rows.map(toLines);
}
