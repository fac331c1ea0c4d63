// Refusals and errors: a page for browsers, JSON for everything else. Messages say what to do next.
import { STATUS_CODES } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendPage } from './page.ts';

/** A browser navigating (Accept: text/html) gets pages and redirects; scripts and tools get JSON. */
export const wantsHtml = (req: FastifyRequest) => (req.headers.accept ?? '').includes('text/html');

export async function sendError(req: FastifyRequest, reply: FastifyReply, status: number, message: string): Promise<FastifyReply> {
  const error = STATUS_CODES[status] ?? 'Error';
  reply.code(status);
  if (!wantsHtml(req)) return reply.send({ statusCode: status, error, message });
  return sendPage(req, reply, 'error', { title: error, status, message });
}

export function installErrorPages(app: FastifyInstance) {
  app.setNotFoundHandler((req, reply) => sendError(req, reply, 404, `web: nothing at ${req.url.split('?')[0]} — check the address, or start from the home page`));
  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err }, 'web: request failed');
    // Client errors say what was wrong; server errors do not leak internals.
    const message = status < 500 ? err.message : 'web: something went wrong on our side — try again; if it keeps happening, tell an admin (details are in the server log)';
    return sendError(req, reply, status, message);
  });
}
