// The lazy command table in src/cli.ts must name every top-level command, and each entry must load the
// module that registers it: otherwise `pressdesk NAME` would answer "unknown command". Registering must stay
// light (`--help` registers every group), and a closed output pipe must end a command quietly.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram, COMMANDS } from '../../src/cli.ts';
import { BIN, childEnv } from '../helpers/cli.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'pressdesk-program-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pressdesk program', () => {
  it('lists in COMMANDS exactly the commands the modules register', async () => {
    const all = (await buildProgram()).commands.map((c) => c.name()).sort();
    expect(all).toEqual(Object.keys(COMMANDS).sort());
  });

  it('registers each command when only its own entry is loaded', async () => {
    for (const name of Object.keys(COMMANDS)) {
      const names = (await buildProgram(name)).commands.map((c) => c.name());
      expect(names, name).toContain(name);
    }
  });

  it('loads everything for an unknown name, so the error can list the real commands', async () => {
    const names = (await buildProgram('nosuch')).commands.map((c) => c.name());
    expect(names.length).toBe(Object.keys(COMMANDS).length);
  });

  it('registers every group without loading config, storage, services, adapters or any library but commander', () => {
    const log = join(dir, 'help.log');
    const hooks = fileURLToPath(new URL('../helpers/module-log.mjs', import.meta.url));
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', hooks, 'src/cli.ts', '--help'], {
      cwd: root,
      env: childEnv({ MODULE_LOG: log }),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('sources');
    const urls = [...new Set(readFileSync(log, 'utf8').trim().split('\n'))];
    const ours = urls.filter((u) => u.startsWith(`file://${root}`)).map((u) => u.slice(`file://${root}`.length));
    expect(ours).toContain('src/cli/sources.ts');
    // tsx runs the sources here; it is not what the command loads.
    const packages = new Set(urls.map((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1]).filter((p) => p && p !== 'tsx'));
    expect([...packages]).toEqual(['commander']);
    expect(ours.filter((p) => /^(src\/(storage|services|adapters|web|render)\/|src\/(config|runtime)\.ts$|workers\/)/.test(p))).toEqual([]);
  });

  it('ends quietly when the reader of its output goes away (`pressdesk … | head -1`)', async () => {
    const input = fileURLToPath(new URL('../fixtures/cluster/holdout.jsonl', import.meta.url));
    const child = spawn(process.execPath, [BIN, 'tag', '--input', input], { env: childEnv({}), stdio: ['ignore', 'pipe', 'pipe'] });
    // Our end of its stdout closes before it writes: its first write meets EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
