// The relevance model's page (editors): the model in use with its cross-validated figures against the rules
// alone, each topic's mode and thresholds, the versions (retrains) with why one was not activated, a button to
// retrain now, and suggestions for the rules with a one-click backtest. Topic modes are saved by the topic
// settings route (POST /topics/:id/relevance).
import type { FastifyInstance } from 'fastify';
import { type Counts, DEFAULT_MODE, RELEVANT, TOPIC_MODES } from '../../domain/relevance.ts';
import { activeModel } from '../../services/active-model.ts';
import { activeRules } from '../../services/active-rules.ts';
import { requestRetrain } from '../../services/request-retrain.ts';
import { shippedModel } from '../../services/shipped-model.ts';
import { suggestRules } from '../../services/suggest-rules.ts';
import { getModelVersion, listModelVersions } from '../../storage/relevance.ts';
import { flash, sendPage } from '../page.ts';
import type { WebDeps } from '../server.ts';

const editor = { config: { auth: 'editor' as const } };

const ratio = (n: number, d: number) => (d ? (n / d).toFixed(3) : '–');
const figures = (c: Counts | undefined) =>
  c && { precision: ratio(c.tp, c.tp + c.fp), recall: ratio(c.tp, c.tp + c.fn), f1: ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn), ...c };

export async function relevanceRoutes(app: FastifyInstance, deps: WebDeps) {
  const { db } = deps;

  app.get('/relevance', editor, async (req, reply) => {
    const [active, rules, versions, suggestions] = await Promise.all([activeModel(db), activeRules(db), listModelVersions(db, 20), suggestRules(db)]);
    const inUse = active.version ? await getModelVersion(db, active.version) : undefined;
    const metrics = inUse?.metrics ?? shippedModel().stored.metrics;
    const heads = active.model.heads;
    return sendPage(req, reply, 'relevance', {
      title: 'Relevance model',
      active: {
        version: active.version,
        learntFrom: inUse ? inUse.note : shippedModel().stored.learntFrom,
        examples: metrics.examples,
        folds: metrics.folds,
      },
      figures: Object.keys(metrics.rules).map((head) => ({ head, rules: figures(metrics.rules[head]), model: figures(metrics.model[head]) })),
      topics: rules.ruleSet.topics.map((t) => {
        const at = heads.indexOf(t.id);
        const th = at > 0 ? active.model.thresholds[at] : undefined;
        const mode = active.modes[t.id] ?? DEFAULT_MODE;
        return {
          id: t.id,
          name: t.name,
          modes: TOPIC_MODES.map((m) => ({ value: m, selected: m === mode })),
          judges: th !== undefined && (th.veto > 0 || th.rescue < 1),
          known: at > 0,
          veto: th?.veto,
          rescue: th && th.rescue < 1 ? th.rescue : undefined,
        };
      }),
      relevantHead: RELEVANT,
      versions: versions.map((v) => ({ ...v, inUse: v.number === active.version, seconds: (v.trainMs / 1000).toFixed(1) })),
      additions: suggestions.filter((s) => s.change === 'add').map((s) => ({ ...s, message: `Add ${s.topic}/${s.rule}: ${s.why}` })),
      removals: suggestions.filter((s) => s.change === 'remove').map((s) => ({ ...s, message: `Remove ${s.topic}/${s.rule}: ${s.why}` })),
    });
  });

  app.post('/relevance/retrain', editor, async (req, reply) => {
    await requestRetrain({ queues: deps.queues, now: () => app.pd.now() }, req.user!.id);
    flash(req, 'ok', 'Retraining: the new version appears below when it is done (a minute or so).');
    return reply.redirect('/relevance#versions-h', 303);
  });
}
