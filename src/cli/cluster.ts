// `pressdesk cluster [--input FILE] [--window 72h]`: JSON lines of items in (id, title, summary, body,
// published, source), one {"id","story"} line per item out, in input order. The same signature / bandKeys /
// cluster code the workers use, over an in-memory index; a story's id is the id of its first item.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ItemText } from '../domain/types.ts';
import { clusterBatch, WINDOW_HOURS } from '../pipeline/cluster.ts';
import { parseDuration } from '../pipeline/duration.ts';
import { fail, flag } from './context.ts';

/** JSON lines in, JSON lines out; blank lines are skipped. Errors name the line and say what to fix. */
export function clusterLines(text: string, windowHours = WINDOW_HOURS): string {
  const items: ItemText[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      fail(`cluster: line ${i + 1} is not JSON; give one object per line with id, title, summary, body, published, source`);
    }
    const o = v as Record<string, unknown>;
    if (!o || typeof o !== 'object' || (typeof o.id !== 'string' && typeof o.id !== 'number')) fail(`cluster: line ${i + 1} has no "id"; every item needs one`);
    const id = String(o.id);
    if (seen.has(id)) fail(`cluster: line ${i + 1} repeats id "${id}"; ids must be unique`);
    seen.add(id);
    if (typeof o.published !== 'string' || !Number.isFinite(Date.parse(o.published))) {
      fail(`cluster: line ${i + 1} (id "${id}") has no valid "published"; give an ISO-8601 date like 2025-03-10T09:00:00Z`);
    }
    const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
    items.push({ id, title: str('title') ?? '', summary: str('summary'), body: str('body') ?? str('content'), source: str('source'), published: o.published });
  });
  const stories = clusterBatch(items, { windowHours });
  return items.map((item) => `${JSON.stringify({ id: item.id, story: stories.get(item.id) })}\n`).join('');
}

export function register(program: Command): void {
  program
    .command('cluster')
    .description('group items into stories: JSON lines (id, title, summary, body, published, source) in, {"id","story"} lines out')
    .option('--input <file>', 'read items from this file instead of stdin')
    .option('--window <duration>', 'a story takes new items for this long after its latest one (72h, 3d, 90m)', `${WINDOW_HOURS}h`)
    .action((opts: { input?: string; window: string }) => {
      const windowHours = flag('cluster: --window', () => parseDuration(opts.window)) / 3_600_000;
      let text: string;
      try {
        text = readFileSync(opts.input ?? 0, 'utf8');
      } catch (err) {
        fail(`cluster: cannot read ${opts.input ?? 'stdin'} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check the path`);
      }
      process.stdout.write(clusterLines(text, windowHours));
    });
}
