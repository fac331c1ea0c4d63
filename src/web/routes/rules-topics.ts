// The structured rules editor (editors): one topic's rules and excludes and the global excludes as rows of an
// id and a query typed verbatim. A plain form (Check, Backtest, Save; Add row and Remove post back), which
// /rules/rows.js enhances with a live check of each row (every problem, with its column) and each row's hits
// over the last 30 days as you type. Save splices the rows into the active YAML (src/rules/write.ts) and
// saves it as a new version exactly as the YAML view does.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { diffRuleSets } from '../../pipeline/rulediff.ts';
import { renderTemplate } from '../../render/index.ts';
import { type Row, type Rows, type RowsCheck, SECTIONS, type Section, checkRows, isBlank, rowsEdit } from '../../rules/rows.ts';
import { loadRuleSet } from '../../rules/ruleset.ts';
import { applyTopicEdit, rewriteTopic } from '../../rules/write.ts';
import { activeRules } from '../../services/active-rules.ts';
import { countQueryHits } from '../../services/count-query-hits.ts';
import { publishRules } from '../../services/publish-rules.ts';
import { sendError } from '../errors.ts';
import { field } from '../form.ts';
import { flash, sendPage } from '../page.ts';
import type { WebDeps } from '../server.ts';
import { backtestStored } from './rules.ts';

const editor = { config: { auth: 'editor' as const } };
type P = { Params: { id: string } };

const HIT_DAYS = 30;
const MAX_ROWS = 500;
const MAX_QUERY = 20_000;
const FIELD = /^(rules|exclude|global)\.(\d{1,4})\.(id|query)$/;

const SECTION_TEXT: Record<Section, { title: string; help: string; add: string }> = {
  rules: { title: 'Rules', help: 'An item gets this topic when any of these matches (and no exclude does).', add: 'Add a rule' },
  exclude: { title: 'Excludes of this topic', help: 'An item matching any of these does not get this topic.', add: 'Add an exclude' },
  global: { title: 'Global excludes', help: 'An item matching any of these gets no topic at all. Shared by every topic: saving here saves them too.', add: 'Add a global exclude' },
};

interface Posted {
  rows: Rows;
  /** Each row's field prefix as posted ("rules.3"), for answers keyed by row. */
  names: Record<Section, string[]>;
}

/** The rows a form posted, in their order; CRLF (how browsers send textareas) read as LF, nothing else changed. */
function rowsFrom(body: unknown): Posted | undefined {
  const found: Record<Section, Map<number, Row>> = { rules: new Map(), exclude: new Map(), global: new Map() };
  for (const [k, v] of Object.entries(body && typeof body === 'object' ? body : {})) {
    const m = FIELD.exec(k);
    const s = Array.isArray(v) ? v[0] : v;
    if (!m || typeof s !== 'string') continue;
    const rows = found[m[1] as Section];
    const row = rows.get(Number(m[2])) ?? { id: '', query: '' };
    row[m[3] as 'id' | 'query'] = s.replace(/\r\n?/g, '\n');
    rows.set(Number(m[2]), row);
  }
  const sorted = (s: Section) => [...found[s]].sort(([a], [b]) => a - b);
  const rows = { rules: sorted('rules').map(([, r]) => r), exclude: sorted('exclude').map(([, r]) => r), global: sorted('global').map(([, r]) => r) };
  const names = { rules: sorted('rules').map(([n]) => `rules.${n}`), exclude: sorted('exclude').map(([n]) => `exclude.${n}`), global: sorted('global').map(([n]) => `global.${n}`) };
  const all = SECTIONS.flatMap((s) => rows[s]);
  return all.length > 3 * MAX_ROWS || all.some((r) => r.query.length > MAX_QUERY) ? undefined : { rows, names };
}

/** A problem's place in the query: the text around it with the offending part marked (escaped when rendered). */
function excerpt(query: string, col: number | undefined, length = 0) {
  if (col === undefined) return undefined;
  const at = col - 1;
  const from = Math.max(0, at - 40);
  const to = Math.min(query.length, at + Math.max(length, 1) + 40);
  return {
    before: `${from > 0 ? '…' : ''}${query.slice(from, at)}`,
    mark: query.slice(at, at + length) || ' ',
    after: `${query.slice(at + length, to)}${to < query.length ? '…' : ''}`,
  };
}

/** Each row's problems, keyed by `name(section, index)`, with an excerpt of the query around each. */
function problemsOf(rows: Rows, check: RowsCheck, name: (s: Section, i: number) => string) {
  return Object.fromEntries(
    SECTIONS.flatMap((s) => rows[s].map((r, i) => [name(s, i), check.rows[s][i]!.map((p) => ({ ...p, excerpt: p.field === 'query' ? excerpt(r.query, p.col, p.length) : undefined }))])),
  );
}

export async function ruleTopicRoutes(app: FastifyInstance, deps: WebDeps) {
  const { db } = deps;
  const now = () => app.pd.now();
  const since = () => new Date(now().getTime() - HIT_DAYS * 86_400_000);

  const topicOf = async (req: FastifyRequest<P>, reply: FastifyReply) => {
    const active = await activeRules(db);
    const topic = active.ruleSet.topics.find((t) => t.id === req.params.id);
    if (!topic) await sendError(req, reply, 404, `rules: no topic "${req.params.id}" in the rules in use — pick one on the rules page, or add it in the YAML view`);
    return topic && { active, topic };
  };

  type Extra = { check?: RowsCheck; hits?: (number | null)[]; message?: string; base?: number } & Record<string, unknown>;
  const page = (req: FastifyRequest<P>, reply: FastifyReply, a: NonNullable<Awaited<ReturnType<typeof topicOf>>>, rows: Rows, x: Extra = {}) => {
    const problems = x.check ? problemsOf(rows, x.check, (s, i) => `${s}.${i}`) : {};
    let n = 0; // hits are given for the rows that are not blank, in order
    const sections = SECTIONS.map((s) => {
      // A section ends with a blank row to fill in: adding a rule needs no script.
      const list = rows[s].at(-1) && isBlank(rows[s].at(-1)!) ? rows[s] : [...rows[s], { id: '', query: '' }];
      return {
        key: s,
        ...SECTION_TEXT[s],
        problem: x.check?.sections[s],
        rows: list.map((r, i) => {
          const hits = isBlank(r) ? undefined : x.hits?.[n++];
          const mine = problems[`${s}.${i}`] ?? [];
          return {
            ...r,
            name: `${s}.${i}`,
            dom: `${s}-${i}`,
            problems: mine,
            idBad: mine.some((p) => p.field === 'id'),
            queryBad: mine.some((p) => p.field === 'query'),
            queryRows: Math.min(10, Math.max(2, Math.ceil(r.query.length / 80) + (r.query.match(/\n/g)?.length ?? 0))),
            hits,
            counted: typeof hits === 'number',
          };
        }),
      };
    });
    return sendPage(req, reply, 'rules-topic', {
      title: `Rules: ${a.topic.name}`,
      topic: a.topic,
      inUse: a.active.version,
      base: x.base ?? a.active.version,
      sections,
      days: HIT_DAYS,
      ...x,
      check: x.check && { count: x.check.count },
    });
  };

  app.get<P>('/rules/topics/:id', editor, async (req, reply) => {
    const a = await topicOf(req, reply);
    if (!a) return reply;
    return page(req, reply, a, { rules: a.topic.rules, exclude: a.topic.exclude, global: a.active.ruleSet.exclude });
  });

  app.post<P>('/rules/topics/:id', editor, async (req, reply) => {
    const a = await topicOf(req, reply);
    if (!a) return reply;
    const posted = rowsFrom(req.body);
    if (!posted) return sendError(req, reply, 413, `rules: at most ${MAX_ROWS} rows a section and ${MAX_QUERY} characters a query`);
    const { rows } = posted;
    const action = field(req.body, 'action');
    const message = field(req.body, 'message');
    const base = Number(field(req.body, 'base')) || 0;
    const kept = { message, base };
    // Add a row / remove a row, without a script: the form comes back with the change made.
    const edit = /^(add|remove):(rules|exclude|global)(?:\.(\d+))?$/.exec(action);
    if (edit) {
      const s = edit[2] as Section;
      if (edit[1] === 'add') rows[s].push({ id: '', query: '' });
      else rows[s].splice(posted.names[s].indexOf(`${s}.${edit[3]}`) >>> 0, 1); // a name not posted removes nothing
      return page(req, reply, a, rows, { ...kept, focus: edit[1] === 'add' ? `${s}-${rows[s].length - 1}` : undefined });
    }
    const check = checkRows(rows);
    const queries = SECTIONS.flatMap((s) => rows[s].filter((r) => !isBlank(r)).map((r) => r.query));
    if (check.count) return page(req, reply.code(422), a, rows, { ...kept, check, refused: action === 'save' ? 'saved' : action === 'backtest' ? 'backtested' : undefined });
    const topicEdit = rowsEdit(a.topic.id, rows);
    if (action === 'check') {
      const hits = await countQueryHits({ db }, { queries, since: since() });
      return page(req, reply, a, rows, { ...kept, check, hits: hits.counts, checked: true });
    }
    if (action === 'backtest') {
      const edited = applyTopicEdit(a.active.ruleSet, topicEdit);
      const started = performance.now();
      const result = await backtestStored(db, a.active.ruleSet, edited, since());
      const backtest = { ...result, ms: Math.round(performance.now() - started) };
      return page(req, reply, a, rows, { ...kept, check, backtest, diff: diffRuleSets(a.active.ruleSet, edited), over: `${HIT_DAYS} days` });
    }
    if (action !== 'save') return sendError(req, reply, 400, 'rules: choose Check, Backtest or Save');
    if (base !== a.active.version) {
      // Someone saved since this form was loaded: saving now could undo their change to this topic.
      return page(req, reply.code(409), a, rows, { ...kept, check, base: a.active.version, conflict: a.active.version });
    }
    if (!message) return page(req, reply.code(422), a, rows, { ...kept, check, messageMissing: true });
    const yaml = rewriteTopic(a.active.yaml, topicEdit);
    const loaded = yaml === undefined ? undefined : loadRuleSet(yaml, 'rules.yaml');
    if (!yaml || !loaded || loaded.problems.length) return sendError(req, reply, 500, 'rules: the rows could not be written as YAML — save them in the YAML view, and tell an admin');
    const v = await publishRules({ db, queues: deps.queues, now }, { yaml, ruleSet: loaded.ruleSet, authorId: req.user!.id, message, topic: a.topic.id });
    flash(req, 'ok', `Saved as version ${v.number}; stored items are being re-tagged.`);
    return reply.redirect(`/rules/topics/${encodeURIComponent(a.topic.id)}`, 303);
  });

  // The live check: the same rows check as Check, as JSON (problems keyed by row name, e.g. "rules.2").
  app.post<P>('/rules/topics/:id/check', editor, async (req, reply) => {
    const posted = rowsFrom(req.body);
    if (!posted) return sendError(req, reply, 413, `rules: at most ${MAX_ROWS} rows a section and ${MAX_QUERY} characters a query`);
    const check = checkRows(posted.rows);
    return reply.send({ problems: problemsOf(posted.rows, check, (s, i) => posted.names[s][i]!), sections: check.sections, count: check.count });
  });

  // Hits over the last 30 days of each query sent (field "q", repeated), counted in one pass.
  app.post('/rules/hits', editor, async (req, reply) => {
    const raw = (req.body as Record<string, unknown> | undefined)?.q;
    const queries = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((q): q is string => typeof q === 'string').map((q) => q.replace(/\r\n?/g, '\n'));
    if (queries.length > 50 || queries.some((q) => q.length > MAX_QUERY)) return sendError(req, reply, 413, `rules: count at most 50 queries at once, each under ${MAX_QUERY} characters`);
    const started = performance.now();
    const hits = await countQueryHits({ db }, { queries, since: since() });
    return reply.send({ ...hits, days: HIT_DAYS, ms: Math.round(performance.now() - started) });
  });

  app.get('/rules/rows.js', editor, async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(renderTemplate('web/rules-rows.js', {})),
  );
}
