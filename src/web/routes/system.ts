// Health, metrics, the stylesheet, the pages' scripts, the favicon and the outbox. (Home: desk.ts.)
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { listOutbox } from '../../adapters/mailer.ts';
import { sendError } from '../errors.ts';
import { checkHealth } from '../health.ts';
import { createMetrics } from '../metrics.ts';
import { sendPage } from '../page.ts';
import type { WebDeps } from '../server.ts';
import { loadSession } from '../session.ts';

const STATIC = new URL('../static/', import.meta.url);
const css = readFileSync(new URL('pressdesk.css', STATIC));
const icon = readFileSync(new URL('favicon.svg', STATIC));
// The pages' own small scripts (CSP: script-src 'self'), read once: /static/NAME.js for each file there.
const scripts = new Map(readdirSync(STATIC).filter((f) => /^[a-z-]+\.js$/.test(f)).map((f) => [f, readFileSync(new URL(f, STATIC))]));

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Straight from this machine, not relayed by a proxy (which would also connect from loopback). */
const directLoopback = (req: FastifyRequest) =>
  LOOPBACK.has(req.socket.remoteAddress ?? '') && !req.headers['x-forwarded-for'] && !req.headers.forwarded;

export async function systemRoutes(app: FastifyInstance, deps: WebDeps) {
  const metrics = createMetrics(deps);

  // Status to anyone (load balancers, uptime checks); the details (paths, hosts) to this machine and admins.
  app.get('/healthz', { config: { auth: 'public' } }, async (req, reply) => {
    const health = await checkHealth({ ...deps, now: app.pd.now });
    const detailed = directLoopback(req) || (await loadSession(req, reply))?.roles.includes('admin');
    const body = detailed
      ? health
      : { ok: health.ok, db: { status: health.db.status }, redis: { status: health.redis.status }, polling: { status: health.polling.status } };
    return reply.code(health.ok ? 200 : 503).send(body);
  });

  // Public to Prometheus on the same machine only; queue depths are not for the internet.
  app.get('/metrics', { config: { auth: 'public' } }, async (req, reply) => {
    if (!directLoopback(req)) return sendError(req, reply, 404, 'metrics: served to loopback clients only — scrape from the same machine');
    reply.type(metrics.contentType);
    return metrics.metrics();
  });

  app.get<{ Params: { name: string } }>('/static/:name.js', { config: { auth: 'public' } }, async (req, reply) => {
    const body = scripts.get(`${req.params.name}.js`);
    if (!body) return sendError(req, reply, 404, `nothing at ${req.url}`);
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(body);
  });

  app.get('/static/pressdesk.css', { config: { auth: 'public' } }, async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(css),
  );

  app.get('/favicon.svg', { config: { auth: 'public' } }, async (_req, reply) =>
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(icon),
  );
  // Browsers and feed readers ask for /favicon.ico whatever the page says; every current one shows an SVG.
  app.get('/favicon.ico', { config: { auth: 'public' } }, async (_req, reply) => reply.redirect('/favicon.svg', 301));

  app.get('/admin/outbox', { config: { auth: 'admin' } }, async (req, reply) => {
    const dir = join(deps.config.dataDir, 'outbox');
    return sendPage(req, reply, 'outbox', { title: 'Outbox', dir, entries: listOutbox(dir) });
  });
}
