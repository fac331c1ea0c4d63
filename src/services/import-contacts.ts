// Media contacts from a CSV file (the CLI and the contacts page): the good rows are saved, merging into
// contacts with the same address; each bad row comes back with its line and reason.
import { type CsvProblem, parseContactsCsv } from '../pipeline/contacts-csv.ts';
import type { Db } from '../storage/db.ts';
import { upsertContacts } from '../storage/contacts.ts';

export interface ImportResult {
  created: number;
  updated: number;
  /** Rows folded into an earlier row of the same file with the same address. */
  merged: number;
  problems: CsvProblem[];
}

export async function importContacts(deps: { db: Db; now: () => Date }, csv: string): Promise<ImportResult> {
  const parsed = parseContactsCsv(csv);
  const saved = parsed.contacts.length ? await upsertContacts(deps.db, parsed.contacts, deps.now()) : { created: 0, updated: 0 };
  return { ...saved, merged: parsed.merged, problems: parsed.problems };
}
