// subscribe: the public sign-up form. The answer is the same whether the address is new, pending, active,
// unsubscribed or suppressed ("check your inbox"), so the form cannot be used to learn who subscribes. A new
// or returning address gets a confirmation email (double opt-in); an active one gets one that confirms the
// new choices, which apply only when confirmed; a bounced or complained-about address gets nothing. Limits:
// SUBSCRIBE_LIMIT posts per IP per window, and one confirmation email per address per CONFIRM_GAP_MS.
import type { Frequency } from '../domain/digests.ts';
import { type SignupForm, checkSignup } from '../pipeline/signup.ts';
import { signSubscriberLink } from '../pipeline/subscriber-links.ts';
import { renderEmail } from '../render/index.ts';
import { suppressionOf } from '../storage/contacts.ts';
import { countAttempts, recordAttempt } from '../storage/sessions.ts';
import { claimConfirmEmail, forgetConfirmEmail, recordSignup } from '../storage/subscribers.ts';
import { activeRules } from './active-rules.ts';
import { type DigestDeps, senderName, subscriberUrls } from './deps.ts';

export const SUBSCRIBE_LIMIT = { windowMs: 15 * 60_000, perIp: 20 };
export const CONFIRM_GAP_MS = 10 * 60_000;
export const CONSENT_TEXT =
  'I agree to receive news alerts by email on the topics I chose. I can change them or unsubscribe at any time with the link in every email.';

export const FREQUENCY_LABELS: Record<Frequency, string> = { instant: 'as-it-happens', daily: 'daily', weekly: 'weekly' };

export type SubscribeResult =
  | { kind: 'accepted' }
  | { kind: 'invalid'; errors: Extract<ReturnType<typeof checkSignup>, { ok: false }>['errors'] }
  | { kind: 'limited'; retryAfterMs: number };

/** The topics campaigners may choose: the active rules' topics, id and name. */
export async function subscribableTopics(deps: Pick<DigestDeps, 'db'>): Promise<{ id: string; name: string }[]> {
  return (await activeRules(deps.db)).ruleSet.topics.map((t) => ({ id: t.id, name: t.name }));
}

export async function subscribe(deps: DigestDeps, form: SignupForm & { honeypot?: string; ip: string }): Promise<SubscribeResult> {
  const now = deps.now();
  const key = `subscribe|${form.ip}`;
  const seen = (await countAttempts(deps.db, [key], new Date(now.getTime() - SUBSCRIBE_LIMIT.windowMs))).get(key);
  if (seen && seen.n >= SUBSCRIBE_LIMIT.perIp) {
    return { kind: 'limited', retryAfterMs: Math.max(1000, seen.oldest.getTime() + SUBSCRIBE_LIMIT.windowMs - now.getTime()) };
  }
  await recordAttempt(deps.db, [key], now, SUBSCRIBE_LIMIT.windowMs);
  // A filled honeypot is a bot: it sees the same answer as a person and nothing happens.
  if (form.honeypot) return { kind: 'accepted' };
  const topics = await subscribableTopics(deps);
  const checked = checkSignup(form, topics.map((t) => t.id), { needConsent: true, needEmail: true });
  if (!checked.ok) return { kind: 'invalid', errors: checked.errors };
  const { email, frequency } = checked.value;

  const suppressed = await suppressionOf(deps.db, email);
  if (suppressed && suppressed !== 'unsubscribed') return { kind: 'accepted' };
  const sub = await recordSignup(deps.db, { ...checked.value, consentText: CONSENT_TEXT, now });
  if (sub.status === 'suppressed') return { kind: 'accepted' };
  if (!(await claimConfirmEmail(deps.db, sub.id, now, CONFIRM_GAP_MS))) return { kind: 'accepted' };

  const token = signSubscriberLink(deps.secret, { action: 'confirm', subscriberId: sub.id, linkVersion: sub.linkVersion, now });
  const names = new Map(topics.map((t) => [t.id, t.name]));
  const mail = renderEmail('digests/confirm', {
    site: senderName(deps.config.mailFrom),
    change: sub.status === 'active',
    frequencyLabel: FREQUENCY_LABELS[frequency],
    topicNames: checked.value.topics.map((t) => names.get(t) ?? t),
    confirmUrl: subscriberUrls(deps.config.publicUrl).confirm(token),
  });
  try {
    await deps.mailer.send({ to: email, ...mail });
  } catch (err) {
    // Not sent: let the next post try again at once instead of waiting out the gap.
    await forgetConfirmEmail(deps.db, sub.id).catch(() => {});
    throw err;
  }
  return { kind: 'accepted' };
}
