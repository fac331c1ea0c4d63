// Every route module is listed here: one place to read the whole web surface.
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../server.ts';
import { systemRoutes } from './system.ts';

export async function registerRoutes(app: FastifyInstance, deps: WebDeps) {
  await systemRoutes(app, deps);
}
