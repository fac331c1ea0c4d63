// The rules page (editors): edit the YAML with inline FILE:line:col problems, backtest an edit against stored
// items, save it as a new version (which queues a re-tag), see versions with their diff, roll back, and read
// each rule's stats (last fired, 7/30-day hits, precision over feedback, recent false positives).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type BacktestResult, runBacktest } from '../../pipeline/backtest.ts';
import { diffRuleSets } from '../../pipeline/rulediff.ts';
import { renderTemplate } from '../../render/index.ts';
import { activeRules } from '../../services/active-rules.ts';
import { SHIPPED_PACK_FILE, shippedRulePack } from '../../rules/pack.ts';
import { loadRuleSet } from '../../rules/ruleset.ts';
import type { RuleProblem, RuleSet } from '../../rules/types.ts';
import { audit } from '../../storage/audit.ts';
import type { Db } from '../../storage/db.ts';
import { recentFalsePositives, rulePrecision } from '../../storage/feedback.ts';
import {
  countRuleVersions,
  getRuleVersion,
  backtestStore,
  latestRetagRun,
  listRuleVersions,
  ruleHits,
  saveRuleVersion,
} from '../../storage/rules.ts';
import { publishRules } from '../../services/publish-rules.ts';
import { requestRetag } from '../../services/request-retag.ts';
import { sendError } from '../errors.ts';
import { durationField, field } from '../form.ts';
import { flash, paginate, sendPage } from '../page.ts';
import type { WebDeps } from '../server.ts';

const editor = { config: { auth: 'editor' as const } };
const FILE = 'rules.yaml';

/** Runs a backtest of `edited` against `current` over stored items dated since `since`: only the items whose
 *  words a changed rule needs are read (migration 008's word index), the rest are counted. */
export function backtestStored(db: Db, current: RuleSet, edited: RuleSet, since: Date | null, limit = 50): Promise<BacktestResult> {
  return runBacktest(current, edited, backtestStore(db, since), { limit });
}

/** The YAML view's line numbers, the lines with a problem marked; the textarea is as tall as the text (plus
 *  room to add), so the numbers stay beside their lines without a script. */
function gutter(yaml: string, problems: RuleProblem[] = []) {
  const bad = new Set(problems.map((p) => p.line));
  const count = yaml.split('\n').length;
  return { gutter: Array.from({ length: count }, (_, i) => ({ n: i + 1, bad: bad.has(i + 1) })), yamlLines: count, yamlRows: count + 2 };
}

/** Each problem with the line it points at and a caret under the column, for the inline error list. */
function withLines(yaml: string, problems: RuleProblem[]) {
  const lines = yaml.split('\n');
  return problems.map((p) => {
    const prefix = `${p.line} | `;
    return { ...p, source: `${prefix}${lines[p.line - 1] ?? ''}`, caret: `${' '.repeat(prefix.length + Math.max(0, p.col - 1))}^` };
  });
}

export async function ruleRoutes(app: FastifyInstance, deps: WebDeps) {
  const { db } = deps;
  const now = () => app.pd.now();

  /** The page: the editor (with what was typed, when given), stats, versions and the latest retag run. */
  const page = async (req: FastifyRequest, reply: FastifyReply, over: Record<string, unknown> = {}) => {
    const active = await activeRules(db);
    const [hits, precision, fps, versions, total, retag] = await Promise.all([
      ruleHits(db, now()),
      rulePrecision(db),
      recentFalsePositives(db, 3),
      listRuleVersions(db, { limit: 20 }),
      countRuleVersions(db),
      latestRetagRun(db),
    ]);
    const key = (t: string, r: string) => `${t}\u0000${r}`;
    const hitBy = new Map(hits.map((h) => [key(h.topic, h.rule), h]));
    const precBy = new Map(precision.map((p) => [key(p.topic, p.rule), p]));
    const stats = active.ruleSet.topics.flatMap((t) =>
      t.rules.map((r) => {
        const p = precBy.get(key(t.id, r.id));
        return {
          topic: t.id,
          rule: r.id,
          query: r.query,
          hits: hitBy.get(key(t.id, r.id)),
          judged: p?.judged ?? 0,
          precision: p?.precision == null ? null : `${Math.round(p.precision * 100)}%`,
          falsePositives: fps.filter((f) => f.topic === t.id && f.rule === r.id),
        };
      }),
    );
    const yaml = typeof over.yaml === 'string' ? over.yaml : active.yaml;
    return sendPage(req, reply, 'rules', {
      title: 'Rules',
      active: { version: active.version, shipped: active.version === 0 },
      topics: active.ruleSet.topics.map((t) => ({ id: t.id, name: t.name, rules: t.rules.length, exclude: t.exclude.length })),
      globalExcludes: active.ruleSet.exclude.length,
      yaml: active.yaml,
      yamlOpen: over.yaml !== undefined,
      ...gutter(yaml, over.problems as RuleProblem[] | undefined),
      over: '30d',
      message: '',
      stats,
      versions: versions.map((v) => ({ ...v, active: v.number === active.version })),
      moreVersions: total > versions.length,
      retag: retag && { ...retag, percent: retag.total ? Math.round((100 * retag.progress) / retag.total) : 100, busy: retag.status === 'queued' || retag.status === 'running' },
      ...over,
    });
  };

  app.get('/rules', editor, (req, reply) => page(req, reply));

  // Live checking (optional script; CSP allows script-src 'self'): the same loader as Save, as JSON.
  app.get('/rules/editor.js', editor, async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(renderTemplate('web/rules-editor.js', {})),
  );
  app.post('/rules/check', editor, async (req, reply) => {
    const { problems } = loadRuleSet(field(req.body, 'yaml', true).replace(/\r\n/g, '\n'), FILE);
    return reply.send({ problems: problems.map((p) => ({ line: p.line, col: p.col, message: p.message })) });
  });

  app.post('/rules', editor, async (req, reply) => {
    const yaml = field(req.body, 'yaml', true).replace(/\r\n/g, '\n');
    const action = field(req.body, 'action');
    const message = field(req.body, 'message');
    const over = field(req.body, 'over') || '30d';
    const window = durationField(req.body, 'over', 'Backtest over the last');
    const { ruleSet, problems } = loadRuleSet(yaml, FILE);
    const kept = { yaml, message, over };
    if (problems.length) {
      return page(req, reply.code(422), { ...kept, problems: withLines(yaml, problems), refused: action === 'save' ? 'save' : action === 'backtest' ? 'backtest' : undefined });
    }
    if (action === 'check') return page(req, reply, { ...kept, checked: true });
    if (action === 'backtest') {
      if ('problem' in window) return page(req, reply.code(422), { ...kept, overProblem: window.problem });
      const active = await activeRules(db);
      const started = performance.now();
      const result = await backtestStored(db, active.ruleSet, ruleSet, new Date(now().getTime() - (window.ms ?? 30 * 86_400_000)));
      return page(req, reply, { ...kept, backtest: { ...result, ms: Math.round(performance.now() - started) }, diff: diffRuleSets(active.ruleSet, ruleSet) });
    }
    if (action !== 'save') return sendError(req, reply, 400, 'rules: choose Check, Backtest or Save');
    if (!message) return page(req, reply.code(422), { ...kept, messageMissing: true });
    const v = await publishRules({ db, queues: deps.queues, now }, { yaml, ruleSet, authorId: req.user!.id, message });
    flash(req, 'ok', `Saved as version ${v.number}; stored items are being re-tagged.`);
    return reply.redirect('/rules', 303);
  });

  type V = { Params: { n: string }; Querystring: { page?: string } };
  const version = async (req: FastifyRequest<V>, reply: FastifyReply) => {
    const n = Number(req.params.n);
    const v = Number.isSafeInteger(n) && n > 0 ? await getRuleVersion(db, n) : undefined;
    if (!v) await sendError(req, reply, 404, `rules: no version ${req.params.n} — see the versions list on the rules page`);
    return v;
  };

  app.get<V>('/rules/versions', editor, async (req, reply) => {
    const pager = paginate(await countRuleVersions(db), req.query.page, 50);
    const active = await activeRules(db);
    const versions = (await listRuleVersions(db, pager)).map((v) => ({ ...v, active: v.number === active.version }));
    return sendPage(req, reply, 'rules-versions', { title: 'Rule versions', versions, pager });
  });

  app.get<V>('/rules/versions/:n', editor, async (req, reply) => {
    const v = await version(req, reply);
    if (!v) return reply;
    const prev = v.number > 1 ? await getRuleVersion(db, v.number - 1) : undefined;
    const base = prev?.ruleSet ?? loadRuleSet(shippedRulePack(), SHIPPED_PACK_FILE).ruleSet;
    const active = await activeRules(db);
    return sendPage(req, reply, 'rules-version', {
      title: `Rules version ${v.number}`,
      v,
      against: prev ? `version ${prev.number}` : 'the shipped pack',
      diff: diffRuleSets(base, v.ruleSet),
      isActive: v.number === active.version,
    });
  });

  app.get<V>('/rules/versions/:n/yaml', editor, async (req, reply) => {
    const v = await version(req, reply);
    if (!v) return reply;
    return reply.type('text/yaml; charset=utf-8').header('content-disposition', `attachment; filename="rules-v${v.number}.yaml"`).send(v.yaml);
  });

  app.post<V>('/rules/versions/:n/rollback', editor, async (req, reply) => {
    const v = await version(req, reply);
    if (!v) return reply;
    const saved = await db.tx(async (t) => {
      const s = await saveRuleVersion(t, { yaml: v.yaml, ruleSet: v.ruleSet, authorId: req.user!.id, message: `Rollback to version ${v.number}`, copiedFrom: v.number, now: now() });
      await audit(t, { userId: req.user!.id, action: 'rule.rolled_back', objectType: 'rule_version', objectId: s.number, detail: { to: v.number }, at: now() });
      return s;
    });
    await requestRetag({ db, queues: deps.queues, now }, { since: null, requestedBy: req.user!.id });
    flash(req, 'ok', `Rolled back: version ${saved.number} is a copy of version ${v.number}; stored items are being re-tagged.`);
    return reply.redirect('/rules', 303);
  });

  app.post('/rules/retag', editor, async (req, reply) => {
    const run = await requestRetag({ db, queues: deps.queues, now }, { since: null, requestedBy: req.user!.id });
    flash(req, 'ok', `Re-tag run ${run.id} queued.`);
    return reply.redirect('/rules#retag', 303);
  });
}
