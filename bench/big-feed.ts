// `npm run bench -- big-feed [--items 50000] [--pg URL] [--limits default|off|both] [--bytes N]`
// One poll of one huge feed: the peak RSS of the process that polls it. A loopback server in this process serves
// an RSS 2.0 feed of ITEMS short teasers (~190 bytes each: 50,000 of them are 9.5 MB, under the fetcher's 10 MB
// cap), with dates spread over a year in shuffled order; each poll runs in a child process of its own (so
// its peak RSS is its own) through pollSource — the poll-source worker's code: fetch, decode, parse, keep the
// newest, store, tag, queue process-item jobs on real Redis under a throwaway prefix. The child reports its
// peak RSS (getrusage) before and after the poll, the poll's outcome and the process-item jobs it queued.
// One more child only decodes and parses the same body: the part of the peak that is the parser's.
//   --limits default: the settings as shipped; off: MAX_ITEMS_PER_POLL=0, MAX_PAGE_FETCHES_PER_POLL=0 (no
//   limits: every entry stored and every teaser queued); both (the default): off, then default, same run.
//   --bytes N: pad the descriptions so the feed is N bytes (e.g. 25000000: what the fetcher refuses).
// PostgreSQL with --pg URL (or TEST_DATABASE_URL): pressdesk's memory alone; else PGlite in the same process,
// as `pressdesk start` runs by default (its memory then counts too), on a data directory migrated beforehand
// by another process, as a running deployment's is (migrating a fresh in-memory PGlite alone peaks ~0.9 GB).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { fetchUrl } from '../src/adapters/fetch.ts';
import { createMailer } from '../src/adapters/mailer.ts';
import { createParsePool } from '../src/adapters/parse-pool.ts';
import { createQueues } from '../src/adapters/queues.ts';
import { loadConfig } from '../src/config.ts';
import { decode } from '../src/pipeline/decode.ts';
import { parse } from '../src/pipeline/parse.ts';
import { type Db, openPglite } from '../src/storage/db.ts';
import { migrate } from '../src/storage/migrate.ts';
import { addSource } from '../src/storage/sources.ts';
import { pollSource } from '../src/services/poll-source.ts';
import { startLoopbackServer } from '../tests/helpers/loopback-server.ts';
import { openBenchDb } from './_db.ts';
import { dropPrefix } from './_redis.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const ITEMS = Number(arg('items', '50000'));
const BYTES = Number(arg('bytes', '0'));
const PG = arg('pg', process.env.TEST_DATABASE_URL ?? '');
const PGLITE_DIR = process.env.BIG_FEED_PGLITE_DIR;
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function feed(): string {
  const base = Date.UTC(2026, 10, 19, 8);
  // A fixed shuffle of the dates, so "newest" is not simply "first".
  let x = 12345;
  const next = () => {
    x = (x * 1103515245 + 12345) >>> 0;
    return x;
  };
  const pad = BYTES ? 'x'.repeat(Math.max(0, Math.floor(BYTES / ITEMS) - 190)) : '';
  const items: string[] = [];
  for (let i = 0; i < ITEMS; i++) {
    const at = new Date(base - (next() % (365 * 24 * 60)) * 60_000).toUTCString();
    items.push(`<item><guid>big-${i}</guid><title>Probation story ${i}</title><link>https://news.example/s/${i}</link><description>Teaser ${i}.${pad}</description><pubDate>${at}</pubDate></item>`);
  }
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Big</title><link>https://news.example/</link>${items.join('')}</channel></rss>`;
}

async function child(url: string) {
  const config = loadConfig({ ...process.env, FETCH_ALLOW_PRIVATE: 'true', LOG_LEVEL: 'silent' });
  const prefix = `bench_${randomBytes(4).toString('hex')}`;
  const redis = new Redis(REDIS, { maxRetriesPerRequest: null });
  const queues = createQueues(redis, prefix);
  const parsePool = createParsePool({ size: config.parseWorkers, timeLimitMs: config.parseTimeoutMs });
  let store: { db: Db; close(): Promise<void> };
  if (PG) store = await openBenchDb(PG);
  else {
    const db = await openPglite(PGLITE_DIR);
    store = { db, close: () => db.close() };
  }
  const rssAtStart = process.resourceUsage().maxRSS;
  try {
    const { source } = await addSource(store.db, { url, name: 'big' });
    const started = performance.now();
    const r = await pollSource({ db: store.db, queues, config, now: () => new Date('2026-11-20T10:00:00Z'), mailer: createMailer({ from: 'bench@localhost', outboxDir: '/tmp/pressdesk-bench-outbox' }), parsePool }, source.id);
    const ms = performance.now() - started;
    const jobs = await queues.get('process-item').count();
    const [stored] = await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM items');
    console.log(
      JSON.stringify({
        peakMb: process.resourceUsage().maxRSS / 1024,
        startMb: rssAtStart / 1024,
        ms: Math.round(ms),
        result: r.result,
        error: r.error,
        newItems: r.newItems,
        stored: Number(stored?.n ?? 0),
        jobs,
      }),
    );
  } finally {
    await queues.close();
    await parsePool.close();
    await dropPrefix(redis, prefix);
    await redis.quit();
    await store.close();
  }
}

/** Decode and parse only, as the poll does: the parser's share of the peak. */
async function parseOnly(url: string) {
  const res = await fetchUrl(url, { allowPrivate: true, userAgent: 'pressdesk bench' }).catch((err: Error) => err);
  if (res instanceof Error) return void console.log(JSON.stringify({ error: res.message }));
  const before = process.resourceUsage().maxRSS;
  const feed = parse(decode(res.body, { contentType: res.headers['content-type'] }), { url });
  console.log(JSON.stringify({ peakMb: process.resourceUsage().maxRSS / 1024, startMb: before / 1024, entries: feed.entries.length }));
}

async function run(url: string, env: Record<string, string>, mode = '--child') {
  const out: string[] = [];
  const c = spawn(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', new URL(import.meta.url).pathname, mode, url, ...process.argv.slice(2)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  c.stdout.on('data', (d: Buffer) => out.push(d.toString()));
  const code = await new Promise<number | null>((r) => c.on('exit', r));
  if (code !== 0) throw new Error(`bench: the polling process exited with ${code}`);
  return JSON.parse(out.join('').trim().split('\n').pop()!) as Record<string, unknown>;
}

const childAt = process.argv.indexOf('--child');
const parseAt = process.argv.indexOf('--parse-only');
if (childAt > 0) {
  await child(process.argv[childAt + 1]!);
} else if (parseAt > 0) {
  await parseOnly(process.argv[parseAt + 1]!);
} else {
  const body = feed();
  const srv = await startLoopbackServer({ '/big.xml': { body, headers: { 'content-type': 'application/rss+xml' } } });
  const which = arg('limits', 'both');
  const variants: [string, Record<string, string>][] = [];
  if (which !== 'default') variants.push(['limits off', { MAX_ITEMS_PER_POLL: '0', MAX_PAGE_FETCHES_PER_POLL: '0' }]);
  if (which !== 'off') variants.push(['defaults', {}]);
  console.log(`big-feed: ${ITEMS.toLocaleString('en-GB')} items, ${(body.length / 1048576).toFixed(1)} MB, ${PG ? `PostgreSQL ${new URL(PG).host}` : 'PGlite in the polling process'}`);
  const dirs: string[] = [];
  try {
    for (const [label, env] of variants) {
      if (!PG) {
        // A fresh data directory per run, migrated here (another process), as a deployment's already is.
        const dir = mkdtempSync(join(tmpdir(), 'pressdesk-big-feed-'));
        dirs.push(dir);
        const db = await openPglite(dir);
        await migrate(db);
        await db.close();
        env.BIG_FEED_PGLITE_DIR = dir;
      }
      const r = await run(srv.url('/big.xml'), env);
      console.log(`${label.padEnd(11)} peak RSS ${Number(r.peakMb).toFixed(0)} MB (${Number(r.startMb).toFixed(0)} MB before the poll)  ${r.ms} ms  ${r.result}${r.error ? ` (${r.error})` : ''}  ${r.newItems} new, ${r.stored} stored, ${r.jobs} process-item jobs`);
    }
    const p = await run(srv.url('/big.xml'), {}, '--parse-only');
    if (p.error) console.log(`parse only  not parsed: ${p.error}`);
    else console.log(`parse only  peak RSS ${Number(p.peakMb).toFixed(0)} MB (${Number(p.startMb).toFixed(0)} MB before decode + parse of ${p.entries} entries)`);
  } finally {
    await srv.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
