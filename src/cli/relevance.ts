// `pressdesk relevance status | versions | retrain | export | mode`: the relevance model on top of the rules.
// retrain learns here (in a worker thread) from press officers' verdicts, as the hourly job does; export prints
// a model as JSON for `pressdesk tag --model FILE`; mode sets what the model may do on a topic. Storage and
// services load inside the actions (src/cli/context.ts).
import type { Command } from 'commander';
import { DEFAULT_MODE, TOPIC_MODES, type TopicMode } from '../domain/relevance.ts';
import type { ModelVersion } from '../storage/relevance.ts';
import { fail, say, withStorage } from './context.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const store = () => import('../storage/relevance.ts');
const active = async () => {
  const [{ activeModel }, { activeRules }] = await Promise.all([import('../services/active-model.ts'), import('../services/active-rules.ts')]);
  return { activeModel, activeRules };
};
const versionLine = (v: ModelVersion, active: number) =>
  `${v.number}\t${v.createdAt.toISOString()}\t${v.examples} items\t${(v.trainMs / 1000).toFixed(1)} s\t${v.requestedBy ?? 'schedule or cli'}\t${v.activated ? 'activated' : v.note}${v.number === active ? '\t(active)' : ''}`;

export function register(program: Command): void {
  // `relevance export --version N`: as in rules-store.ts, the root's own --version must not take it.
  program.enablePositionalOptions();
  const relevance = program.command('relevance').description('the relevance model on top of the rules: status, versions, retrain, export, mode');

  relevance
    .command('status')
    .description('the model in use and each topic\'s mode')
    .action(async () => {
      await withStorage(async (s) => {
        const { activeModel, activeRules } = await active();
        const [m, rules] = await Promise.all([activeModel(s.db), activeRules(s.db)]);
        out(m.version ? `active: version ${m.version}` : 'active: the shipped model (no retrain activated)');
        for (const t of rules.ruleSet.topics) out(`${t.id}\t${m.modes[t.id] ?? DEFAULT_MODE}`);
      });
    });

  relevance
    .command('versions')
    .option('--limit <n>', 'how many, newest first', '20')
    .description('retrained versions, newest first, with what became of each')
    .action(async (opts: { limit: string }) => {
      await withStorage(async (s) => {
        const [{ listModelVersions }, { activeModel }] = await Promise.all([store(), active()]);
        const [vs, m] = await Promise.all([listModelVersions(s.db, Math.max(1, Number(opts.limit) || 20)), activeModel(s.db)]);
        if (!vs.length) return say('relevance: no retrain yet; tagging uses the shipped model');
        for (const v of vs) out(versionLine(v, m.version));
      });
    });

  relevance
    .command('retrain')
    .description('learn the model again now from press officers\' verdicts; activated if it lowers neither precision nor F1')
    .action(async () => {
      await withStorage(async (s) => {
        const { retrainRelevance } = await import('../services/retrain-relevance.ts');
        const r = await retrainRelevance({ db: s.db, now: () => new Date() }, { requestedBy: null, force: true });
        if (r.skipped) return say(`relevance: nothing learnt: ${r.skipped}`);
        say(`relevance: version ${r.version} from ${r.examples} judged items in ${((r.ms ?? 0) / 1000).toFixed(1)} s: ${r.activated ? 'activated' : r.note}`);
      });
    });

  relevance
    .command('export')
    .option('--version <n>', 'a retrained version instead of the active model')
    .description('print the active model (or version N) as JSON, for `pressdesk tag --model FILE`')
    .action(async (opts: { version?: string }) => {
      await withStorage(async (s) => {
        const [{ modelOf }, { activeModel }, { storeModel }] = await Promise.all([store(), active(), import('../pipeline/relevance/model.ts')]);
        const stored = opts.version ? await modelOf(s.db, Number(opts.version)) : storeModel((await activeModel(s.db)).model);
        if (!stored) fail(`relevance: no version ${opts.version}; see \`pressdesk relevance versions\``);
        out(JSON.stringify(stored));
      });
    });

  relevance
    .command('mode')
    .argument('<topic>', 'a topic id')
    .argument('<mode>', 'rules (the model is not asked), suggest (decisions shown, not applied) or apply')
    .description('what the model may do on a topic, for items tagged from now on')
    .action(async (topic: string, mode: string) => {
      if (!(TOPIC_MODES as readonly string[]).includes(mode)) fail(`relevance: the mode is one of ${TOPIC_MODES.join(', ')}`);
      await withStorage(async (s) => {
        const [{ setTopicMode }, { activeRules }, { audit }] = await Promise.all([store(), active(), import('../storage/audit.ts')]);
        const rules = await activeRules(s.db);
        if (!rules.ruleSet.topics.some((t) => t.id === topic)) fail(`relevance: no topic "${topic}" in the active rules (${rules.ruleSet.topics.map((t) => t.id).join(', ')})`);
        const now = new Date();
        await s.db.tx(async (t) => {
          await setTopicMode(t, { topic, mode: mode as TopicMode, userId: null, now });
          await audit(t, { userId: null, action: 'relevance.mode_changed', objectType: 'topic', objectId: topic, detail: { mode, via: 'cli' }, at: now });
        });
        say(`relevance: ${topic} is now "${mode}" for items tagged from now on (\`pressdesk rules retag\` re-tags stored items)`);
      });
    });
}
