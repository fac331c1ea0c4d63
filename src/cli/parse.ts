// `pressdesk parse FILE|URL|DIR`: run decode -> parse -> normalize on feeds outside the pipeline, to check
// a new source or a bug report. One feed: its normalised items as JSON lines, or exit 1 with one line on
// stderr. A directory: one {"file","ok","error","items"} line per file, recursing, never stopping at a bad one.
// The parser loads when the command runs (src/cli/parse-document.ts).
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { fail } from './context.ts';

export function register(program: Command): void {
  program
    .command('parse')
    .argument('<target>', 'a feed file, a directory of feed files, or an http(s) URL')
    .description('parse feeds and print their normalised items as JSON lines (one {"file","ok","error","items"} line per file for a directory)')
    .option('--charset <name>', 'decode with this charset whatever the document says (like a source override)')
    .option('--base <url>', 'base URL for relative links in a single file (default: the file itself)')
    .action(async (target: string, opts: { charset?: string; base?: string }) => {
      const now = new Date();
      const { fetchDocument, parseDirectory, parseDocument, readCapped } = await import('./parse-document.ts');
      const out = (s: string) => process.stdout.write(s);
      if (/^https?:\/\//i.test(target)) {
        const doc = await fetchDocument(target);
        const items = run(() => parseDocument(doc.bytes, { url: doc.url, contentType: doc.contentType, charset: opts.charset, now }));
        out(items.map((i) => `${JSON.stringify(i)}\n`).join(''));
        return;
      }
      let isDir: boolean;
      try {
        isDir = statSync(target).isDirectory();
      } catch (err) {
        fail(`parse: cannot read ${target} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}) — give a feed file, a directory or an http(s) URL`);
      }
      if (isDir) {
        parseDirectory(target, { charset: opts.charset, now }, out);
        return;
      }
      const url = opts.base ?? pathToFileURL(resolve(target)).href;
      const items = run(() => parseDocument(readCapped(target), { url, charset: opts.charset, now }));
      out(items.map((i) => `${JSON.stringify(i)}\n`).join(''));
    });
}

/** Any failure of a single document becomes one CliError line (exit 1). */
function run<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    fail((err as Error).message);
  }
}
