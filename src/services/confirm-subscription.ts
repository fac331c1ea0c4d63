// confirmSubscription: the double opt-in link. GET (confirm: false) only says what will be confirmed — mail
// scanners open links, so a GET never acts; POST confirms. Confirming makes the subscriber active with the
// choices from the form (or applies an active subscriber's new choices) and lifts an earlier unsubscribe from
// the suppression list; it works once (the parked choices are gone after it).
import type { Subscriber } from '../domain/digests.ts';
import { signSubscriberLink, verifySubscriberLink } from '../pipeline/subscriber-links.ts';
import { liftSuppression, suppressionOf } from '../storage/contacts.ts';
import { confirmSubscriber, getSubscriber } from '../storage/subscribers.ts';
import { type DigestDeps, subscriberUrls } from './deps.ts';

export type ConfirmResult =
  | { ok: false; message: string }
  | { ok: true; confirmed: false; subscriber: Subscriber }
  | { ok: true; confirmed: true; already: boolean; subscriber: Subscriber; preferencesUrl: string };

const GONE = 'This link is no longer valid. Subscribe again to get a new confirmation email.';

export async function confirmSubscription(deps: Pick<DigestDeps, 'db' | 'secret' | 'now' | 'config'>, token: string, opts: { confirm: boolean }): Promise<ConfirmResult> {
  const now = deps.now();
  const v = verifySubscriberLink(deps.secret, token, 'confirm', now);
  if (!v.ok) return { ok: false, message: v.message };
  const sub = await getSubscriber(deps.db, v.claims.subscriberId);
  if (!sub || sub.linkVersion !== v.claims.linkVersion || sub.status === 'suppressed') return { ok: false, message: GONE };
  const blocked = await suppressionOf(deps.db, sub.email);
  if (blocked && blocked !== 'unsubscribed') return { ok: false, message: GONE };
  const prefs = () => subscriberUrls(deps.config.publicUrl).preferences(signSubscriberLink(deps.secret, { action: 'prefs', subscriberId: sub.id, linkVersion: sub.linkVersion, now }));
  if (sub.status === 'active' && !sub.pendingTopics) return { ok: true, confirmed: true, already: true, subscriber: sub, preferencesUrl: prefs() };
  if (!opts.confirm) return { ok: true, confirmed: false, subscriber: sub };
  const done = await deps.db.tx(async (t) => {
    const s = await confirmSubscriber(t, sub.id, v.claims.linkVersion, now);
    if (s) await liftSuppression(t, s.email, 'unsubscribed');
    return s;
  });
  if (!done) return { ok: true, confirmed: true, already: true, subscriber: (await getSubscriber(deps.db, sub.id)) ?? sub, preferencesUrl: prefs() };
  return { ok: true, confirmed: true, already: false, subscriber: done, preferencesUrl: prefs() };
}
