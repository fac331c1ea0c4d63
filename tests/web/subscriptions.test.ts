// Campaigners' pages against a real server and database: the sign-up form (CSRF, the same answer for every
// address, the honeypot, errors per field, the IP limit), the confirm link (a GET never confirms, the button
// needs CSRF), the preferences page, unsubscribe (the page's button needs CSRF; the RFC 8058 one-click POST
// needs neither a cookie nor a token, only the exact body), the bounce webhook's signature, and the press
// office's list and CSV behind their role. Mail goes to the test app's outbox, read back from its .eml files.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signMailEvents } from '../../src/pipeline/mail-events.ts';
import { CONSENT_TEXT } from '../../src/services/subscribe.ts';
import { suppressionOf } from '../../src/storage/contacts.ts';
import { findSubscriber, recordSignup } from '../../src/storage/subscribers.ts';
import { FORM, HTML, type TestApp, cookiesFrom, csrfFrom, form, startTestApp } from './app.ts';

const WEBHOOK_SECRET = 'a webhook secret of some length';

describe('campaigners’ pages', () => {
  let t: TestApp;
  let outbox: string;
  let n = 0;
  /** A fresh address and client IP per use, so the per-address gap and the per-IP limit never interfere. */
  const fresh = (name: string) => {
    n++;
    return { email: `${name}-${n}@example.org`, ip: `198.51.100.${n}` };
  };

  const get = (url: string, opts: { cookie?: string; ip?: string } = {}) =>
    t.app.inject({ url, remoteAddress: opts.ip, headers: { ...HTML, ...(opts.cookie ? { cookie: opts.cookie } : {}) } });

  /** GETs the page with the form, then posts it with the page's token and cookie (as a browser would). */
  async function submit(pageUrl: string, action: string, body: Record<string, string | string[]>, opts: { ip?: string } = {}) {
    const page = await get(pageUrl, opts);
    return t.app.inject({
      method: 'POST',
      url: action,
      remoteAddress: opts.ip,
      headers: { ...HTML, ...FORM, cookie: cookiesFrom(page) },
      body: form({ _csrf: csrfFrom(page), ...body }),
    });
  }

  const signUp = (email: string, ip: string, extra: Record<string, string | string[]> = {}) =>
    submit('/subscribe', '/subscribe', { email, topics: ['probation', 'prisons'], frequency: 'daily', consent: 'yes', website: '', ...extra }, { ip });

  /** Every email in the outbox to `address`, oldest first. */
  async function mailsTo(address: string) {
    let files: string[] = [];
    try {
      files = readdirSync(outbox).filter((f) => f.endsWith('.eml')).sort();
    } catch {}
    const parsed = await Promise.all(files.map((f) => simpleParser(readFileSync(join(outbox, f)))));
    return parsed.filter((m) => (Array.isArray(m.to) ? m.to : [m.to]).some((a) => a?.text.includes(address)));
  }

  async function confirmPath(address: string) {
    const text = (await mailsTo(address)).at(-1)?.text ?? '';
    const m = /http:\/\/pressdesk\.test(\/subscribe\/confirm\/[A-Za-z0-9_.-]+)/.exec(text);
    if (!m) throw new Error(`no confirm link in the last email to ${address}`);
    return m[1]!;
  }

  /** Signs up and confirms: the "You're subscribed" page. */
  async function subscribed(name: string) {
    const { email, ip } = fresh(name);
    expect((await signUp(email, ip)).statusCode).toBe(200);
    const path = await confirmPath(email);
    const done = await submit(path, path, {});
    expect(done.statusCode).toBe(200);
    const prefs = /href="(\/subscription\/[^"]+)"/.exec(done.body)?.[1];
    if (!prefs) throw new Error('no preferences link on the confirmation page');
    return { email, ip, prefs };
  }

  /** The unsubscribe path in the preferences page's form. */
  const unsubscribePath = (res: LightMyRequestResponse) => {
    const m = /action="(\/unsubscribe\/[^"]+)"/.exec(res.body);
    if (!m) throw new Error('no unsubscribe form');
    return m[1]!;
  };

  beforeAll(async () => {
    t = await startTestApp({ env: { MAIL_WEBHOOK_SECRET: WEBHOOK_SECRET } });
    outbox = join(t.app.pd.deps.config.dataDir, 'outbox');
  });
  afterAll(() => t?.close());

  it('shows the form: topics, how often, consent word for word, a hidden honeypot, a CSRF token', async () => {
    const res = await get('/subscribe');
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/<fieldset[^>]*id="topics"[^>]*>\s*<legend>Topics<\/legend>/);
    expect(res.body).toContain('name="topics" value="probation"');
    expect(res.body).toMatch(/type="radio" name="frequency" value="instant"> <span>As it happens/);
    expect(res.body).toMatch(/value="daily" checked/);
    expect(res.body).toContain(`<span>${CONSENT_TEXT}</span>`);
    expect(res.body).toMatch(/<div class="hp" aria-hidden="true">\s*<label for="website">Leave this empty<\/label>\s*<input id="website" name="website" type="text" tabindex="-1"/);
    expect(csrfFrom(res)).toBeTruthy();
    expect(res.body).not.toMatch(/<script|<style|\sstyle=/i);
    // Public visitors find it from the home page, the navigation and the release archive.
    for (const url of ['/', '/releases']) expect((await get(url)).body).toContain('href="/subscribe"');
  });

  it('refuses a post without the CSRF token, and accepts the round trip with it', async () => {
    const { email, ip } = fresh('csrf');
    const bare = await t.app.inject({
      method: 'POST',
      url: '/subscribe',
      remoteAddress: ip,
      headers: { ...HTML, ...FORM },
      body: form({ email, topics: 'probation', frequency: 'daily', consent: 'yes' }),
    });
    expect(bare.statusCode).toBe(403);
    expect(await findSubscriber(t.db, email)).toBeUndefined();

    const res = await signUp(email, ip);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Check your inbox');
    expect(await findSubscriber(t.db, email)).toMatchObject({ status: 'pending', pendingTopics: ['probation', 'prisons'], pendingFrequency: 'daily' });
    expect((await mailsTo(email)).length).toBe(1);
  });

  it('answers the same for a known and an unknown address', async () => {
    const known = await subscribed('known');
    const unknown = fresh('unknown');
    const a = await signUp(known.email, unknown.ip);
    const b = await signUp(unknown.email, unknown.ip);
    expect(a.statusCode).toBe(b.statusCode);
    expect(a.body.replaceAll(known.email, 'X')).toBe(b.body.replaceAll(unknown.email, 'X'));
    // The same address again within ten minutes: the same page, and no second email.
    const again = await signUp(unknown.email, unknown.ip);
    expect(again.body).toBe(b.body);
    expect((await mailsTo(unknown.email)).length).toBe(1);
  });

  it('lets a filled honeypot through with the same page, storing and sending nothing', async () => {
    const bot = fresh('bot');
    const person = fresh('person');
    const res = await signUp(bot.email, bot.ip, { website: 'http://spam.example' });
    expect(res.statusCode).toBe(200);
    expect(res.body.replaceAll(bot.email, 'X')).toBe((await signUp(person.email, person.ip)).body.replaceAll(person.email, 'X'));
    expect(await findSubscriber(t.db, bot.email)).toBeUndefined();
    expect(await mailsTo(bot.email)).toEqual([]);
  });

  it('shows the form again with an error at each field, tied to it, and the values kept', async () => {
    const { ip } = fresh('bad');
    const res = await submit('/subscribe', '/subscribe', { email: 'not-an-address <b>', topics: [], frequency: 'hourly', website: '' }, { ip });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('value="not-an-address &lt;b&gt;"');
    expect(res.body).toMatch(/<p class="field-error" id="email-error">Enter your email address/);
    expect(res.body).toMatch(/aria-invalid="true" aria-describedby="email-error"/);
    expect(res.body).toMatch(/id="topics" aria-describedby="topics-error"/);
    expect(res.body).toMatch(/id="frequency" aria-describedby="frequency-error"/);
    expect(res.body).toMatch(/id="consent"[^>]*aria-describedby="consent-error"/);
    expect(res.body).toContain('<a href="#consent">Tick the box');
    const kept = await submit('/subscribe', '/subscribe', { email: 'x@example.org', topics: ['courts'], frequency: 'weekly', website: '' }, { ip });
    expect(kept.statusCode).toBe(422);
    expect(kept.body).toMatch(/value="courts" checked/);
    expect(kept.body).not.toMatch(/value="probation" checked/);
    expect(kept.body).toMatch(/value="weekly" checked/);
    expect(kept.body).not.toContain('email-error');
  });

  it('limits posts per IP with a 429 that says when to try again', async () => {
    const { ip } = fresh('flood');
    for (let i = 0; i < 20; i++) expect((await signUp(`flood${i}-${n}@example.org`, ip, { consent: '' })).statusCode).toBe(422);
    const res = await signUp(`flood-last-${n}@example.org`, ip);
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body).toMatch(/Try again in 15 minutes, after 09:15 \(UK time\)/);
  });

  it('confirms only on the button: the GET shows what it will confirm, the POST with the CSRF token does it', async () => {
    const { email, ip } = fresh('confirm');
    await signUp(email, ip);
    const path = await confirmPath(email);
    const look = await get(path);
    expect(look.statusCode).toBe(200);
    expect(look.headers['cache-control']).toBe('no-store');
    expect(look.body).toContain(email);
    expect(look.body).toContain('Probation and Prisons');
    expect(look.body).toMatch(new RegExp(`<form method="post" action="${path}"`));
    expect((await findSubscriber(t.db, email))!.status).toBe('pending');

    const noToken = await t.app.inject({ method: 'POST', url: path, headers: { ...HTML, ...FORM, cookie: cookiesFrom(look) }, body: '' });
    expect(noToken.statusCode).toBe(403);
    expect((await findSubscriber(t.db, email))!.status).toBe('pending');

    const done = await submit(path, path, {});
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('You’re subscribed');
    expect(done.body).toContain(`${email} will get a daily news digest on Probation and Prisons.`);
    expect(done.body).toMatch(/href="\/subscription\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"/);
    expect((await findSubscriber(t.db, email))!.status).toBe('active');
    // Again: already done. A forged token: refused, nothing shown.
    expect((await get(path)).body).toContain('already gets');
    const forged = await submit('/subscribe', `${path.slice(0, -3)}xyz`, {});
    expect(forged.statusCode).toBe(400);
    expect(forged.body).toContain('not one we sent');
    // Expired: gone.
    const { email: late, ip: lateIp } = fresh('late');
    await signUp(late, lateIp);
    const latePath = await confirmPath(late);
    const start = t.clock.now;
    t.clock.now = new Date(start.getTime() + 8 * 86_400_000);
    try {
      const expired = await get(latePath);
      expect(expired.statusCode).toBe(410);
      expect(expired.body).toContain('expired');
    } finally {
      t.clock.now = start;
    }
  });

  it('saves preferences with the CSRF token only, re-showing errors', async () => {
    const { email, prefs } = await subscribed('prefs');
    const page = await get(prefs);
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain(email);
    expect(page.body).toMatch(/value="probation" checked/);

    const noToken = await t.app.inject({ method: 'POST', url: prefs, headers: { ...HTML, ...FORM, cookie: cookiesFrom(page) }, body: form({ topics: 'courts', frequency: 'weekly' }) });
    expect(noToken.statusCode).toBe(403);

    const bad = await submit(prefs, prefs, { topics: [], frequency: 'weekly' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('Choose at least one topic.');
    expect(bad.body).toMatch(/value="weekly" checked/);

    const saved = await submit(prefs, prefs, { topics: ['courts', 'parole'], frequency: 'weekly', skip_empty: 'yes' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(prefs);
    expect(await findSubscriber(t.db, email)).toMatchObject({ topics: ['courts', 'parole'], frequency: 'weekly', skipEmpty: true });
    const after = await get(prefs, { cookie: cookiesFrom(saved) });
    expect(after.body).toContain('Saved.');
    expect(after.body).toMatch(/value="courts" checked/);
    expect(after.body).toMatch(/name="skip_empty" value="yes" checked/);

    const forged = await get(`${prefs.slice(0, -3)}xyz`);
    expect(forged.statusCode).toBe(400);
  });

  it('unsubscribes from the page only with the CSRF token', async () => {
    const { email, prefs } = await subscribed('unsub');
    const unsub = unsubscribePath(await get(prefs));
    const page = await get(unsub);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(new RegExp(`<form method="post" action="${unsub}"`));
    expect((await findSubscriber(t.db, email))!.status).toBe('active'); // the GET did nothing

    const noToken = await t.app.inject({ method: 'POST', url: unsub, headers: { ...HTML, ...FORM, cookie: cookiesFrom(page) }, body: '' });
    expect(noToken.statusCode).toBe(403);
    expect((await findSubscriber(t.db, email))!.status).toBe('active');

    const done = await submit(unsub, unsub, {});
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('You are unsubscribed');
    expect(done.body).toContain(`${email} will get no more news alerts from us.`);
    expect(done.body).toContain('href="/subscribe"');
    expect((await findSubscriber(t.db, email))!.status).toBe('unsubscribed');
    expect((await submit(unsub, unsub, {})).body).toContain('was already unsubscribed');
    // The old preferences link stops working.
    expect((await get(prefs)).statusCode).toBe(410);
  });

  it('one-click unsubscribes with no cookie and no token, only with the exact RFC 8058 body', async () => {
    const { email, prefs } = await subscribed('oneclick');
    const oneClick = `${unsubscribePath(await get(prefs))}/one-click`;
    const post = (body: string, type = 'application/x-www-form-urlencoded') => t.app.inject({ method: 'POST', url: oneClick, headers: { 'content-type': type }, body });

    for (const [body, type] of [
      ['', undefined],
      ['List-Unsubscribe=Yes', undefined],
      ['List-Unsubscribe=One-Click&List-Unsubscribe=One-Click', undefined],
      ['List-Unsubscribe=One-Click&email=x', undefined],
      ['{"List-Unsubscribe":"One-Click"}', 'application/json'],
      ['List-Unsubscribe=One-Click', 'text/plain'],
    ] as const) {
      const res = await post(body, type);
      expect(res.statusCode, `${type ?? 'urlencoded'} ${body}`).toBe(400);
    }
    expect((await findSubscriber(t.db, email))!.status).toBe('active');

    const redirected = await t.app.inject({ url: oneClick, headers: HTML });
    expect(redirected.statusCode).toBe(303);
    expect(redirected.headers.location).toBe(oneClick.replace(/\/one-click$/, ''));
    expect((await findSubscriber(t.db, email))!.status).toBe('active');

    const res = await post('List-Unsubscribe=One-Click');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.body).toContain('You are unsubscribed');
    expect((await findSubscriber(t.db, email))!.status).toBe('unsubscribed');
    expect(await suppressionOf(t.db, email)).toBe('unsubscribed');
    expect((await post('List-Unsubscribe=One-Click')).statusCode).toBe(200); // a second click: already done

    // multipart/form-data, as RFC 8058 also allows.
    const other = await subscribed('multipart');
    const url = `${unsubscribePath(await get(other.prefs))}/one-click`;
    const b = '----pdtest';
    const multipart = await t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': `multipart/form-data; boundary=${b}` },
      body: `--${b}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${b}--\r\n`,
    });
    expect(multipart.statusCode).toBe(200);
    expect((await findSubscriber(t.db, other.email))!.status).toBe('unsubscribed');

    const forged = await t.app.inject({ method: 'POST', url: `${url.replace(/\/one-click$/, '').slice(0, -3)}xyz/one-click`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(forged.statusCode).toBe(400);
  });

  it('takes bounces and complaints from the webhook only with a good signature over the raw body', async () => {
    const { email } = await subscribed('bounce');
    // Spacing a JSON parser would lose: the signature is over these exact bytes.
    const body = `{ "events": [ { "type": "bounce", "email": "${email}", "permanent": true },  {"type":"bounce","email":"soft@example.org","permanent":false} ] }`;
    const ts = Math.floor(t.clock.now.getTime() / 1000);
    const send = (signature: string, payload = body, timestamp = ts) =>
      t.app.inject({
        method: 'POST',
        url: '/webhooks/mail',
        headers: { 'content-type': 'application/json', 'x-pressdesk-timestamp': String(timestamp), 'x-pressdesk-signature': signature },
        body: payload,
      });

    const bad = await send(signMailEvents('another secret entirely', ts, body));
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toMatchObject({ ok: false, message: expect.stringContaining('signature') });
    const tampered = await send(signMailEvents(WEBHOOK_SECRET, ts, body), body.replace('bounce', 'complaint'));
    expect(tampered.statusCode).toBe(401);
    const stale = await send(signMailEvents(WEBHOOK_SECRET, ts - 600, body), body, ts - 600);
    expect(stale.statusCode).toBe(401);
    expect((await findSubscriber(t.db, email))!.status).toBe('active');

    const good = await send(signMailEvents(WEBHOOK_SECRET, ts, body));
    expect(good.statusCode).toBe(200);
    expect(good.json()).toEqual({ ok: true, suppressed: 1, ignored: 1 });
    expect((await findSubscriber(t.db, email))!.status).toBe('suppressed');
    expect(await suppressionOf(t.db, email)).toBe('bounce');

    const notJson = 'not json';
    expect((await send(signMailEvents(WEBHOOK_SECRET, ts, notJson), notJson)).statusCode).toBe(400);
  });

  it('shows the press office the counts, the list and the CSV; others are refused', async () => {
    await subscribed('listed');
    await recordSignup(t.db, { email: '=HYPERLINK("http://x")@example.org', topics: ['courts'], frequency: 'weekly', consentText: CONSENT_TEXT, now: t.clock.now });
    const po = await t.login(['press_officer']);
    const editor = await t.login(['editor']);

    expect((await get('/subscribers')).headers.location).toBe('/login?next=%2Fsubscribers');
    expect((await t.app.inject({ url: '/subscribers.csv' })).statusCode).toBe(401);
    expect((await get('/subscribers', { cookie: editor.cookie })).statusCode).toBe(403);
    expect((await get('/subscribers.csv', { cookie: editor.cookie })).statusCode).toBe(403);

    const page = await get('/subscribers', { cookie: po.cookie });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<a href="/subscribers" aria-current="page">Subscribers</a>');
    const active = Number(/id="count-active">(\d+)</.exec(page.body)?.[1]);
    expect(active).toBeGreaterThan(0);
    expect(page.body).toContain('&#x3D;hyperlink(&quot;http://x&quot;)@example.org'); // escaped as text
    expect(page.body).toContain('href="/subscribers.csv"');

    const filtered = await get('/subscribers?status=pending', { cookie: po.cookie });
    expect(filtered.body).toContain('hyperlink(&quot;http');
    expect(filtered.body).not.toMatch(/status-active">active/);
    expect(filtered.body).toContain('href="/subscribers.csv?status&#x3D;pending"'); // = escaped, as every {{x}}

    const csv = await get('/subscribers.csv', { cookie: po.cookie });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="subscribers-2026-03-02\.csv"$/);
    const lines = csv.body.split('\r\n');
    expect(lines[0]).toBe('email,status,frequency,topics,created_at,confirmed_at,unsubscribed_at');
    expect(lines).toContain(`"'=hyperlink(""http://x"")@example.org",pending,weekly,courts,2026-03-02T09:00:00.000Z,,`);
    expect(lines.filter((l) => /,active,daily,probation;prisons,/.test(l)).length).toBeGreaterThan(0);
    const pendingOnly = (await get('/subscribers.csv?status=pending', { cookie: po.cookie })).body.split('\r\n').slice(1, -1);
    expect(pendingOnly.every((l) => l.includes(',pending,'))).toBe(true);
  });
});
