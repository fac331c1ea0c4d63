// Redis for BullMQ. When nothing answers at the default URL and redis-server is installed, pressdesk runs
// its own (loopback only, data in the data dir) so a fresh machine needs no setup.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export class RedisUnavailable extends Error {}

/** Another installation (another database) uses this queue prefix on this Redis. */
export class QueuePrefixTaken extends Error {}

/** How long a claim outlives its last renewal: an installation that stopped frees its prefix after this. */
export const PREFIX_CLAIM_MS = 2 * 60_000;

// Take the key if it is free or ours (renewing it), else answer who holds it. One script: no race between two
// installations starting together.
const CLAIM = `local v = redis.call('GET', KEYS[1])
if (not v) or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return ARGV[1] end
return v`;

/**
 * Claims the queue prefix for this installation, so jobs queued by one database are never run against
 * another. Running processes renew the claim (keepQueuePrefix); one left by an installation that stopped
 * lapses after PREFIX_CLAIM_MS. Throws QueuePrefixTaken naming what to do.
 */
export async function claimQueuePrefix(redis: Redis, prefix: string, installationId: string): Promise<void> {
  const holder = String(await redis.eval(CLAIM, 1, `${prefix}:installation`, installationId, PREFIX_CLAIM_MS));
  if (holder !== installationId) {
    throw new QueuePrefixTaken(
      `queues: another pressdesk installation (another database) is using the queue prefix "${prefix}" on this Redis; ` +
        `set QUEUE_PREFIX to a name of its own for this one (e.g. QUEUE_PREFIX=${prefix}_2), or stop the other — its claim lapses ${PREFIX_CLAIM_MS / 60_000} minutes after it stops`,
    );
  }
}

/** Renews the claim while the process runs (and re-takes it after Redis came back empty). Returns a stop. */
export function keepQueuePrefix(redis: Redis, prefix: string, installationId: string, onLost: (err: Error) => void): () => void {
  const renew = () => {
    claimQueuePrefix(redis, prefix, installationId).catch((err: Error) => {
      if (err instanceof QueuePrefixTaken) onLost(err);
    });
  };
  const timer = setInterval(renew, PREFIX_CLAIM_MS / 4);
  timer.unref();
  redis.on('ready', renew);
  return () => {
    clearInterval(timer);
    redis.off('ready', renew);
  };
}

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
