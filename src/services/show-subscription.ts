// showSubscription: what the preferences page shows to the holder of a preferences link: the subscription,
// the topics on offer, and an unsubscribe link for its button.
import type { Subscriber } from '../domain/digests.ts';
import { signSubscriberLink, verifySubscriberLink } from '../pipeline/subscriber-links.ts';
import { getSubscriber } from '../storage/subscribers.ts';
import type { DigestDeps } from './deps.ts';
import { subscribableTopics } from './subscribe.ts';

export type ShowSubscriptionResult =
  | { ok: false; message: string }
  | { ok: true; subscriber: Subscriber; topics: { id: string; name: string }[]; unsubscribeToken: string; linkVersion: number };

export const LINK_GONE = 'This link is no longer valid (you may have unsubscribed since). To subscribe again, use the subscribe page.';

export async function showSubscription(deps: Pick<DigestDeps, 'db' | 'secret' | 'now'>, token: string): Promise<ShowSubscriptionResult> {
  const v = verifySubscriberLink(deps.secret, token, 'prefs', deps.now());
  if (!v.ok) return { ok: false, message: v.message };
  const sub = await getSubscriber(deps.db, v.claims.subscriberId);
  if (!sub || sub.linkVersion !== v.claims.linkVersion || sub.status !== 'active') return { ok: false, message: LINK_GONE };
  const unsubscribeToken = signSubscriberLink(deps.secret, { action: 'unsub', subscriberId: sub.id, linkVersion: sub.linkVersion, now: deps.now() });
  return { ok: true, subscriber: sub, topics: await subscribableTopics(deps), unsubscribeToken, linkVersion: sub.linkVersion };
}
