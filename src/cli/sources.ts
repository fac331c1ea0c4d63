// `pressdesk sources add|list|import|export|enable|disable`: managing what pressdesk polls. Storage, OPML
// (feedsmith) and the SSRF guard load inside the actions: registering stays cheap (src/cli/context.ts).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Source, SourceSpec } from '../domain/types.ts';
import { parseDuration } from '../pipeline/duration.ts';
import { limitWords } from '../pipeline/limit-words.ts';
import type { Db } from '../storage/db.ts';
import { config, fail, flag, say, ticker, withStorage } from './context.ts';

/** Refuses a spec that is malformed (sourceSpec's problem) or that the SSRF guard would not fetch. */
async function checker(): Promise<(spec: SourceSpec | { problem: string }) => SourceSpec> {
  const [{ checkUrl }, c] = await Promise.all([import('../adapters/ssrf.ts'), config()]);
  return (spec) => {
    if ('problem' in spec) fail(`sources: ${spec.problem}`);
    const r = checkUrl(spec.url, { allowPrivate: c.fetchAllowPrivate });
    if (!r.ok) fail(`sources: pressdesk will not fetch ${spec.url} (${r.reason}); give a public http(s) URL`);
    return spec;
  };
}

async function addAll(db: Db, specs: SourceSpec[]) {
  const { addSource } = await import('../storage/sources.ts');
  const progress = ticker('sources', specs.length);
  let added = 0;
  for (const [i, s] of specs.entries()) {
    if ((await addSource(db, s)).created) added++;
    progress(i + 1);
  }
  return { added, existing: specs.length - added };
}

/** A shipped pack: src/packs/sources/NAME.json, its raw specs. */
function readPack(name: string): Record<string, unknown>[] {
  if (!/^[\w-]+$/.test(name)) fail(`sources: pack names are letters, digits, - and _ (like uk-justice), not "${name}"`);
  try {
    return JSON.parse(readFileSync(new URL(`../packs/sources/${name}.json`, import.meta.url), 'utf8')).sources ?? [];
  } catch {
    fail(`sources: there is no source pack "${name}"; the shipped pack is uk-justice`);
  }
}

const when = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');

function line(s: Source) {
  const state = !s.enabled ? 'disabled' : s.consecutiveFailures ? `failing x${s.consecutiveFailures}` : s.lastSuccessAt ? 'ok' : 'new';
  const err = s.lastError ? `  (${s.lastError})` : '';
  const limits = limitWords({ feedItems: s.lastFeedItems, skippedItems: s.lastSkippedItems });
  return `${String(s.id).padStart(4)}  ${state.padEnd(12)} ${s.name}  ${s.url}  last ok ${when(s.lastSuccessAt)}  next ${when(s.nextPollAt)}${limits ? `  [${limits}]` : ''}${err}`;
}

export function register(program: Command) {
  const sources = program.command('sources').description('the feeds and pages pressdesk polls');

  sources
    .command('add <url...>')
    .description('add feeds (or, with --kind html and --selectors, pages without a feed); several URLs at once share the options')
    .option('--name <name>', 'what people call it (default: the host); one URL only')
    .option('--kind <kind>', 'feed or html', 'feed')
    .option('--every <interval>', 'poll at most this often, e.g. 10m (default 5m; slower when nothing changes)')
    .option('--selectors <json>', 'html sources: {"item": "...", "link": "...", "title": "...", "date": "..."}')
    .option('--topics <list>', 'comma-separated topic hints')
    .action(async (urls: string[], o: { name?: string; kind: string; every?: string; selectors?: string; topics?: string }) => {
      if (o.name && urls.length > 1) fail('sources: --name names one source; add the URLs one by one to name each');
      let selectors: unknown;
      try {
        selectors = o.selectors ? JSON.parse(o.selectors) : undefined;
      } catch {
        fail('sources: --selectors is not JSON; give an object like {"item": ".news li", "link": "a"}');
      }
      const min = o.every ? flag('sources: --every', () => parseDuration(o.every!)) / 1000 : undefined;
      const [{ sourceSpec }, { addSource }, checked] = await Promise.all([import('../pipeline/opml.ts'), import('../storage/sources.ts'), checker()]);
      // Every URL is checked before any is added: one typo does not leave half a list behind.
      const specs = urls.map((url) =>
        checked(
          sourceSpec({ url, name: o.name, kind: o.kind, selectors, minIntervalS: min, maxIntervalS: min ? Math.max(min, 21_600) : undefined, topics: o.topics?.split(',').map((t) => t.trim()) }),
        ),
      );
      // One storage opening for the lot: forty URLs no longer cost forty start-ups.
      await withStorage(async ({ db }) => {
        const progress = ticker('sources', specs.length);
        for (const [i, spec] of specs.entries()) {
          const r = await addSource(db, spec);
          process.stdout.write(`${r.created ? 'added' : 'already there'}: ${r.source.id} ${r.source.name} ${r.source.url}\n`);
          progress(i + 1);
        }
      });
    });

  sources
    .command('list')
    .description('every source with its health')
    .option('--json', 'one JSON object per line')
    .action(async (o: { json?: boolean }) => {
      const { listSources } = await import('../storage/sources.ts');
      await withStorage(async ({ db }) => {
        const all = await listSources(db);
        for (const s of all) {
          process.stdout.write(`${o.json ? JSON.stringify({ ...s, websubSecret: undefined }) /* the secret never leaves the database */ : line(s)}\n`);
        }
        if (!o.json && !all.length) say('sources: none yet — add one with `pressdesk sources add URL` or `pressdesk sources import --pack uk-justice`');
      });
    });

  sources
    .command('import [file]')
    .description('add the sources of an OPML file, or of a shipped pack with --pack')
    .option('--pack <name>', 'a shipped source pack (uk-justice)')
    .action(async (file: string | undefined, o: { pack?: string }) => {
      if (!file === !o.pack) fail('sources: give either an OPML file or --pack NAME (e.g. --pack uk-justice)');
      const [{ importOpml, sourceSpec }, checked] = await Promise.all([import('../pipeline/opml.ts'), checker()]);
      let specs: SourceSpec[];
      if (o.pack) specs = readPack(o.pack).map((s) => checked(sourceSpec(s)));
      else {
        let text: string;
        try {
          text = readFileSync(file!, 'utf8');
        } catch (err) {
          fail(`sources: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
        }
        let r: ReturnType<typeof importOpml>;
        try {
          r = importOpml(text);
        } catch (err) {
          fail((err as Error).message);
        }
        for (const p of r.problems) say(`sources: skipped ${p}`);
        specs = r.sources.map((s) => checked(s));
      }
      await withStorage(async ({ db }) => {
        const { added, existing } = await addAll(db, specs);
        process.stdout.write(`imported ${added} new source${added === 1 ? '' : 's'}, ${existing} already there\n`);
      });
    });

  sources
    .command('export')
    .description('every source as OPML on stdout')
    .action(async () => {
      const [{ exportOpml }, { listSources }] = await Promise.all([import('../pipeline/opml.ts'), import('../storage/sources.ts')]);
      await withStorage(async ({ db }) => {
        const all = await listSources(db);
        process.stdout.write(exportOpml(all, { title: 'pressdesk sources', now: new Date() }));
      });
    });

  for (const [verb, enabled] of [['enable', true], ['disable', false]] as const) {
    sources
      .command(`${verb} <id>`)
      .description(enabled ? 'poll a source again (due at once, failures forgotten)' : 'stop polling a source (its items stay)')
      .action(async (id: string) => {
        if (!/^\d+$/.test(id)) fail(`sources: "${id}" is not a source id; see \`pressdesk sources list\``);
        const { setSourceEnabled } = await import('../storage/sources.ts');
        await withStorage(async ({ db }) => {
          const s = await setSourceEnabled(db, Number(id), enabled, new Date());
          if (!s) fail(`sources: there is no source ${id}; see \`pressdesk sources list\``);
          process.stdout.write(`${enabled ? 'enabled' : 'disabled'}: ${s.id} ${s.name}\n`);
        });
      });
  }
}
