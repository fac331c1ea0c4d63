// The press office's releases: the list (scheduled, sending, sent, cancelled) and one release's page (send
// time and embargo in UK time, each recipient's delivery with the failure reasons), where a scheduled release
// is rescheduled or cancelled until distribution starts; the status lock in storage refuses after that.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RELEASE_STATUSES, type ReleaseStatus } from '../../domain/releases.ts';
import { toUkLocal } from '../../pipeline/uk-local-time.ts';
import { cancelRelease } from '../../services/cancel-release.ts';
import { scheduleRelease } from '../../services/schedule-release.ts';
import { showRelease } from '../../services/show-release.ts';
import { listReleases } from '../../storage/releases.ts';
import { sendError } from '../errors.ts';
import { field } from '../form.ts';
import { flash, sendPage } from '../page.ts';
import type { WebDeps } from '../server.ts';
import { readTimes } from './release-form.ts';

const officer = { config: { auth: 'press_officer' as const } };
const PER_PAGE = 50;
type P = { Params: { id: string } };

const idOf = (s: string) => {
  const n = Number(s);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
};
const plain = (m: string) => m.replace(/^releases: /, '');
const isStatus = (s: unknown): s is ReleaseStatus => RELEASE_STATUSES.includes(s as ReleaseStatus);

export async function releaseAdminRoutes(app: FastifyInstance, deps: WebDeps) {
  const svc = { db: deps.db, queues: deps.queues, now: () => app.pd.now() };

  app.get<{ Querystring: { status?: string; page?: string } }>('/releases/admin', officer, async (req, reply) => {
    const status = isStatus(req.query.status) ? req.query.status : undefined;
    const page = Math.max(1, Math.floor(Number(req.query.page)) || 1);
    const rows = await listReleases(deps.db, { statuses: status ? [status] : undefined, limit: PER_PAGE + 1, offset: (page - 1) * PER_PAGE });
    const q = (p: number) => `/releases/admin?${status ? `status=${status}&` : ''}page=${p}`;
    return sendPage(req, reply, 'releases-admin', {
      title: 'Releases',
      statuses: [{ value: '', label: 'all', selected: !status }, ...RELEASE_STATUSES.map((s) => ({ value: s, label: s, selected: s === status }))],
      releases: rows.slice(0, PER_PAGE).map((r) => ({
        id: r.id,
        subject: r.subject,
        status: r.status,
        topics: r.recipients.topics,
        when: r.sentAt ?? r.cancelledAt ?? r.sendingAt ?? r.sendAt ?? r.createdAt,
        embargoUntil: r.embargoUntil,
      })),
      newer: page > 1 ? q(page - 1) : null,
      older: rows.length > PER_PAGE ? q(page + 1) : null,
    });
  });

  const page = async (req: FastifyRequest<P>, reply: FastifyReply, extra: { error?: string; code?: number; sendAt?: string; embargoUntil?: string } = {}) => {
    const id = idOf(req.params.id);
    const v = id && (await showRelease(svc, id));
    if (!v) return sendError(req, reply, 404, `releases: no release ${req.params.id}; see the list at /releases/admin`);
    const r = v.release;
    if (extra.code) reply.code(extra.code);
    return sendPage(req, reply, 'release-admin', {
      title: `Release: ${r.subject}`,
      error: extra.error,
      release: r,
      scheduled: r.status === 'scheduled',
      publicHref: r.status === 'sent' ? `/releases/${encodeURIComponent(r.slug)}` : null,
      counts: v.counts,
      total: Object.values(v.counts).reduce((a, b) => a + b, 0),
      deliveries: v.deliveries,
      form: { sendAt: extra.sendAt ?? (r.sendAt ? toUkLocal(r.sendAt) : ''), embargoUntil: extra.embargoUntil ?? (r.embargoUntil ? toUkLocal(r.embargoUntil) : '') },
    });
  };

  app.get<P>('/releases/admin/:id', officer, (req, reply) => page(req, reply));

  app.post<P>('/releases/admin/:id/cancel', officer, async (req, reply) => {
    const id = idOf(req.params.id);
    if (!id) return sendError(req, reply, 404, `releases: no release ${req.params.id}`);
    const r = await cancelRelease(svc, { releaseId: id, userId: req.user!.id });
    if (!r.ok) return r.reason === 'missing' ? sendError(req, reply, 404, r.message) : page(req, reply, { error: plain(r.message), code: 409 });
    flash(req, 'ok', 'Release cancelled: nobody will be sent it.');
    return reply.redirect(`/releases/admin/${id}`, 303);
  });

  app.post<P>('/releases/admin/:id/schedule', officer, async (req, reply) => {
    const id = idOf(req.params.id);
    if (!id) return sendError(req, reply, 404, `releases: no release ${req.params.id}`);
    const kept = { sendAt: field(req.body, 'send_at'), embargoUntil: field(req.body, 'embargo_until') };
    const times = readTimes(kept, svc.now());
    if ('problem' in times) return page(req, reply, { error: times.problem, code: 422, ...kept });
    const r = await scheduleRelease(svc, { releaseId: id, ...times });
    if (!r.ok) return r.reason === 'missing' ? sendError(req, reply, 404, r.message) : page(req, reply, { error: plain(r.message), code: 409 });
    flash(req, 'ok', r.release.sendAt ? 'Rescheduled.' : 'The release is going to the media list now.');
    return reply.redirect(`/releases/admin/${id}`, 303);
  });
}
