// `pressdesk stories search [QUERY] [--topic T] [--source S] [--since 30d] [--csv]`: the archive from the
// terminal, the same search as the web /stories page. QUERY is in the rule language (src/rules/query.ts).
import type { Command } from 'commander';
import { SearchQueryError, searchQuery } from '../pipeline/searchquery.ts';
import { type SearchFilters, type StoryHit, searchStories } from '../storage/search.ts';
import { fail, say, withStorage } from './context.ts';

/** "30d", "12h", "2w", "90m" back from now, or an ISO-8601 date. */
export function parseSince(s: string, now: Date): Date {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*$/i.exec(s);
  if (m) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2]!.toLowerCase() as 'm' | 'h' | 'd' | 'w'];
    return new Date(now.getTime() - Number(m[1]) * unit);
  }
  const t = Date.parse(s);
  if (!Number.isFinite(t)) fail(`stories: --since "${s}" is not a duration or date; give 30d, 12h, 2w or a date like 2025-03-01`);
  return new Date(t);
}

/** The query and filters as storage wants them; a bad query fails with a caret under the problem. */
export function searchFilters(query: string | undefined, opts: { topic?: string; source?: string; since?: Date; until?: Date }) {
  const filters: SearchFilters = { topic: opts.topic || undefined, source: opts.source || undefined, since: opts.since, until: opts.until };
  let notes: string[] = [];
  if (query?.trim()) {
    const q = searchQuery(query);
    filters.tsquery = q.tsquery;
    filters.screen = q.screen;
    notes = q.notes;
  }
  return { filters, notes };
}

// Spreadsheets run a cell starting with = + - @ (or a tab / carriage return) as a formula: such cells get a
// leading apostrophe, so a headline from a feed can never execute in the press office's Excel.
const FORMULA = /^[=+\-@\t\r]/;
export function csvCell(v: unknown): string {
  let s = v instanceof Date ? v.toISOString() : v === null || v === undefined ? '' : String(v);
  if (FORMULA.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_HEADER = ['story', 'headline', 'topics', 'first_seen', 'last_seen', 'sources', 'items', 'item', 'title', 'source', 'time', 'url'];

/** One row per matched item, under its story's columns. */
export function storiesCsv(hits: StoryHit[]): string {
  const rows = [CSV_HEADER];
  for (const h of hits) {
    const story = [h.storyId ?? '', h.headline, h.topics.join(' '), h.firstSeen, h.lastSeen, h.sourceCount, h.itemCount];
    for (const i of h.items) rows.push([...story, i.id, i.title, i.source, i.time, i.url].map(csvCell));
  }
  return rows.map((r) => `${r.join(',')}\r\n`).join('');
}

const day = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');

function printText(hits: StoryHit[], total: number, offset: number): string {
  const out: string[] = [];
  for (const h of hits) {
    const id = h.storyId === null ? 'item' : `story ${h.storyId}`;
    out.push(`${id}  ${h.headline}`);
    out.push(`  ${h.itemCount} item(s) from ${h.sourceCount} source(s), ${day(h.firstSeen)} – ${day(h.lastSeen)}${h.topics.length ? `  [${h.topics.join(', ')}]` : ''}`);
    for (const i of h.items) out.push(`    ${day(i.time)}  ${i.source}: ${i.title}${i.url ? `  <${i.url}>` : ''}`);
  }
  out.push(total === 0 ? 'no stories match' : `${offset + 1}–${offset + hits.length} of ${total} stories`);
  return `${out.join('\n')}\n`;
}

interface Opts {
  topic?: string;
  source?: string;
  since?: string;
  until?: string;
  csv?: boolean;
  limit: string;
  page: string;
}

export function register(program: Command): void {
  const stories = program.command('stories').description('the archive of stories');
  stories
    .command('search [query]')
    .description('full-text search of stories, in the rule language (AND OR NOT, "phrases", prefix*); no query lists the newest')
    .option('--topic <topic>', 'only items tagged with this topic')
    .option('--source <source>', "only items from this source (its name, host or id)")
    .option('--since <when>', 'only items since then: 30d, 12h, 2w or a date')
    .option('--until <when>', 'only items before then: a duration back from now or a date')
    .option('--csv', 'write CSV (one row per matched item) instead of text')
    .option('--limit <n>', 'stories per page (CSV: all matching, up to 1000)', '20')
    .option('--page <n>', 'page number, from 1', '1')
    .action(async (query: string | undefined, opts: Opts) => {
      const now = new Date();
      let built: ReturnType<typeof searchFilters>;
      try {
        built = searchFilters(query, {
          topic: opts.topic,
          source: opts.source,
          since: opts.since ? parseSince(opts.since, now) : undefined,
          until: opts.until ? parseSince(opts.until, now) : undefined,
        });
      } catch (err) {
        if (!(err instanceof SearchQueryError)) throw err;
        fail(`${err.message}\n  ${query}\n  ${' '.repeat(err.offset)}${'^'.repeat(Math.max(1, Math.min(err.length, 40)))}`);
      }
      const limit = opts.csv ? 1000 : Number(opts.limit);
      const page = Number(opts.page);
      if (!(limit >= 1) || !(page >= 1)) fail('stories: --limit and --page take whole numbers from 1');
      for (const n of built.notes) say(`note: ${n}`);
      const res = await withStorage((s) => searchStories(s.db, built.filters, { limit, offset: (page - 1) * limit, itemsPerStory: opts.csv ? 1000 : 5 }));
      process.stdout.write(opts.csv ? storiesCsv(res.hits) : printText(res.hits, res.total, (page - 1) * limit));
    });
}
