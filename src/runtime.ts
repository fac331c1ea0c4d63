// The composition root: opens config-driven resources once per process and closes them in reverse order.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Config } from './config.ts';
import { type Mailer, createMailer } from './adapters/mailer.ts';
import { type ParsePool, createParsePool } from './adapters/parse-pool.ts';
import { type Queues, createQueues } from './adapters/queues.ts';
import { type ChildRedis, claimQueuePrefix, connectRedis, ensureRedis, keepQueuePrefix, requireNoEviction } from './adapters/redis.ts';
import type { Db } from './storage/db.ts';
import { installationId } from './storage/installation.ts';
import { migrate } from './storage/migrate.ts';
import { type OpenOptions, type Storage, openStorage } from './storage/open.ts';

export interface Runtime {
  config: Readonly<Config>;
  storage: Storage;
  db: Db;
  redis: Redis;
  queues: Queues;
  mailer: Mailer;
  /** Parses fetched feeds in worker threads, within config.parseTimeoutMs. */
  parsePool: ParsePool;
  secret: Buffer;
  warnings: string[];
  now: () => Date;
  close(): Promise<void>;
}

/** SECRET_KEY, or one generated on first run and kept (owner-only) in the data directory. */
export function resolveSecret(config: Pick<Config, 'secretKey' | 'dataDir'>): Buffer {
  if (config.secretKey) return Buffer.from(config.secretKey, 'utf8');
  const file = join(config.dataDir, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8');
}

export interface RuntimeOptions extends OpenOptions {
  /** Run a child redis-server when nothing answers at the default REDIS_URL. */
  mayStartRedis?: boolean;
}

export async function openRuntime(config: Readonly<Config>, opts: RuntimeOptions = {}): Promise<Runtime> {
  const closers: (() => Promise<unknown> | unknown)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await Promise.resolve(c()).catch(() => {});
  };
  try {
    const child: ChildRedis | undefined = await ensureRedis({
      url: config.redisUrl,
      mayStart: Boolean(opts.mayStartRedis && config.redisIsDefault),
      dataDir: config.dataDir,
    });
    if (child) closers.push(() => child.stop());
    const storage = await openStorage(config, opts);
    closers.push(() => storage.close());
    if (storage.db.kind !== 'remote') await migrate(storage.db);
    const redis = connectRedis(config.redisUrl);
    redis.on('error', () => {}); // surfaced by /healthz; ioredis reconnects by itself
    await redis.connect();
    closers.push(() => redis.quit());
    const warnings: string[] = [];
    const w = await requireNoEviction(redis);
    if (w) warnings.push(w);
    // Before any queue is touched: jobs under this prefix must be this database's.
    const install = await installationId(storage.db);
    await claimQueuePrefix(redis, config.queuePrefix, install);
    closers.push(
      keepQueuePrefix(redis, config.queuePrefix, install, (err) => {
        process.stderr.write(`${err.message}\n`);
        process.kill(process.pid, 'SIGTERM');
      }),
    );
    const queues = createQueues(redis, config.queuePrefix);
    closers.push(() => queues.close());
    const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, outboxDir: join(config.dataDir, 'outbox') });
    closers.push(() => mailer.close());
    // Threads start on first use: commands that never poll pay nothing.
    const parsePool = createParsePool({ size: config.parseWorkers, timeLimitMs: config.parseTimeoutMs });
    closers.push(() => parsePool.close());
    if (child) warnings.push(`redis: started redis-server on ${child.url} (data in ${join(config.dataDir, 'redis')})`);
    return {
      config,
      storage,
      db: storage.db,
      redis,
      queues,
      mailer,
      parsePool,
      secret: resolveSecret(config),
      warnings,
      now: () => new Date(),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
