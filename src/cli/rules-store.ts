// The storage-backed `rules` subcommands: import, export, versions, rollback, test, retag, status. They join
// the group `rules check` made (src/cli/rules.ts). Versions saved here have no author (the command line).
// The rule language (yaml), storage and services load inside the actions (src/cli/context.ts).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseSince } from '../pipeline/duration.ts';
import { SHIPPED_PACK_FILE, shippedRulePack } from '../rules/pack.ts';
import type { Db } from '../storage/db.ts';
import type { RetagRun } from '../storage/rules.ts';
import { config, fail, flag, say, slow, withStorage } from './context.ts';
import { rulesCommand } from './rules.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const PACKS: Record<string, () => string> = { 'uk-justice': shippedRulePack };
const store = () => import('../storage/rules.ts');
const active = async () => (await import('../services/active-rules.ts')).activeRules;

async function save(db: Db, yaml: string, file: string, message: string, copiedFrom?: number) {
  const [{ formatProblem, loadRuleSet }, { saveRuleVersion }, { audit }] = await Promise.all([import('../rules/ruleset.ts'), store(), import('../storage/audit.ts')]);
  const { ruleSet, problems } = loadRuleSet(yaml, file);
  if (problems.length) {
    for (const p of problems) out(formatProblem(p));
    fail(`rules: ${problems.length} problem(s) in ${file}; nothing was saved — fix them (pressdesk rules check ${file}) and import again`);
  }
  const now = new Date();
  const v = await db.tx(async (t) => {
    const s = await saveRuleVersion(t, { yaml, ruleSet, authorId: null, message, copiedFrom: copiedFrom ?? null, now });
    await audit(t, { userId: null, action: copiedFrom ? 'rule.rolled_back' : 'rule.published', objectType: 'rule_version', objectId: s.number, detail: { message, via: 'cli' }, at: now });
    return s;
  });
  say(`rules: saved version ${v.number} (${ruleSet.topics.length} topics); tagging uses it from now on — run \`pressdesk rules retag\` to re-tag stored items`);
}

const runLine = (r: RetagRun) =>
  `retag run ${r.id} (${r.version ? `version ${r.version}` : 'shipped pack'}): ${r.status}, ${r.progress}/${r.total} items, ${r.changed} changed${r.error ? ` — ${r.error}` : ''}`;

export function register(program: Command): void {
  // `rules export --version N`: without positional options the root's own --version would take it. Root
  // options (--version, --help) still work before the subcommand, which is the only place they are used.
  program.enablePositionalOptions();
  const rules = rulesCommand(program);

  rules
    .command('import')
    .argument('[file]', 'rules file (YAML)')
    .option('--pack <name>', 'a shipped pack instead of a file: uk-justice')
    .option('-m, --message <text>', 'what changed and why', 'imported')
    .description('save a rules file (or a shipped pack) as the new active version; refuses with FILE:line:col problems')
    .action(async (file: string | undefined, opts: { pack?: string; message: string }) => {
      let yaml: string;
      let name: string;
      if (opts.pack) {
        const pack = PACKS[opts.pack];
        if (!pack) fail(`rules: no pack "${opts.pack}"; the shipped packs are: ${Object.keys(PACKS).join(', ')}`);
        [yaml, name] = [pack(), SHIPPED_PACK_FILE];
      } else if (file) {
        try {
          yaml = readFileSync(file, 'utf8');
        } catch (err) {
          fail(`rules: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check the path`);
        }
        name = file;
      } else fail('rules: name a FILE or --pack uk-justice');
      await withStorage((s) => save(s.db, yaml, name, opts.message));
    });

  rules
    .command('export')
    .option('--version <n>', 'a saved version instead of the active rules')
    .description('print the active rules (or version N) as YAML')
    .action(async (opts: { version?: string }) => {
      const [activeRules, { getRuleVersion }] = await Promise.all([active(), store()]);
      await withStorage(async (s) => {
        if (!opts.version) return void process.stdout.write((await activeRules(s.db)).yaml);
        const v = await getRuleVersion(s.db, Number(opts.version));
        if (!v) fail(`rules: no version ${opts.version}; see \`pressdesk rules versions\``);
        process.stdout.write(v.yaml);
      });
    });

  rules
    .command('versions')
    .option('--limit <n>', 'how many, newest first', '20')
    .description('list saved rule versions, newest first')
    .action(async (opts: { limit: string }) => {
      const { listRuleVersions } = await store();
      await withStorage(async (s) => {
        const vs = await listRuleVersions(s.db, { limit: Math.max(1, Number(opts.limit) || 20) });
        if (!vs.length) return say('rules: no version saved; tagging uses the shipped pack (pressdesk rules import --pack uk-justice saves it as version 1)');
        for (const [i, v] of vs.entries()) out(`${v.number}\t${v.createdAt.toISOString()}\t${v.authorEmail ?? 'cli'}\t${v.message}${i === 0 ? '\t(active)' : ''}`);
      });
    });

  rules
    .command('rollback')
    .argument('<n>', 'version number to go back to')
    .description('save a new version equal to version N (history is kept)')
    .action(async (n: string) => {
      const { getRuleVersion } = await store();
      await withStorage(async (s) => {
        const v = await getRuleVersion(s.db, Number(n));
        if (!v) fail(`rules: no version ${n}; see \`pressdesk rules versions\``);
        await save(s.db, v.yaml, `version ${v.number}`, `Rollback to version ${v.number}`, v.number);
      });
    });

  rules
    .command('test')
    .argument('<query>', 'a rule query, e.g. \'probation NEAR/3 hostel*\'')
    .option('--since <when>', 'stored items since then: 12h, 30d, 2w or a date', '30d')
    .option('--limit <n>', 'items to print (all are counted)', '20')
    .description('run one query over stored items: matching items with [highlighted] terms, and the count')
    .action(async (query: string, opts: { since: string; limit: string }) => {
      const [{ checkQuery }, { runBacktest }, { backtestStore }] = await Promise.all([import('../rules/query.ts'), import('../pipeline/backtest.ts'), store()]);
      const wrong = checkQuery(query);
      if (wrong.length) fail(wrong.map((e) => `rules: col ${e.offset + 1}: ${e.message}`).join('\n'));
      const since = flag('rules: --since', () => parseSince(opts.since, new Date()));
      await withStorage(async (s) => {
        // A backtest from no rules to this one query: its "gained" items are the matches.
        const edited = { topics: [{ id: 'test', name: 'test', rules: [{ id: 'query', query }], exclude: [] }], exclude: [] };
        const scan = runBacktest({ topics: [], exclude: [] }, edited, backtestStore(s.db, since), { limit: Math.max(1, Number(opts.limit) || 20) });
        const r = await slow('rules: testing the query on the stored items', scan);
        for (const c of r.gained) {
          out(`#${c.id}\t${c.published?.slice(0, 10) ?? ''}\t${c.title}`);
          for (const sn of c.snippets) out(`\t${sn.field}: ${sn.parts.map((p) => (p.mark ? `[${p.text}]` : p.text)).join('').replace(/\s+/g, ' ')}`);
        }
        out(`${r.gainedCount} of ${r.scanned} items since ${since.toISOString().slice(0, 10)} match`);
      });
    });

  rules
    .command('retag')
    .option('--since <when>', 'only items since then: 12h, 30d, 2w or a date (default: all stored items)')
    .description('re-tag stored items with the active rules: queued for the workers, or run here when none is running')
    .action(async (opts: { since?: string }) => {
      const [{ openRuntime }, { requestRetag }, { retag }, activeRules, { createRetagRun }] = await Promise.all([
        import('../runtime.ts'),
        import('../services/request-retag.ts'),
        import('../services/retag.ts'),
        active(),
        store(),
      ]);
      const rt = await openRuntime(await config(), { allowRemote: true });
      try {
        const since = opts.since ? flag('rules: --since', () => parseSince(opts.since!, new Date())) : null;
        if ((await rt.queues.get('retag').getWorkersCount()) > 0) {
          const run = await requestRetag(rt, { since, requestedBy: null });
          say(`rules: retag run ${run.id} queued; follow it with \`pressdesk rules status\` or on the rules page`);
          return;
        }
        // Nobody serves the queue: do the run here, printing progress.
        const { version } = await activeRules(rt.db);
        const run = await createRetagRun(rt.db, { version: version || null, since, requestedBy: null, now: rt.now() });
        const r = await retag(rt, run.id, { signal: new AbortController().signal, onProgress: (p) => void say(`rules: retag run ${run.id}: ${p}%`) });
        say(`rules: retag run ${run.id} done: ${r.progress ?? 0} items, ${r.changed ?? 0} changed`);
      } finally {
        await rt.close();
      }
    });

  rules
    .command('status')
    .description('the active rule version and the latest retag run')
    .action(async () => {
      const [activeRules, { latestRetagRun }] = await Promise.all([active(), store()]);
      await withStorage(async (s) => {
        const a = await activeRules(s.db);
        out(a.version ? `active: version ${a.version}` : 'active: the shipped pack (no version saved)');
        const r = await latestRetagRun(s.db);
        out(r ? runLine(r) : 'no retag run yet');
      });
    });
}
