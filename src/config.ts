// The only reader of the environment. Everything else receives a frozen Config.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

const schema = z.object({
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  PRESSDESK_DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  MAIL_FROM: z.string().min(3).default('pressdesk <pressdesk@localhost>'),
  PUBLIC_URL: url(['http:', 'https:']).optional(),
  SECRET_KEY: z.string().min(32, { message: 'must be at least 32 characters (or unset it to generate one)' }).optional(),
  PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/, { message: 'may hold only letters, digits, _ and -' })
    .default('pressdesk'),
  FETCH_ALLOW_PRIVATE: bool.default(false),
  WORKER_CONCURRENCY: z.coerce.number({ message: 'must be a number' }).int().min(1).max(256).default(8),
  POLL_CONCURRENCY: z.coerce.number({ message: 'must be a number' }).int().min(1).max(256).default(48),
  POLL_PER_HOST: z.coerce.number({ message: 'must be a number' }).int().min(1).max(64).default(2),
  POLL_HOST_DELAY_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(0).max(600_000).default(0),
  SEND_PER_MINUTE: z.coerce.number({ message: 'must be a number' }).int().min(0).max(100_000).default(600),
  DIGEST_SEND_PER_MINUTE: z.coerce.number({ message: 'must be a number' }).int().min(0).max(100_000).default(1200),
  MAX_ITEMS_PER_POLL: z.coerce.number({ message: 'must be a number' }).int().min(0).max(1_000_000).default(500),
  MAX_PAGE_FETCHES_PER_POLL: z.coerce.number({ message: 'must be a number' }).int().min(0).max(1_000_000).default(50),
  PAGE_FETCHES_PER_HOST_PER_MINUTE: z.coerce.number({ message: 'must be a number' }).int().min(0).max(100_000).default(30),
  DIGEST_DAILY_AT: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be a UK time as HH:MM, e.g. 07:00' }).default('07:00'),
  DIGEST_WEEKLY_DAY: z
    .enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'], { message: 'must be a day of the week, e.g. monday' })
    .default('monday'),
  SPIKE_ALERTS: bool.default(true),
  MAIL_WEBHOOK_SECRET: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  PARSE_WORKERS: z.coerce.number({ message: 'must be a number' }).int().min(1).max(64).default(Math.min(2, availableParallelism())),
  PARSE_TIMEOUT_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(10).max(600_000).default(5000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TEST_DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  CHROMIUM_PATH: z.string().default('/usr/bin/chromium'),
});

export interface Config {
  /** Unset: embedded PGlite under dataDir. */
  databaseUrl?: string;
  dataDir: string;
  redisUrl: string;
  /** True when REDIS_URL was not given: pressdesk may run its own redis-server. */
  redisIsDefault: boolean;
  /** Unset: real .eml files in dataDir/outbox. */
  smtpUrl?: string;
  mailFrom: string;
  publicUrl: string;
  /** PUBLIC_URL was not set: publicUrl is http://localhost:PORT (the CLI then uses what the server recorded). */
  publicUrlIsDefault: boolean;
  /** Unset: generated on first run and kept in dataDir/secret.key. */
  secretKey?: string;
  port: number;
  host: string;
  queuePrefix: string;
  fetchAllowPrivate: boolean;
  workerConcurrency: number;
  /** poll-source jobs per process: they mostly wait on the network, and polls started together share statements. */
  pollConcurrency: number;
  /** Email press officers once a day per topic that spikes. */
  spikeAlerts: boolean;
  /** Polls of one host claimed and not yet recorded, at most. */
  pollPerHost: number;
  /** Politeness: a host's next poll, claimed as its last one ends, waits this long. */
  pollHostDelayMs: number;
  /** Release emails per minute across all processes (a sliding window); 0 = no limit. */
  sendPerMinute: number;
  /** Digest emails per minute across all processes (its own window, so a daily digest never holds up a
   *  release); 0 = no limit. */
  digestPerMinute: number;
  /** Entries one poll keeps of a feed: the newest; the rest are recorded as skipped on the poll. 0 = no limit. */
  maxItemsPerPoll: number;
  /** process-item jobs (page fetches) one poll queues; its other new teasers are tagged on the feed's own
   *  text. 0 = no limit. */
  maxPageFetchesPerPoll: number;
  /** Page fetches per host per minute across all processes (a sliding window in Redis); a job over it waits
   *  its turn. 0 = no limit. */
  pageFetchesPerHostPerMinute: number;
  /** UK time of the daily digest (and of the weekly one, on digestWeeklyDay). */
  digestDailyAt: string;
  digestWeeklyDay: z.infer<typeof schema>['DIGEST_WEEKLY_DAY'];
  /** Signs bounce and complaint webhooks from the mail provider; unset = the webhook refuses everything. */
  mailWebhookSecret?: string;
  /** Worker threads that parse fetched feeds, off the event loop (default 2, or fewer CPUs). */
  parseWorkers: number;
  /** How long one feed may take to parse before its worker is terminated and the poll fails. */
  parseTimeoutMs: number;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  testDatabaseUrl?: string;
  chromiumPath: string;
}

export class ConfigError extends Error {}

/** Validates the environment; a bad value throws one line naming the variable and what is wrong. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Readonly<Config> {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`config: ${name} ${issue.message} (got ${JSON.stringify(present[name] ?? '')})`);
  }
  const e = parsed.data;
  return Object.freeze({
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(e.PRESSDESK_DATA_DIR),
    redisUrl: e.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisIsDefault: e.REDIS_URL === undefined,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    publicUrlIsDefault: e.PUBLIC_URL === undefined,
    secretKey: e.SECRET_KEY,
    port: e.PORT,
    host: e.HOST,
    queuePrefix: e.QUEUE_PREFIX,
    fetchAllowPrivate: e.FETCH_ALLOW_PRIVATE,
    workerConcurrency: e.WORKER_CONCURRENCY,
    pollConcurrency: e.POLL_CONCURRENCY,
    pollPerHost: e.POLL_PER_HOST,
    pollHostDelayMs: e.POLL_HOST_DELAY_MS,
    sendPerMinute: e.SEND_PER_MINUTE,
    digestPerMinute: e.DIGEST_SEND_PER_MINUTE,
    maxItemsPerPoll: e.MAX_ITEMS_PER_POLL,
    maxPageFetchesPerPoll: e.MAX_PAGE_FETCHES_PER_POLL,
    pageFetchesPerHostPerMinute: e.PAGE_FETCHES_PER_HOST_PER_MINUTE,
    digestDailyAt: e.DIGEST_DAILY_AT,
    digestWeeklyDay: e.DIGEST_WEEKLY_DAY,
    mailWebhookSecret: e.MAIL_WEBHOOK_SECRET,
    spikeAlerts: e.SPIKE_ALERTS,
    parseWorkers: e.PARSE_WORKERS,
    parseTimeoutMs: e.PARSE_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    testDatabaseUrl: e.TEST_DATABASE_URL,
    chromiumPath: e.CHROMIUM_PATH,
  });
}
