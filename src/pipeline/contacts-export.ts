// contacts-export: contacts -> CSV in the shape contacts-csv reads back (name,email,outlet,topics,
// do_not_contact,notes), so an export edited in a spreadsheet imports again unchanged. Cells are written by
// csv.ts (formulas defused there).
import type { ContactInput } from '../domain/releases.ts';
import { csvLines } from './csv.ts';

/** CRLF line ends (RFC 4180), header first. */
export function contactsCsv(contacts: readonly ContactInput[]): string {
  return csvLines(
    ['name', 'email', 'outlet', 'topics', 'do_not_contact', 'notes'],
    contacts.map((c) => [c.name, c.email, c.outlet ?? '', (c.topics ?? []).join(';'), c.doNotContact ? 'yes' : 'no', c.notes ?? '']),
  );
}
