// The press office's view of campaigners' subscriptions: counts by status and by frequency, active
// subscribers per topic, the list (filtered by status, a page at a time) and its CSV export. Read-only:
// subscribers change their own subscriptions through their signed links (routes/subscriptions.ts).
import type { FastifyInstance } from 'fastify';
import { FREQUENCIES, SUBSCRIBER_STATUSES, type SubscriberStatus } from '../../domain/digests.ts';
import { subscribersCsv } from '../../pipeline/subscribers-export.ts';
import { subscribableTopics } from '../../services/subscribe.ts';
import { listSubscribers, subscriberStats } from '../../storage/subscribers.ts';
import { paginate, sendPage } from '../page.ts';
import type { WebDeps } from '../server.ts';

// Press officers run the mailing lists; admin implies every role.
const officer = { config: { auth: 'press_officer' as const } };
const PER_PAGE = 50;
type Q = { Querystring: { status?: string; page?: string } };

const STATUS_LABELS: Record<SubscriberStatus, string> = {
  pending: 'pending (not confirmed)',
  active: 'active',
  unsubscribed: 'unsubscribed',
  suppressed: 'suppressed (bounced or complained)',
};
const FREQUENCY_LABELS = { instant: 'as it happens', daily: 'daily', weekly: 'weekly' } as const;

const isStatus = (s: unknown): s is SubscriberStatus => SUBSCRIBER_STATUSES.includes(s as SubscriberStatus);

export async function subscriberRoutes(app: FastifyInstance, deps: WebDeps) {
  const { db } = deps;

  app.get<Q>('/subscribers', officer, async (req, reply) => {
    const status = isStatus(req.query.status) ? req.query.status : undefined;
    const [stats, topics] = await Promise.all([subscriberStats(db), subscribableTopics({ db })]);
    const total = status ? stats.byStatus[status] : SUBSCRIBER_STATUSES.reduce((n, s) => n + stats.byStatus[s], 0);
    const pager = paginate(total, req.query.page, PER_PAGE, (p) => `/subscribers?${new URLSearchParams({ ...(status ? { status } : {}), page: String(p) })}`);
    const rows = await listSubscribers(db, { status, limit: pager.limit, offset: pager.offset });
    const name = new Map(topics.map((t) => [t.id, t.name]));
    const counted = new Map(stats.byTopic.map((t) => [t.topic, t.n]));
    // Every topic on offer (none yet shows 0), then any topic no rule has any more.
    const byTopic = [
      ...topics.map((t) => ({ name: t.name, n: counted.get(t.id) ?? 0 })),
      ...stats.byTopic.filter((t) => !name.has(t.topic)).map((t) => ({ name: t.topic, n: t.n })),
    ];
    return sendPage(req, reply, 'subscribers', {
      title: 'Subscribers',
      byStatus: SUBSCRIBER_STATUSES.map((s) => ({ status: s, label: STATUS_LABELS[s], n: stats.byStatus[s] })),
      byFrequency: FREQUENCIES.map((f) => ({ label: FREQUENCY_LABELS[f], n: stats.byFrequency[f] })),
      byTopic,
      statuses: [{ value: '', label: 'all', selected: !status }, ...SUBSCRIBER_STATUSES.map((s) => ({ value: s, label: s, selected: s === status }))],
      csvHref: `/subscribers.csv${status ? `?status=${status}` : ''}`,
      filtered: Boolean(status),
      subscribers: rows.map((s) => ({
        email: s.email,
        status: s.status,
        frequency: FREQUENCY_LABELS[s.frequency],
        topics: s.topics.map((t) => name.get(t) ?? t),
        confirmedAt: s.confirmedAt,
        sent: stats.sent.get(s.id) ?? 0,
      })),
      pager,
    });
  });

  app.get<Q>('/subscribers.csv', officer, async (req, reply) => {
    const status = isStatus(req.query.status) ? req.query.status : undefined;
    const csv = subscribersCsv(await listSubscribers(db, { status }));
    const day = app.pd.now().toISOString().slice(0, 10);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="subscribers-${status ? `${status}-` : ''}${day}.csv"`)
      .send(csv);
  });
}
