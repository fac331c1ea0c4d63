// `pressdesk sources add|list|import|export|enable|disable|remove`: managing what pressdesk polls, through the
// same services as the sources page (they audit each change). Storage, services, OPML (feedsmith) and the SSRF
// guard load inside the actions: registering stays cheap (src/cli/context.ts). A running server's every-second
// check starts polling what is added or enabled here.
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

const CLI = { userId: null, via: 'cli' } as const;
const deps = (db: Db) => ({ db, now: () => new Date() });

async function addAll(db: Db, specs: SourceSpec[]) {
  const { addSources } = await import('../services/add-sources.ts');
  return addSources(deps(db), specs, CLI, ticker('sources', specs.length));
}

/** A source id from the command line, or a one-line refusal. */
function sourceId(id: string): number {
  if (!/^\d+$/.test(id)) fail(`sources: "${id}" is not a source id; see \`pressdesk sources list\``);
  return Number(id);
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
    .option('--name <name>', "what people call it (default: the feed's own title, the host until it is read); one URL only")
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
      const [{ sourceSpec }, checked] = await Promise.all([import('../pipeline/opml.ts'), checker()]);
      // Every URL is checked before any is added: one typo does not leave half a list behind.
      const specs = urls.map((url) =>
        checked(
          sourceSpec({ url, name: o.name, kind: o.kind, selectors, minIntervalS: min, maxIntervalS: min ? Math.max(min, 21_600) : undefined, topics: o.topics?.split(',').map((t) => t.trim()) }),
        ),
      );
      // One storage opening for the lot: forty URLs no longer cost forty start-ups.
      await withStorage(async ({ db }) => {
        const words = { added: 'added', restored: 'added again (removed before; its items kept)', existing: 'already there' };
        for (const r of await addAll(db, specs)) process.stdout.write(`${words[r.outcome]}: ${r.source.id} ${r.source.name} ${r.source.url}\n`);
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
        const done = await addAll(db, specs);
        const added = done.filter((r) => r.outcome !== 'existing').length;
        process.stdout.write(`imported ${added} new source${added === 1 ? '' : 's'}, ${done.length - added} already there\n`);
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
        const n = sourceId(id);
        const { enableSource } = await import('../services/enable-source.ts');
        await withStorage(async ({ db }) => {
          const r = await enableSource(deps(db), n, enabled, CLI);
          if (!r.ok) fail(`${r.message}; see \`pressdesk sources list\``);
          process.stdout.write(`${enabled ? 'enabled' : 'disabled'}: ${r.source.id} ${r.source.name}\n`);
        });
      });
  }

  sources
    .command('remove <id>')
    .description('stop polling a source and take it off the list; its items stay (add its URL again to bring it back)')
    .option('--yes', 'remove it; without this, say what removing would do')
    .action(async (id: string, o: { yes?: boolean }) => {
      const n = sourceId(id);
      const [{ removeSource }, { getSource, itemCount }] = await Promise.all([import('../services/remove-source.ts'), import('../storage/sources.ts')]);
      await withStorage(async ({ db }) => {
        if (!o.yes) {
          const s = await getSource(db, n);
          if (!s || s.removedAt) fail(`sources: there is no source ${n}; see \`pressdesk sources list\``);
          const items = await itemCount(db, n);
          fail(`sources: removing ${n} "${s.name}" stops polling it and takes it off the list; its ${items} item(s) stay. Run again with --yes to remove it`);
        }
        const r = await removeSource(deps(db), n, CLI);
        if (!r.ok) fail(`${r.message}; see \`pressdesk sources list\``);
        process.stdout.write(`removed: ${r.source.id} ${r.source.name} (its ${r.items} item(s) kept)\n`);
      });
    });
}
