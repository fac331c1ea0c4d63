// The fault suite's harness: an installation of its own (a PostgreSQL schema, a queue prefix, a data
// directory) for real `pressdesk` processes, feeds to publish and check items against, a redis-server the
// test may kill, a TCP proxy in front of PostgreSQL the test may cut, and waits on conditions (never sleeps).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, inject } from 'vitest';
import { ping } from '../../src/adapters/redis.ts';
import { exportOpml } from '../../src/pipeline/opml.ts';
import { runCliAsync } from '../helpers/cli.ts';
import { openTestPostgres, withSchema } from '../helpers/db.ts';
import { rss } from '../helpers/ingest.ts';
import { dropPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';

export const databaseUrl = () => inject('databaseUrl');

export { withSchema };

export type TestPg = Awaited<ReturnType<typeof openTestPostgres>>;

export interface Installation {
  pg: TestPg;
  env: Record<string, string>;
  dataDir: string;
  close(): Promise<void>;
}

/** A fresh installation: its own schema (migrated), queue prefix (each database claims its own) and data
 *  directory. `env` is what every `pressdesk` process of it gets; `redisUrl`/`databaseUrl` override. */
export async function installation(opts: { redisUrl?: string; databaseUrl?: string; env?: Record<string, string> } = {}): Promise<Installation> {
  const url = databaseUrl()!;
  const pg = await openTestPostgres(url);
  const prefix = uniquePrefix();
  const dataDir = mkdtempSync(join(tmpdir(), 'pd-fault-'));
  const redisUrl = opts.redisUrl ?? testRedisUrl();
  const env = {
    DATABASE_URL: withSchema(opts.databaseUrl ?? url, pg.schema),
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    PRESSDESK_DATA_DIR: dataDir,
    FETCH_ALLOW_PRIVATE: 'true',
    PORT: '0',
    SECRET_KEY: 's'.repeat(32),
    PUBLIC_URL: 'http://pressdesk.test',
    ...opts.env,
  };
  return {
    pg,
    env,
    dataDir,
    async close() {
      if (redisUrl === testRedisUrl()) await dropPrefix(prefix);
      await pg.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Adds sources the way an operator does: `pressdesk sources import FILE.opml`. */
export async function addSources(inst: Installation, feeds: { url: string; name: string }[]) {
  const file = join(inst.dataDir, 'sources.opml');
  writeFileSync(file, exportOpml(feeds, { title: 'fault suite', now: new Date() }));
  const r = await runCliAsync(['sources', 'import', file], inst.env);
  expect(r.code, r.stderr).toBe(0);
}

/** Waits until `fn` returns something truthy, polling; fails naming what it waited for and the last value. */
export async function until<T>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 90_000, everyMs = 200): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`waited ${timeoutMs} ms for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** GET /healthz with a time limit; status 0 when it did not answer. */
export async function healthz(base: string, timeoutMs = 5000): Promise<{ status: number; ms: number; body: string }> {
  const t0 = performance.now();
  try {
    const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, ms: performance.now() - t0, body: await res.text() };
  } catch (err) {
    return { status: 0, ms: performance.now() - t0, body: (err as Error).message };
  }
}

// A paragraph long enough that items are complete in the feed (no page fetch to the outside world).
const PARA = 'Probation officers in the region carry caseloads far above the recommended level, the inspectorate found, and some people on licence had no named officer for weeks. ';

/** A feed whose items the test publishes and later checks the database against. */
export class Feed {
  readonly ids: string[] = [];
  constructor(readonly tag: string) {}
  publish(n: number) {
    const from = this.ids.length;
    for (let i = from; i < from + n; i++) this.ids.push(`${this.tag}-${i}`);
    return this;
  }
  xml() {
    // Newest first, as feeds are; links unique across every feed (items.canonical_url is UNIQUE).
    return rss([...this.ids].reverse().map((id) => ({ id, link: `https://news.example/${id}`, description: PARA.repeat(3) })));
  }
}

/** Every stored item's guid with how many rows carry it. */
export async function storedGuids(pg: TestPg): Promise<Map<string, number>> {
  const rows = await pg.db.query<{ guid: string; n: number }>('SELECT guid, count(*)::int AS n FROM items GROUP BY guid');
  return new Map(rows.map((r) => [r.guid, r.n]));
}

/** The invariant: every published item stored exactly once, nothing stored that was not published. */
export async function expectExactlyOnce(pg: TestPg, published: string[]) {
  const stored = await storedGuids(pg);
  const dupes = [...stored].filter(([, n]) => n > 1).map(([g]) => g);
  const lost = published.filter((g) => !stored.has(g));
  const extra = [...stored.keys()].filter((g) => !published.includes(g));
  expect({ dupes, lost: lost.slice(0, 10), lostCount: lost.length, extra }).toEqual({ dupes: [], lost: [], lostCount: 0, extra: [] });
}

/** Has every published guid been stored (the condition to wait on)? Throws how many are missing, which
 *  `until` reports when it gives up. */
export async function allStored(pg: TestPg, published: string[]) {
  const stored = await storedGuids(pg);
  const missing = published.filter((g) => !stored.has(g)).length;
  if (missing) throw new Error(`${missing} of ${published.length} items not stored`);
  return true;
}

/** Makes every source due now: what the passing of its poll interval (at least 30 s, usually 5 min) does. */
// As storage/polls.ts makeDue ("poll now"): due at once, a dead worker's claim dropped.
export const makeDue = (pg: TestPg) => pg.db.query('UPDATE sources SET next_poll_at = now(), claimed_until = NULL');

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A redis-server of the test's own on a free loopback port, that it may kill -9 and start again. */
export class OwnRedis {
  private child?: ChildProcess;
  readonly url: string;
  private constructor(
    readonly port: number,
    readonly args: string[],
  ) {
    this.url = `redis://127.0.0.1:${port}`;
  }
  static async start(persistence: false | { dir: string }) {
    const port = await freePort();
    const keep = persistence ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', persistence.dir] : ['--appendonly', 'no'];
    const r = new OwnRedis(port, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...keep, '--maxmemory-policy', 'noeviction']);
    await r.up();
    return r;
  }
  async up() {
    this.child = spawn('redis-server', this.args, { stdio: 'ignore' });
    await until(`redis-server on ${this.port}`, () => ping(this.url), 10_000, 50);
  }
  async kill() {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await gone;
  }
}
