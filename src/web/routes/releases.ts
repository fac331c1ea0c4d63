// The union's public release archive, no login: /releases (sent releases past their embargo, newest first),
// /releases/:slug (one), /releases.atom (Atom feed). A release's HTML was sanitised at approval; everything
// else reaches templates as plain text ({{x}} escapes it).
import type { FastifyInstance } from 'fastify';
import { releaseArchiveFeed } from '../../services/release-archive-feed.ts';
import { getPublicRelease, listPublicReleases } from '../../storage/releases.ts';
import { sendError } from '../errors.ts';
import { sendPage } from '../page.ts';
import type { WebDeps } from '../server.ts';

const pub = { config: { auth: 'public' as const } };
const PER_PAGE = 20;

export async function releaseRoutes(app: FastifyInstance, deps: WebDeps) {
  const now = () => app.pd.now();

  app.get('/releases.atom', pub, async (_req, reply) => {
    const xml = await releaseArchiveFeed({ db: deps.db, config: deps.config, now });
    return reply.type('application/atom+xml; charset=utf-8').send(xml);
  });

  app.get<{ Querystring: { page?: string } }>('/releases', pub, async (req, reply) => {
    const page = Math.max(1, Math.floor(Number(req.query.page)) || 1);
    const rows = await listPublicReleases(deps.db, now(), { limit: PER_PAGE + 1, offset: (page - 1) * PER_PAGE });
    return sendPage(req, reply, 'releases', {
      title: 'Press releases',
      releases: rows.slice(0, PER_PAGE).map((r) => ({ subject: r.subject, href: `/releases/${encodeURIComponent(r.slug)}`, sentAt: r.sentAt, topics: r.topics })),
      newer: page > 1 ? `/releases?page=${page - 1}` : null,
      older: rows.length > PER_PAGE ? `/releases?page=${page + 1}` : null,
    });
  });

  app.get<{ Params: { slug: string } }>('/releases/:slug', pub, async (req, reply) => {
    const r = await getPublicRelease(deps.db, req.params.slug, now());
    if (!r) return sendError(req, reply, 404, 'releases: there is no published release at this address; see /releases for them all');
    return sendPage(req, reply, 'release', { title: r.subject, release: r });
  });
}
