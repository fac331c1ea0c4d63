// The labelled news days (tests/fixtures/cluster/news-days.json: ids and same-event groups) joined with their
// text from ../shared/eval/dev.jsonl, which stays outside the repo. Shared by the cluster-quality bench and
// the test that keeps its floor. PRESSDESK_SHARED_DIR points at the shared folder from a checkout that is
// not beside it (a worktree elsewhere); without it, ../shared next to the repository.
import { existsSync, readFileSync } from 'node:fs';
import type { ItemText } from '../../src/domain/types.ts';
import { type Pairwise, pairwise } from '../../src/pipeline/cluster/pairwise.ts';

interface FixtureDay {
  day: string;
  items: number;
  groups: { event: string; ids: string[] }[];
  unsure: string[];
}

export interface NewsDay {
  day: string;
  /** Days alternate in date order: thresholds are tuned on 'tune' days and checked on 'check' days. */
  half: 'tune' | 'check';
  /** Every item published that day (UTC), in published order. */
  items: ItemText[];
  /** Item id -> event label; `unsure` items are left out (never scored, but they can still bridge). */
  labels: Map<string, string>;
  events: Map<string, string>;
}

const FIXTURE = new URL('../fixtures/cluster/news-days.json', import.meta.url);
export const devSetPath = (): URL =>
  process.env.PRESSDESK_SHARED_DIR
    ? new URL(`file://${process.env.PRESSDESK_SHARED_DIR.replace(/\/?$/, '/')}eval/dev.jsonl`)
    : new URL('../../../shared/eval/dev.jsonl', import.meta.url);

/** The labelled days, or undefined when the shared dev set is not there. Throws when the fixture and the
 *  dev set disagree (a day's item count changed), since every unlabelled item counts as its own event. */
export function loadNewsDays(): NewsDay[] | undefined {
  const dev = devSetPath();
  if (!existsSync(dev)) return undefined;
  const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { days: FixtureDay[] };
  const byDay = new Map<string, ItemText[]>();
  for (const line of readFileSync(dev, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const o = JSON.parse(line) as { id: string; source: string; published: string; title: string; summary?: string; link?: string };
    const day = o.published.slice(0, 10);
    const list = byDay.get(day) ?? [];
    list.push({ id: o.id, title: o.title, summary: o.summary || undefined, url: o.link, source: o.source, published: o.published });
    byDay.set(day, list);
  }
  return fixture.days
    .slice()
    .sort((a, b) => (a.day < b.day ? -1 : 1))
    .map((d, i): NewsDay => {
      const items = (byDay.get(d.day) ?? []).sort((a, b) => Date.parse(a.published!) - Date.parse(b.published!) || (a.id < b.id ? -1 : 1));
      if (items.length !== d.items) throw new Error(`news-days: ${d.day} has ${items.length} items in the dev set, the fixture expects ${d.items}`);
      const known = new Set(items.map((x) => x.id));
      const unsure = new Set(d.unsure);
      const labels = new Map<string, string>();
      const events = new Map<string, string>();
      d.groups.forEach((g, k) => {
        events.set(`${d.day}#${k}`, g.event);
        for (const id of g.ids) {
          if (!known.has(id)) throw new Error(`news-days: ${id} is not an item of ${d.day}`);
          labels.set(id, `${d.day}#${k}`);
        }
      });
      for (const x of items) if (!labels.has(x.id) && !unsure.has(x.id)) labels.set(x.id, x.id); // its own event
      return { day: d.day, half: i % 2 === 0 ? 'tune' : 'check', items, labels, events };
    });
}

export interface PairError {
  day: string;
  a: string;
  b: string;
  /** Pairs this error accounts for (a false merge of two groups counts |A|·|B|). */
  pairs: number;
  what: string;
}

export interface DayScore extends Pairwise {
  day: string;
  half: NewsDay['half'];
}

/** Pairwise scores of `cluster` (item id -> story id) per day and pooled, with the false merges (two labelled
 *  events in one story) and misses (one event in two stories), largest first. */
export function scoreNewsDays(days: readonly NewsDay[], cluster: (items: ItemText[], day: NewsDay) => ReadonlyMap<string, string>) {
  const perDay: DayScore[] = [];
  const merges: PairError[] = [];
  const misses: PairError[] = [];
  const pooledExp = new Map<string, string>();
  const pooledGot = new Map<string, string>();
  for (const d of days) {
    const got = cluster(d.items, d);
    perDay.push({ day: d.day, half: d.half, ...pairwise(d.labels, got) });
    for (const [id, e] of d.labels) pooledExp.set(id, `${d.day}/${e}`);
    for (const [id, s] of got) pooledGot.set(id, `${d.day}/${s}`);
    // Per (event, story) cell, then compare cells: same story + different events = merge; same event +
    // different stories = miss.
    const cells = new Map<string, string[]>();
    for (const [id, e] of d.labels) {
      const k = `${e}\u0000${got.get(id)}`;
      cells.set(k, [...(cells.get(k) ?? []), id]);
    }
    const list = [...cells].map(([k, ids]) => ({ event: k.split('\u0000')[0]!, story: k.split('\u0000')[1]!, ids }));
    const name = (e: string) => d.events.get(e) ?? 'its own event';
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const x = list[i]!;
        const y = list[j]!;
        const pairs = x.ids.length * y.ids.length;
        if (x.story === y.story && x.event !== y.event) merges.push({ day: d.day, a: x.ids.join(','), b: y.ids.join(','), pairs, what: `${name(x.event)} + ${name(y.event)}` });
        if (x.event === y.event && x.story !== y.story) misses.push({ day: d.day, a: x.ids.join(','), b: y.ids.join(','), pairs, what: name(x.event) });
      }
    }
  }
  const byPairs = (p: PairError, q: PairError) => q.pairs - p.pairs || (p.day < q.day ? -1 : 1);
  const pooled = (half?: NewsDay['half']) => {
    const keep = (id: string) => !half || days.find((d) => d.labels.has(id) && d.half === half) !== undefined;
    const exp = new Map([...pooledExp].filter(([id]) => keep(id)));
    return pairwise(exp, pooledGot);
  };
  return { all: pooled(), tune: pooled('tune'), check: pooled('check'), perDay, merges: merges.sort(byPairs), misses: misses.sort(byPairs) };
}
