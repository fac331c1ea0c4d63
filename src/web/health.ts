// What /healthz and the home page report: each dependency up or down, with a detail a person can act on.
import { ping } from '../storage/db.ts';
import type { WebDeps } from './server.ts';

export interface Health {
  ok: boolean;
  db: { status: 'up' | 'down'; detail: string };
  redis: { status: 'up' | 'down'; detail: string };
}

const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref())]);

export async function checkHealth(deps: Pick<WebDeps, 'db' | 'redis' | 'storageDescribe' | 'config'>): Promise<Health> {
  const [db, redis] = await Promise.all([
    within(ping(deps.db), 2000).then(
      () => ({ status: 'up' as const, detail: deps.storageDescribe }),
      (e: Error) => ({ status: 'down' as const, detail: `${deps.storageDescribe}: ${e.message}` }),
    ),
    within(deps.redis.ping(), 2000).then(
      () => ({ status: 'up' as const, detail: new URL(deps.config.redisUrl).host }),
      (e: Error) => ({ status: 'down' as const, detail: `${new URL(deps.config.redisUrl).host}: ${e.message}` }),
    ),
  ]);
  return { ok: db.status === 'up' && redis.status === 'up', db, redis };
}
