// The digest services against a real database (PGlite and PostgreSQL) and an in-process SMTP server, on a
// fake clock: double opt-in, the form that reveals nothing, digests exactly once along the chain of
// cut-offs, skip-when-empty, one-click unsubscribe, suppression, and sends settled by what the server said.
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Mailer, createMailer } from '../../src/adapters/mailer.ts';
import { signMailEvents } from '../../src/pipeline/mail-events.ts';
import { buildDigests } from '../../src/services/build-digests.ts';
import { confirmSubscription } from '../../src/services/confirm-subscription.ts';
import type { DigestDeps } from '../../src/services/deps.ts';
import { recordMailEvents } from '../../src/services/record-mail-events.ts';
import { sendDigests } from '../../src/services/send-digests.ts';
import { subscribe } from '../../src/services/subscribe.ts';
import { unsubscribe } from '../../src/services/unsubscribe.ts';
import { updateSubscription } from '../../src/services/update-subscription.ts';
import { showSubscription } from '../../src/services/show-subscription.ts';
import { addSuppression, suppressionOf } from '../../src/storage/contacts.ts';
import { digestsOf, unsettledDigestIds } from '../../src/storage/digests.ts';
import { findSubscriber } from '../../src/storage/subscribers.ts';
import { type TestDb, backends } from '../helpers/db.ts';
import { seedStory } from '../helpers/drafts.ts';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.ts';

const T0 = new Date('2026-03-02T08:00:00Z'); // a Monday, 08:00 in London
const H = 3600_000;
const DAY = 24 * H;

for (const b of backends()) {
  describe.skipIf(!b.available)(`digest services (${b.name})`, () => {
    let t: TestDb;
    let smtp: SmtpSink;
    let mailer: Mailer;
    let deps: DigestDeps;
    let now = T0;
    let n = 0;
    let ip = '';

    beforeAll(async () => {
      t = await b.open();
      smtp = await startSmtpSink();
      mailer = createMailer({ smtpUrl: smtp.url, from: 'Napo <alerts@napo.example>', outboxDir: '/nonexistent' });
      deps = {
        db: t.db,
        mailer,
        config: { publicUrl: 'http://pressdesk.test', digestPerMinute: 0, mailFrom: 'Napo <alerts@napo.example>' },
        secret: Buffer.alloc(32, 7),
        now: () => now,
      };
    });
    afterAll(async () => {
      mailer?.close();
      await smtp?.close();
      await t?.close();
    });
    beforeEach(() => {
      now = T0;
      n++;
      ip = `192.0.2.${n}`;
      smtp.refuse(() => undefined);
    });

    const email = (name: string) => `${name}-${n}@example.org`;
    const mailsTo = async (address: string) =>
      Promise.all(smtp.received.filter((m) => m.to.includes(address)).map(async (m) => ({ raw: m.raw.toString(), parsed: await simpleParser(m.raw) })));
    const linkIn = async (address: string, path: string) => {
      const mails = await mailsTo(address);
      const text = mails.at(-1)?.parsed.text ?? '';
      const m = new RegExp(`http://pressdesk\\.test${path}/([A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)`).exec(text);
      if (!m) throw new Error(`no ${path} link in the last email to ${address}`);
      return m[1]!;
    };

    /** A confirmed subscriber, its confirmation time `now`. */
    async function subscribed(address: string, topics: string[], frequency = 'daily') {
      const before = smtp.received.length;
      expect(await subscribe(deps, { email: address, topics, frequency, consent: true, ip })).toEqual({ kind: 'accepted' });
      await smtp.waitFor(before + 1);
      const r = await confirmSubscription(deps, await linkIn(address, '/subscribe/confirm'), { confirm: true });
      if (!r.ok || !r.confirmed) throw new Error('not confirmed');
      return r.subscriber;
    }

    /** Build and send the daily digests due at `now`; the emails that went. */
    async function runDaily(frequency: 'daily' | 'weekly' | 'instant' = 'daily') {
      const before = smtp.received.length;
      const built = await buildDigests(deps, frequency);
      const sent = await sendDigests(deps, built.toSend);
      await smtp.waitFor(before + sent.sent);
      return { built, sent, mails: await Promise.all(smtp.received.slice(before).map((m) => simpleParser(m.raw))) };
    }

    it('double opt-in: the email carries a confirm link; opening it asks, posting it confirms, once', async () => {
      const a = email('ann');
      expect(await subscribe(deps, { email: `  ${a.toUpperCase()} `, topics: ['probation', 'nonsense'], frequency: 'weekly', consent: true, ip })).toEqual({ kind: 'accepted' });
      await smtp.waitFor(1);
      const [mail] = await mailsTo(a);
      expect(mail!.parsed.subject).toBe('Confirm your Napo news alerts');
      expect(mail!.parsed.text).toContain('weekly news alerts');
      const pending = await findSubscriber(t.db, a);
      expect(pending).toMatchObject({ status: 'pending', topics: ['probation'], frequency: 'weekly' });

      const token = await linkIn(a, '/subscribe/confirm');
      const look = await confirmSubscription(deps, token, { confirm: false });
      expect(look).toMatchObject({ ok: true, confirmed: false });
      expect((await findSubscriber(t.db, a))!.status).toBe('pending'); // a mail scanner's GET changes nothing
      const done = await confirmSubscription(deps, token, { confirm: true });
      expect(done).toMatchObject({ ok: true, confirmed: true, already: false, subscriber: { status: 'active', lastCutoff: T0 } });
      expect(await confirmSubscription(deps, token, { confirm: true })).toMatchObject({ ok: true, already: true });
      expect(await confirmSubscription(deps, `${token.slice(0, -2)}xx`, { confirm: true })).toMatchObject({ ok: false });
      now = new Date(T0.getTime() + 8 * DAY);
      expect(await confirmSubscription(deps, token, { confirm: false })).toMatchObject({ ok: false, message: expect.stringContaining('expired') });
    });

    it('the form answers the same for any address, mails a suppressed one nothing, and throttles', async () => {
      const active = email('active');
      await subscribed(active, ['prisons']);
      const bounced = email('bounced');
      await addSuppression(t.db, bounced, 'bounce', T0);
      const fresh = email('fresh');
      now = new Date(T0.getTime() + 11 * 60_000); // past the ten minutes between two confirmation emails
      const count = smtp.received.length;
      for (const address of [active, bounced, fresh]) {
        expect(await subscribe(deps, { email: address, topics: ['courts'], frequency: 'daily', consent: true, ip })).toEqual({ kind: 'accepted' });
      }
      await smtp.waitFor(count + 2);
      expect((await mailsTo(bounced)).length).toBe(0);
      // The active subscriber is asked to confirm the change; until then nothing changes.
      const change = (await mailsTo(active)).at(-1)!;
      expect(change.parsed.subject).toContain('Confirm the change');
      expect((await findSubscriber(t.db, active))!.topics).toEqual(['prisons']);
      await confirmSubscription(deps, await linkIn(active, '/subscribe/confirm'), { confirm: true });
      expect((await findSubscriber(t.db, active))!.topics).toEqual(['courts']);
      // A second post for the same address within ten minutes sends no second email.
      expect(await subscribe(deps, { email: fresh, topics: ['courts'], frequency: 'daily', consent: true, ip })).toEqual({ kind: 'accepted' });
      expect((await mailsTo(fresh)).length).toBe(1);
      // The honeypot: a bot is told the same and nothing is stored.
      expect(await subscribe(deps, { email: email('bot'), topics: ['courts'], frequency: 'daily', consent: true, ip, honeypot: 'http://spam' })).toEqual({ kind: 'accepted' });
      expect(await findSubscriber(t.db, email('bot'))).toBeUndefined();
      // Errors name the field; the IP limit then refuses.
      const bad = await subscribe(deps, { email: 'not-an-address', topics: [], frequency: 'hourly', consent: false, ip });
      expect(bad.kind === 'invalid' && Object.keys(bad.errors).sort()).toEqual(['consent', 'email', 'frequency', 'topics']);
      for (let i = 0; i < 20; i++) await subscribe(deps, { email: `x${i}@example.org`, topics: [], frequency: 'daily', consent: true, ip });
      expect((await subscribe(deps, { email: fresh, topics: ['courts'], frequency: 'daily', consent: true, ip })).kind).toBe('limited');
    });

    it('each story once along the chain of digests: the window, a late run, a re-run, a topic gained later', async () => {
      const a = email('chain');
      const sub = await subscribed(a, ['parole', 'youth-justice']);
      // Titles with no word in common, so each is a story of its own.
      const before = await seedStory(t.db, { title: `Minister visits Wandsworth ${n}`, topic: 'parole', at: new Date(T0.getTime() - H) });
      const s1 = await seedStory(t.db, { title: `Parole board review ${n}`, topic: 'parole', at: new Date(T0.getTime() + H) });
      const other = await seedStory(t.db, { title: `Inspectors condemn Bedford jail`, topic: 'prisons', at: new Date(T0.getTime() + 2 * H) });
      const s2 = await seedStory(t.db, { title: `Youth custody numbers fall`, topic: 'youth-justice', at: new Date(T0.getTime() + 3 * H) });

      now = new Date(T0.getTime() + DAY);
      const first = await runDaily();
      const mine = first.mails.filter((m) => (m.to as { text: string }).text === a);
      expect(mine).toHaveLength(1);
      const [d1] = await digestsOf(t.db, sub.id);
      expect(d1).toMatchObject({ status: 'sent', storyIds: [s1, s2], period: 'D2026-03-03' });
      expect(mine[0]!.text).toContain(`Parole board review ${n}`);
      expect(mine[0]!.text).not.toContain('Bedford');
      expect(mine[0]!.subject).toBe('Daily news digest: 2 justice stories on Parole and release and Youth justice');
      expect([before, other]).not.toContain(d1!.storyIds[0]);

      // The same day again: nothing.
      now = new Date(now.getTime() + H);
      expect((await runDaily()).sent.sent).toBe(0);
      // A story that gains a second subscribed topic is not news twice; a new one is; the run is two days late.
      await t.db.query(`INSERT INTO item_topics (item_id, topic) SELECT id, 'youth-justice' FROM items WHERE story_id = $1`, [s1]);
      const { refreshStories } = await import('../../src/services/refresh-stories.ts');
      await refreshStories(t.db, [s1], new Date(now.getTime() + H));
      const s3 = await seedStory(t.db, { title: 'Release of Colin Pitchfork refused', topic: 'parole', at: new Date(now.getTime() + 2 * H) });
      now = new Date(T0.getTime() + 3 * DAY);
      await runDaily();
      const digests = await digestsOf(t.db, sub.id);
      expect(digests.map((d) => d.storyIds)).toEqual([[s1, s2], [s3]]);
      expect(digests[1]!.since).toEqual(digests[0]!.cutoff);
    });

    it('skips empty digests by default, and says "no new stories" to those who want one anyway', async () => {
      const quiet = await subscribed(email('quiet'), ['family-courts']);
      const keen = await subscribed(email('keen'), ['family-courts']);
      const prefs = await linkIn(email('keen'), '/subscription').catch(() => undefined);
      expect(prefs).toBeUndefined(); // the confirmation email carries only the confirm link
      const r = await confirmSubscription(deps, 'x', { confirm: false });
      expect(r.ok).toBe(false);
      // The preferences page's form: skip empty off.
      const done = await confirmSubscription(deps, await linkIn(email('keen'), '/subscribe/confirm'), { confirm: true });
      const token = done.ok && done.confirmed ? done.preferencesUrl.split('/').at(-1)! : '';
      expect((await showSubscription(deps, token)).ok).toBe(true);
      expect(await updateSubscription(deps, token, { topics: ['family-courts'], frequency: 'daily', skipEmpty: false })).toMatchObject({ ok: true });
      now = new Date(T0.getTime() + DAY);
      const run = await runDaily();
      const got = run.mails.filter((m) => [email('quiet'), email('keen')].includes((m.to as { text: string }).text));
      expect(got.map((m) => (m.to as { text: string }).text)).toEqual([email('keen')]);
      expect(got[0]!.subject).toBe('Daily news digest: no new stories');
      expect((await digestsOf(t.db, quiet.id))[0]!.status).toBe('empty');
      expect((await digestsOf(t.db, keen.id))[0]!.status).toBe('sent');
    });

    it('every digest has a one-click unsubscribe; after it the address gets nothing more', async () => {
      const a = email('leaver');
      const sub = await subscribed(a, ['courts']);
      await seedStory(t.db, { title: `Court backlog ${n}`, topic: 'courts', at: new Date(T0.getTime() + H) });
      now = new Date(T0.getTime() + DAY);
      await runDaily();
      const [mail] = (await mailsTo(a)).slice(-1);
      const head = mail!.raw.split('\r\n\r\n')[0]!.replace(/\r\n[ \t]+/g, ' ');
      expect(head).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
      const header = /^List-Unsubscribe: (.*)$/m.exec(head)![1]!;
      const oneClick = /<http:\/\/pressdesk\.test\/unsubscribe\/([^/>]+)\/one-click>/.exec(header);
      expect(oneClick).not.toBeNull();
      expect(header).toMatch(/<mailto:alerts@napo\.example\?subject=unsubscribe%20/);
      expect(await unsubscribe(deps, oneClick![1]!)).toEqual({ ok: true, email: a, already: false });
      expect(await unsubscribe(deps, oneClick![1]!)).toEqual({ ok: true, email: a, already: true });
      expect(await suppressionOf(t.db, a)).toBe('unsubscribed');
      await seedStory(t.db, { title: `Court backlog grows ${n}`, topic: 'courts', at: new Date(now.getTime() + H) });
      now = new Date(now.getTime() + DAY);
      const before = (await mailsTo(a)).length;
      await runDaily();
      expect((await mailsTo(a)).length).toBe(before);
      expect((await digestsOf(t.db, sub.id)).length).toBe(1);
      // Coming back takes a new confirmed opt-in, which lifts the unsubscribe.
      await subscribe(deps, { email: a, topics: ['courts'], frequency: 'daily', consent: true, ip });
      await smtp.waitFor(smtp.received.length);
      expect((await findSubscriber(t.db, a))!.status).toBe('unsubscribed');
      await confirmSubscription(deps, await linkIn(a, '/subscribe/confirm'), { confirm: true });
      expect((await findSubscriber(t.db, a))!.status).toBe('active');
      expect(await suppressionOf(t.db, a)).toBeUndefined();
    });

    it('a 4xx is tried again later and a 5xx fails for good; nothing is marked sent that the server refused', async () => {
      const later = email('later');
      const never = email('never');
      await subscribed(later, ['prisons']);
      await subscribed(never, ['prisons']);
      await seedStory(t.db, { title: `Ten thousand prison places ${n}`, topic: 'prisons', at: new Date(T0.getTime() + H) });
      now = new Date(T0.getTime() + DAY);
      let greylisted = false;
      smtp.refuse((address) => {
        if (address === never) return { code: 550, message: '5.1.1 No such user' };
        if (address !== later || greylisted) return undefined;
        greylisted = true;
        return { code: 451, message: '4.7.1 Greylisted, try again' };
      });
      const built = await buildDigests(deps, 'daily');
      const mineIds = async () => (await unsettledDigestIds(t.db)).filter((id) => built.toSend.includes(id));
      const first = await sendDigests(deps, built.toSend);
      expect(first).toMatchObject({ retry: 1, failed: 1 });
      expect(first.sent).toBe(built.toSend.length - 2);
      expect(await mineIds()).toHaveLength(1);
      const again = await sendDigests(deps, await mineIds());
      expect(again).toMatchObject({ sent: 1, retry: 0 });
      const s = await findSubscriber(t.db, never);
      const [d] = await digestsOf(t.db, s!.id);
      expect(d).toMatchObject({ status: 'failed', lastError: expect.stringContaining('No such user') });
      expect((await mailsTo(never)).filter((m) => m.parsed.subject?.startsWith('Daily'))).toHaveLength(0);
    });

    it('a sender that died mid-run: its lapsed claims are taken over, with the same Message-ID', async () => {
      const a = email('crash');
      const sub = await subscribed(a, ['probation']);
      await seedStory(t.db, { title: `Probation caseloads ${n}`, topic: 'probation', at: new Date(T0.getTime() + H) });
      now = new Date(T0.getTime() + DAY);
      const built = await buildDigests(deps, 'daily');
      const [mine] = await digestsOf(t.db, sub.id);
      // Claimed by a sender that then died.
      await t.db.query(`UPDATE digests SET status = 'sending', claimed_at = $2, claimed_until = $3 WHERE id = $1`, [mine!.id, now, new Date(now.getTime() + 60_000)]);
      const blocked = await sendDigests(deps, [mine!.id]);
      expect(blocked).toMatchObject({ sent: 0, busy: 1 });
      now = new Date(now.getTime() + 61_000);
      await sendDigests(deps, built.toSend);
      const mails = (await mailsTo(a)).filter((m) => m.parsed.subject?.startsWith('Daily'));
      expect(mails).toHaveLength(1);
      expect(mails[0]!.parsed.messageId).toBe(`<digest-${mine!.id}@pressdesk.test>`);
    });

    it('holds the send window: at most digestPerMinute claims in any minute', async () => {
      const addresses = [email('w1'), email('w2'), email('w3')];
      for (const a of addresses) await subscribed(a, ['parole']);
      await seedStory(t.db, { title: `Parole window ${n}`, topic: 'parole', at: new Date(T0.getTime() + H) });
      now = new Date(T0.getTime() + 5 * DAY);
      const built = await buildDigests(deps, 'daily');
      const waits: number[] = [];
      const slow: DigestDeps = { ...deps, config: { ...deps.config, digestPerMinute: 2 }, sleep: async (ms) => {
        waits.push(ms);
        now = new Date(now.getTime() + ms);
      } };
      const r = await sendDigests(slow, built.toSend);
      expect(r.sent).toBe(built.toSend.length);
      expect(waits.length).toBeGreaterThan(0);
      const rows = await t.db.query<{ claimed_at: Date }>('SELECT claimed_at FROM digests WHERE id = ANY($1::bigint[]) ORDER BY claimed_at', [built.toSend]);
      const times = rows.map((x) => new Date(x.claimed_at).getTime());
      for (let i = 2; i < times.length; i++) expect(times[i]! - times[i - 2]!).toBeGreaterThanOrEqual(60_000);
    });

    it('the bounce and complaint webhook suppresses addresses, only when signed', async () => {
      const a = email('bouncy');
      await subscribed(a, ['courts']);
      const body = JSON.stringify({ events: [{ type: 'bounce', email: a, permanent: true }, { type: 'bounce', email: email('soft'), permanent: false }] });
      const ts = Math.floor(now.getTime() / 1000);
      const secret = 'webhook-secret-0123456789';
      expect(await recordMailEvents({ ...deps, secret: undefined }, {}, body)).toMatchObject({ ok: false, status: 404 });
      expect(await recordMailEvents({ ...deps, secret }, { timestamp: String(ts), signature: signMailEvents('wrong-secret-0123456', ts, body) }, body)).toMatchObject({ ok: false, status: 401 });
      expect(await recordMailEvents({ ...deps, secret }, { timestamp: String(ts), signature: signMailEvents(secret, ts, body) }, body)).toEqual({ ok: true, suppressed: 1, ignored: 1 });
      expect((await findSubscriber(t.db, a))!.status).toBe('suppressed');
      expect(await suppressionOf(t.db, a)).toBe('bounce');
      expect(await suppressionOf(t.db, email('soft'))).toBeUndefined();
    });
  });
}
