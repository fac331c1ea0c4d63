// `npm run bench -- cluster-quality [--db [--pg URL]] [--show N]`: pairwise precision and recall of the
// clusterer on real news days, labelled by hand in tests/fixtures/cluster/news-days.json (ids only) with their
// text read from ../shared/eval/dev.jsonl (or PRESSDESK_SHARED_DIR). Each day is clustered on its own, every
// item of the day in published order: by default through clusterBatch (the workers' signature, keys and
// placement, in memory); with --db through the workers' own entry point, assignStories, item by item on a
// database (in-memory PGlite, or --pg URL), as polls would store them. Prints all days, the tune half and the
// check half (days alternate in date order), each day, and the largest false merges and misses by id.
import type { ItemText } from '../src/domain/types.ts';
import { clusterBatch } from '../src/pipeline/cluster.ts';
import type { Pairwise } from '../src/pipeline/cluster/pairwise.ts';
import { assignStories } from '../src/services/cluster-items.ts';
import type { Db } from '../src/storage/db.ts';
import { type NewsDay, devSetPath, loadNewsDays, scoreNewsDays } from '../tests/helpers/news-days.ts';
import { openBenchDb } from './_db.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] && !process.argv[i + 1]!.startsWith('--') ? process.argv[i + 1]! : fallback;
};
const show = Number(arg('show', '12'));
const viaDb = process.argv.includes('--db');

const days = loadNewsDays();
if (!days) {
  console.log(`cluster-quality: skipped, the labelled dev set is not at ${devSetPath().pathname} (set PRESSDESK_SHARED_DIR to the shared folder)`);
  process.exit(0);
}

/** The day through storage: items stored as polls store them, then clustered one by one in published order. */
async function viaStorage(db: Db, items: ItemText[]): Promise<Map<string, string>> {
  await db.query('TRUNCATE story_decisions, story_bands, item_signatures, items, stories, sources RESTART IDENTITY CASCADE');
  const ids = new Map<string, number>();
  for (const x of items) {
    const [src] = await db.query<{ id: number }>(
      `INSERT INTO sources (url, host, name) VALUES ($1, 'news.example.org', $2)
       ON CONFLICT (url) DO UPDATE SET name = excluded.name RETURNING id`,
      [`https://news.example.org/${encodeURIComponent(x.source ?? 'feed')}`, x.source ?? 'feed'],
    );
    const [row] = await db.query<{ id: number }>(
      `INSERT INTO items (source_id, identity, url, title, summary_html, published_at, fetched_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6::timestamptz + interval '10 minutes') RETURNING id`,
      [src!.id, x.id, x.url ?? null, x.title, x.summary ?? null, x.published],
    );
    ids.set(x.id, row!.id);
  }
  for (const x of items) await assignStories(db, [ids.get(x.id)!], new Date(x.published!));
  const rows = await db.query<{ id: number; story_id: number }>('SELECT id, story_id FROM items');
  const byItem = new Map(rows.map((r) => [Number(r.id), String(r.story_id)]));
  return new Map(items.map((x) => [x.id, byItem.get(ids.get(x.id)!)!]));
}

const f = (x: number) => x.toFixed(3);
const line = (r: Pairwise) => `P ${f(r.precision)}  R ${f(r.recall)}  F1 ${f(r.f1)}  (pairs: ${r.correctPairs} right of ${r.predictedPairs} made, ${r.truePairs} labelled)`;

let got: Map<string, Map<string, string>> | undefined;
let how = 'clusterBatch, in memory';
if (viaDb) {
  const bench = await openBenchDb(arg('pg', ''));
  how = `assignStories item by item on ${bench.label}`;
  got = new Map();
  for (const d of days) got.set(d.day, await viaStorage(bench.db, d.items));
  await bench.close();
}
const cluster = (items: ItemText[], d: NewsDay) => got?.get(d.day) ?? clusterBatch(items);
const r = scoreNewsDays(days, cluster);
const n = (half?: string) => days.filter((d) => !half || d.half === half).reduce((s, d) => s + d.items.length, 0);
console.log(`clusterer on ${days.length} labelled news days (${n()} items), each day on its own in published order (${how})`);
console.log(`  all days    ${line(r.all)}`);
console.log(`  tune half   ${line(r.tune)}  [${n('tune')} items]`);
console.log(`  check half  ${line(r.check)}  [${n('check')} items]`);
console.log('\nper day:');
for (const d of r.perDay) console.log(`  ${d.day} ${d.half.padEnd(5)} ${line(d)}`);
console.log('\nlargest false merges (two events in one story; pairs, day, items):');
for (const m of r.merges.slice(0, show)) console.log(`  ${String(m.pairs).padStart(4)}  ${m.day}  ${m.a} | ${m.b}  (${m.what})`);
console.log('\nlargest misses (one event in two stories; pairs, day, items):');
for (const m of r.misses.slice(0, show)) console.log(`  ${String(m.pairs).padStart(4)}  ${m.day}  ${m.a} | ${m.b}  (${m.what})`);
