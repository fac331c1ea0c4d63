// `npm run bench -- ingest [--feeds 1000] [--items 50] [--concurrency 16] [--pg URL] [--stories] [--queues] [--warm-rounds 3] [--mix news|dense]`
// A loopback server (a child process, so it never waits on the bench's own event loop) serves FEEDS
// synthesised RSS feeds of ITEMS full-text items each (ETag on every feed).
//   cold: every source polled once through pollSource — the poll-source worker's code: fetch, decode, parse,
//         normalize, one-statement insert, inline tagging — items/s; with --stories also the after-tagged
//         hook (clustering into stories, the next stage), which is left out by default;
//   warm: every source polled again (--warm-rounds times, median reported): all 304s — feeds/s.
// Also the bench process's CPU per item and per feed: steadier than wall time on a shared, loaded machine.
// Baseline from the same run: rss-parser's raw parse rate over the same feed bodies (items/s, no storage).
// PostgreSQL with --pg URL (or TEST_DATABASE_URL), a throwaway schema; else in-memory PGlite.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import Parser from 'rss-parser';
import { createMailer } from '../src/adapters/mailer.ts';
import { createQueues, startWorker } from '../src/adapters/queues.ts';
import { loadConfig } from '../src/config.ts';
import { type Db, openPglite, openPostgres } from '../src/storage/db.ts';
import { migrate } from '../src/storage/migrate.ts';
import { addSource } from '../src/storage/sources.ts';
import { startLoopbackServer } from '../tests/helpers/loopback-server.ts';
import { type PollSummary, pollSource } from '../workers/poll-source.ts';
import type { IngestRuntime } from '../workers/process-item.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const config = loadConfig({ ...process.env, FETCH_ALLOW_PRIVATE: 'true', LOG_LEVEL: 'silent' });
const FEEDS = Number(arg('feeds', '1000'));
const ITEMS = Number(arg('items', '50'));
const CONCURRENCY = Number(arg('concurrency', '16'));
const PG = arg('pg', config.testDatabaseUrl ?? '');

const WORDS = ('probation officer prison governor court hearing parole board youth justice family court cafcass caseload staff ' +
  'union napo inspectorate report minister announcement funding crisis shortage recruitment violence drugs release licence ' +
  'sentence magistrates crown tribunal backlog reform council housing hospital school transport weather football').split(' ');

// --mix news (default): items read like a news day. Most stories are about something else, 1 in 7 is a justice
// story (a few of the words above among the rest), and 3 in 10 items are syndicated copies of a story another
// feed also carries, with a word or two changed. --mix dense: every word from the justice list above, as the
// earlier runs in docs/ingestion.md had (every item matches every topic; the titles make a handful of giant
// stories).
const MIX = arg('mix', 'news');
const SYLLABLES = 'ba ko ri tu me sa lo vi ne da po ga ru fi ke mo ta zu'.split(' ');
const VOCAB = Array.from({ length: 4000 }, (_, i) => SYLLABLES[i % 18]! + SYLLABLES[Math.floor(i / 18) % 18]! + SYLLABLES[Math.floor(i / 324) % 18]!);

function rng(seed: number): () => number {
  let x = (seed * 2654435761) >>> 0;
  return () => {
    x = (x * 1103515245 + 12345) >>> 0;
    return x;
  };
}

function dense(seed: number, words: number): string {
  const next = rng(seed);
  return Array.from({ length: words }, () => WORDS[next() % WORDS.length]!).join(' ');
}

/** `words` words of story `story`, as item `item` tells it: ~1 word in 8 its own. */
function news(story: number, item: number, words: number): string {
  const base = rng(story);
  const own = rng(item + 1e9);
  const justice = story % 7 === 0;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    const b = base();
    if (justice && b % 11 === 0) out.push(WORDS[(b >>> 8) % 30]!);
    else out.push(VOCAB[(own() % 8 === 0 ? own() : b >>> 4) % VOCAB.length]!);
  }
  return out.join(' ');
}

/** Title and description of item n: its own story, or (3 in 10) a copy of a story shared across feeds. */
function item(n: number): { title: string; description: string } {
  if (MIX === 'dense') return { title: dense(n, 9), description: dense(n + 7, 90) };
  const r = rng(n)();
  const story = r % 10 < 3 ? 1e8 + (r >>> 8) % Math.max(1, Math.floor((FEEDS * ITEMS) / 20)) : n;
  return { title: news(story, n, 9), description: news(story + 5e8, n, 90) };
}

function feed(f: number): string {
  const items: string[] = [];
  for (let i = 0; i < ITEMS; i++) {
    const n = f * ITEMS + i;
    const it = item(n);
    items.push(
      `<item><guid isPermaLink="false">bench-${n}</guid><title>${it.title}</title><link>https://news.example/${f}/${i}</link>` +
        `<description>&lt;p&gt;${it.description}&lt;/p&gt;</description><pubDate>Thu, 19 Nov 2026 08:${String(i % 60).padStart(2, '0')}:00 GMT</pubDate>` +
        `<category>Justice</category></item>`,
    );
  }
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed ${f}</title><link>https://news.example/${f}</link>${items.join('')}</channel></rss>`;
}

async function openDb(): Promise<{ db: Db; label: string; close(): Promise<void> }> {
  if (!PG) {
    const db = await openPglite();
    await migrate(db);
    return { db, label: 'PGlite (in memory)', close: () => db.close() };
  }
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const db = openPostgres(PG, { schema, max: CONCURRENCY });
  await migrate(db);
  return {
    db,
    label: `PostgreSQL ${new URL(PG).host}`,
    async close() {
      await db.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

async function pool<T>(list: T[], n: number, fn: (x: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < list.length) await fn(list[next++]!);
  }));
}

const bodies = Array.from({ length: FEEDS }, (_, f) => feed(f));

if (process.argv.includes('--serve')) {
  const routes = Object.fromEntries(bodies.map((body, f) => [`/feed/${f}.xml`, { body, etag: `"f${f}"`, headers: { 'content-type': 'application/rss+xml; charset=utf-8' } }]));
  const srv = await startLoopbackServer(routes);
  process.stdout.write(`${srv.origin}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0)); // the bench closed our stdin: done
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
  return { url: (p: string) => origin + p, close };
}

async function bench() {
const srv = await serveElsewhere();
const store = await openDb();
const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: null });
const profile: Record<string, number> = {};
const rt: IngestRuntime = {
  db: store.db,
  queues: createQueues(redis, `bench-${randomBytes(3).toString('hex')}`),
  config,
  now: () => new Date(),
  mailer: createMailer({ from: 'bench@localhost', outboxDir: '/tmp/pressdesk-bench-outbox' }),
  profile,
  skipAfterTagged: !process.argv.includes('--stories'),
};

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

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
let c0 = cpu();
t = performance.now();
let stored = 0;
const errors: string[] = [];
await pollAll((r) => {
  stored += r.newItems;
  if (r.error) errors.push(r.error);
});
const coldS = (performance.now() - t) / 1000;
const coldCpu = cpu() - c0;
const coldProfile = { ...profile };
for (const k of Object.keys(profile)) delete profile[k];

// Warm rounds (--warm-rounds N, default 3; at most 10 so none reaches the every-12th unconditional fetch):
// the median round is reported.
const WARM_ROUNDS = Math.min(10, Number(arg('warm-rounds', '3')));
const warmRuns: { s: number; cpu: number; notModified: number }[] = [];
for (let w = 0; w < WARM_ROUNDS; w++) {
  for (const k of Object.keys(profile)) delete profile[k];
  c0 = cpu();
  t = performance.now();
  let n304 = 0;
  await pollAll((r) => {
    if (r.result === 'not_modified') n304++;
  });
  warmRuns.push({ s: (performance.now() - t) / 1000, cpu: cpu() - c0, notModified: n304 });
}
const { s: warmS, cpu: warmCpu, notModified } = [...warmRuns].sort((a, b) => a.s - b.s)[warmRuns.length >> 1]!;
if (worker) {
  await worker.stop(1000);
  (worker.worker.opts.connection as { disconnect?: () => void }).disconnect?.();
}

const [{ n: topics }] = (await store.db.query<{ n: number }>('SELECT count(DISTINCT item_id)::int AS n FROM item_topics')) as [{ n: number }];
const cold = stored / coldS;
if (errors.length) console.log(`${errors.length} polls failed, e.g. ${errors[0]}`);
console.log(`ingest bench: ${FEEDS} feeds x ${ITEMS} items (--mix ${MIX}) over loopback, ${store.label}, ${CONCURRENCY} polls at a time${QUEUES ? ' as BullMQ jobs' : ''}, stories hook ${rt.skipAfterTagged ? 'off (--stories to include it)' : 'on'}`);
console.log(`baseline  rss-parser raw parse          ${baseline.toFixed(0).padStart(8)} items/s (no fetch, no storage)`);
console.log(`cold      fetch+parse+store+tag         ${cold.toFixed(0).padStart(8)} items/s  = ${(cold / baseline).toFixed(2)}x baseline  (${stored} items stored, ${topics} tagged, ${coldS.toFixed(1)} s)`);
console.log(`warm      re-poll, all 304              ${(FEEDS / warmS).toFixed(0).padStart(8)} feeds/s (${notModified}/${FEEDS} not modified, ${warmS.toFixed(2)} s; median of ${WARM_ROUNDS} rounds: ${warmRuns.map((r) => (FEEDS / r.s).toFixed(0)).join(', ')})`);
// CPU of this process (all its threads), which a loaded machine disturbs less than wall time.
console.log(`cpu       bench process                 cold ${coldCpu.toFixed(1)} s = ${((coldCpu * 1e6) / Math.max(1, stored)).toFixed(0)} us/item; warm ${warmCpu.toFixed(2)} s = ${((warmCpu * 1e6) / FEEDS).toFixed(0)} us/feed`);
const show = (label: string, p: Record<string, number>, wall: number) => {
  const total = Object.values(p).reduce((a, b) => a + b, 0);
  console.log(`profile (${label}): per-stage ms summed over concurrent polls (sum ${total.toFixed(0)} ms; wall ${(wall * 1000).toFixed(0)} ms)`);
  for (const [k, v] of Object.entries(p).sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(30)} ${v.toFixed(0).padStart(8)} ms  ${((100 * v) / total).toFixed(1).padStart(5)} %`);
};
show('cold', coldProfile, coldS);
show('warm, last round', profile, warmRuns[warmRuns.length - 1]!.s);

await srv.close();
await rt.queues.close();
redis.disconnect();
await store.close();
}
