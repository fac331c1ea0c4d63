// A real web server for tests: PGlite (or a given Db), the shared test Redis under its own prefix, and
// helpers to make users and log them in without going through the password form every time.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import { type Mailer, createMailer } from '../../src/adapters/mailer.ts';
import { type Queues, createQueues } from '../../src/adapters/queues.ts';
import { loadConfig } from '../../src/config.ts';
import type { Role } from '../../src/domain/types.ts';
import type { Db } from '../../src/storage/db.ts';
import { createSession } from '../../src/storage/sessions.ts';
import { type User, createUser } from '../../src/storage/users.ts';
import { buildServer } from '../../src/web/server.ts';
import { SESSION_TIMES } from '../../src/web/session.ts';
import { type TestDb, openTestPglite } from '../helpers/db.ts';
import { dropPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  queues: Queues;
  /** Current fake time; tests move it to expire sessions and rate limits. */
  clock: { now: Date };
  /** A user with these roles and a logged-in session: its Cookie header value. */
  login(roles: Role[], email?: string): Promise<{ user: User; cookie: string }>;
  close(): Promise<void>;
}

let seq = 0;

export async function startTestApp(
  opts: { env?: Record<string, string>; db?: TestDb; routes?: (app: FastifyInstance) => void; mailer?: Mailer } = {},
): Promise<TestApp> {
  const t = opts.db ?? (await openTestPglite());
  const prefix = uniquePrefix();
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  const queues = createQueues(redis, prefix);
  const config = loadConfig({
    PRESSDESK_DATA_DIR: mkdtempSync(join(tmpdir(), 'pd-web-')),
    LOG_LEVEL: 'silent',
    REDIS_URL: testRedisUrl(),
    PUBLIC_URL: 'http://pressdesk.test',
    ...opts.env,
  });
  const clock = { now: new Date('2026-03-02T09:00:00Z') };
  const app = await buildServer({
    config,
    db: t.db,
    redis,
    queues,
    mailer: opts.mailer ?? createMailer({ from: 'x@example.org', outboxDir: join(config.dataDir, 'outbox') }),
    storageDescribe: 'embedded (test)',
    secret: Buffer.from('t'.repeat(32)),
    now: () => clock.now,
  });
  opts.routes?.(app);
  await app.ready();
  const cookieName = config.publicUrl.startsWith('https:') ? '__Host-pd_session' : 'pd_session';
  return {
    app,
    db: t.db,
    queues,
    clock,
    async login(roles, email = `user${++seq}@example.org`) {
      const user = (await createUser(t.db, { email, roles }))!;
      const id = await createSession(t.db, { userId: user.id, now: clock.now, times: SESSION_TIMES });
      return { user, cookie: `${cookieName}=${app.signCookie(id)}` };
    },
    async close() {
      await app.close();
      await queues.close();
      redis.disconnect();
      await dropPrefix(prefix);
      if (!opts.db) await t.close();
    },
  };
}

/** The CSRF token a page put in its forms. */
export function csrfFrom(res: LightMyRequestResponse): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
  if (!m) throw new Error(`no CSRF token in the page (status ${res.statusCode})`);
  return m[1]!;
}

/** Cookies a response set, as one Cookie header value (merged over `prior`). */
export function cookiesFrom(res: LightMyRequestResponse, prior = ''): string {
  const jar = new Map(prior.split(/;\s*/).filter(Boolean).map((c) => [c.split('=')[0]!, c] as const));
  for (const c of res.cookies) {
    if (c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now())) jar.delete(c.name);
    else jar.set(c.name, `${c.name}=${c.value}`);
  }
  return [...jar.values()].join('; ');
}

export const HTML = { accept: 'text/html,application/xhtml+xml' };
export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
export const form = (o: Record<string, string | string[]>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) for (const x of ([] as string[]).concat(v)) p.append(k, x);
  return p.toString();
};
