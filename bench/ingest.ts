// `npm run bench -- ingest [--feeds 1000] [--items 50] [--concurrency 16] [--pg URL] [--stories] [--queues]`
// A loopback server (a child process, so it never waits on the bench's own event loop) serves FEEDS
// synthesised RSS feeds of ITEMS full-text items each (ETag on every feed).
//   cold: every source polled once through pollSource — the poll-source worker's code: fetch, decode, parse,
//         normalize, one-statement insert, inline tagging — items/s; with --stories also the after-tagged
//         hook (clustering into stories, the next stage), which is left out by default;
//   warm: every source polled again: all 304s — feeds/s.
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

function text(seed: number, words: number): string {
  let x = seed * 2654435761;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out.push(WORDS[x % WORDS.length]!);
  }
  return out.join(' ');
}

function feed(f: number): string {
  const items: string[] = [];
  for (let i = 0; i < ITEMS; i++) {
    const n = f * ITEMS + i;
    items.push(
      `<item><guid isPermaLink="false">bench-${n}</guid><title>${text(n, 9)}</title><link>https://news.example/${f}/${i}</link>` +
        `<description>&lt;p&gt;${text(n + 7, 90)}&lt;/p&gt;</description><pubDate>Thu, 19 Nov 2026 08:${String(i % 60).padStart(2, '0')}:00 GMT</pubDate>` +
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
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--serve', '--feeds', String(FEEDS), '--items', String(ITEMS)], { stdio: ['pipe', 'pipe', 'inherit'] });
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
let t = performance.now();
for (const b of sample) await parser.parseString(b);
const baseline = (sample.length * ITEMS) / ((performance.now() - t) / 1000);

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

t = performance.now();
let stored = 0;
const errors: string[] = [];
await pollAll((r) => {
  stored += r.newItems;
  if (r.error) errors.push(r.error);
});
const coldS = (performance.now() - t) / 1000;
const coldProfile = { ...profile };
for (const k of Object.keys(profile)) delete profile[k];

t = performance.now();
let notModified = 0;
await pollAll((r) => {
  if (r.result === 'not_modified') notModified++;
});
const warmS = (performance.now() - t) / 1000;
if (worker) {
  await worker.stop(1000);
  (worker.worker.opts.connection as { disconnect?: () => void }).disconnect?.();
}

const [{ n: topics }] = (await store.db.query<{ n: number }>('SELECT count(DISTINCT item_id)::int AS n FROM item_topics')) as [{ n: number }];
const cold = stored / coldS;
if (errors.length) console.log(`${errors.length} polls failed, e.g. ${errors[0]}`);
console.log(`ingest bench: ${FEEDS} feeds x ${ITEMS} items over loopback, ${store.label}, ${CONCURRENCY} polls at a time${QUEUES ? ' as BullMQ jobs' : ''}, stories hook ${rt.skipAfterTagged ? 'off (--stories to include it)' : 'on'}`);
console.log(`baseline  rss-parser raw parse          ${baseline.toFixed(0).padStart(8)} items/s (no fetch, no storage)`);
console.log(`cold      fetch+parse+store+tag         ${cold.toFixed(0).padStart(8)} items/s  = ${(cold / baseline).toFixed(2)}x baseline  (${stored} items stored, ${topics} tagged, ${coldS.toFixed(1)} s)`);
console.log(`warm      re-poll, all 304              ${(FEEDS / warmS).toFixed(0).padStart(8)} feeds/s (${notModified}/${FEEDS} not modified, ${warmS.toFixed(2)} s)`);
const show = (label: string, p: Record<string, number>, wall: number) => {
  const total = Object.values(p).reduce((a, b) => a + b, 0);
  console.log(`profile (${label}): per-stage ms summed over concurrent polls (sum ${total.toFixed(0)} ms; wall ${(wall * 1000).toFixed(0)} ms)`);
  for (const [k, v] of Object.entries(p).sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(30)} ${v.toFixed(0).padStart(8)} ms  ${((100 * v) / total).toFixed(1).padStart(5)} %`);
};
show('cold', coldProfile, coldS);
show('warm', profile, warmS);

await srv.close();
await rt.queues.close();
redis.disconnect();
await store.close();
}
