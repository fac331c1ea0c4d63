// Home (each role's desk), its live panels and the trends page.
//   GET /              visitors: where to log in or sign up; staff: their desk (services/show-desk.ts)
//   GET /desk/panels   the desk's panels alone, for desk.js to refresh every 30 s (the page works without it)
//   GET /trends        topic volume by hour over 7 days and by day over 30, spikes flagged
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../domain/types.ts';
import { findSpikes } from '../../pipeline/spikes.ts';
import { topicVolume } from '../../pipeline/topic-volume.ts';
import { renderTemplate } from '../../render/index.ts';
import { activeRules } from '../../services/active-rules.ts';
import { type Desk, showDesk } from '../../services/show-desk.ts';
import { topicHourCounts } from '../../storage/desk.ts';
import { checkHealth } from '../health.ts';
import { sendPage } from '../page.ts';
import type { WebDeps } from '../server.ts';
import { loadSession } from '../session.ts';
import { ANY_ROLE } from '../roles.ts';
import { queueRow } from './draft-view.ts';

const DAY = 86_400_000;

export async function deskRoutes(app: FastifyInstance, deps: WebDeps) {
  const now = () => app.pd.now();

  /** What the panels template reads: the desk for these roles, with the admin's health checks. */
  const panels = async (roles: readonly Role[]) => {
    const desk: Desk = await showDesk({ db: deps.db, queues: deps.queues, now }, roles);
    const health = roles.includes('admin') ? await checkHealth({ ...deps, now }) : undefined;
    return {
      pressOfficer: desk.pressOfficer && { ...desk.pressOfficer, drafts: desk.pressOfficer.drafts.map(queueRow) },
      editor: desk.editor,
      admin: desk.admin && { ...desk.admin, health, mail: deps.mailer.describe },
      updatedAt: now(),
    };
  };

  app.get('/', { config: { auth: 'public' } }, async (req, reply) => {
    const user = await loadSession(req, reply);
    if (!user) return sendPage(req, reply, 'home', { title: 'Home' });
    return sendPage(req, reply, 'home', { title: 'Home', desk: await panels(user.roles) });
  });

  app.get('/desk/panels', { config: { auth: ANY_ROLE } }, async (req, reply) => {
    const user = (await loadSession(req, reply))!;
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(renderTemplate('partials/desk-panels', await panels(user.roles)));
  });

  app.get('/trends', { config: { auth: ['press_officer', 'editor'] } }, async (req: FastifyRequest<{ Querystring: { topic?: string } }>, reply: FastifyReply) => {
    const at = now();
    const topics = (await activeRules(deps.db)).ruleSet.topics;
    const counts = await topicHourCounts(deps.db, new Date(at.getTime() - 30 * DAY - 3_600_000), at);
    const ids = topics.map((t) => t.id);
    const spiking = new Set(findSpikes(counts, ids, at).map((s) => s.topic));
    const hourly = topicVolume(counts, ids, at, { unit: 'hour', days: 7 });
    const daily = topicVolume(counts, ids, at, { unit: 'day', days: 30 });
    const rows = topics.map((t, i) => {
      const name = t.name;
      const h = hourly[i]!;
      const d = daily[i]!;
      const spike = spiking.has(t.id);
      return {
        id: t.id,
        name,
        spike,
        total7: h.total,
        total30: d.total,
        week: {
          title: `${name}: tagged items per hour, last 7 days`,
          desc: `${h.total} items in 7 days${spike ? '; spiking in the last 24 hours' : ''}.`,
          // Days named at their first hour; the last 24 hours (what a spike is judged on) flagged when it spikes.
          bars: h.buckets.map((b, k) => ({ label: b.label, tick: b.tick, n: b.n, flag: spike && k >= h.buckets.length - 24 })),
        },
        month: {
          title: `${name}: tagged items per day, last 30 days`,
          desc: `${d.total} items in 30 days.`,
          labelEvery: 5,
          bars: d.buckets.map((b) => ({ label: b.label, n: b.n })),
        },
        days: d.buckets.slice(-7).map((b) => ({ label: b.label, n: b.n })),
      };
    });
    return sendPage(req, reply, 'trends', { title: 'Trends', rows, anySpike: rows.some((r) => r.spike) });
  });
}
