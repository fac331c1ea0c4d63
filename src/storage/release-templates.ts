// Release templates saved from the web UI: every save a new version per name; the highest one is in use.
import type { Db } from './db.ts';

export interface StoredTemplate {
  name: string;
  version: number;
  source: string;
  createdBy: string | null;
  createdAt: Date;
}

type Row = { name: string; version: number; source: string; email: string | null; created_at: Date | string };
const toStored = (r: Row): StoredTemplate => ({ name: r.name, version: Number(r.version), source: r.source, createdBy: r.email, createdAt: new Date(r.created_at) });

export async function saveTemplateVersion(db: Db, t: { name: string; source: string; createdBy: number | null; now: Date }): Promise<number> {
  return db.tx(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('release-template:' || $1::text))`, [t.name]);
    const [row] = await tx.query<{ version: number }>(
      `INSERT INTO release_templates (name, version, source, created_by, created_at)
       SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4 FROM release_templates WHERE name = $1 RETURNING version`,
      [t.name, t.source, t.createdBy, t.now],
    );
    return Number(row!.version);
  });
}

/** The latest saved version of every template that has one. */
export async function latestTemplates(db: Db): Promise<StoredTemplate[]> {
  const rows = await db.query<Row>(
    `SELECT DISTINCT ON (t.name) t.name, t.version, t.source, u.email, t.created_at
     FROM release_templates t LEFT JOIN users u ON u.id = t.created_by ORDER BY t.name, t.version DESC`,
  );
  return rows.map(toStored);
}

export async function listTemplateVersions(db: Db, name: string): Promise<StoredTemplate[]> {
  const rows = await db.query<Row>(
    `SELECT t.name, t.version, t.source, u.email, t.created_at
     FROM release_templates t LEFT JOIN users u ON u.id = t.created_by WHERE t.name = $1 ORDER BY t.version DESC`,
    [name],
  );
  return rows.map(toStored);
}
