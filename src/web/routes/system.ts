// Health, metrics, the home page and the stylesheet.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { listOutbox } from '../../adapters/mailer.ts';
import { renderPage } from '../../render/index.ts';
import { checkHealth } from '../health.ts';
import { createMetrics } from '../metrics.ts';
import type { WebDeps } from '../server.ts';
import { join } from 'node:path';

const css = readFileSync(new URL('../static/pressdesk.css', import.meta.url));

export async function systemRoutes(app: FastifyInstance, deps: WebDeps) {
  const metrics = createMetrics(deps);

  app.get('/healthz', async (_req, reply) => {
    const health = await checkHealth(deps);
    return reply.code(health.ok ? 200 : 503).send(health);
  });

  app.get('/metrics', async (_req, reply) => {
    reply.type(metrics.contentType);
    return metrics.metrics();
  });

  app.get('/static/pressdesk.css', async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(css),
  );

  app.get('/', async (_req, reply) => {
    const health = await checkHealth(deps);
    return reply.type('text/html; charset=utf-8').send(renderPage('home', { title: 'Home', health, mail: deps.mailer.describe }));
  });

  app.get('/admin/outbox', async (_req, reply) => {
    const dir = join(deps.config.dataDir, 'outbox');
    return reply.type('text/html; charset=utf-8').send(renderPage('outbox', { title: 'Outbox', dir, entries: listOutbox(dir) }));
  });
}
