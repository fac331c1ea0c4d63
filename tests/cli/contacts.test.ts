// `pressdesk contacts import|export` and `releases list` in a real child process on the embedded database.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { dropPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';

const prefix = uniquePrefix();
afterAll(() => dropPrefix(prefix));

describe('pressdesk contacts and releases', () => {
  it('imports the good rows, reports the bad ones with their lines, merges duplicates, exports, lists releases', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-contacts-'));
    const env = { PRESSDESK_DATA_DIR: dir, PORT: '0', QUEUE_PREFIX: prefix, REDIS_URL: testRedisUrl() };
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
  }, 240_000); // seven cold starts of the CLI on an embedded database
});
