import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../src/adapters/mailer.ts';
import { createQueues } from '../../src/adapters/queues.ts';
import { loadConfig } from '../../src/config.ts';
import { buildServer } from '../../src/web/server.ts';
import { type TestDb, openTestPglite } from '../helpers/db.ts';
import { dropPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';

describe('system routes', () => {
  const prefix = uniquePrefix();
  let t: TestDb;
  let redis: Redis;
  beforeAll(async () => {
    t = await openTestPglite();
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await t.close();
    redis.disconnect();
    await dropPrefix(prefix);
  });

  const server = (r: Redis) => {
    const config = loadConfig({ PRESSDESK_DATA_DIR: mkdtempSync(join(tmpdir(), 'pd-web-')), LOG_LEVEL: 'silent', REDIS_URL: testRedisUrl() });
    return buildServer({
      config,
      db: t.db,
      redis: r,
      queues: createQueues(r, prefix),
      mailer: createMailer({ from: 'x@example.org', outboxDir: join(config.dataDir, 'outbox') }),
      storageDescribe: 'embedded (test)',
      secret: Buffer.from('s'.repeat(32)),
    });
  };

  it('answers /healthz 200 when the database and Redis are up', async () => {
    const app = await server(redis);
    const res = await app.inject('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, db: { status: 'up' }, redis: { status: 'up' } });
    await app.close();
  });

  it('tells the world only the status: paths and hosts go to loopback clients and admins', async () => {
    const app = await server(redis);
    const local = (await app.inject('/healthz')).json();
    expect(local.db.detail).toBeTruthy();
    expect(local.redis.detail).toMatch(/127\.0\.0\.1/);
    const outside = await app.inject({ url: '/healthz', remoteAddress: '203.0.113.9' });
    expect(outside.statusCode).toBe(200);
    expect(outside.json()).toEqual({ ok: true, db: { status: 'up' }, redis: { status: 'up' }, polling: { status: 'up' } });
    const proxied = await app.inject({ url: '/healthz', headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(proxied.json().redis).toEqual({ status: 'up' });
    await app.close();
  });

  it('answers /healthz 503 and names Redis when Redis is down', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    dead.on('error', () => {});
    const app = await server(dead);
    const res = await app.inject('/healthz');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ ok: false, db: { status: 'up' }, redis: { status: 'down' } });
    await app.close();
  });

  it('answers /healthz 503 when sources have been due for long and nothing polls them, saying what to do', async () => {
    const app = await server(redis);
    const [src] = await t.db.query<{ id: number }>(
      `INSERT INTO sources (url, host, name, next_poll_at) VALUES ('https://example.org/stalled.xml', 'example.org', 'Stalled', now() - interval '1 hour') RETURNING id`,
    );
    try {
      const res = await app.inject('/healthz');
      expect(res.statusCode).toBe(503);
      expect(res.json().polling).toMatchObject({ status: 'stalled', detail: expect.stringContaining('start the workers') });
      // One poll recorded recently (any source) means polling is alive.
      await t.db.query(`INSERT INTO fetch_log (source_id, at, result, ms) VALUES ($1, now(), 'ok', 5)`, [src!.id]);
      expect((await app.inject('/healthz')).statusCode).toBe(200);
    } finally {
      await t.db.query('DELETE FROM sources WHERE id = $1', [src!.id]);
      await app.close();
    }
  });

  it('exposes queue depths in Prometheus format', async () => {
    const app = await server(redis);
    await createQueues(redis, prefix).add('poll-source', { sourceId: 1 }, { delay: 60_000 });
    const res = await app.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('pressdesk_queue_jobs{queue="poll-source",state="delayed"} 1');
    await app.close();
  });
});
