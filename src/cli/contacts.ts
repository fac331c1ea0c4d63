// `pressdesk contacts import FILE.csv` / `contacts export`: the press office's media contacts in and out of a
// spreadsheet. Import reports each bad row as FILE:line: reason (stderr) and imports the rest.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { fail, say, withStorage } from './context.ts';

export function register(program: Command) {
  const contacts = program.command('contacts').description('media contacts: journalists and newsdesks releases go to');

  contacts
    .command('import <file>')
    .description('add or update contacts from a CSV with a header row: name,email and optionally outlet, topics (ids separated by ;), do_not_contact, notes')
    .action(async (file: string) => {
      let csv: string;
      try {
        csv = readFileSync(file, 'utf8');
      } catch (err) {
        fail(`contacts: cannot read ${file}: ${(err as Error).message}`);
      }
      const { importContacts } = await import('../services/import-contacts.ts');
      const r = await withStorage((s) => importContacts({ db: s.db, now: () => new Date() }, csv));
      for (const p of r.problems) say(`${file}:${p.line}: ${p.message}`);
      say(`contacts: ${r.created} added, ${r.updated} updated${r.merged ? `, ${r.merged} duplicate rows merged` : ''}${r.problems.length ? `, ${r.problems.length} rows skipped (above)` : ''}`);
    });

  contacts
    .command('export')
    .description('print every contact as CSV, in the columns `contacts import` reads')
    .action(async () => {
      const [{ contactsCsv }, { listAllContacts }] = await Promise.all([import('../pipeline/contacts-export.ts'), import('../storage/contacts.ts')]);
      const all = await withStorage((s) => listAllContacts(s.db));
      process.stdout.write(contactsCsv(all));
    });
}
