// Runs the real `pressdesk` command in a child process, with an environment of the test's choosing.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, inject } from 'vitest';
import { openTestPostgres, withSchema } from './db.ts';
import { dropPrefix, testRedisUrl, uniquePrefix } from './redis.ts';

export const BIN = fileURLToPath(new URL('../../bin/pressdesk.js', import.meta.url));

/** The environment a child gets: only what the test names (plus PATH/HOME), so the developer's own .env never leaks in. */
export const childEnv = (env: Record<string, string>) => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', ...env });

export function runCli(args: string[], env: Record<string, string>, input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: childEnv(env), input, encoding: 'utf8', timeout: 90_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// A test that times out never reaches its `finally`: whatever it started is killed when its file ends, or
// when the test process exits, so no `pressdesk start` outlives the run holding ports and data dirs.
const live = new Set<ChildProcess>();
const killAll = () => {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
};
const installations: (CliInstallation & { close(): Promise<void> })[] = [];
afterAll(async () => {
  killAll();
  for (const i of installations.splice(0)) await i.close();
});
process.once('exit', killAll);

/** runCli without blocking this process (a loopback server living in the test must keep answering). */
export function runCliAsync(args: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c));
    child.stderr!.on('data', (c: Buffer) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface Running {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts a long-running command and waits for its "listening on" line. */
export async function startCli(args: string[], env: Record<string, string>, waitFor = /listening on (http:\/\/\S+)/): Promise<Running> {
  const child = spawn(process.execPath, [BIN, ...args], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let err = '';
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "${waitFor}" in 90 s; stderr: ${err}`));
    }, 90_000);
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      const m = waitFor.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] ?? '');
      }
    });
    void exited.then((code) => reject(new Error(`exited ${code} before starting: ${err}`)));
  });
  return { child, url, stderr: () => err, exited };
}

export interface CliInstallation {
  /** What every `pressdesk` child of this installation gets (add the test's own settings beside it). */
  env: Record<string, string>;
  storage: 'postgres' | 'embedded';
  /** PRESSDESK_DATA_DIR: the outbox, and the embedded database when there is no test PostgreSQL. */
  dataDir: string;
}

/** An installation for `pressdesk` children in tests that are not about the embedded database: a migrated
 *  PostgreSQL schema of its own, a queue prefix and a data directory. A child on PostgreSQL starts in about
 *  half a second of CPU; one opening an embedded PGlite takes ~3 s and ~350 MB, ~8 s and ~900 MB the first
 *  time (initdb and migrations). Without a test PostgreSQL it falls back to a fresh embedded data directory:
 *  the same tests, slower. Removed when the file ends. The embedded default itself is tested on its own
 *  data directories (tests/cli/system.test.ts, users.test.ts). */
export async function cliInstallation(extra: Record<string, string> = {}): Promise<CliInstallation> {
  const url = inject('databaseUrl');
  const dataDir = mkdtempSync(join(tmpdir(), 'pd-cli-'));
  const prefix = uniquePrefix();
  const pg = url === null ? null : await openTestPostgres(url);
  const env: Record<string, string> = { PRESSDESK_DATA_DIR: dataDir, PORT: '0', QUEUE_PREFIX: prefix, REDIS_URL: testRedisUrl(), ...extra };
  if (pg && url) env.DATABASE_URL = withSchema(url, pg.schema);
  const inst = {
    env,
    storage: pg ? ('postgres' as const) : ('embedded' as const),
    dataDir,
    async close() {
      await dropPrefix(prefix);
      await pg?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  installations.push(inst);
  return inst;
}
