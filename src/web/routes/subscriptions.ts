// Campaigners' pages, no login: the sign-up form (/subscribe), the double opt-in link, the preferences page,
// unsubscribe (a page with a button, and the RFC 8058 one-click POST that mail programs send), and the mail
// provider's bounce/complaint webhook. Campaigners have no account: a signed link is their credential.
//
// CSRF: every form a person uses in a browser (sign-up, the confirm button, preferences, the unsubscribe
// button) carries the double-submit token like the login form; a confirm link's GET only asks, since mail
// scanners open links. Of the campaigners' POSTs only the one-click unsubscribe opts out (mail programs send
// no cookies: its signed token and exactly the body RFC 8058 prescribes are the proof), and so does the
// provider's webhook (an HMAC over the raw body), which no browser sends.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FREQUENCIES, type Frequency, type Subscriber } from '../../domain/digests.ts';
import { confirmSubscription } from '../../services/confirm-subscription.ts';
import { type DigestDeps, senderName } from '../../services/deps.ts';
import { recordMailEvents } from '../../services/record-mail-events.ts';
import { showSubscription } from '../../services/show-subscription.ts';
import { CONSENT_TEXT, type SubscribeResult, subscribableTopics, subscribe } from '../../services/subscribe.ts';
import { unsubscribe } from '../../services/unsubscribe.ts';
import { updateSubscription } from '../../services/update-subscription.ts';
import { field, fields } from '../form.ts';
import { flash, sendPage } from '../page.ts';
import type { WebDeps } from '../server.ts';

const pub = { config: { auth: 'public' as const } };
/** Public POSTs no browser form sends, verifying a signature of their own (src/web/auth.ts, rule 3). */
const signed = { config: { auth: 'public' as const, csrf: false as const } };
type P = { Params: { token: string } };

const WEBHOOK_MAX_BYTES = 256 * 1024;
const HONEYPOT = 'website';
const ONE_CLICK = { key: 'List-Unsubscribe', value: 'One-Click' };

type FieldErrors = Extract<SubscribeResult, { kind: 'invalid' }>['errors'];
type Topic = { id: string; name: string };

const FREQUENCY_NAMES: Record<Frequency, string> = { instant: 'As it happens', daily: 'Daily', weekly: 'Weekly' };
/** "… will get ___ on Probation and Prisons." */
const FREQUENCY_PHRASES: Record<Frequency, string> = { instant: 'news alerts as they happen', daily: 'a daily news digest', weekly: 'a weekly news digest' };

/** A link we signed that has expired or whose subscription moved on is gone (410); a link that is not
 *  ours, or cut short, is a bad request (400). The services say which only in words. */
const refusalStatus = (message: string) => (/expired|no longer valid|no subscription/i.test(message) ? 410 : 400);

/** Radio choices, with when each kind of email goes (the digest schedule is configuration). */
function frequencyChoices(deps: WebDeps, chosen: string | undefined) {
  const day = `${deps.config.digestWeeklyDay[0]!.toUpperCase()}${deps.config.digestWeeklyDay.slice(1)}`;
  const hints: Record<Frequency, string> = {
    instant: 'an email within minutes of each new story',
    daily: `one email a day at ${deps.config.digestDailyAt} (UK time)`,
    weekly: `one email every ${day} at ${deps.config.digestDailyAt} (UK time)`,
  };
  return FREQUENCIES.map((f) => ({ value: f, label: FREQUENCY_NAMES[f], hint: hints[f], checked: f === chosen }));
}

const topicChoices = (topics: readonly Topic[], chosen: readonly string[]) => topics.map((t) => ({ ...t, checked: chosen.includes(t.id) }));
const topicNames = (topics: readonly Topic[], ids: readonly string[]) => ids.map((id) => topics.find((t) => t.id === id)?.name ?? id);

/** The error summary at the top of a form: each message linking to its field. */
function errorList(errors: FieldErrors | undefined) {
  return Object.entries(errors ?? {}).map(([k, text]) => ({ href: `#${k}`, text }));
}

/** Same-site path of an absolute link we made (PUBLIC_URL may differ from the address the visitor used). */
const pathOf = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

/** RFC 8058: the body is exactly List-Unsubscribe=One-Click, form-encoded (urlencoded or multipart). */
function isOneClick(req: FastifyRequest): boolean {
  const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded' && type !== 'multipart/form-data') return false;
  const body = req.body as Record<string, unknown> | null | undefined;
  if (!body || typeof body !== 'object') return false;
  const keys = Object.keys(body);
  return keys.length === 1 && keys[0] === ONE_CLICK.key && body[ONE_CLICK.key] === ONE_CLICK.value;
}

export async function subscriptionRoutes(app: FastifyInstance, deps: WebDeps) {
  const svc: DigestDeps = { db: deps.db, mailer: deps.mailer, config: deps.config, secret: deps.secret, now: () => app.pd.now() };
  const site = senderName(deps.config.mailFrom);
  // Pages at signed addresses stay out of caches and history stores.
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

  const refused = (req: FastifyRequest, reply: FastifyReply, message: string, title = 'This link does not work') =>
    sendPage(req, reply.code(refusalStatus(message)), 'subscription-refused', { title, message });

  // --- the sign-up form ------------------------------------------------------------------------------------

  const signupForm = async (req: FastifyRequest, reply: FastifyReply, v: { email?: string; topics?: string[]; frequency?: string; consent?: boolean; errors?: FieldErrors } = {}) =>
    sendPage(req, reply, 'subscribe', {
      title: 'News alerts by email',
      site,
      email: v.email ?? '',
      topics: topicChoices(await subscribableTopics(svc), v.topics ?? []),
      frequencies: frequencyChoices(deps, v.frequency),
      consent: v.consent ?? false,
      consentText: CONSENT_TEXT,
      errors: v.errors,
      errorList: errorList(v.errors),
      honeypot: HONEYPOT,
    });

  app.get('/subscribe', pub, (req, reply) => signupForm(req, reply, { frequency: 'daily' }));

  app.post('/subscribe', pub, async (req, reply) => {
    const form = {
      email: field(req.body, 'email'),
      topics: fields(req.body, 'topics'),
      frequency: field(req.body, 'frequency'),
      consent: field(req.body, 'consent') === 'yes',
    };
    const r = await subscribe(svc, { ...form, honeypot: field(req.body, HONEYPOT), ip: req.ip });
    if (r.kind === 'invalid') return signupForm(req, reply.code(422), { ...form, errors: r.errors });
    if (r.kind === 'limited') {
      const seconds = Math.ceil(r.retryAfterMs / 1000);
      const minutes = Math.ceil(seconds / 60);
      reply.code(429).header('retry-after', String(seconds));
      return sendPage(req, reply, 'subscribe-limited', { title: 'Too many sign-ups', minutes, until: new Date(svc.now().getTime() + r.retryAfterMs) });
    }
    // The same page whoever the address belongs to: the form must not tell who subscribes.
    return sendPage(req, reply, 'subscribe-sent', { title: 'Check your inbox', email: form.email.trim() });
  });

  // --- the confirm link (double opt-in) --------------------------------------------------------------------

  const confirmed = async (req: FastifyRequest, reply: FastifyReply, s: Subscriber, already: boolean, preferencesUrl: string) =>
    sendPage(req, reply, 'subscribe-confirm', {
      title: already ? 'You are already subscribed' : 'You’re subscribed',
      done: true,
      already,
      email: s.email,
      frequencyPhrase: FREQUENCY_PHRASES[s.frequency],
      topicNames: topicNames(await subscribableTopics(svc), s.topics),
      preferencesHref: pathOf(preferencesUrl),
    });

  app.get<P>('/subscribe/confirm/:token', pub, async (req, reply) => {
    noStore(reply);
    const r = await confirmSubscription(svc, req.params.token, { confirm: false });
    if (!r.ok) return refused(req, reply, r.message);
    if (r.confirmed) return confirmed(req, reply, r.subscriber, r.already, r.preferencesUrl);
    const s = r.subscriber;
    return sendPage(req, reply, 'subscribe-confirm', {
      title: s.status === 'active' ? 'Confirm the change to your news alerts' : 'Confirm your news alerts',
      ask: true,
      change: s.status === 'active',
      email: s.email,
      frequencyName: FREQUENCY_NAMES[s.pendingFrequency ?? s.frequency],
      topicNames: topicNames(await subscribableTopics(svc), s.pendingTopics ?? s.topics),
      formAction: `/subscribe/confirm/${req.params.token}`,
    });
  });

  app.post<P>('/subscribe/confirm/:token', pub, async (req, reply) => {
    noStore(reply);
    const r = await confirmSubscription(svc, req.params.token, { confirm: true });
    if (!r.ok) return refused(req, reply, r.message);
    if (!r.confirmed) throw new Error('subscriptions: a confirm POST must confirm');
    return confirmed(req, reply, r.subscriber, r.already, r.preferencesUrl);
  });

  // --- preferences -----------------------------------------------------------------------------------------

  app.get<P>('/subscription/:token', pub, async (req, reply) => {
    noStore(reply);
    return preferences(req, reply);
  });

  const preferences = async (req: FastifyRequest<P>, reply: FastifyReply, posted?: { topics: string[]; frequency: string; skipEmpty: boolean; errors: FieldErrors }) => {
    const r = await showSubscription(svc, req.params.token);
    if (!r.ok) return refused(req, reply, r.message);
    const s = r.subscriber;
    if (posted) reply.code(422);
    return sendPage(req, reply, 'subscription', {
      title: 'Your news alerts',
      email: s.email,
      topics: topicChoices(r.topics, posted?.topics ?? s.topics),
      frequencies: frequencyChoices(deps, posted?.frequency ?? s.frequency),
      skipEmpty: posted?.skipEmpty ?? s.skipEmpty,
      errors: posted?.errors,
      errorList: errorList(posted?.errors),
      formAction: `/subscription/${req.params.token}`,
      unsubscribeAction: `/unsubscribe/${r.unsubscribeToken}`,
    });
  };

  app.post<P>('/subscription/:token', pub, async (req, reply) => {
    noStore(reply);
    const form = { topics: fields(req.body, 'topics'), frequency: field(req.body, 'frequency'), skipEmpty: field(req.body, 'skip_empty') === 'yes' };
    const r = await updateSubscription(svc, req.params.token, form);
    if (r.ok) {
      flash(req, 'ok', 'Saved. The change applies from your next email.');
      return reply.redirect(`/subscription/${req.params.token}`, 303);
    }
    if ('message' in r) return refused(req, reply, r.message);
    return preferences(req, reply, { ...form, errors: r.errors });
  });

  // --- unsubscribe -----------------------------------------------------------------------------------------

  app.get<P>('/unsubscribe/:token', pub, async (req, reply) => {
    noStore(reply);
    return sendPage(req, reply, 'unsubscribe', { title: 'Unsubscribe from news alerts', ask: true, formAction: `/unsubscribe/${req.params.token}` });
  });

  app.post<P>('/unsubscribe/:token', pub, async (req, reply) => {
    noStore(reply);
    const r = await unsubscribe(svc, req.params.token);
    if (!r.ok) return refused(req, reply, r.message, 'This unsubscribe link does not work');
    return sendPage(req, reply, 'unsubscribe', { title: 'You are unsubscribed', done: true, already: r.already, email: r.email });
  });

  // RFC 8058: the List-Unsubscribe-Post target. Mail programs POST here with no cookies; the signed token
  // and the exact body are the proof. Someone opening the address in a browser gets the page with a button.
  app.get<P>('/unsubscribe/:token/one-click', pub, (req, reply) => reply.redirect(`/unsubscribe/${req.params.token}`, 303));

  app.post<P>('/unsubscribe/:token/one-click', signed, async (req, reply) => {
    noStore(reply).type('text/plain; charset=utf-8');
    if (!isOneClick(req)) return reply.code(400).send(`unsubscribe: a one-click unsubscribe posts exactly ${ONE_CLICK.key}=${ONE_CLICK.value} (RFC 8058), form-encoded`);
    const r = await unsubscribe(svc, req.params.token);
    if (!r.ok) return reply.code(400).send(r.message);
    return reply.code(200).send(r.already ? 'You were already unsubscribed.' : 'You are unsubscribed: no more news alerts will be sent to you.');
  });

  // --- the mail provider's bounce and complaint webhook ----------------------------------------------------

  // The signature covers the exact bytes sent, so this scope keeps every body as the raw string.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: WEBHOOK_MAX_BYTES }, (_req, body, done) => done(null, body));
    scope.post('/webhooks/mail', signed, async (req, reply) => {
      const header = (name: string) => {
        const v = req.headers[name];
        return typeof v === 'string' ? v : undefined;
      };
      const r = await recordMailEvents(
        { db: svc.db, now: svc.now, secret: deps.config.mailWebhookSecret },
        { timestamp: header('x-pressdesk-timestamp'), signature: header('x-pressdesk-signature') },
        typeof req.body === 'string' ? req.body : '',
      );
      if (!r.ok) req.log.warn({ status: r.status }, r.message);
      return reply.code(r.ok ? 200 : r.status).send(r);
    });
  });
}
