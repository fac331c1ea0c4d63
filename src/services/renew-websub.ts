// WebSub: subscribe to hubs that feeds advertise, and renew leases before they end.
import { randomBytes } from 'node:crypto';
import { requestSubscription } from '../adapters/websub.ts';
import { LEASE_REQUEST_S, RENEW_MARGIN_S } from '../pipeline/websub.ts';
import { setWebsub, websubToRenew } from '../storage/websub.ts';
import { type IngestDeps, userAgent } from './deps.ts';

/** Subscribes to newly seen hubs and renews leases ending soon. Failures are retried in six hours. */
export async function renewWebsub(rt: Pick<IngestDeps, 'db' | 'config' | 'now'>, signal?: AbortSignal): Promise<number> {
  const now = rt.now();
  const due = await websubToRenew(rt.db, new Date(now.getTime() + RENEW_MARGIN_S * 1000));
  for (const s of due) {
    const secret = s.websubSecret ?? randomBytes(24).toString('hex');
    const r = await requestSubscription(
      { hub: s.websubHub!, topic: s.websubTopic ?? s.url, callback: `${rt.config.publicUrl}/websub/${s.id}`, secret, mode: 'subscribe', leaseSeconds: LEASE_REQUEST_S },
      { allowPrivate: rt.config.fetchAllowPrivate, userAgent: userAgent(rt), signal },
    );
    // Until the hub verifies, lease_until is only the time to ask again.
    const retryIn = r.ok ? 86_400 : 6 * 3600;
    await setWebsub(rt.db, s.id, { secret, state: 'subscribing', leaseUntil: new Date(now.getTime() + retryIn * 1000) });
    if (!r.ok) process.stderr.write(`${r.error}\n`);
  }
  return due.length;
}
