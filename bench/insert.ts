// `npm run bench -- insert [--feeds 300] [--items 50] [--pg URL]`: what storing items costs PostgreSQL, by how
// many insert statements run at once. Synthesised feeds (news-like text, ~650 characters an item, 1 in 7 items
// with two topics) go through insertFeeds — the poll worker's insert — into a fresh schema for each row, with
// 1, 2, 4, 8 and 24 statements in flight (24 = one per poll, as before the shared insert batcher) and one or
// ten feeds per statement. Printed: the server backends' CPU per item (from /proc: PostgreSQL on this machine
// only) and the wall time, each as a ratio to the first row, measured in the same run. Why
// src/services/poll-batch.ts keeps INSERT_LANES at 2.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { openPostgres } from '../src/storage/db.ts';
import { STEMMER_PROBE, searchLexemes, stemmerAgrees } from '../src/pipeline/lexemes.ts';
import { itemWords } from '../src/pipeline/words.ts';
import { englishStems, type FeedItems, insertFeeds, type NewItem } from '../src/storage/items.ts';
import { migrate } from '../src/storage/migrate.ts';
import { addSource } from '../src/storage/sources.ts';
import { VOCAB } from './_vocab.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const config = loadConfig(process.env);
const PG = arg('pg', config.testDatabaseUrl ?? '');
const FEEDS = Number(arg('feeds', '300'));
const ITEMS = Number(arg('items', '50'));
if (!PG) {
  console.log('bench insert: needs PostgreSQL (--pg URL or TEST_DATABASE_URL); it measures the server processes');
  process.exit(0);
}

let seed = 12345;
const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
const words = (n: number) => Array.from({ length: n }, () => VOCAB[next() % VOCAB.length]!).join(' ');

function feedItems(f: number): NewItem[] {
  return Array.from({ length: ITEMS }, (_, i) => {
    const text = words(90);
    const tagged = (f * ITEMS + i) % 7 === 0;
    const hit = (start: number) => ({ field: 'body', start, end: start + 6, text: text.slice(start, start + 6) });
    const item: NewItem = {
      identity: `guid:${f}-${i}`, canonicalUrl: `https://news.example/${f}/${i}`, guid: `${f}-${i}`, url: `https://news.example/${f}/${i}`,
      title: words(9), summaryHtml: `<p>${text}</p>`, contentHtml: null, bodyText: text, author: null,
      publishedAt: new Date(Date.UTC(2026, 10, 19, 8, i)).toISOString(), categories: ['Justice'], extractStatus: 'not_needed',
      processedAt: new Date().toISOString(),
      topics: tagged ? [{ topic: 'prisons', rule: 'prisons-1', matches: [hit(0), hit(14)] }, { topic: 'probation', rule: 'probation-2', matches: [hit(28)] }] : [],
    };
    // What the poll worker sends with each item (lexemes dropped in measure where the stemmer disagrees).
    item.words = itemWords(item);
    item.lexemes = searchLexemes(item);
    return item;
  });
}
const feeds = Array.from({ length: FEEDS }, (_, f) => feedItems(f));

const backendCpu = (pids: number[]) =>
  pids.reduce((s, p) => {
    const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return s + Number(f[11]) + Number(f[12]);
  }, 0) / 100;

async function measure(lanes: number, perStatement: number): Promise<{ cpuUs: number; wallUs: number }> {
  const schema = `bench_insert_${process.pid}_${lanes}_${perStatement}`;
  const admin = new pg.Client({ connectionString: PG });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.query(`CREATE SCHEMA ${schema}`);
  const db = openPostgres(PG, { schema, max: lanes });
  try {
    await migrate(db);
    if (!stemmerAgrees(await englishStems(db, STEMMER_PROBE))) for (const f of feeds) for (const it of f) it.lexemes = null;
    const sources: number[] = [];
    for (let f = 0; f < FEEDS; f++) sources.push((await addSource(db, { url: `https://feeds.example/${f}.xml`, name: `feed ${f}` })).source.id);
    // One backend per lane, all open before the clock starts.
    const held = await Promise.all(Array.from({ length: lanes }, () => db.query<{ p: number }>('SELECT pg_backend_pid() AS p, pg_sleep(0.05)')));
    const pids = [...new Set(held.map((r) => Number(r[0]!.p)))];
    const c0 = backendCpu(pids);
    const t0 = performance.now();
    let at = 0;
    let stored = 0;
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (at < FEEDS) {
          const batch: FeedItems[] = [];
          for (; batch.length < perStatement && at < FEEDS; at++) batch.push({ sourceId: sources[at]!, items: feeds[at]!, fetchedAt: new Date() });
          const out = await insertFeeds(db, batch);
          stored += out.flat().length;
        }
      }),
    );
    const wall = performance.now() - t0;
    const cpuS = backendCpu(pids) - c0;
    if (stored !== FEEDS * ITEMS) throw new Error(`bench insert: stored ${stored} of ${FEEDS * ITEMS} items`);
    return { cpuUs: (cpuS * 1e6) / stored, wallUs: (wall * 1000) / stored };
  } finally {
    await db.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}

console.log(`insert bench: ${FEEDS} feeds x ${ITEMS} items through insertFeeds, PostgreSQL ${new URL(PG).host} (backend CPU from /proc)`);
const rows: [number, number][] = [[1, 1], [1, 10], [2, 10], [4, 10], [8, 1], [24, 1]];
let base: { cpuUs: number; wallUs: number } | undefined;
for (const [lanes, per] of rows) {
  const r = await measure(lanes, per);
  base ??= r;
  console.log(
    `${String(lanes).padStart(2)} in flight, ${String(per).padStart(2)} feed(s) a statement: PostgreSQL ${r.cpuUs.toFixed(0).padStart(4)} us CPU/item = ${(r.cpuUs / base.cpuUs).toFixed(2)}x, wall ${r.wallUs.toFixed(0).padStart(4)} us/item = ${(r.wallUs / base.wallUs).toFixed(2)}x${r === base ? ' (baseline)' : ''}`,
  );
}
