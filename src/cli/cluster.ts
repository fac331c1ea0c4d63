// `pressdesk cluster [--input FILE] [--window 72h]`: JSON lines of items in (id, title, summary, body,
// published, source), one {"id","story"} line per item out, in input order (src/cli/cluster-lines.ts, loaded
// when the command runs).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseDuration } from '../pipeline/duration.ts';
import { fail, flag } from './context.ts';

/** The workers' window (WINDOW_HOURS in src/pipeline/cluster.ts, checked by a test), spelt out here so that
 *  registering the command does not load the clusterer. */
export const DEFAULT_WINDOW = '72h';

export function register(program: Command): void {
  program
    .command('cluster')
    .description('group items into stories: JSON lines (id, title, summary, body, published, source) in, {"id","story"} lines out')
    .option('--input <file>', 'read items from this file instead of stdin')
    .option('--window <duration>', 'a story takes new items for this long after its latest one (72h, 3d, 90m)', DEFAULT_WINDOW)
    .action(async (opts: { input?: string; window: string }) => {
      const windowHours = flag('cluster: --window', () => parseDuration(opts.window)) / 3_600_000;
      let text: string;
      try {
        text = readFileSync(opts.input ?? 0, 'utf8');
      } catch (err) {
        fail(`cluster: cannot read ${opts.input ?? 'stdin'} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check the path`);
      }
      const { clusterLines } = await import('./cluster-lines.ts');
      process.stdout.write(clusterLines(text, windowHours));
    });
}
