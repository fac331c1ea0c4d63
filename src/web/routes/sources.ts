// The sources page (editors): health of every source in words, add, edit, enable/disable, "poll now".
// Thin routes: parse -> one storage call -> redirect with a flash. Also the sources' /metrics gauges.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Gauge } from 'prom-client';
import { checkUrl } from '../../adapters/ssrf.ts';
import type { Source, SourceSpec } from '../../domain/types.ts';
import { limitWords } from '../../pipeline/limit-words.ts';
import { sourceSpec } from '../../pipeline/opml.ts';
import { fetchResultCounts, makeDue, recentFetches, sourceHealthCounts } from '../../storage/polls.ts';
import { addSource, getSource, listSources, setSourceEnabled, updateSource } from '../../storage/sources.ts';
import { sendError } from '../errors.ts';
import { durationField, field } from '../form.ts';
import { addMetrics } from '../metrics.ts';
import { flash, sendPage } from '../page.ts';
import type { WebDeps } from '../server.ts';
import { websubRoutes } from './websub.ts';

const editor = { config: { auth: 'editor' as const } };
type P = { Params: { id: string } };
const DAY_MS = 86_400_000;

const minutes = (s: number | null) => (s == null ? '' : s % 3600 === 0 ? `${s / 3600} h` : `${Math.round(s / 60)} min`);
/** Seconds as the form's duration text, read back by the same grammar. */
const every = (s: number) => (s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`);

function view(s: Source) {
  const state = !s.enabled ? 'disabled' : s.consecutiveFailures > 0 ? 'failing' : s.lastSuccessAt ? 'ok' : 'new';
  const limits = limitWords({ feedItems: s.lastFeedItems, skippedItems: s.lastSkippedItems });
  return { ...s, state, limits, failing: state === 'failing', every: `${minutes(s.minIntervalS)}–${minutes(s.maxIntervalS)}`, selectorsJson: s.selectors ? JSON.stringify(s.selectors) : '' };
}

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

  app.get('/sources', editor, async (req, reply) => {
    const sources = (await listSources(db)).map(view);
    const failing = sources.filter((s) => s.failing).length;
    return sendPage(req, reply, 'sources', { title: 'Sources', sources, failing });
  });

  app.post('/sources', editor, async (req, reply) => {
    const spec = specFrom(req.body, allowPrivate);
    if ('problem' in spec) {
      flash(req, 'error', spec.problem);
      return reply.redirect('/sources', 303);
    }
    const r = await addSource(db, spec);
    flash(req, r.created ? 'ok' : 'info', r.created ? `Added "${r.source.name}"; its first poll is due now.` : `${r.source.url} is already a source ("${r.source.name}").`);
    return reply.redirect(r.created ? '/sources' : `/sources/${r.source.id}`, 303);
  });

  const target = async (req: FastifyRequest<P>, reply: FastifyReply): Promise<Source | undefined> => {
    const id = Number(req.params.id);
    const s = Number.isSafeInteger(id) && id > 0 ? await getSource(db, id) : undefined;
    if (!s) await sendError(req, reply, 404, `sources: no source ${req.params.id} — go back to the sources page`);
    return s;
  };

  app.get<P>('/sources/:id', editor, async (req, reply) => {
    const s = await target(req, reply);
    if (!s) return reply;
    const fetches = (await recentFetches(db, s.id, 20)).map((f) => ({ ...f, limits: limitWords(f) }));
    return sendPage(req, reply, 'sources-edit', { title: s.name, source: view(s), fetches, minEvery: every(s.minIntervalS), maxEvery: every(s.maxIntervalS) });
  });

  app.post<P>('/sources/:id', editor, async (req, reply) => {
    const s = await target(req, reply);
    if (!s) return reply;
    const spec = specFrom({ ...(req.body as object), url: s.url }, allowPrivate);
    if ('problem' in spec) flash(req, 'error', spec.problem);
    else {
      await updateSource(db, s.id, { name: spec.name, kind: spec.kind, selectors: spec.selectors ?? null, minIntervalS: spec.minIntervalS, maxIntervalS: spec.maxIntervalS, charset: spec.charset ?? null, dedupPolicy: spec.dedupPolicy, topics: spec.topics });
      flash(req, 'ok', `Saved "${spec.name}".`);
    }
    return reply.redirect(`/sources/${s.id}`, 303);
  });

  for (const [verb, enabled] of [['enable', true], ['disable', false]] as const) {
    app.post<P>(`/sources/:id/${verb}`, editor, async (req, reply) => {
      const s = await target(req, reply);
      if (!s) return reply;
      await setSourceEnabled(db, s.id, enabled, now());
      flash(req, 'ok', enabled ? `"${s.name}" is polled again, starting now.` : `"${s.name}" is no longer polled; its items stay.`);
      return reply.redirect('/sources', 303);
    });
  }

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
