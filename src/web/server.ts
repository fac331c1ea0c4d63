// The web server: thin routes (parse -> authorise -> one storage call -> respond). Routes are listed in
// src/web/routes/index.ts so the route table can be walked by tests.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import type { Mailer } from '../adapters/mailer.ts';
import type { Queues } from '../adapters/queues.ts';
import type { Db } from '../storage/db.ts';
import { registerRoutes } from './routes/index.ts';

export interface WebDeps {
  config: Readonly<Config>;
  db: Db;
  redis: Redis;
  queues: Queues;
  mailer: Mailer;
  storageDescribe: string;
  secret: Buffer;
  now?: () => Date;
}

export async function buildServer(deps: WebDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.config.logLevel === 'silent' ? false : { level: deps.config.logLevel },
    trustProxy: true,
    bodyLimit: 2 * 1024 * 1024,
  });
  await registerRoutes(app, deps);
  return app;
}
