// `npm run bench -- backtest [--items 60000] [--pg URL]`: the rules page's backtest over stored items, against
// a baseline measured in the same run: the time to just load the same rows (keyset batches, one query each).
// Items are synthetic news (about 1 in 7 justice-related), all inside the 30-day window, in an in-memory
// PGlite (or a fresh schema of PostgreSQL with --pg), analysed after the load as autovacuum would. Cases: a
// narrow edit (one rule added to one topic), a broad edit (a global exclude changed: every topic affected),
// each run as the rules page runs it (runBacktest over backtestStore), and the naive way (tag every item twice);
// and the structured editor's hits per row (one row, and all of a topic's rows in one pass).
import { runBacktest } from '../src/pipeline/backtest.ts';
import { tag } from '../src/pipeline/tag.ts';
import { compileRules } from '../src/rules/compile.ts';
import { shippedRulePack } from '../src/rules/pack.ts';
import { loadRuleSet } from '../src/rules/ruleset.ts';
import { countQueryHits } from '../src/services/count-query-hits.ts';
import { type Db, openPglite, openPostgres } from '../src/storage/db.ts';
import { itemWords } from '../src/pipeline/words.ts';
import { insertItems, type NewItem } from '../src/storage/items.ts';
import { migrate } from '../src/storage/migrate.ts';
import { backtestStore, itemTextBatch } from '../src/storage/rules.ts';
import { addSource } from '../src/storage/sources.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const N = Number(arg('items') ?? 60_000);
const pgUrl = arg('pg');

const FILLER = (
  'the a of and to in said was for on with as by at from that this it be are were has have had will would year people new government ' +
  'minister council school hospital market weather football economy shares police report told week last first city county water energy ' +
  'prices households families children business company workers plans public services budget spending housing rail train road traffic ' +
  'climate flood storm season club match league players fans bank interest inflation growth election party vote leader campaign'
).split(' ');
// Newsy words that occur in some items but not in all of them (what edits to excludes usually name).
const TOPICAL = 'texas florida tennis cricket hostel hostels film drama series podcast festival'.split(' ');
const JUSTICE = (
  'probation prison prisoners court judge parole offender custody sentence magistrates cafcass hmp inspectorate release tagging ' +
  'officers caseloads napo union staff youth family courts hearing backlog remand justice secretary'
).split(' ');

let seed = 42;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
// A long tail of 5,000 made-up words drawn Zipf-like, so that (as in real news) most words are rare: a
// vocabulary of 100 words would put every word in every item and no screening could help.
const SYL = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'ven', 'dor', 'sil', 'bra', 'mon', 'ter', 'gal', 'fin', 'por'];
const TAIL = Array.from({ length: 5_000 }, (_, i) => SYL[i % 15]! + SYL[Math.floor(i / 15) % 15]! + SYL[Math.floor(i / 225) % 15]!);
const tail = () => TAIL[Math.min(TAIL.length - 1, Math.floor(TAIL.length * rnd() ** 3))]!;
const pick = (xs: string[]) => xs[Math.floor(rnd() * xs.length)]!;
const words = (n: number, justice: number) =>
  Array.from({ length: n }, () => {
    const r = rnd();
    return r < justice ? pick(JUSTICE) : r < 0.5 ? pick(FILLER) : r < 0.503 ? pick(TOPICAL) : tail();
  }).join(' ');

async function open(): Promise<{ db: Db; close(): Promise<void> }> {
  if (!pgUrl) {
    const db = await openPglite();
    await migrate(db);
    return { db, close: () => db.close() };
  }
  const schema = `bench_${Date.now().toString(36)}`;
  const admin = openPostgres(pgUrl);
  await admin.exec(`CREATE SCHEMA ${schema}`);
  const db = openPostgres(pgUrl, { schema });
  await migrate(db);
  return {
    db,
    async close() {
      await db.close();
      await admin.exec(`DROP SCHEMA ${schema} CASCADE`);
      await admin.close();
    },
  };
}

const now = new Date();
const { db, close } = await open();
const source = (await addSource(db, { url: 'http://bench.example/feed', name: 'Bench Agency' })).source.id;
let t0 = performance.now();
for (let i = 0; i < N; i += 1000) {
  const batch: NewItem[] = [];
  for (let j = i; j < Math.min(N, i + 1000); j++) {
    const justice = rnd() < 0.15 ? 0.06 : 0.002;
    const item: NewItem = {
      identity: `b${j}`, canonicalUrl: null, guid: null, url: `https://bench.example/${j}`, title: words(10, justice),
      summaryHtml: `<p>${words(40, justice)}</p>`, contentHtml: null, bodyText: words(300, justice), author: null,
      publishedAt: new Date(now.getTime() - rnd() * 25 * 86_400_000).toISOString(), categories: [], extractStatus: 'done',
    };
    item.words = itemWords(item); // as the poll worker sends them (else the trigger computes them in SQL)
    batch.push(item);
  }
  await insertItems(db, source, batch, now);
}
await db.exec('ANALYZE items'); // what autovacuum does on PostgreSQL after a bulk load
console.log(`backtest bench: ${N} items stored in ${((performance.now() - t0) / 1000).toFixed(1)} s (${pgUrl ? 'PostgreSQL' : 'PGlite'})`);

const current = loadRuleSet(shippedRulePack()).ruleSet;
const narrow = structuredClone(current);
narrow.topics[0]!.rules.push({ id: 'hostel', query: '"approved premises" OR (probation NEAR/5 hostel*)' });
const broad = structuredClone(current);
broad.exclude.push({ id: 'us-states', query: 'texas OR florida' });
const since = new Date(now.getTime() - 30 * 86_400_000);

async function loadOnly(): Promise<number> {
  let n = 0;
  for (let after = 0; ; ) {
    const items = await itemTextBatch(db, { since, afterId: after, limit: 2_000 });
    if (!items.length) return n;
    n += items.length;
    after = items[items.length - 1]!.itemId;
  }
}
async function naive(): Promise<number> {
  const a = compileRules(current);
  const b = compileRules(narrow);
  let changed = 0;
  for (let after = 0; ; ) {
    const items = await itemTextBatch(db, { since, afterId: after, limit: 2_000 });
    if (!items.length) return changed;
    for (const it of items) if (tag(a, it).topics.join() !== tag(b, it).topics.join()) changed++;
    after = items[items.length - 1]!.itemId;
  }
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
async function time(label: string, fn: () => Promise<string>, runs = 3): Promise<number> {
  const ms: number[] = [];
  let note = '';
  for (let r = 0; r < runs; r++) {
    t0 = performance.now();
    note = await fn();
    ms.push(performance.now() - t0);
  }
  const m = median(ms);
  console.log(`  ${label.padEnd(44)} ${m.toFixed(0).padStart(6)} ms  ${note}`);
  return m;
}

await loadOnly(); // warm caches
const base = await time('baseline: load the rows only', async () => `${await loadOnly()} items`);
const ratios: [string, number][] = [];
for (const [label, edited] of [['backtest, narrow edit (one rule added)', narrow], ['backtest, broad edit (global exclude added)', broad]] as const) {
  const m = await time(label, async () => {
    const r = await runBacktest(current, edited, backtestStore(db, since), { limit: 50 });
    return `${r.tagged} passed the screen, ${r.gainedCount} gained, ${r.lostCount} lost`;
  });
  ratios.push([label, m]);
}
// The structured editor's hits per row (countQueryHits: the same store, counts only): one row as you type it,
// and every row of a topic in one request, as the page does when it opens.
const rows = current.topics.find((t) => t.id === 'probation')!.rules.map((r) => r.query);
for (const [label, queries] of [['hits: one row (a rule of probation)', rows.slice(0, 1)], [`hits: a topic's ${rows.length} rows at once`, rows]] as const) {
  const m = await time(label, async () => {
    const r = await countQueryHits({ db }, { queries: [...queries], since });
    return `${r.counts.reduce((a, n) => (a ?? 0) + (n ?? 0), 0)} matches of ${r.scanned}`;
  });
  ratios.push([label, m]);
}
ratios.push(['naive: tag every item with both rule sets', await time('naive: tag every item with both rule sets', async () => `${await naive()} changed`, 1)]);
console.log(`\nratios against loading the rows (${base.toFixed(0)} ms = 1.00x):`);
for (const [label, m] of ratios) console.log(`  ${label.padEnd(44)} ${(m / base).toFixed(2)}x  (${((N / m) * 1000).toFixed(0)} items/s)`);
await close();
