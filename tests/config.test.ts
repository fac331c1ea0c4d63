import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { concurrencyFor } from '../src/adapters/queues.ts';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('loadConfig', () => {
  it('gives a working embedded default with no environment at all', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBeUndefined();
    expect(c.smtpUrl).toBeUndefined();
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.redisIsDefault).toBe(true);
    expect(c.dataDir.endsWith('/data')).toBe(true);
    expect(c.port).toBe(3000);
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.parseTimeoutMs).toBe(5000);
    expect(c.parseWorkers).toBe(Math.min(2, availableParallelism()));
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads and converts every documented variable', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u@db:5432/press',
      REDIS_URL: 'redis://cache:6380',
      SMTP_URL: 'smtp://mail:1025',
      PUBLIC_URL: 'https://press.example.org/',
      SECRET_KEY: 'x'.repeat(40),
      PORT: '8080',
      FETCH_ALLOW_PRIVATE: 'true',
      PRESSDESK_DATA_DIR: '/var/lib/pressdesk',
      WORKER_CONCURRENCY: '4',
      POLL_CONCURRENCY: '64',
      PARSE_WORKERS: '3',
      PARSE_TIMEOUT_MS: '1500',
    });
    expect(c).toMatchObject({
      databaseUrl: 'postgres://u@db:5432/press',
      redisIsDefault: false,
      smtpUrl: 'smtp://mail:1025',
      publicUrl: 'https://press.example.org',
      port: 8080,
      fetchAllowPrivate: true,
      dataDir: '/var/lib/pressdesk',
      workerConcurrency: 4,
      pollConcurrency: 64,
      parseWorkers: 3,
      parseTimeoutMs: 1500,
    });
    expect(concurrencyFor('poll-source', c)).toBe(64);
    expect(concurrencyFor('process-item', c)).toBe(4);
  });

  it.each([
    [{ PORT: 'eighty' }, /^config: PORT must be a port number \(got "eighty"\)$/],
    [{ DATABASE_URL: 'mysql://x' }, /^config: DATABASE_URL must be a URL starting with postgres:\/\/ or postgresql:\/\//],
    [{ REDIS_URL: 'nonsense' }, /^config: REDIS_URL must be a URL/],
    [{ SECRET_KEY: 'short' }, /^config: SECRET_KEY must be at least 32 characters/],
    [{ FETCH_ALLOW_PRIVATE: 'maybe' }, /^config: FETCH_ALLOW_PRIVATE must be true or false/],
    [{ POLL_CONCURRENCY: '0' }, /^config: POLL_CONCURRENCY /],
    [{ MAX_ITEMS_PER_POLL: '-1' }, /^config: MAX_ITEMS_PER_POLL /],
    [{ MAX_PAGE_FETCHES_PER_POLL: 'fifty' }, /^config: MAX_PAGE_FETCHES_PER_POLL must be a number/],
    [{ PAGE_FETCHES_PER_HOST_PER_MINUTE: '2.5' }, /^config: PAGE_FETCHES_PER_HOST_PER_MINUTE /],
    [{ PARSE_TIMEOUT_MS: '5s' }, /^config: PARSE_TIMEOUT_MS must be a number of milliseconds/],
    [{ PARSE_WORKERS: '0' }, /^config: PARSE_WORKERS /],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (e) {
      expect((e as Error).message).toMatch(message);
      expect((e as Error).message).not.toContain('\n');
    }
  });

  it('limits the work one feed can cause by default, and reads 0 as no limit', () => {
    expect(loadConfig({})).toMatchObject({ maxItemsPerPoll: 500, maxPageFetchesPerPoll: 50, pageFetchesPerHostPerMinute: 30 });
    expect(loadConfig({ MAX_ITEMS_PER_POLL: '0', MAX_PAGE_FETCHES_PER_POLL: '10', PAGE_FETCHES_PER_HOST_PER_MINUTE: '0' })).toMatchObject({
      maxItemsPerPoll: 0,
      maxPageFetchesPerPoll: 10,
      pageFetchesPerHostPerMinute: 0,
    });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).databaseUrl).toBeUndefined();
  });
});
