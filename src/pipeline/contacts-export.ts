// contacts-export: contacts -> CSV in the shape contacts-csv reads back (name,email,outlet,topics,
// do_not_contact,notes), so an export edited in a spreadsheet imports again unchanged.
import type { ContactInput } from '../domain/releases.ts';

// A cell starting with = + - @ (or a tab / carriage return) would run as a formula in Excel: it gets a
// leading apostrophe, as in stories' CSV.
const FORMULA = /^[=+\-@\t\r]/;
function cell(v: string): string {
  const s = FORMULA.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CRLF line ends (RFC 4180), header first. */
export function contactsCsv(contacts: readonly ContactInput[]): string {
  const rows = [['name', 'email', 'outlet', 'topics', 'do_not_contact', 'notes']];
  for (const c of contacts) {
    rows.push([c.name, c.email, c.outlet ?? '', (c.topics ?? []).join(';'), c.doNotContact ? 'yes' : 'no', c.notes ?? ''].map(cell));
  }
  return rows.map((r) => `${r.join(',')}\r\n`).join('');
}
