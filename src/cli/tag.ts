// `pressdesk tag [--rules FILE] [--input FILE]`: JSON lines of items in (id, title, summary, body, url, source),
// one {"id","relevant","topics","matches"} line per item out, in input order. Without --rules, the shipped
// UK-justice pack. A bad line is reported on stderr with its number and skipped; the exit code is then 1.
// The rule language loads when the command runs (src/cli/tag-lines.ts).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { fail } from './context.ts';

export function register(program: Command): void {
  program
    .command('tag')
    .description('tag items with topics: JSON lines (id, title, summary, body, url, source) in, {"id","relevant","topics","matches"} lines out')
    .option('--rules <file>', 'rules file (YAML); default: the shipped UK-justice pack')
    .option('--input <file>', 'read items from this file instead of stdin')
    .action(async (opts: { rules?: string; input?: string }) => {
      const warn = (l: string) => process.stderr.write(`${l}\n`);
      const { loadMatcher, tagLine } = await import('./tag-lines.ts');
      const matcher = loadMatcher(opts.rules, warn);
      const input = opts.input ? createReadStream(opts.input) : process.stdin;
      const opened = new Promise<void>((resolve, reject) => {
        if (!opts.input) return resolve();
        input.once('open', () => resolve());
        input.once('error', reject);
      });
      try {
        await opened;
      } catch (err) {
        fail(`tag: cannot read ${opts.input} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check the path`);
      }
      let n = 0;
      let bad = 0;
      let buf = '';
      for await (const raw of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
        const r = tagLine(matcher, raw, ++n);
        if (r.error) {
          bad++;
          warn(r.error);
        }
        if (r.out) buf += `${r.out}\n`;
        if (buf.length > 1 << 16) {
          process.stdout.write(buf);
          buf = '';
        }
      }
      process.stdout.write(buf);
      if (bad) process.exitCode = 1;
    });
}
