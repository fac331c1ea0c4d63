// updateSubscription: the preferences form (topics, how often, skip empty digests), authorised by its signed
// link. The change applies to the next digest; the chain of cut-offs is kept, so nothing repeats or is lost.
import type { Subscriber } from '../domain/digests.ts';
import { type SignupForm, checkSignup } from '../pipeline/signup.ts';
import { verifySubscriberLink } from '../pipeline/subscriber-links.ts';
import { updatePreferences } from '../storage/subscribers.ts';
import type { DigestDeps } from './deps.ts';
import { LINK_GONE } from './show-subscription.ts';
import { subscribableTopics } from './subscribe.ts';

export type UpdateSubscriptionResult =
  | { ok: false; message: string }
  | { ok: false; errors: Extract<ReturnType<typeof checkSignup>, { ok: false }>['errors'] }
  | { ok: true; subscriber: Subscriber };

export async function updateSubscription(
  deps: Pick<DigestDeps, 'db' | 'secret' | 'now'>,
  token: string,
  form: SignupForm & { skipEmpty: boolean },
): Promise<UpdateSubscriptionResult> {
  const v = verifySubscriberLink(deps.secret, token, 'prefs', deps.now());
  if (!v.ok) return { ok: false, message: v.message };
  const checked = checkSignup(form, (await subscribableTopics(deps)).map((t) => t.id), { needConsent: false, needEmail: false });
  if (!checked.ok) return { ok: false, errors: checked.errors };
  const sub = await updatePreferences(deps.db, v.claims.subscriberId, v.claims.linkVersion, {
    topics: checked.value.topics,
    frequency: checked.value.frequency,
    skipEmpty: form.skipEmpty,
    now: deps.now(),
  });
  return sub ? { ok: true, subscriber: sub } : { ok: false, message: LINK_GONE };
}
