// The storage-backed `pressdesk rules` subcommands, run as real child processes on one installation (a
// PostgreSQL schema; the embedded database when there is no test PostgreSQL): the second test goes on from
// the versions the first saved.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { shippedRulePack } from '../../src/rules/pack.ts';
import { cliInstallation, runCli } from '../helpers/cli.ts';

let env: Record<string, string>;
let mine: string;
let broken: string;
beforeAll(async () => {
  const inst = await cliInstallation();
  env = inst.env;
  mine = join(inst.dataDir, 'mine.yaml');
  writeFileSync(mine, 'topics:\n  - id: prisons\n    name: Prisons\n    rules:\n      - id: prison\n        query: prison*\n');
  broken = join(inst.dataDir, 'broken.yaml');
  writeFileSync(broken, 'topics:\n  - id: prisons\n    name: Prisons\n    rules:\n      - id: prison\n        query: prison* AND (\n');
});

describe('pressdesk rules (stored)', () => {
  it('imports, lists, exports, rolls back and reports status; a broken file is refused with FILE:line:col', () => {
    const bad = runCli(['rules', 'import', broken], env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:6:\\d+: query: `));
    expect(bad.stderr).toContain('nothing was saved');

    expect(runCli(['rules', 'import', '--pack', 'uk-justice', '-m', 'the pack'], env).stderr).toContain('saved version 1');
    expect(runCli(['rules', 'import', mine, '-m', 'prisons only'], env).stderr).toContain('saved version 2');
    const rb = runCli(['rules', 'rollback', '1'], env);
    expect(rb.stderr).toContain('saved version 3');
    const versions = runCli(['rules', 'versions'], env).stdout.trim().split('\n');
    expect(versions.map((l) => l.split('\t')[3])).toEqual(['Rollback to version 1', 'prisons only', 'the pack']);
    expect(versions[0]).toMatch(/\(active\)$/);
    expect(runCli(['rules', 'export', '--version', '2'], env).stdout).toContain('query: prison*');
    expect(runCli(['rules', 'export'], env).stdout).toBe(shippedRulePack());
  }, 180_000); // eight starts of the CLI: minutes on a loaded machine without PostgreSQL

  it('tests a query over stored items, and re-tags in-process when no worker serves the queue', () => {
    const bad = runCli(['rules', 'test', 'pr* AND titel:(jail'], env);
    expect(bad.code).toBe(1);
    // Every problem of the query, each with its column.
    expect(bad.stderr.trim().split('\n').map((l) => l.replace(/: query: .*/, ''))).toEqual(['rules: col 1', 'rules: col 9', 'rules: col 15']);
    const t = runCli(['rules', 'test', 'prison*', '--since', '30d'], env);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('0 of 0 items since');
    const r = runCli(['rules', 'retag'], env);
    expect(r.stderr).toMatch(/retag run 1 done: 0 items, 0 changed/);
    expect(runCli(['rules', 'status'], env).stdout).toBe('active: version 3\nretag run 1 (version 3): done, 0/0 items, 0 changed\n');
  }, 120_000);
});
