// `npm run bench -- ingest [--feeds 1000] [--items 50] [--concurrency POLL_CONCURRENCY (48)] [--pg URL] [--queues] [--warm-rounds 7] [--mix news|dense] [--processes 1] [--newsboat]`
// A loopback server (a child process, so it never waits on the bench's own event loop) serves FEEDS
// synthesised RSS feeds of ITEMS full-text items each (ETag on every feed).
//   cold: every source polled once through pollSource — the poll-source worker's code: fetch, decode, parse,
//         normalize, one-statement insert, inline tagging, and clustering into stories — items/s;
//   warm: every source polled again (--warm-rounds times, median reported): all 304s — feeds/s;
//   changed: every feed then gains one entry (and drops its oldest): one round — feeds/s.
// Also the bench process's CPU per item and per feed: steadier than wall time on a shared, loaded machine.
// Baseline from the same run: rss-parser's raw parse rate over the same feed bodies (items/s, no storage).
// --newsboat: also the issue's reference client on the same feeds just before and just after the cold round
// — `newsboat -x reload`, 8 reload threads, a fresh cache each time — so "twice newsboat" is a same-window
// ratio on whatever machine runs it (against the mean of the two: this host's speed drifts within a minute).
// Debian: apt-get install newsboat.
// PostgreSQL with --pg URL (or TEST_DATABASE_URL), a throwaway schema; else in-memory PGlite.
// --processes N (PostgreSQL only): the polls run in N worker processes sharing the sources and the database, as
// `pressdesk worker` scales out; --concurrency is then the total in flight, split between them.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import Parser from 'rss-parser';
import { createMailer } from '../src/adapters/mailer.ts';
import { createParsePool } from '../src/adapters/parse-pool.ts';
import { createQueues, startWorker } from '../src/adapters/queues.ts';
import { loadConfig } from '../src/config.ts';
import { type Db, openPostgres } from '../src/storage/db.ts';
import { addSource } from '../src/storage/sources.ts';
import { type RouteSpec, startLoopbackServer } from '../tests/helpers/loopback-server.ts';
import type { IngestDeps } from '../src/services/deps.ts';
import { type PollSummary, pollSource } from '../src/services/poll-source.ts';
import { type Mix, feedMaker } from './_feeds.ts';
import { newsboatCold } from './_peers.ts';
import { openBenchDb } from './_db.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const config = loadConfig({ ...process.env, FETCH_ALLOW_PRIVATE: 'true', LOG_LEVEL: 'silent' });
const FEEDS = Number(arg('feeds', '1000'));
const ITEMS = Number(arg('items', '50'));
const CONCURRENCY = Number(arg('concurrency', String(config.pollConcurrency)));
const PG = arg('pg', config.testDatabaseUrl ?? '');
const PROCESSES = Math.max(1, Number(arg('processes', '1')));
const MIX = arg('mix', 'news') as Mix;

const { feed } = feedMaker({ feeds: FEEDS, items: ITEMS, mix: MIX });

const openDb = () => openBenchDb(PG);

async function pool<T>(list: T[], n: number, fn: (x: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < list.length) await fn(list[next++]!);
  }));
}

const bodies = Array.from({ length: FEEDS }, (_, f) => feed(f));

if (process.argv.includes('--serve')) {
  // GET /grow switches every feed to its grown version, for the changed round.
  let grown: string[] | undefined;
  const headers = { 'content-type': 'application/rss+xml; charset=utf-8' };
  const routes: Record<string, RouteSpec> = Object.fromEntries(
    bodies.map((body, f) => [`/feed/${f}.xml`, () => (grown ? { body: grown[f], etag: `"g${f}"`, headers } : { body, etag: `"f${f}"`, headers })]),
  );
  routes['/grow'] = () => {
    grown ??= bodies.map((_, f) => feed(f, true));
    return { body: 'grown' };
  };
  const srv = await startLoopbackServer(routes, { keepAliveTimeoutMs: 5000 });
  process.stdout.write(`${srv.origin}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0)); // the bench closed our stdin: done
} else if (process.argv.includes('--part')) {
  await part();
} else {
  await bench();
}

/** Starts this file with --serve in a child process; resolves to its origin. */
async function serveElsewhere() {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--serve', '--feeds', String(FEEDS), '--items', String(ITEMS), '--mix', MIX], { stdio: ['pipe', 'pipe', 'inherit'] });
  const origin = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (c: Buffer) => resolve(c.toString().trim()));
    child.once('exit', (code) => reject(new Error(`bench: the feed server exited (${code})`)));
  });
  const close = () =>
    new Promise<void>((r) => {
      child.once('exit', () => r());
      child.stdin.end();
    });
  return { url: (p: string) => origin + p, close, pid: child.pid };
}

function runtime(db: Db, redis: Redis): IngestDeps {
  return {
    db,
    queues: createQueues(redis, `bench-${randomBytes(3).toString('hex')}`),
    config,
    now: () => new Date(),
    mailer: createMailer({ from: 'bench@localhost', outboxDir: '/tmp/pressdesk-bench-outbox' }),
    parsePool: createParsePool({ size: config.parseWorkers, timeLimitMs: config.parseTimeoutMs }),
  };
}

function cpu() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

interface Round {
  stored: number;
  notModified: number;
  errors: string[];
  cpu: number;
}

/** One round over some sources, whichever way they are polled: counts and this process's CPU. Where the time
 *  goes inside a round: run the bench under `node --cpu-prof`. */
async function measureRound(run: (each: (s: PollSummary) => void) => Promise<unknown>): Promise<Round> {
  const r: Round = { stored: 0, notModified: 0, errors: [], cpu: 0 };
  const c0 = cpu();
  await run((s) => {
    r.stored += s.newItems;
    if (s.result === 'not_modified') r.notModified++;
    if (s.error) r.errors.push(s.error);
  });
  return { ...r, cpu: cpu() - c0 };
}

/** One of --processes N worker processes: polls its share of the sources for each line the bench writes on
 *  stdin, and answers with a Round as a JSON line. */
async function part() {
  const [i, n] = arg('part', '0/1').split('/').map(Number) as [number, number];
  const db = openPostgres(PG, { schema: arg('schema', '') });
  const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: null });
  const rt = runtime(db, redis);
  const all = await db.query<{ id: number }>('SELECT id FROM sources ORDER BY id');
  const ids = all.map((r) => Number(r.id)).filter((_, k) => k % n === i);
  process.stdout.write('{"ready":true}\n');
  for await (const _ of createInterface({ input: process.stdin })) {
    const r = await measureRound((each) => pool(ids, CONCURRENCY, async (id) => each(await pollSource(rt, id))));
    process.stdout.write(`${JSON.stringify(r)}\n`);
  }
  await rt.queues.close();
  await rt.parsePool.close();
  redis.disconnect();
  await db.close();
}

/** Starts the worker processes; round() runs one round in all of them and sums their answers. */
function startParts(n: number, schema: string) {
  const per = String(Math.max(1, Math.round(CONCURRENCY / n)));
  const children = Array.from({ length: n }, (_, i) => {
    // The bench's own Node flags (npm run bench passes the young-generation size `npm start` runs with).
    const args = [...process.execArgv, new URL(import.meta.url).pathname, '--part', `${i}/${n}`, '--schema', schema, '--pg', PG, '--concurrency', per];
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    const waiting: { resolve: (r: Round) => void; reject: (e: Error) => void }[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.resolve(JSON.parse(line) as Round));
    child.once('exit', (code) => {
      for (const w of waiting.splice(0)) w.reject(new Error(`bench: worker process ${i} exited (${code})`));
    });
    return { child, next: () => new Promise<Round>((resolve, reject) => waiting.push({ resolve, reject })) };
  });
  const ready = Promise.all(children.map((c) => c.next()));
  return {
    ready,
    async round(): Promise<Round> {
      const answers = children.map((c) => c.next());
      for (const c of children) c.child.stdin.write('round\n');
      const rs = await Promise.all(answers);
      return {
        stored: rs.reduce((a, r) => a + r.stored, 0),
        notModified: rs.reduce((a, r) => a + r.notModified, 0),
        errors: rs.flatMap((r) => r.errors),
        cpu: rs.reduce((a, r) => a + r.cpu, 0),
      };
    },
    close: () =>
      Promise.all(children.map((c) => new Promise<void>((r) => {
        c.child.once('exit', () => r());
        c.child.stdin.end();
      }))),
  };
}

async function bench() {
if (PROCESSES > 1 && !PG) throw new Error('bench: --processes needs PostgreSQL (--pg URL): PGlite lives inside one process');
const srv = await serveElsewhere();
const store = await openDb();
const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: null });
const rt = runtime(store.db, redis);

const ids: number[] = [];
for (let f = 0; f < FEEDS; f++) ids.push((await addSource(store.db, { url: srv.url(`/feed/${f}.xml`), name: `feed ${f}` })).source.id);

// Baseline: rss-parser's raw parse over the same bodies (a sample of 200 feeds keeps the run short).
const parser = new Parser();
const sample = bodies.slice(0, Math.min(200, FEEDS));
// Median of three passes (after one to warm the JIT): a single pass swung 2x with the machine's load.
const passes: number[] = [];
let t = 0;
for (let pass = 0; pass < 4; pass++) {
  t = performance.now();
  for (const b of sample) await parser.parseString(b);
  if (pass) passes.push((sample.length * ITEMS) / ((performance.now() - t) / 1000));
}
const baseline = passes.sort((a, b) => a - b)[1]!;
const NEWSBOAT = process.argv.includes('--newsboat');
const feedUrls = ids.map((_, f) => srv.url(`/feed/${f}.xml`));
const newsboatBefore = NEWSBOAT ? await newsboatCold(feedUrls) : undefined;

// --queues: each poll is a real BullMQ job taken by an in-process poll-source worker (the `poll --once` path);
// otherwise a plain pool of concurrent pollSource calls.
const QUEUES = process.argv.includes('--queues');
let onResult: (r: PollSummary) => void = () => {};
const worker = QUEUES
  ? startWorker('poll-source', async (job) => {
      const r = await pollSource(rt, job.data.sourceId);
      onResult(r);
      return r.result;
    }, { connection: redis, prefix: rt.queues.prefix, concurrency: CONCURRENCY })
  : undefined;
let round = 0;
async function pollAll(each: (r: PollSummary) => void) {
  if (!QUEUES) return pool(ids, CONCURRENCY, async (id) => each(await pollSource(rt, id)));
  round++;
  await new Promise<void>((resolve) => {
    let left = ids.length;
    onResult = (r) => {
      each(r);
      if (--left === 0) resolve();
    };
    void rt.queues.get('poll-source').addBulk(ids.map((sourceId) => ({ name: 'poll-source', data: { sourceId }, opts: { jobId: `bench-${round}-${sourceId}` } })));
  });
}

const parts = PROCESSES > 1 ? startParts(PROCESSES, store.schema!) : undefined;
await parts?.ready;
/** One round over every source, here or in the worker processes. */
const pollRound = (): Promise<Round> => (parts ? parts.round() : measureRound(pollAll));

// The whole machine's busy and idle CPU seconds (Linux /proc/stat; null elsewhere): the bench process is only
// one of three busy parties (PostgreSQL, the feed server), and idle time says the run was not CPU-bound.
const machine = (): { busy: number; idle: number } | null => {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const hz = 100;
    return { busy: (f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!) / hz, idle: (f[3]! + f[4]!) / hz };
  } catch {
    return null;
  }
};
// CPU seconds of the processes named `postgres` on this machine (a local server) and of the feed server.
const procCpu = (match: (comm: string, pid: number) => boolean): number => {
  let ticks = 0;
  try {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const st = readFileSync(`/proc/${d}/stat`, 'utf8');
        const comm = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
        if (!match(comm, Number(d))) continue;
        const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
        ticks += Number(f[11]) + Number(f[12]);
      } catch {}
    }
  } catch {}
  return ticks / 100;
};
const partyCpu = () => ({ pg: procCpu((c) => c === 'postgres'), server: procCpu((_, pid) => pid === srv.pid) });
const p0 = partyCpu();
const m0 = machine();
t = performance.now();
const coldRound = await pollRound();
const coldS = (performance.now() - t) / 1000;
const m1 = machine();
const p1 = partyCpu();
const coldMachine = m0 && m1 ? { busy: m1.busy - m0.busy, idle: m1.idle - m0.idle } : null;
const { stored, errors, cpu: coldCpu } = coldRound;
const newsboatAfter = newsboatBefore && !('error' in newsboatBefore) ? await newsboatCold(feedUrls) : newsboatBefore;
const newsboat =
  newsboatBefore && newsboatAfter && !('error' in newsboatBefore) && !('error' in newsboatAfter)
    ? { s: (newsboatBefore.s + newsboatAfter.s) / 2, items: newsboatBefore.items, runs: [newsboatBefore.s, newsboatAfter.s] }
    : newsboatAfter;

// Warm rounds (--warm-rounds N, default 7; at most 10 so none reaches the every-12th unconditional fetch):
// the median round is reported, and every round listed. The first one or two after the cold round run at about
// half the later rounds' speed: the bench process's CPU per 304 falls from 400–1,100 to 170–400 µs over the
// first three (V8 optimising the 304 path, which the cold round never took). A worker re-polls all day, so the
// median of 7 is the steady state, and the list shows the start.
const WARM_ROUNDS = Math.min(10, Number(arg('warm-rounds', '7')));
const warmRuns: { s: number; cpu: number; pg: number; notModified: number }[] = [];
for (let w = 0; w < WARM_ROUNDS; w++) {
  const pg0 = partyCpu().pg;
  t = performance.now();
  const r = await pollRound();
  warmRuns.push({ s: (performance.now() - t) / 1000, cpu: r.cpu, pg: partyCpu().pg - pg0, notModified: r.notModified });
}
const { s: warmS, cpu: warmCpu, notModified } = [...warmRuns].sort((a, b) => a.s - b.s)[warmRuns.length >> 1]!;

// The changed round: every feed gained one story and dropped its oldest (a typical poll that finds news).
await fetch(srv.url('/grow'));
t = performance.now();
const changed = await pollRound();
const changedS = (performance.now() - t) / 1000;
await parts?.close();
if (worker) {
  await worker.stop(1000);
  (worker.worker.opts.connection as { disconnect?: () => void }).disconnect?.();
}

const [{ n: topics }] = (await store.db.query<{ n: number }>('SELECT count(DISTINCT item_id)::int AS n FROM item_topics')) as [{ n: number }];
const cold = stored / coldS;
if (errors.length) console.log(`${errors.length} polls failed, e.g. ${errors[0]}`);
console.log(`ingest bench: ${FEEDS} feeds x ${ITEMS} items (--mix ${MIX}) over loopback, ${store.label}, ${CONCURRENCY} polls at a time${PROCESSES > 1 ? ` in ${PROCESSES} worker processes` : ''}${QUEUES ? ' as BullMQ jobs' : ''}, clustering into stories included`);
console.log(`baseline  rss-parser raw parse          ${baseline.toFixed(0).padStart(8)} items/s (no fetch, no storage)`);
console.log(`cold      fetch+parse+store+tag         ${cold.toFixed(0).padStart(8)} items/s  = ${(cold / baseline).toFixed(2)}x baseline  (${stored} items stored, ${topics} tagged, ${coldS.toFixed(1)} s)`);
if (newsboat && 'error' in newsboat) console.log(`newsboat  not measured: ${newsboat.error}`);
else if (newsboat) {
  const nb = newsboat.items / newsboat.s;
  const when = 'runs' in newsboat ? `mean of ${newsboat.runs.map((r) => r.toFixed(1)).join(' s before and ')} s after the cold round` : 'before the cold round';
  console.log(`newsboat  cold, 8 reload threads        ${nb.toFixed(0).padStart(8)} items/s (${newsboat.items} items, ${newsboat.s.toFixed(1)} s: ${when}): pressdesk cold = ${(cold / nb).toFixed(2)}x newsboat (target 2x)`);
}
console.log(`warm      re-poll, all 304              ${(FEEDS / warmS).toFixed(0).padStart(8)} feeds/s (${notModified}/${FEEDS} not modified, ${warmS.toFixed(2)} s; median of ${WARM_ROUNDS} rounds: ${warmRuns.map((r) => (FEEDS / r.s).toFixed(0)).join(', ')})`);
console.log(`warm      CPU per 304, by round         pressdesk ${warmRuns.map((r) => ((r.cpu * 1e6) / FEEDS).toFixed(0)).join(', ')} us; postgres ${warmRuns.map((r) => (r.pg < 0 ? '?' : ((r.pg * 1e6) / FEEDS).toFixed(0))).join(', ')} us (? = a pooled connection closed mid-round)`);
if (newsboat && !('error' in newsboat) && FEEDS === 1000 && ITEMS === 50) {
  // The issue's machine refreshed these 1,000 x 50 feeds with newsboat in 24.8 s; scaling its 2,000 feeds/s by
  // this run's newsboat time says what the warm target is worth on this host now. (newsboat's own warm refresh
  // is no baseline: here it took 2.5x its cold time, where the issue measured 0.7x.)
  const scaled = 2000 * (24.8 / newsboat.s);
  console.log(`warm      target on this host now       ${scaled.toFixed(0).padStart(8)} feeds/s (2,000 x 24.8 s / newsboat's ${newsboat.s.toFixed(1)} s): pressdesk warm = ${(FEEDS / warmS / scaled).toFixed(2)}x that`);
}
console.log(`changed   one new entry in each feed    ${(FEEDS / changedS).toFixed(0).padStart(8)} feeds/s (${changed.stored} items stored, ${changedS.toFixed(2)} s; ${((changedS / coldS) * 100).toFixed(0)} % of the cold round's time; cpu ${((changed.cpu * 1e6) / FEEDS).toFixed(0)} us/feed)`);
// CPU of this process (all its threads), which a loaded machine disturbs less than wall time.
console.log(`cpu       ${PROCESSES > 1 ? 'worker processes       ' : 'bench process          '}       cold ${coldCpu.toFixed(1)} s = ${((coldCpu * 1e6) / Math.max(1, stored)).toFixed(0)} us/item; warm ${warmCpu.toFixed(2)} s = ${((warmCpu * 1e6) / FEEDS).toFixed(0)} us/feed`);
if (coldMachine) {
  console.log(`cpu       machine, cold                 ${coldMachine.busy.toFixed(1)} s busy = ${((coldMachine.busy * 1e6) / Math.max(1, stored)).toFixed(0)} us/item (pressdesk, PostgreSQL, the feed server, anything else running); ${coldMachine.idle.toFixed(1)} s idle`);
  console.log(`cpu       others, cold                  postgres processes ${(p1.pg - p0.pg).toFixed(1)} s = ${(((p1.pg - p0.pg) * 1e6) / Math.max(1, stored)).toFixed(0)} us/item (0 when the server is elsewhere); feed server ${(p1.server - p0.server).toFixed(1)} s`);
}

await srv.close();
await rt.queues.close();
await rt.parsePool.close();
redis.disconnect();
await store.close();
}
