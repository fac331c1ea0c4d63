// `pressdesk contacts import|export` and `releases list` in a real child process, on an installation of its
// own (a PostgreSQL schema; the embedded database when there is no test PostgreSQL).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliInstallation, runCli } from '../helpers/cli.ts';

describe('pressdesk contacts and releases', () => {
  it('imports the good rows, reports the bad ones with their lines, merges duplicates, exports, lists releases', async () => {
    const { env, dataDir: dir } = await cliInstallation();
    const file = join(dir, 'contacts.csv');
    writeFileSync(file, [
      'name,email,outlet,topics,do_not_contact',
      'Ann Reed,ann@example.org,"Gazette, The",probation;prisons,',
      'No Address,,BBC,courts,',
      'Bob,bob@example.org,,courts,yes',
      'Ann R,ANN@example.org,,courts,',
    ].join('\n'));
    const imp = runCli(['contacts', 'import', file], env);
    expect(imp.code).toBe(0);
    expect(imp.stderr).toContain(`${file}:3: no email address`);
    expect(imp.stderr).toContain('contacts: 2 added, 0 updated, 1 duplicate rows merged, 1 rows skipped (above)');

    const again = runCli(['contacts', 'import', file], env);
    expect(again.stderr).toContain('contacts: 0 added, 2 updated');

    const exp = runCli(['contacts', 'export'], env);
    expect(exp.code).toBe(0);
    expect(exp.stdout).toBe([
      'name,email,outlet,topics,do_not_contact,notes',
      'Ann Reed,ann@example.org,"Gazette, The",courts;prisons;probation,no,',
      'Bob,bob@example.org,,courts,yes,',
      '',
    ].join('\r\n'));

    const missing = runCli(['contacts', 'import', join(dir, 'nope.csv')], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^contacts: cannot read .*nope\.csv/);

    const list = runCli(['releases', 'list', '--json'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toBe('');
    expect(runCli(['releases', 'list'], env).stderr).toContain('releases: none yet');
  }, 240_000); // seven starts of the CLI: minutes on a loaded machine without PostgreSQL
});
