// `pressdesk stories search [QUERY] [--topic T] [--source S] [--since 30d] [--csv]`: the archive from the
// terminal, the same search as the web /stories page. QUERY is in the rule language (src/rules/query.ts).
import type { Command } from 'commander';
import type { StoryHit } from '../domain/types.ts';
import { parseSince } from '../pipeline/duration.ts';
import { fail, flag, say, withStorage } from './context.ts';

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
    .option('--limit <n>', 'stories per page (CSV: all matching, up to 1000, in one file)', '20')
    .option('--page <n>', 'page number, from 1', '1')
    .action(async (query: string | undefined, opts: Opts) => {
      const now = new Date();
      const since = opts.since ? flag('stories: --since', () => parseSince(opts.since!, now)) : undefined;
      const until = opts.until ? flag('stories: --until', () => parseSince(opts.until!, now)) : undefined;
      const [{ searchFilters }, { SearchQueryError }] = await Promise.all([import('../pipeline/search-filters.ts'), import('../pipeline/searchquery.ts')]);
      let built: ReturnType<typeof searchFilters>;
      try {
        built = searchFilters({ query, topic: opts.topic, source: opts.source, since, until });
      } catch (err) {
        if (!(err instanceof SearchQueryError)) throw err;
        fail(`${err.message}\n  ${query}\n  ${' '.repeat(err.offset)}${'^'.repeat(Math.max(1, Math.min(err.length, 40)))}`);
      }
      const limit = Number(opts.limit);
      const page = Number(opts.page);
      if (!(limit >= 1) || !(page >= 1)) fail('stories: --limit and --page take whole numbers from 1');
      for (const n of built.notes) say(`note: ${n}`);
      if (opts.csv) {
        const { exportStories } = await import('../services/export-stories.ts');
        process.stdout.write(await withStorage((s) => exportStories(s, built.filters)));
        return;
      }
      const { searchStories } = await import('../storage/search.ts');
      const res = await withStorage((s) => searchStories(s.db, built.filters, { limit, offset: (page - 1) * limit }));
      process.stdout.write(printText(res.hits, res.total, (page - 1) * limit));
    });
}
