// What /healthz and the home page report: each dependency up or down, with a detail a person can act on.
import { type PollingHealth, STALL_MS, judgePolling } from '../pipeline/polling-health.ts';
import { ping } from '../storage/db.ts';
import { pollingLag } from '../storage/polls.ts';
import type { WebDeps } from './server.ts';

export interface Health {
  ok: boolean;
  db: { status: 'up' | 'down'; detail: string };
  redis: { status: 'up' | 'down'; detail: string };
  /** Sources due for long with no poll anywhere: unhealthy, with what to do. */
  polling: PollingHealth | { status: 'unknown'; detail: string };
}

const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref())]);

export async function checkHealth(deps: Pick<WebDeps, 'db' | 'redis' | 'storageDescribe' | 'config' | 'now'>): Promise<Health> {
  const now = deps.now?.() ?? new Date();
  const [db, redis, polling] = await Promise.all([
    within(ping(deps.db), 2000).then(
      () => ({ status: 'up' as const, detail: deps.storageDescribe }),
      (e: Error) => ({ status: 'down' as const, detail: `${deps.storageDescribe}: ${e.message}` }),
    ),
    within(deps.redis.ping(), 2000).then(
      () => ({ status: 'up' as const, detail: new URL(deps.config.redisUrl).host }),
      (e: Error) => ({ status: 'down' as const, detail: `${new URL(deps.config.redisUrl).host}: ${e.message}` }),
    ),
    within(pollingLag(deps.db, new Date(now.getTime() - STALL_MS)), 2000).then(
      (lag) => judgePolling(lag, now),
      (e: Error) => ({ status: 'unknown' as const, detail: e.message }),
    ),
  ]);
  return { ok: db.status === 'up' && redis.status === 'up' && polling.status !== 'stalled', db, redis, polling };
}
