// Media contacts and suppressed addresses: SQL and row mapping. An address is one contact whatever its
// case (UNIQUE lower(email)); saving one that exists merges into it instead of failing.
import type { Contact, ContactInput } from '../domain/releases.ts';
import type { Db } from './db.ts';

const COLUMNS = 'id, name, outlet, email, topics, do_not_contact, notes, created_at, updated_at';
type Row = Record<string, unknown>;

export const toContact = (r: Row): Contact => ({
  id: Number(r.id),
  name: r.name as string,
  outlet: (r.outlet as string | null) ?? null,
  email: r.email as string,
  topics: (r.topics as string[] | null) ?? [],
  doNotContact: Boolean(r.do_not_contact),
  notes: (r.notes as string | null) ?? null,
  createdAt: new Date(r.created_at as string),
  updatedAt: new Date(r.updated_at as string),
});

/**
 * Inserts new addresses and merges known ones (any case): the name is replaced, outlet and notes when given,
 * topics are added to the contact's, and do-not-contact once set stays set (an old spreadsheet cannot opt
 * anyone back in). Rows repeating an address within the call: the last one counts.
 */
export async function upsertContacts(db: Db, inputs: readonly ContactInput[], now: Date): Promise<{ created: number; updated: number }> {
  const byEmail = new Map(inputs.map((c) => [c.email.trim().toLowerCase(), c]));
  let created = 0;
  let updated = 0;
  const all = [...byEmail.entries()];
  for (let i = 0; i < all.length; i += 500) {
    const chunk = all.slice(i, i + 500).map(([email, c]) => ({
      name: c.name,
      email,
      outlet: c.outlet ?? null,
      topics: c.topics ?? [],
      do_not_contact: Boolean(c.doNotContact),
      notes: c.notes ?? null,
    }));
    const rows = await db.query<{ inserted: boolean }>(
      `INSERT INTO contacts (name, email, outlet, topics, do_not_contact, notes, created_at, updated_at)
       SELECT x.name, x.email, x.outlet, coalesce(x.topics, '{}'), x.do_not_contact, x.notes, $2, $2
       FROM jsonb_to_recordset($1::jsonb) AS x(name text, email text, outlet text, topics text[], do_not_contact boolean, notes text)
       ON CONFLICT ((lower(email))) DO UPDATE SET
         name = EXCLUDED.name,
         outlet = coalesce(EXCLUDED.outlet, contacts.outlet),
         topics = ARRAY(SELECT DISTINCT t FROM unnest(contacts.topics || EXCLUDED.topics) AS t ORDER BY t),
         do_not_contact = contacts.do_not_contact OR EXCLUDED.do_not_contact,
         notes = coalesce(EXCLUDED.notes, contacts.notes),
         updated_at = EXCLUDED.updated_at
       RETURNING (xmax = 0) AS inserted`,
      [JSON.stringify(chunk), now],
    );
    for (const r of rows) r.inserted ? created++ : updated++;
  }
  return { created, updated };
}

export async function getContact(db: Db, id: number): Promise<Contact | undefined> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM contacts WHERE id = $1`, [id]);
  return rows[0] && toContact(rows[0]);
}

export async function findContactByEmail(db: Db, email: string): Promise<Contact | undefined> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM contacts WHERE lower(email) = lower($1)`, [email.trim()]);
  return rows[0] && toContact(rows[0]);
}

/** Contacts matching words in name, outlet or email, and/or covering a topic; by name. */
export async function searchContacts(db: Db, q: { text?: string; topic?: string; limit?: number; offset?: number } = {}): Promise<Contact[]> {
  const like = q.text?.trim() ? `%${q.text.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM contacts
     WHERE ($1::text IS NULL OR name ILIKE $1 OR outlet ILIKE $1 OR email ILIKE $1)
       AND ($2::text IS NULL OR $2 = ANY(topics))
     ORDER BY lower(name), id LIMIT $3 OFFSET $4`,
    [like, q.topic ?? null, q.limit ?? 100, q.offset ?? 0],
  );
  return rows.map(toContact);
}

/** Every contact, by address (the export). */
export async function listAllContacts(db: Db): Promise<Contact[]> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM contacts ORDER BY lower(email)`);
  return rows.map(toContact);
}

/** Contacts covering any of the topics, or named: a release's candidates before do-not-contact and suppressions. */
export async function contactsFor(db: Db, topics: readonly string[], ids: readonly number[] = []): Promise<Contact[]> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM contacts WHERE topics && $1::text[] OR id = ANY($2::bigint[]) ORDER BY id`, [topics, ids]);
  return rows.map(toContact);
}

/** Replaces a contact's fields; undefined when there is no such contact, 'taken' when the address is another's. */
export async function updateContact(db: Db, id: number, c: ContactInput, now: Date): Promise<Contact | 'taken' | undefined> {
  const other = await findContactByEmail(db, c.email);
  if (other && other.id !== id) return 'taken';
  const rows = await db.query<Row>(
    `UPDATE contacts SET name = $2, email = $3, outlet = $4, topics = $5::text[], do_not_contact = $6, notes = $7, updated_at = $8
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, c.name, c.email.trim().toLowerCase(), c.outlet ?? null, c.topics ?? [], Boolean(c.doNotContact), c.notes ?? null, now],
  );
  return rows[0] && toContact(rows[0]);
}

export async function setDoNotContact(db: Db, id: number, on: boolean, now: Date): Promise<Contact | undefined> {
  const rows = await db.query<Row>(`UPDATE contacts SET do_not_contact = $2, updated_at = $3 WHERE id = $1 RETURNING ${COLUMNS}`, [id, on, now]);
  return rows[0] && toContact(rows[0]);
}

// --- suppressions ----------------------------------------------------------------------------------

export async function addSuppression(db: Db, email: string, reason: string, at: Date): Promise<void> {
  await db.query(
    'INSERT INTO suppressions (email, reason, at) VALUES (lower($1), $2, $3) ON CONFLICT (email) DO UPDATE SET reason = EXCLUDED.reason, at = EXCLUDED.at',
    [email.trim(), reason, at],
  );
}

/** The addresses among `emails` (any case) that are suppressed, lower-cased. */
export async function suppressedAmong(db: Db, emails: readonly string[]): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const rows = await db.query<{ email: string }>('SELECT email FROM suppressions WHERE email = ANY($1::text[])', [emails.map((e) => e.toLowerCase())]);
  return new Set(rows.map((r) => r.email));
}

/** Why an address is suppressed (bounce, complaint, manual, unsubscribed), or undefined. */
export async function suppressionOf(db: Db, email: string): Promise<string | undefined> {
  const rows = await db.query<{ reason: string }>('SELECT reason FROM suppressions WHERE email = lower($1)', [email.trim()]);
  return rows[0]?.reason;
}

/** Lifts a suppression, only if it is for `reason` (a confirmed opt-in lifts an unsubscribe, never a bounce). */
export async function liftSuppression(db: Db, email: string, reason: string): Promise<boolean> {
  const rows = await db.query('DELETE FROM suppressions WHERE email = lower($1) AND reason = $2 RETURNING email', [email.trim(), reason]);
  return rows.length > 0;
}
