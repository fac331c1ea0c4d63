// The web server: thin routes (parse -> authorise -> one storage call -> respond). Routes are listed in
// src/web/routes/index.ts; the hooks installed here protect every one of them (contract: src/web/auth.ts).
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import type { Mailer } from '../adapters/mailer.ts';
import type { Queues } from '../adapters/queues.ts';
import type { Db } from '../storage/db.ts';
import { installAuth } from './auth.ts';
import { installErrorPages } from './errors.ts';
import { installFlash } from './flash.ts';
import { installSecurityHeaders } from './headers.ts';
import { installMultipart } from './multipart.ts';
import type { RouteEntry } from './roles.ts';
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

/** What every route and hook reaches as `req.server.pd`. */
export interface WebContext {
  deps: WebDeps;
  db: Db;
  secret: Buffer;
  /** PUBLIC_URL is https: cookies get Secure and the __Host- prefix, responses get HSTS. */
  secure: boolean;
  now: () => Date;
  /** Every registered route with its rule, in registration order. */
  routes: RouteEntry[];
}

declare module 'fastify' {
  interface FastifyInstance {
    pd: WebContext;
  }
}

export async function buildServer(deps: WebDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.config.logLevel === 'silent' ? false : { level: deps.config.logLevel },
    // Only a proxy on this machine may say who the client is; otherwise X-Forwarded-For could dodge the
    // login rate limit.
    trustProxy: 'loopback',
    bodyLimit: 2 * 1024 * 1024,
    // Signed approval links carry their token as a path parameter (/drafts/link/:token, up to ~450 chars).
    routerOptions: { maxParamLength: 600 },
  });
  app.decorate('pd', {
    deps,
    db: deps.db,
    secret: deps.secret,
    secure: deps.config.publicUrl.startsWith('https:'),
    now: deps.now ?? (() => new Date()),
    routes: [],
  } satisfies WebContext);
  app.decorateRequest('user', null);
  app.decorateRequest('sessionId', null);
  await app.register(fastifyCookie, { secret: deps.secret });
  await app.register(fastifyFormbody);
  installMultipart(app);
  installSecurityHeaders(app);
  installFlash(app);
  installAuth(app);
  installErrorPages(app);
  await registerRoutes(app, deps);
  return app;
}
