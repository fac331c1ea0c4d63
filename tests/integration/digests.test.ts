// A campaigner's path end to end, on real storage (PGlite and PostgreSQL), the web app and an in-process SMTP
// server: subscribe on the form -> the confirmation email arrives -> its page asks, its button confirms ->
// justice stories are tagged -> the daily run sends one digest with exactly those stories -> a second run sends
// nothing -> the one-click unsubscribe POST from the digest's header (no cookie, no token) -> the next day's
// run sends that address nothing.
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mailer, createMailer } from '../../src/adapters/mailer.ts';
import { buildDigests } from '../../src/services/build-digests.ts';
import type { DigestDeps } from '../../src/services/deps.ts';
import { sendDigests } from '../../src/services/send-digests.ts';
import { type TestDb, backends } from '../helpers/db.ts';
import { seedStory } from '../helpers/drafts.ts';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.ts';
import { FORM, HTML, type TestApp, cookiesFrom, csrfFrom, form, startTestApp } from '../web/app.ts';

const FROM = 'Napo <alerts@napo.example>';
const H = 3_600_000;

for (const b of backends()) {
  describe.skipIf(!b.available)(`a campaigner's digests, end to end (${b.name})`, () => {
    let t: TestDb;
    let smtp: SmtpSink;
    let mailer: Mailer;
    let web: TestApp;
    let deps: DigestDeps;

    beforeAll(async () => {
      t = await b.open();
      smtp = await startSmtpSink();
      mailer = createMailer({ smtpUrl: smtp.url, from: FROM, outboxDir: '/nonexistent' });
      web = await startTestApp({ db: t, mailer, env: { MAIL_FROM: FROM, DIGEST_SEND_PER_MINUTE: '0' } });
      // The CLI's `digest run` is these two calls, on the app's clock and secret.
      deps = { db: t.db, mailer, config: { publicUrl: 'http://pressdesk.test', digestPerMinute: 0, mailFrom: FROM }, secret: Buffer.from('t'.repeat(32)), now: () => web.clock.now };
    });
    afterAll(async () => {
      await web?.close();
      mailer?.close();
      await smtp?.close();
      await t?.close();
    });

    const run = async () => {
      const before = smtp.received.length;
      const built = await buildDigests(deps, 'daily');
      const sent = await sendDigests(deps, built.toSend);
      await smtp.waitFor(before + sent.sent);
      return Promise.all(smtp.received.slice(before).map(async (m) => ({ to: m.to, raw: m.raw.toString(), mail: await simpleParser(m.raw) })));
    };

    it('subscribe, confirm, receive the right stories once, unsubscribe in one click', async () => {
      const me = 'campaigner@example.org';
      const page = await web.app.inject({ url: '/subscribe', headers: HTML });
      const posted = await web.app.inject({
        method: 'POST',
        url: '/subscribe',
        headers: { ...HTML, ...FORM, cookie: cookiesFrom(page) },
        body: form({ _csrf: csrfFrom(page), email: me, topics: ['probation', 'parole'], frequency: 'daily', consent: 'yes', website: '' }),
      });
      expect(posted.statusCode).toBe(200);
      expect(posted.body).toContain('Check your inbox');

      await smtp.waitFor(1);
      const confirmMail = await simpleParser(smtp.received[0]!.raw);
      expect(smtp.received[0]!.to).toEqual([me]);
      const link = /http:\/\/pressdesk\.test(\/subscribe\/confirm\/[\w.-]+)/.exec(confirmMail.text ?? '')![1]!;
      const ask = await web.app.inject({ url: link, headers: HTML });
      expect(ask.statusCode).toBe(200);
      const confirmed = await web.app.inject({ method: 'POST', url: link, headers: { ...HTML, ...FORM, cookie: cookiesFrom(ask) }, body: form({ _csrf: csrfFrom(ask) }) });
      expect(confirmed.statusCode).toBe(200);
      expect(confirmed.body).toMatch(/subscribed/i);

      const start = web.clock.now.getTime();
      await seedStory(t.db, { title: 'Probation caseloads reach record high', topic: 'probation', at: new Date(start + H) });
      await seedStory(t.db, { title: 'Parole Board refuses release of Colin Pitchfork', topic: 'parole', at: new Date(start + 2 * H) });
      await seedStory(t.db, { title: 'Magistrates court closures announced', topic: 'courts', at: new Date(start + 3 * H) });

      web.clock.now = new Date(start + 24 * H);
      const first = (await run()).filter((m) => m.to.includes(me));
      expect(first).toHaveLength(1);
      const digest = first[0]!;
      expect(digest.mail.text).toContain('Probation caseloads reach record high');
      expect(digest.mail.text).toContain('Parole Board refuses release of Colin Pitchfork');
      expect(digest.mail.text).not.toContain('Magistrates');
      expect((await run()).filter((m) => m.to.includes(me))).toHaveLength(0);

      const head = digest.raw.split('\r\n\r\n')[0]!.replace(/\r\n[ \t]+/g, ' ');
      expect(head).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
      const oneClick = new URL(/^List-Unsubscribe: <([^>]+)>/m.exec(head)![1]!);
      const unsub = await web.app.inject({ method: 'POST', url: oneClick.pathname, headers: FORM, body: 'List-Unsubscribe=One-Click' });
      expect(unsub.statusCode).toBe(200);

      await seedStory(t.db, { title: 'Probation service staff ballot on strike action', topic: 'probation', at: new Date(start + 26 * H) });
      web.clock.now = new Date(start + 48 * H);
      expect((await run()).filter((m) => m.to.includes(me))).toHaveLength(0);
    });
  });
}
