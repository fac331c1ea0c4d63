// `npm run bench -- cli [--runs 5] [--base DIR] [--sources 250] [--pg URL]`
// What a person waits for when typing `pressdesk` commands: the wall time of each command run as a child
// process through bin/pressdesk.js (the compiled dist/ when it is fresh: `npm run build` first), median of RUNS
// interleaved runs, beside bare `node -e 0` (the floor no command can beat) measured in the same runs. With
// --base DIR, another checkout (e.g. a clone of main with its own `npm run build`) runs the same commands,
// interleaved, and the table gives the ratio. Commands: `--help`, `tag --help`, `sources list` on an embedded
// data directory of SOURCES sources while `pressdesk start` owns it (through its admin socket) and with no
// server (the command opens PGlite itself), `sources list` on PostgreSQL with --pg URL (or TEST_DATABASE_URL;
// a throwaway schema), and `npx pressdesk --help` beside `npx -c true` (what npx costs by itself). The servers
// need Redis (REDIS_URL, else 127.0.0.1:6379).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { distIsFresh } from '../bin/freshness.js';
import { dropPrefix } from './_redis.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const RUNS = Number(arg('runs', '5'));
const SOURCES = Number(arg('sources', '250'));
const BASE = arg('base', '');
const PG = arg('pg', process.env.TEST_DATABASE_URL ?? '');
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const run = randomBytes(3).toString('hex');
const tmp = mkdtempSync(join(tmpdir(), 'pressdesk-bench-cli-'));

interface Checkout {
  label: string;
  dir: string;
  bin: string;
}
const checkouts: Checkout[] = [{ label: 'this checkout', dir: fileURLToPath(new URL('../', import.meta.url)) }, ...(BASE ? [{ label: 'base', dir: resolve(BASE) }] : [])].map(
  (c) => ({ ...c, bin: join(c.dir, 'bin/pressdesk.js') }),
);
for (const c of checkouts) if (!distIsFresh(c.dir)) console.error(`bench: ${c.dir} has no fresh dist/ — it runs the TypeScript through tsx; run \`npm run build\` there first`);

const env = (extra: Record<string, string>) => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', REDIS_URL: REDIS, ...extra });

function must(r: ReturnType<typeof spawnSync>, what: string) {
  if (r.status !== 0) throw new Error(`bench: ${what} exited ${r.status}: ${r.stderr}`);
}

// One data directory with SOURCES disabled sources (an idle server: nothing polls while we measure), copied for
// each checkout, served and alone, so every command reads the same rows.
const opml = join(tmp, 'sources.opml');
const outlines = Array.from({ length: SOURCES }, (_, i) => `<outline type="rss" text="Source ${i + 1}" xmlUrl="https://feeds${i % 25}.example.org/news-${i + 1}.xml" pdDisabled="true"/>`);
writeFileSync(opml, `<?xml version="1.0"?>\n<opml version="2.0"><head><title>bench</title></head><body>\n${outlines.join('\n')}\n</body></opml>\n`);
const seed = join(tmp, 'seed');
must(spawnSync(process.execPath, [checkouts[0]!.bin, 'sources', 'import', opml], { env: env({ PRESSDESK_DATA_DIR: seed }), encoding: 'utf8' }), 'sources import');

const servers: ChildProcess[] = [];
const prefixes: string[] = [];
let schema = '';

async function startServer(c: Checkout, i: number): Promise<string> {
  const dataDir = join(tmp, `served-${i}`);
  cpSync(seed, dataDir, { recursive: true });
  const prefix = `benchcli_${run}_${i}`;
  prefixes.push(prefix);
  const child = spawn(process.execPath, [c.bin, 'start'], { env: env({ PRESSDESK_DATA_DIR: dataDir, PORT: '0', QUEUE_PREFIX: prefix }), stdio: ['ignore', 'ignore', 'pipe'] });
  servers.push(child);
  let err = '';
  await new Promise<void>((ok, fail) => {
    child.stderr!.on('data', (b: Buffer) => {
      err += b;
      if (err.includes('listening on')) ok();
    });
    child.once('exit', (code) => fail(new Error(`bench: pressdesk start (${c.label}) exited ${code}: ${err}`)));
  });
  return dataDir;
}

interface Command {
  name: string;
  /** What to run for the i-th checkout. */
  spawn: (c: Checkout, i: number) => { file: string; args: string[]; env: Record<string, string>; cwd?: string };
}

try {
  const served = await Promise.all(checkouts.map(startServer));
  const alone = checkouts.map((_, i) => {
    const d = join(tmp, `alone-${i}`);
    cpSync(seed, d, { recursive: true });
    return d;
  });
  let pgUrl = '';
  if (PG) {
    schema = `bench_cli_${run}`;
    const admin = new pg.Client({ connectionString: PG });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const u = new URL(PG);
    u.searchParams.set('options', `-c search_path=${schema}`);
    pgUrl = u.toString();
    must(spawnSync(process.execPath, [checkouts[0]!.bin, 'sources', 'import', opml], { env: env({ DATABASE_URL: pgUrl }), encoding: 'utf8' }), 'sources import (PostgreSQL)');
  }

  const node = (c: Checkout, args: string[], extra: Record<string, string> = {}) => ({ file: process.execPath, args: [c.bin, ...args], env: env(extra) });
  const commands: Command[] = [
    { name: 'node -e 0 (the floor)', spawn: () => ({ file: process.execPath, args: ['-e', '0'], env: env({}) }) },
    { name: 'pressdesk --help', spawn: (c) => node(c, ['--help']) },
    { name: 'pressdesk tag --help', spawn: (c) => node(c, ['tag', '--help']) },
    { name: `sources list, start running (${SOURCES})`, spawn: (c, i) => node(c, ['sources', 'list'], { PRESSDESK_DATA_DIR: served[i]! }) },
    { name: `sources list, no server (${SOURCES})`, spawn: (c, i) => node(c, ['sources', 'list'], { PRESSDESK_DATA_DIR: alone[i]! }) },
    ...(pgUrl ? [{ name: `sources list, PostgreSQL (${SOURCES})`, spawn: (c: Checkout) => node(c, ['sources', 'list'], { DATABASE_URL: pgUrl }) }] : []),
    { name: 'npx -c true (npx alone)', spawn: (c) => ({ file: 'npx', args: ['-c', 'true'], env: env({}), cwd: c.dir }) },
    { name: 'npx pressdesk --help', spawn: (c) => ({ file: 'npx', args: ['pressdesk', '--help'], env: env({}), cwd: c.dir }) },
  ];

  const times = commands.map(() => checkouts.map(() => [] as number[]));
  for (let r = 0; r < RUNS; r++) {
    for (const [k, cmd] of commands.entries()) {
      // Alternate which checkout goes first, so neither always runs on the warmer cache.
      const order = checkouts.map((_, i) => i);
      if (r % 2) order.reverse();
      for (const i of order) {
        const s = cmd.spawn(checkouts[i]!, i);
        const t0 = performance.now();
        const res = spawnSync(s.file, s.args, { env: s.env, cwd: s.cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
        times[k]![i]!.push(performance.now() - t0);
        must(res, `${cmd.name} (${checkouts[i]!.label})`);
      }
    }
    process.stderr.write(`bench: run ${r + 1} of ${RUNS}\n`);
  }

  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`\ncli: median of ${RUNS} interleaved runs (load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')} at the end)`);
  console.log(`${'command'.padEnd(40)}${checkouts.map((c) => c.label.padStart(16)).join('')}${BASE ? '   base / this' : ''}`);
  for (const [k, cmd] of commands.entries()) {
    const m = times[k]!.map(median);
    console.log(`${cmd.name.padEnd(40)}${m.map((x) => sec(x).padStart(16)).join('')}${BASE ? `${`${(m[1]! / m[0]!).toFixed(1)}x`.padStart(14)}` : ''}`);
  }
} finally {
  for (const s of servers) s.kill('SIGTERM');
  await Promise.all(servers.map((s) => (s.exitCode === null && s.signalCode === null ? new Promise((r) => s.once('exit', r)) : undefined)));
  const redis = new Redis(REDIS, { maxRetriesPerRequest: null });
  for (const p of prefixes) await dropPrefix(redis, p);
  await redis.quit();
  if (schema) {
    const admin = new pg.Client({ connectionString: PG });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
  rmSync(tmp, { recursive: true, force: true });
}
