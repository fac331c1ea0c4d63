// All SQL about WebSub subscriptions: the hub a feed advertised, our per-source secret, and the lease.
import type { Db } from './db.ts';
import type { Source } from '../domain/types.ts';
import { toSource } from './sources.ts';

export interface WebsubState {
  hub: string | null;
  topic: string | null;
  secret: string | null;
  state: 'subscribing' | 'active' | 'denied' | null;
  leaseUntil: Date | null;
}

export async function setWebsub(db: Db, sourceId: number, w: Partial<WebsubState>): Promise<void> {
  const keys = Object.keys(w) as (keyof WebsubState)[];
  if (!keys.length) return;
  const column = { hub: 'websub_hub', topic: 'websub_topic', secret: 'websub_secret', state: 'websub_state', leaseUntil: 'websub_lease_until' };
  const sets = keys.map((k, i) => `${column[k]} = $${i + 2}`).join(', ');
  await db.query(`UPDATE sources SET ${sets} WHERE id = $1`, [sourceId, ...keys.map((k) => w[k] ?? null)]);
}

/** Active subscriptions whose lease ends before `before`, and hubs never subscribed to: both need a request. */
export async function websubToRenew(db: Db, before: Date): Promise<Source[]> {
  const rows = await db.query(
    `SELECT * FROM sources WHERE enabled AND websub_hub IS NOT NULL
       AND (websub_state IS NULL OR (websub_state IN ('active', 'subscribing') AND websub_lease_until < $1))
     ORDER BY id LIMIT 100`,
    [before],
  );
  return rows.map(toSource);
}
