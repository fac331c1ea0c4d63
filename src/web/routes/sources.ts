// The sources page (editors): health of every source in words, failing first or sorted as asked; add, edit,
// enable/disable, remove (after a confirmation; the items stay), "poll now". Thin routes: parse -> one service
// call (the same ones the CLI calls, which audit each change) -> redirect with a flash. Also the sources'
// /metrics gauges.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Gauge } from 'prom-client';
import { checkUrl } from '../../adapters/ssrf.ts';
import type { Source, SourceSpec } from '../../domain/types.ts';
import { limitWords } from '../../pipeline/limit-words.ts';
import { sourceSpec } from '../../pipeline/opml.ts';
import { sortSources, sourceOrder } from '../../pipeline/sort-sources.ts';
import { addSources } from '../../services/add-sources.ts';
import type { Actor, SourceDeps } from '../../services/deps.ts';
import { editSource } from '../../services/edit-source.ts';
import { enableSource } from '../../services/enable-source.ts';
import { removeSource } from '../../services/remove-source.ts';
import { fetchResultCounts, makeDue, recentFetches, sourceHealthCounts } from '../../storage/polls.ts';
import { getSource, itemCount, listSources, recentItemCounts } from '../../storage/sources.ts';
import { sendError } from '../errors.ts';
import { durationField, field } from '../form.ts';
import { addMetrics } from '../metrics.ts';
import { flash, sendPage } from '../page.ts';
import type { WebDeps } from '../server.ts';
import { PER_DAY_OVER_DAYS, sortChoices, sortHeadings, sourceView } from './source-view.ts';
import { websubRoutes } from './websub.ts';

const editor = { config: { auth: 'editor' as const } };
type P = { Params: { id: string } };
type Q = { Querystring: { sort?: string } };
const DAY_MS = 86_400_000;

/** Seconds as the form's duration text, read back by the same grammar. */
const every = (s: number) => (s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`);

/** The form's fields as a spec; a problem is flashed by the caller. */
function specFrom(body: unknown, allowPrivate: boolean): SourceSpec | { problem: string } {
  let selectors: unknown;
  const raw = field(body, 'selectors');
  try {
    selectors = raw ? JSON.parse(raw) : undefined;
  } catch {
    return { problem: 'Selectors must be JSON, like {"item": ".news li", "link": "a"}.' };
  }
  const min = durationField(body, 'min_every', 'Poll at most every');
  if ('problem' in min) return min;
  const max = durationField(body, 'max_every', 'Poll at least every');
  if ('problem' in max) return max;
  const spec = sourceSpec({
    url: field(body, 'url'),
    name: field(body, 'name') || undefined,
    kind: field(body, 'kind') || 'feed',
    selectors,
    minIntervalS: min.ms && min.ms / 1000,
    maxIntervalS: max.ms && max.ms / 1000,
    charset: field(body, 'charset') || null,
    dedupPolicy: field(body, 'dedup') || undefined,
    topics: field(body, 'topics').split(',').map((t) => t.trim()).filter(Boolean),
  });
  if ('problem' in spec) return spec;
  const c = checkUrl(spec.url, { allowPrivate });
  return c.ok ? spec : { problem: `pressdesk will not fetch ${spec.url} (${c.reason}).` };
}

addMetrics((registry, deps) => {
  const dayAgo = () => new Date((deps.now ?? (() => new Date()))().getTime() - DAY_MS);
  new Gauge({
    name: 'pressdesk_source_fetches',
    help: 'Polls per source and result over the last 24 hours (ok, not_modified, unchanged, error)',
    labelNames: ['source_id', 'source', 'result'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await fetchResultCounts(deps.db, dayAgo())) this.set({ source_id: String(r.sourceId), source: r.name, result: r.result }, r.n);
    },
  });
  new Gauge({
    name: 'pressdesk_sources',
    help: 'Sources by state: enabled, failing (last poll failed), failing_day (failing for over a day), disabled',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const c = await sourceHealthCounts(deps.db, dayAgo());
      this.set({ state: 'enabled' }, c.enabled);
      this.set({ state: 'failing' }, c.failing);
      this.set({ state: 'failing_day' }, c.failingLong);
      this.set({ state: 'disabled' }, c.disabled);
    },
  });
});

export async function sourceRoutes(app: FastifyInstance, deps: WebDeps) {
  const { db } = deps;
  const now = () => app.pd.now();
  const allowPrivate = deps.config.fetchAllowPrivate;
  const services: SourceDeps = { db, now, queues: deps.queues, config: deps.config };
  const actor = (req: FastifyRequest): Actor => ({ userId: req.user!.id, via: 'web' });
  const recent = () => recentItemCounts(db, new Date(now().getTime() - PER_DAY_OVER_DAYS * DAY_MS));

  app.get<Q>('/sources', editor, async (req, reply) => {
    const order = sourceOrder(req.query.sort);
    const [all, counts] = await Promise.all([listSources(db), recent()]);
    const sources = sortSources(
      all.map((s) => sourceView(s, counts.get(s.id) ?? 0, now())),
      order,
    );
    const failing = sources.filter((s) => s.failing).length;
    return sendPage(req, reply, 'sources', { title: 'Sources', sources, failing, headings: sortHeadings(order), choices: sortChoices(order) });
  });

  app.post('/sources', editor, async (req, reply) => {
    const spec = specFrom(req.body, allowPrivate);
    if ('problem' in spec) {
      flash(req, 'error', spec.problem);
      return reply.redirect('/sources', 303);
    }
    const [r] = await addSources(services, [spec], actor(req));
    const { source, outcome } = r!;
    const said = {
      added: `Added "${source.name}"; its first poll is due now.`,
      restored: `Added "${source.name}" again, with the items it had; its poll is due now.`,
      existing: `${source.url} is already a source ("${source.name}").`,
    };
    flash(req, outcome === 'existing' ? 'info' : 'ok', said[outcome]);
    return reply.redirect(outcome === 'existing' ? `/sources/${source.id}` : '/sources', 303);
  });

  /** The source named in the URL; a removed or unknown one is a 404 (already sent). */
  const target = async (req: FastifyRequest<P>, reply: FastifyReply): Promise<Source | undefined> => {
    const id = Number(req.params.id);
    const s = Number.isSafeInteger(id) && id > 0 ? await getSource(db, id) : undefined;
    if (!s || s.removedAt) {
      await sendError(req, reply, 404, `sources: no source ${req.params.id}${s ? ' (it was removed; add its URL again to bring it back)' : ''} — go back to the sources page`);
      return undefined;
    }
    return s;
  };

  app.get<P>('/sources/:id', editor, async (req, reply) => {
    const s = await target(req, reply);
    if (!s) return reply;
    const fetches = (await recentFetches(db, s.id, 20)).map((f) => ({ ...f, limits: limitWords(f) }));
    const source = sourceView(s, (await recent()).get(s.id) ?? 0, now());
    return sendPage(req, reply, 'sources-edit', { title: s.name, source, fetches, minEvery: every(s.minIntervalS), maxEvery: every(s.maxIntervalS) });
  });

  app.post<P>('/sources/:id', editor, async (req, reply) => {
    const s = await target(req, reply);
    if (!s) return reply;
    const spec = specFrom({ ...(req.body as object), url: s.url }, allowPrivate);
    if ('problem' in spec) flash(req, 'error', spec.problem);
    else {
      const { url: _u, enabled: _e, ...edit } = spec;
      const r = await editSource(services, s.id, { ...edit, selectors: spec.selectors ?? null, charset: spec.charset ?? null }, actor(req));
      if (!r.ok) flash(req, 'error', r.message.replace(/^sources: /, ''));
      else flash(req, 'ok', r.changed.length ? `Saved "${r.source.name}".` : 'Nothing to save: the settings are as they were.');
    }
    return reply.redirect(`/sources/${s.id}`, 303);
  });

  for (const [verb, enabled] of [['enable', true], ['disable', false]] as const) {
    app.post<P>(`/sources/:id/${verb}`, editor, async (req, reply) => {
      const s = await target(req, reply);
      if (!s) return reply;
      const r = await enableSource(services, s.id, enabled, actor(req));
      if (!r.ok) flash(req, 'error', r.message.replace(/^sources: /, ''));
      else flash(req, 'ok', enabled ? `"${s.name}" is polled again, starting now.` : `"${s.name}" is no longer polled; its items stay.`);
      return reply.redirect('/sources', 303);
    });
  }

  // Removing asks first, on a page of its own: what goes (polling, its place in the list) and what stays.
  app.get<P>('/sources/:id/remove', editor, async (req, reply) => {
    const s = await target(req, reply);
    if (!s) return reply;
    return sendPage(req, reply, 'sources-remove', { title: `Remove ${s.name}?`, source: s, items: await itemCount(db, s.id) });
  });

  app.post<P>('/sources/:id/remove', editor, async (req, reply) => {
    const s = await target(req, reply);
    if (!s) return reply;
    const r = await removeSource(services, s.id, actor(req));
    if (!r.ok) flash(req, 'error', r.message.replace(/^sources: /, ''));
    else flash(req, 'ok', `Removed "${r.source.name}". Its ${r.items === 1 ? 'item stays' : `${r.items} items stay`} in stories and search; add ${r.source.url} again to bring it back.`);
    return reply.redirect('/sources', 303);
  });

  app.post<P>('/sources/:id/poll', editor, async (req, reply) => {
    const s = await target(req, reply);
    if (!s) return reply;
    if (!s.enabled) flash(req, 'error', `"${s.name}" is disabled; enable it first.`);
    else {
      await makeDue(db, now(), [s.id]);
      // Unconditional fetch: an editor asking for a poll wants to see what is there now.
      await deps.queues.add('poll-source', { sourceId: s.id, force: true }, { jobId: `manual-${s.id}-${now().getTime()}` });
      flash(req, 'ok', `"${s.name}" will be polled in a moment; reload to see the result.`);
    }
    return reply.redirect(`/sources/${s.id}`, 303);
  });

  await websubRoutes(app, deps);
}
