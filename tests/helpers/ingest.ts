// Shared by the ingest service tests: a runtime made of a test database, queues under a unique Redis prefix,
// a config that may reach loopback, a settable clock and a mailer that only records.
import { Redis } from 'ioredis';
import type { MailMessage, Mailer } from '../../src/adapters/mailer.ts';
import { createParsePool } from '../../src/adapters/parse-pool.ts';
import { createQueues } from '../../src/adapters/queues.ts';
import { loadConfig } from '../../src/config.ts';
import type { Db } from '../../src/storage/db.ts';
import type { IngestDeps } from '../../src/services/deps.ts';
import { dropPrefix, testRedisUrl, uniquePrefix } from './redis.ts';

export interface TestRuntime extends IngestDeps {
  secret: Buffer;
  sent: MailMessage[];
  clock: { now: Date };
  redis: Redis;
  prefix: string;
  close(): Promise<void>;
}

export function testRuntime(db: Db, env: Record<string, string> = {}): TestRuntime {
  const prefix = uniquePrefix();
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  const queues = createQueues(redis, prefix);
  const sent: MailMessage[] = [];
  const mailer: Mailer = {
    describe: 'test',
    async send(m) {
      sent.push(m);
      return { messageId: `<${sent.length}@test>` };
    },
    close() {},
  };
  const clock = { now: new Date('2026-11-20T10:00:00Z') };
  const config = loadConfig({ FETCH_ALLOW_PRIVATE: 'true', PUBLIC_URL: 'http://127.0.0.1:9', QUEUE_PREFIX: prefix, ...env });
  const parsePool = createParsePool({ size: config.parseWorkers, timeLimitMs: config.parseTimeoutMs });
  return {
    db,
    queues,
    mailer,
    sent,
    clock,
    redis,
    prefix,
    now: () => clock.now,
    secret: Buffer.from('test-secret-test-secret-test-secret-0123'),
    config,
    parsePool,
    async close() {
      await parsePool.close();
      await queues.close();
      await redis.quit();
      await dropPrefix(prefix);
    },
  };
}

export const later = (rt: TestRuntime, seconds: number) => {
  rt.clock.now = new Date(rt.clock.now.getTime() + seconds * 1000);
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** An RSS 2.0 document; `encoding` only writes the prolog (encode the bytes yourself). */
export function rss(items: { id: string; title?: string; link?: string; description?: string; published?: Date }[], opts: { encoding?: string; ttl?: number; hub?: string; self?: string } = {}) {
  const prolog = `<?xml version="1.0" encoding="${opts.encoding ?? 'utf-8'}"?>`;
  const hub = opts.hub ? `<atom:link rel="hub" href="${opts.hub}"/><atom:link rel="self" href="${opts.self}"/>` : '';
  const body = items
    .map(
      (i) =>
        `<item><guid isPermaLink="false">${i.id}</guid><title>${esc(i.title ?? `Story ${i.id}`)}</title><link>${i.link ?? `https://news.example/${i.id}`}</link><description>${esc(i.description ?? `Probation officers in story ${i.id}.`)}</description><pubDate>${(i.published ?? new Date('2026-11-19T08:00:00Z')).toUTCString()}</pubDate></item>`,
    )
    .join('');
  return `${prolog}<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>t</title><link>https://news.example/</link>${opts.ttl ? `<ttl>${opts.ttl}</ttl>` : ''}${hub}${body}</channel></rss>`;
}
