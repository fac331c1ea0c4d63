// checkSignup: a subscribe or preferences form, checked. Errors are per field and say what to do; topics are
// kept only if the active rules know them, in the rules' order.
import { FREQUENCIES, type Frequency } from '../domain/digests.ts';

export interface SignupForm {
  email?: string;
  topics?: readonly string[];
  frequency?: string;
  /** The consent box (subscribe form only). */
  consent?: boolean;
}

export interface Signup {
  email: string;
  topics: string[];
  frequency: Frequency;
}

export type SignupCheck = { ok: true; value: Signup } | { ok: false; errors: Partial<Record<'email' | 'topics' | 'frequency' | 'consent', string>> };

// Deliberately plain: one local part, one domain with a dot, no spaces or brackets. Linear time.
const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

export function checkSignup(form: SignupForm, knownTopics: readonly string[], opts: { needConsent: boolean; needEmail: boolean }): SignupCheck {
  const errors: Extract<SignupCheck, { ok: false }>['errors'] = {};
  const email = (form.email ?? '').trim().toLowerCase();
  if (opts.needEmail && (email.length > 254 || !EMAIL.test(email))) errors.email = 'Enter your email address, like name@example.org.';
  const chosen = new Set(form.topics ?? []);
  const topics = knownTopics.filter((t) => chosen.has(t));
  if (topics.length === 0) errors.topics = 'Choose at least one topic.';
  const frequency = form.frequency as Frequency;
  if (!FREQUENCIES.includes(frequency)) errors.frequency = 'Choose how often: as it happens, daily or weekly.';
  if (opts.needConsent && !form.consent) errors.consent = 'Tick the box to agree to receive these emails.';
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { email, topics, frequency } };
}
