// `pressdesk tag [--rules FILE] [--input FILE] [--model FILE | --rules-only]`: JSON lines of items in (id,
// title, summary, body, url, source), one {"id","relevant","topics","matches"} line per item out, in input
// order, plus "decisions" when the relevance model vetoed or rescued a topic. Without --rules, the shipped
// UK-justice pack; the shipped relevance model (or --model FILE, from `pressdesk relevance export`) applies to
// every topic, as it does by default in pressdesk, so `relevant` is what the product decides; --rules-only
// leaves it out. A bad line is reported on stderr with its number and skipped; the exit code is then 1.
// The rule language and the model load when the command runs (src/cli/tag-lines.ts).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { fail } from './context.ts';

export function register(program: Command): void {
  program
    .command('tag')
    .description('tag items with topics: JSON lines (id, title, summary, body, url, source) in, {"id","relevant","topics","matches"} lines out (and "decisions" where the relevance model vetoed or rescued a topic)')
    .option('--rules <file>', 'rules file (YAML); default: the shipped UK-justice pack')
    .option('--input <file>', 'read items from this file instead of stdin')
    .option('--model <file>', 'relevance model (JSON, from `pressdesk relevance export`); default: the shipped one')
    .option('--rules-only', 'the rules alone, without the relevance model')
    .action(async (opts: { rules?: string; input?: string; model?: string; rulesOnly?: boolean }) => {
      const warn = (l: string) => process.stderr.write(`${l}\n`);
      if (opts.rulesOnly && opts.model) fail('tag: give --model or --rules-only, not both');
      const { loadMatcher, loadTagModel, tagLine } = await import('./tag-lines.ts');
      const matcher = loadMatcher(opts.rules, warn);
      const model = opts.rulesOnly ? undefined : loadTagModel(opts.model);
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
        const r = tagLine(matcher, raw, ++n, model);
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
