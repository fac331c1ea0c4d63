// unsubscribe: the link in every digest (the page's button, and the RFC 8058 one-click POST that mail
// programs send). It always ends unsubscribed: the address goes on the suppression list and the links sent
// so far stop working. Using it again (an old link, a second click) finds it done and says so.
import { verifySubscriberLink } from '../pipeline/subscriber-links.ts';
import { addSuppression } from '../storage/contacts.ts';
import { getSubscriber, unsubscribe as end } from '../storage/subscribers.ts';
import type { DigestDeps } from './deps.ts';

export type UnsubscribeResult = { ok: true; email: string; already: boolean } | { ok: false; message: string };

export async function unsubscribe(deps: Pick<DigestDeps, 'db' | 'secret' | 'now'>, token: string): Promise<UnsubscribeResult> {
  const v = verifySubscriberLink(deps.secret, token, 'unsub', deps.now());
  if (!v.ok) return { ok: false, message: v.message };
  const now = deps.now();
  return deps.db.tx(async (t) => {
    const done = await end(t, v.claims.subscriberId, v.claims.linkVersion, now);
    if (done) {
      await addSuppression(t, done.email, 'unsubscribed', now);
      return { ok: true as const, email: done.email, already: false };
    }
    const sub = await getSubscriber(t, v.claims.subscriberId);
    if (!sub) return { ok: false as const, message: 'There is no subscription for this link any more.' };
    // An older link, or the second click: the subscription ended already (a newer opt-in has its own links).
    if (sub.status !== 'active' || sub.linkVersion > v.claims.linkVersion) return { ok: true as const, email: sub.email, already: true };
    return { ok: false as const, message: 'This link could not be used. Use the unsubscribe link in your newest email from us.' };
  });
}
