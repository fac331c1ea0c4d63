// One media contact added or edited on the contacts page. An address already on the list is refused on add
// (edit that contact instead) rather than silently merged, as an import would.
import type { Contact, ContactInput } from '../domain/releases.ts';
import type { Db } from '../storage/db.ts';
import { findContactByEmail, updateContact, upsertContacts } from '../storage/contacts.ts';

const EMAIL = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;

export type SaveContactResult = { ok: true; contact: Contact } | { ok: false; reason: 'invalid' | 'taken' | 'missing'; message: string; existingId?: number };

export async function saveContact(deps: { db: Db; now: () => Date }, id: number | null, input: ContactInput): Promise<SaveContactResult> {
  const email = input.email.trim().toLowerCase();
  if (!input.name.trim()) return { ok: false, reason: 'invalid', message: 'contacts: give the contact a name' };
  if (!EMAIL.test(email)) return { ok: false, reason: 'invalid', message: `contacts: "${input.email}" is not an email address` };
  const clean: ContactInput = { ...input, name: input.name.trim(), email, outlet: input.outlet?.trim() || null, notes: input.notes?.trim() || null };
  const other = await findContactByEmail(deps.db, email);
  if (id === null) {
    if (other) return { ok: false, reason: 'taken', message: `contacts: ${email} is already on the list as ${other.name}; edit that contact`, existingId: other.id };
    await upsertContacts(deps.db, [clean], deps.now());
    const made = await findContactByEmail(deps.db, email);
    if (!made) throw new Error(`contacts: ${email} vanished after it was saved; try again`);
    return { ok: true, contact: made };
  }
  const r = await updateContact(deps.db, id, clean, deps.now());
  if (r === 'taken') return { ok: false, reason: 'taken', message: `contacts: ${email} belongs to another contact${other ? ` (${other.name})` : ''}`, existingId: other?.id };
  if (!r) return { ok: false, reason: 'missing', message: `contacts: no contact ${id}` };
  return { ok: true, contact: r };
}
