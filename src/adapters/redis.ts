// Redis for BullMQ. When nothing answers at the default URL and redis-server is installed, pressdesk runs
// its own (loopback only, data in the data dir) so a fresh machine needs no setup.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export class RedisUnavailable extends Error {}

/** A connection BullMQ can share (it needs maxRetriesPerRequest: null for blocking commands). */
export function connectRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: true });
}

export async function ping(url: string, timeoutMs = 1500): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => {});
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

const hasBinary = (name: string) => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;

export interface ChildRedis {
  url: string;
  stop(): Promise<void>;
}

/** Starts redis-server as a child on `port` with append-only data under `dir`. */
export async function spawnRedis(dir: string, port: number): Promise<ChildRedis> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '',
      '--maxmemory-policy', 'noeviction', '--protected-mode', 'yes'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (child.exitCode !== null) break;
    if (await ping(url, 300)) {
      return {
        url,
        stop: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new RedisUnavailable(`redis: the redis-server started on port ${port} did not answer`);
}

/** Reaches Redis, or starts one when allowed; otherwise says how to get one. */
export async function ensureRedis(opts: { url: string; mayStart: boolean; dataDir: string }): Promise<ChildRedis | undefined> {
  if (await ping(opts.url)) return undefined;
  const host = new URL(opts.url).host;
  if (!opts.mayStart) {
    throw new RedisUnavailable(`redis: nothing answers at ${host} — start Redis there or fix REDIS_URL`);
  }
  if (!hasBinary('redis-server')) {
    throw new RedisUnavailable(
      `redis: nothing answers at ${host} and redis-server is not installed — install it (sudo apt-get install redis-server) or run "docker compose up -d redis"`,
    );
  }
  return spawnRedis(join(opts.dataDir, 'redis'), Number(new URL(opts.url).port || 6379));
}

/** BullMQ must never lose jobs to eviction; managed Redis may refuse CONFIG, which is only a warning. */
export async function requireNoEviction(redis: Redis): Promise<string | undefined> {
  try {
    const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
    if (policy !== 'noeviction') await redis.config('SET', 'maxmemory-policy', 'noeviction');
    return undefined;
  } catch (err) {
    return `redis: could not check maxmemory-policy (${(err as Error).message}); set it to noeviction so queued jobs are never evicted`;
  }
}
