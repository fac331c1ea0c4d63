// The archive and story pages: search (rule language, topic/source/date filters, paging, CSV), one story with
// its coverage by source, highlighted rule matches and the relevance model's decisions with their terms,
// feedback forms, and editors' split / merge / headline.
// Everything from feeds reaches templates as plain text ({{x}} escapes it); highlights are segments, not HTML.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SearchFilters } from '../../domain/types.ts';
import { DurationError, parseSince } from '../../pipeline/duration.ts';
import { searchFilters } from '../../pipeline/search-filters.ts';
import { SearchQueryError } from '../../pipeline/searchquery.ts';
import { stripHtml } from '../../pipeline/text.ts';
import { exportStories } from '../../services/export-stories.ts';
import { type CoverageItem, searchFacets, searchStories, storyCoverage } from '../../storage/search.ts';
import { coverageTimeline } from '../../pipeline/coverage-timeline.ts';
import { searchParams } from '../../pipeline/search-params.ts';
import { activeRules } from '../../services/active-rules.ts';
import { forgetSearch } from '../../services/forget-search.ts';
import { saveSearch } from '../../services/save-search.ts';
import { ukDayStart } from '../../pipeline/uk-clock.ts';
import { savedSearches } from '../../storage/saved-searches.ts';
import { mergeStories } from '../../services/merge-stories.ts';
import { setHeadline } from '../../services/set-headline.ts';
import { splitItem } from '../../services/split-item.ts';
import { getDraftByStory } from '../../storage/drafts.ts';
import { loadReleaseTemplates } from '../../render/releases.ts';
import { decisionsOf } from '../../storage/relevance.ts';
import { storyState } from '../../storage/stories.ts';
import { sendError } from '../errors.ts';
import { field } from '../form.ts';
import { flash, paginate, sendPage } from '../page.ts';
import { ANY_ROLE, allows } from '../roles.ts';
import type { WebDeps } from '../server.ts';

const anyone = { config: { auth: ANY_ROLE } };
const editor = { config: { auth: 'editor' as const } };
const PER_PAGE = 20;
/** The "Published" choices: durations in the one grammar (src/pipeline/duration.ts), as the CLI's --since. */
const SINCE: Record<string, string> = { today: 'today (UK)', '1d': 'last 24 hours', '7d': 'last 7 days', '30d': 'last 30 days', '365d': 'last year' };

type SQ = { Querystring: { q?: string; topic?: string; source?: string; since?: string; page?: string; all?: string } };
type P = { Params: { id: string } };

interface Segment {
  text: string;
  mark: boolean;
}

/** Text cut into plain and highlighted runs around the rule's term hits; at most `max` characters, starting
 *  a little before the first hit when it lies further in. */
export function highlight(text: string, ranges: { start: number; end: number }[], max = 500): Segment[] {
  const sorted = ranges.filter((r) => r.end > r.start && r.start >= 0 && r.end <= text.length).sort((a, b) => a.start - b.start);
  const from = sorted[0] && sorted[0].start > max - 100 ? Math.max(0, sorted[0].start - 100) : 0;
  const to = Math.min(text.length, from + max);
  const out: Segment[] = [];
  let at = from;
  for (const r of sorted) {
    if (r.start < at || r.end > to) continue;
    if (r.start > at) out.push({ text: text.slice(at, r.start), mark: false });
    out.push({ text: text.slice(r.start, r.end), mark: true });
    at = r.end;
  }
  if (at < to) out.push({ text: text.slice(at, to), mark: false });
  if (from > 0) out.unshift({ text: '…', mark: false });
  if (to < text.length) out.push({ text: '…', mark: false });
  return out;
}

interface Hit {
  field: string;
  start: number;
  end: number;
}

const hitsOf = (item: CoverageItem, f: string): Hit[] =>
  item.topics.flatMap((t) => (Array.isArray(t.matches) ? (t.matches as Hit[]) : [])).filter((h) => h && h.field === f);

/** Only web links become hrefs: a feed can put javascript: in a link. */
const safeUrl = (u: string | null) => (u && /^https?:\/\//i.test(u) ? u : null);

/** The query string as search filters; a query or date that cannot be read comes back as `error`. */
function filtersFrom(q: SQ['Querystring'], now: Date): { filters: SearchFilters; notes: string[]; error?: string } {
  try {
    const since = q.since === 'today' ? ukDayStart(now) : q.since?.trim() ? parseSince(q.since, now) : undefined;
    // Relevant stories only, unless "show everything fetched" is ticked.
    return searchFilters({ query: q.q, topic: q.topic, source: q.source, since, relevant: q.all !== '1' });
  } catch (err) {
    if (err instanceof SearchQueryError) return { filters: {}, notes: [], error: `${err.message} (at character ${err.offset + 1})` };
    if (err instanceof DurationError) return { filters: {}, notes: [], error: `stories: since ${err.message}` };
    throw err;
  }
}

export async function storyRoutes(app: FastifyInstance, deps: WebDeps) {
  const { db } = deps;
  const now = () => app.pd.now();

  app.get<SQ>('/stories', anyone, async (req, reply) => {
    const q = req.query;
    const { filters, notes, error } = filtersFrom(q, now());
    const params = searchParams(q);
    const page = Math.max(1, Number.parseInt(q.page ?? '1', 10) || 1);
    const [res, facets, topics, saved] = await Promise.all([
      error ? { total: 0, hits: [] } : searchStories(db, filters, { limit: PER_PAGE, offset: (page - 1) * PER_PAGE }),
      error ? { topics: [], sources: [] } : searchFacets(db, filters),
      activeRules(db).then((r) => r.ruleSet.topics),
      savedSearches(db, req.user!.id),
    ]);
    const pager = paginate(res.total, page, PER_PAGE, (p) => `/stories?${new URLSearchParams([...params, ['page', String(p)]])}`);
    const stories = res.hits.map((h) => ({ ...h, href: h.storyId === null ? safeUrl(h.headlineUrl) : `/stories/${h.storyId}`, more: h.matched - h.items.length }));
    // Choices with the stories each would give; the chosen one stays listed even at 0.
    const topicCount = new Map(facets.topics.map((f) => [f.topic, f.stories]));
    const topicOptions = topics.map((t) => ({ value: t.id, label: `${t.name} (${topicCount.get(t.id) ?? 0})`, selected: q.topic === t.id }));
    if (q.topic && !topics.some((t) => t.id === q.topic)) topicOptions.push({ value: q.topic, label: `${q.topic} (${topicCount.get(q.topic) ?? 0})`, selected: true });
    const sourceOptions = facets.sources.map((f) => ({ value: String(f.id), label: `${f.name} (${f.stories})`, selected: q.source === String(f.id) }));
    if (q.source && !sourceOptions.some((o) => o.selected)) sourceOptions.unshift({ value: q.source, label: `${q.source} (0)`, selected: true });
    return sendPage(req, reply, 'stories', {
      title: 'Stories',
      form: { q: q.q ?? '', all: q.all === '1' },
      topicOptions,
      sourceOptions,
      sinceOptions: [{ value: '', label: 'any time', selected: !SINCE[q.since ?? ''] }, ...Object.entries(SINCE).map(([value, label]) => ({ value, label, selected: q.since === value }))],
      presets: Object.entries(SINCE).map(([value, label]) => ({ label, href: `/stories?${new URLSearchParams([...[...params].filter(([k]) => k !== 'since'), ['since', value]])}`, current: q.since === value })),
      saved: saved.map((x) => ({ ...x, href: `/stories${x.query ? `?${x.query}` : ''}`, current: x.query === params.toString() })),
      query: params.toString(),
      stories,
      notes,
      error,
      pager,
      searched: Boolean(q.q?.trim() || q.topic || q.source || filters.since),
      csvHref: `/stories.csv?${params}`,
    });
  });

  app.post('/stories/saved', anyone, async (req, reply) => {
    const params = Object.fromEntries(new URLSearchParams(field(req.body, 'query')));
    const r = await saveSearch({ db, now }, { userId: req.user!.id, name: field(req.body, 'name'), params });
    if (!r.ok) {
      flash(req, 'error', r.message);
      return reply.redirect(`/stories?${searchParams(params)}`);
    }
    flash(req, 'ok', `Saved as "${r.name}".`);
    return reply.redirect(`/stories${r.query ? `?${r.query}` : ''}`);
  });

  app.post<P>('/stories/saved/:id/delete', anyone, async (req, reply) => {
    const id = Number(req.params.id);
    const gone = Number.isSafeInteger(id) && (await forgetSearch({ db }, { userId: req.user!.id, id }));
    flash(req, gone ? 'ok' : 'error', gone ? 'Saved search deleted.' : 'stories: no such saved search of yours');
    return reply.redirect('/stories');
  });

  app.get<SQ>('/stories.csv', anyone, async (req, reply) => {
    const { filters, error } = filtersFrom(req.query, now());
    if (error) return sendError(req, reply, 400, error);
    const csv = await exportStories({ db }, filters);
    const stamp = now().toISOString().slice(0, 10);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="pressdesk-stories-${stamp}.csv"`)
      .send(`\ufeff${csv}`); // the BOM makes Excel read UTF-8
  });

  /** The live story named in the URL; a merged one redirects to where it went; else a 404 already sent. */
  const target = async (req: FastifyRequest<P>, reply: FastifyReply) => {
    const id = Number(req.params.id);
    const state = Number.isSafeInteger(id) && id > 0 ? await storyState(db, id) : undefined;
    if (!state) await sendError(req, reply, 404, `stories: no story ${req.params.id}; search the archive on the stories page`);
    return state;
  };

  app.get<P>('/stories/:id', anyone, async (req, reply) => {
    const state = await target(req, reply);
    if (!state) return reply;
    if (String(state.id) !== req.params.id) return reply.redirect(`/stories/${state.id}`, 301);
    const { items, decisions } = await storyCoverage(db, state.id);
    const judged = await decisionsOf(db, items.map((i) => i.id));
    const canEdit = allows(req.user!.roles, 'editor');
    const bySource = new Map<string, number>();
    for (const i of items) bySource.set(i.source, (bySource.get(i.source) ?? 0) + 1);
    const view = items.map((i) => {
      const summary = stripHtml(i.summaryHtml ?? '');
      const useBody = !summary && Boolean(i.bodyText);
      return {
        id: i.id,
        time: i.time,
        source: i.source,
        url: safeUrl(i.url),
        title: highlight(stripHtml(i.title), hitsOf(i, 'title'), 1000),
        text: useBody ? highlight(i.bodyText!, hitsOf(i, 'body')) : highlight(summary, hitsOf(i, 'summary')),
        topics: i.topics.map((t) => t.topic),
        // The relevance model's vetoes and rescues, with the terms that weighed most (feed words: escaped).
        model: (judged.get(i.id)?.decisions ?? []).map((d) => ({
          ...d,
          veto: d.action === 'veto',
          percent: Math.round(d.probability * 100),
          terms: d.terms.map((t) => ({ term: t.term, weight: `${t.weight > 0 ? '+' : '−'}${Math.abs(t.weight).toFixed(2)}` })),
        })),
        isHeadline: i.id === state.headlineItemId,
        canSplit: canEdit && items.length > 1,
      };
    });
    return sendPage(req, reply, 'story', {
      title: state.headline ?? `Story ${state.id}`,
      story: state,
      items: view,
      sources: [...bySource].map(([name, count]) => ({ name, count })),
      coverage: coverageTimeline(items.map((i) => i.time), state.headline ?? `story ${state.id}`),
      decisions,
      canEdit,
      back: `/stories/${state.id}`,
      // "Draft a release": press officers and editors; one draft per story, so an existing one is linked instead.
      drafting: allows(req.user!.roles, ['press_officer', 'editor'])
        ? { draft: await getDraftByStory(db, state.id), templates: [...loadReleaseTemplates().values()].map((t) => ({ name: t.name, title: t.title })) }
        : undefined,
    });
  });

  const act = (req: FastifyRequest) => ({ actor: req.user!.email, userId: req.user!.id, now: now(), note: field(req.body, 'note') || undefined });
  const num = (req: FastifyRequest, name: string) => {
    const n = Number(field(req.body, name));
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  };
  /** Storage refusals ("stories: …") become a flash on the story page; anything else is a real error. */
  const attempt = async (req: FastifyRequest, fn: () => Promise<string>) => {
    try {
      flash(req, 'ok', await fn());
    } catch (err) {
      const m = (err as Error).message;
      if (!m.startsWith('stories: ')) throw err;
      flash(req, 'error', m.replace(/^stories: /, ''));
    }
  };

  app.post<P>('/stories/:id/split', editor, async (req, reply) => {
    const state = await target(req, reply);
    if (!state) return reply;
    const item = num(req, 'item');
    if (!item) flash(req, 'error', 'Pick an item to move out of the story.');
    else await attempt(req, async () => `Item moved out into story ${await splitItem(db, item, act(req), state.id)}. It will not be put back automatically.`);
    return reply.redirect(`/stories/${state.id}`, 303);
  });

  app.post<P>('/stories/:id/merge', editor, async (req, reply) => {
    const state = await target(req, reply);
    if (!state) return reply;
    const other = num(req, 'other');
    if (!other) flash(req, 'error', 'Give the number of the story to merge into this one.');
    else await attempt(req, async () => `Story ${other} merged into this one.`.replace('this one', `story ${await mergeStories(db, state.id, other, act(req))}`));
    return reply.redirect(`/stories/${state.id}`, 303);
  });

  app.post<P>('/stories/:id/headline', editor, async (req, reply) => {
    const state = await target(req, reply);
    if (!state) return reply;
    const item = num(req, 'item') ?? null;
    await attempt(req, async () => {
      await setHeadline(db, state.id, item, act(req));
      return item === null ? 'The headline follows the source priority again.' : 'Headline changed.';
    });
    return reply.redirect(`/stories/${state.id}`, 303);
  });
}
