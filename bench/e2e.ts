// `npm run bench -- e2e [--feeds 1000] [--items 50] [--hosts 100] [--db pg|embedded|both|none] [--pg URL] [--peers newsboat,rss2email|none] [--warm 2] [--profile DIR]`
// pressdesk as users run it: `pressdesk start` as a real process, `pressdesk sources import FEEDS.opml` as a real
// command, then the clock runs until every item is stored, tagged and placed in a story (read from the
// database once a second). The feeds are served by a child process on --hosts loopback addresses
// (127.0.1.1, 127.0.1.2, …: each one host to the scheduler's per-host cap). Then warm rounds (--warm, default
// 2): `pressdesk poll --once --all` over the same, unchanged feeds (all 304); the first starts while the cold
// round's background work may still run, the later ones show the steady state. Peak RSS is the server's VmHWM.
// Peers on the same feeds in the same run: newsboat (`-x reload`, 8 threads) and rss2email (`r2e run
// --no-send`), each to all items stored; ratios are pressdesk's time over newsboat's.
// PostgreSQL: a throwaway database on --pg (default TEST_DATABASE_URL or the local one); embedded: PGlite in a
// temporary data directory. Redis from REDIS_URL with a throwaway queue prefix. Runs dist/ when it is fresh
// (npm run build), else the TypeScript sources: the header says which.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { openRemote } from '../src/storage/admin-socket.ts';
import { type Db, openPostgres } from '../src/storage/db.ts';
import { adminSocketPath } from '../src/storage/open.ts';
import { startLoopbackServer } from '../tests/helpers/loopback-server.ts';
import { distIsFresh } from '../bin/freshness.js';
import { feedMaker } from './_feeds.ts';
import { type PeerResult, newsboatCold, rss2emailCold } from './_peers.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const FEEDS = Number(arg('feeds', '1000'));
const ITEMS = Number(arg('items', '50'));
const HOSTS = Math.min(250, Number(arg('hosts', '100')));
const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
const PG = arg('pg', config.testDatabaseUrl ?? 'postgres://postgres@127.0.0.1:5432/test');
const DBS = arg('db', 'both') === 'both' ? ['pg', 'embedded'] : arg('db', 'both') === 'none' ? [] : [arg('db', 'both')];
/** Warm rounds after the cold one (each `poll --once --all` over the unchanged feeds). */
const WARM_ROUNDS = Math.max(1, Number(arg('warm', '2')));
const PEERS = arg('peers', 'newsboat,rss2email').split(',').filter((p) => p && p !== 'none');
/** --profile DIR: the server writes a V8 CPU profile there when it stops (open it in Chrome's DevTools). */
const PROFILE = arg('profile', '');
const ROOT = new URL('../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/pressdesk.js');
const TOTAL = FEEDS * ITEMS;
const hostOf = (f: number) => `127.0.1.${(f % HOSTS) + 1}`;

async function serveFeeds(): Promise<{ urls: string[]; close(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--serve', '--feeds', String(FEEDS), '--items', String(ITEMS), '--hosts', String(HOSTS)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const origins = await new Promise<string[]>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (c: Buffer) => {
      buf += c;
      if (buf.includes('\n')) resolve(JSON.parse(buf));
    });
    child.once('exit', (code) => reject(new Error(`e2e: the feed server exited (${code})`)));
  });
  return { urls: Array.from({ length: FEEDS }, (_, f) => `${origins[f % HOSTS]}/feed/${f}.xml`), close: () => child.stdin.end() };
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const peakRssMb = (pid: number) => {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
  } catch {
    return Number.NaN;
  }
};

function runCli(env: NodeJS.ProcessEnv, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    child.stderr.on('data', (c: Buffer) => (out += c));
    child.once('exit', (code) => resolve({ code, out }));
  });
}

async function until<T>(what: string, limitS: number, probe: () => Promise<T | undefined>, everyMs = 250): Promise<T> {
  const end = Date.now() + limitS * 1000;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`e2e: gave up waiting for ${what} after ${limitS} s`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

interface Run {
  db: string;
  storedS: number;
  doneS: number;
  /** Each warm round: fetch-log span and the `poll --once --all` wall time, in seconds. */
  warm: { s: number; cliS: number }[];
  peakRssMb: number;
}

async function runPressdesk(kind: string, urls: string[]): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'pressdesk-e2e-'));
  const dbName = `pressdesk_e2e_${randomBytes(4).toString('hex')}`;
  const admin = kind === 'pg' ? new pg.Client({ connectionString: PG }) : undefined;
  let server: ChildProcess | undefined;
  let db: Db | undefined;
  try {
    let databaseUrl: string | undefined;
    if (admin) {
      await admin.connect();
      await admin.query(`CREATE DATABASE ${dbName}`);
      const u = new URL(PG);
      u.pathname = `/${dbName}`;
      databaseUrl = u.toString();
    }
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PRESSDESK_DATA_DIR: dir,
      QUEUE_PREFIX: `e2e-${randomBytes(3).toString('hex')}`,
      FETCH_ALLOW_PRIVATE: 'true',
      LOG_LEVEL: 'warn',
      SMTP_URL: '',
      DATABASE_URL: databaseUrl ?? '',
    };
    if (!databaseUrl) delete env.DATABASE_URL;
    delete env.SMTP_URL;
    const opml = join(dir, 'feeds.opml');
    writeFileSync(opml, `<?xml version="1.0"?><opml version="2.0"><head><title>e2e</title></head><body>${urls.map((u, i) => `<outline type="rss" text="feed ${i}" xmlUrl="${u}"/>`).join('')}</body></opml>`);

    const profile = PROFILE ? ['--cpu-prof', '--cpu-prof-dir', PROFILE] : [];
    server = spawn(process.execPath, [...profile, BIN, 'start'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    const exited = new Promise<never>((_, reject) => server!.once('exit', (code) => reject(new Error(`e2e: pressdesk start exited (${code})`))));
    exited.catch(() => {});
    await Promise.race([exited, until('pressdesk start to answer /healthz', 180, async () => ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok ? true : undefined))]);
    db = databaseUrl ? openPostgres(databaseUrl) : await until('the admin socket', 30, async () => (existsSync(adminSocketPath(dir)) ? openRemote(adminSocketPath(dir)) : undefined));

    const t0 = performance.now();
    const imported = await runCli(env, ['sources', 'import', opml]);
    if (imported.code !== 0) throw new Error(`e2e: sources import failed: ${imported.out}`);
    let storedS = 0;
    let lastSay = 0;
    const doneS = await until('every item stored, tagged and placed in a story', 900, async () => {
      const [c] = await db!.query<{ total: string; processed: string; placed: string }>(
        `SELECT count(*) AS total, count(*) FILTER (WHERE processed_at IS NOT NULL) AS processed,
                count(*) FILTER (WHERE story_id IS NOT NULL OR duplicate_of IS NOT NULL) AS placed FROM items`,
      );
      const s = (performance.now() - t0) / 1000;
      const [total, processed, placed] = [Number(c!.total), Number(c!.processed), Number(c!.placed)];
      if (!storedS && total >= TOTAL) storedS = s;
      if (s - lastSay >= 10) {
        lastSay = s;
        process.stderr.write(`e2e ${kind}: ${s.toFixed(0)} s: ${total}/${TOTAL} stored, ${processed} tagged, ${placed} in stories\n`);
      }
      return total >= TOTAL && processed >= TOTAL && placed >= TOTAL ? s : undefined;
      // Once a second: on the embedded database this count runs on the server's main thread, and four a
      // second took time from the run being measured. The answer is at most a second late.
    }, 1000);

    // Warm: every source polled again through the running workers; all answer 304. The first round starts the
    // moment the cold one is done (background work may still run); later rounds show the steady state.
    const warm: Run['warm'] = [];
    for (let round = 0; round < WARM_ROUNDS; round++) {
      const [before] = await db.query<{ n: string }>('SELECT count(*) AS n FROM fetch_log');
      const tw = performance.now();
      const res = await runCli(env, ['poll', '--once', '--all']);
      const cliS = (performance.now() - tw) / 1000;
      if (res.code !== 0) throw new Error(`e2e: poll --once --all failed: ${res.out.slice(-500)}`);
      const [span] = await db.query<{ s: number; n: string }>(
        `SELECT extract(epoch FROM max(at + ms * interval '1 millisecond') - min(at))::float8 AS s, count(*) AS n FROM (SELECT at, ms FROM fetch_log ORDER BY id DESC LIMIT $1) w`,
        [FEEDS],
      );
      if (Number(span!.n) < FEEDS || Number(before!.n) < FEEDS) throw new Error('e2e: the warm round did not poll every source');
      warm.push({ s: Number(span!.s), cliS });
    }
    return { db: databaseUrl ? 'PostgreSQL' : 'embedded (PGlite)', storedS, doneS, warm, peakRssMb: peakRssMb(server.pid!) };
  } finally {
    await db?.close().catch(() => {});
    if (server && server.exitCode === null) {
      const gone = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      await gone;
    }
    if (admin) {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
      await admin.end();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

async function bench() {
  const feeds = await serveFeeds();
  try {
    const from = distIsFresh(ROOT) ? 'compiled dist/' : 'TypeScript sources via tsx (run `npm run build` for the compiled path)';
    console.log(`e2e bench: ${FEEDS} feeds x ${ITEMS} items over ${HOSTS} loopback hosts; pressdesk runs ${from}`);
    const peers: Record<string, PeerResult> = {};
    const peer = async (name: string) => {
      if (!PEERS.includes(name)) return;
      process.stderr.write(`e2e: ${name}…\n`);
      peers[name] = name === 'newsboat' ? await newsboatCold(feeds.urls) : await rss2emailCold(feeds.urls);
      // Said at once too, so a long run that is stopped later still leaves its figures.
      process.stderr.write(`e2e: ${name}: ${JSON.stringify(peers[name])}\n`);
    };
    await peer('newsboat');
    const runs: Run[] = [];
    for (const kind of DBS) {
      process.stderr.write(`e2e: pressdesk on ${kind}…\n`);
      runs.push(await runPressdesk(kind, feeds.urls));
      process.stderr.write(`e2e: pressdesk on ${kind}: ${JSON.stringify(runs.at(-1))}\n`);
    }
    await peer('rss2email');
    const nb = peers.newsboat && !('error' in peers.newsboat) ? peers.newsboat : undefined;
    for (const [name, r] of Object.entries(peers)) {
      if ('error' in r) console.log(`${name.padEnd(10)} not measured: ${r.error}`);
      else console.log(`${name.padEnd(10)} ${r.items} items stored in ${r.s.toFixed(1)} s, peak RSS ${r.peakRssMb?.toFixed(0)} MB`);
    }
    const pgRun = runs.find((r) => r.db === 'PostgreSQL');
    for (const r of runs) {
      const vsNb = nb ? ` = ${(r.doneS / nb.s).toFixed(2)}x newsboat's time (target < 0.5x)` : '';
      const vsPg = pgRun && r !== pgRun ? `; ${(r.doneS / pgRun.doneS).toFixed(2)}x PostgreSQL's (target < 1.5x)` : '';
      console.log(`pressdesk ${r.db}: all ${TOTAL} items stored in ${r.storedS.toFixed(1)} s, tagged and in stories in ${r.doneS.toFixed(1)} s${vsNb}${vsPg}`);
      const rounds = r.warm.map((w) => `${((w.s * 1000) / FEEDS).toFixed(2)} s (CLI ${w.cliS.toFixed(1)} s)`).join(', then ');
      console.log(`pressdesk ${r.db}: warm re-poll (all 304) per 1,000 feeds by the fetch log: ${rounds} (target < 1 s per 1,000); peak RSS ${r.peakRssMb.toFixed(0)} MB`);
    }
  } finally {
    feeds.close();
  }
}

if (process.argv.includes('--serve')) {
  // The feed server: one loopback server per host address, each serving its share of the feeds with ETags.
  const { feed } = feedMaker({ feeds: FEEDS, items: ITEMS });
  const headers = { 'content-type': 'application/rss+xml; charset=utf-8' };
  const origins: string[] = [];
  for (let h = 0; h < HOSTS; h++) {
    const routes = Object.fromEntries(
      Array.from({ length: FEEDS }, (_, f) => f)
        .filter((f) => f % HOSTS === h)
        .map((f) => [`/feed/${f}.xml`, { body: feed(f), etag: `"f${f}"`, headers }]),
    );
    origins.push((await startLoopbackServer(routes, { host: hostOf(h), keepAliveTimeoutMs: 5000 })).origin);
  }
  process.stdout.write(`${JSON.stringify(origins)}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
} else {
  await bench();
}
