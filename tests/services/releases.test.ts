// The release services against a real database (PGlite and PostgreSQL), real Redis queues and an in-process
// SMTP server, on a fake clock: exactly once per contact, retries and failures as the server says, embargo,
// cancel, resume after a crash, and the send limit.
import { simpleParser } from 'mailparser';
import { type Job, UnrecoverableError } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Mailer, createMailer } from '../../src/adapters/mailer.ts';
import { type JobData, type Queues, type WorkerHandle, createQueues, startWorker } from '../../src/adapters/queues.ts';
import type { Runtime } from '../../src/runtime.ts';
import { approveRelease } from '../../src/services/approve-release.ts';
import { cancelRelease } from '../../src/services/cancel-release.ts';
import type { ReleaseDeps } from '../../src/services/deps.ts';
import { distribute } from '../../src/services/distribute.ts';
import { scheduleRelease } from '../../src/services/schedule-release.ts';
import { sendDelivery } from '../../src/services/send-delivery.ts';
import { addSuppression, findContactByEmail, setDoNotContact, upsertContacts } from '../../src/storage/contacts.ts';
import { claimDelivery, countDeliveries, listDeliveries, unsettledDeliveryIds } from '../../src/storage/deliveries.ts';
import { getRelease } from '../../src/storage/releases.ts';
import { distribute as distributeWorker } from '../../workers/distribute.ts';
import { sendEmail } from '../../workers/send-email.ts';
import { type TestDb, backends } from '../helpers/db.ts';
import { dropPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';
import { seedApprovedDraft } from '../helpers/releases.ts';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.ts';

const T0 = new Date('2026-07-01T09:00:00Z'); // 10:00 in London
const MIN = 60_000;

const until = async (check: () => Promise<boolean>, ms = 90_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition not met in time');
};

for (const b of backends()) {
  describe.skipIf(!b.available)(`release services (${b.name})`, () => {
    let t: TestDb;
    let smtp: SmtpSink;
    let mailer: Mailer;
    let redis: Redis;
    let queues: Queues;
    let deps: ReleaseDeps;
    let now = T0;
    let topic = '';
    let n = 0;
    const prefix = uniquePrefix();

    beforeAll(async () => {
      t = await b.open();
      smtp = await startSmtpSink();
      mailer = createMailer({ smtpUrl: smtp.url, from: 'Napo press office <press@napo.example>', outboxDir: '/nonexistent' });
      redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
      queues = createQueues(redis, prefix);
      deps = { db: t.db, queues, mailer, config: { publicUrl: 'http://pressdesk.test', sendPerMinute: 600 }, now: () => now };
    });
    afterAll(async () => {
      mailer?.close();
      await queues?.close();
      await redis?.quit();
      await dropPrefix(prefix);
      await smtp?.close();
      await t?.close();
    });
    beforeEach(async () => {
      now = T0;
      smtp.refuse(() => undefined);
      smtp.received.length = 0;
      // Each test its own topic, so its contacts are its own.
      n += 1;
      topic = `topic-${n}`;
    });

    const mailsTo = (email: string) => smtp.received.filter((m) => m.to.includes(email));
    const addContacts = (names: string[], over: { doNotContact?: boolean } = {}) =>
      upsertContacts(t.db, names.map((x) => ({ name: `${x} Reporter`, email: `${x}-${topic}@example.org`, outlet: 'Gazette', topics: [topic], ...over })), now);
    const email = (x: string) => `${x}-${topic}@example.org`;
    const approved = async (over: { sendAt?: Date; embargoUntil?: Date } = {}) => {
      const draftId = await seedApprovedDraft(t.db, { subject: `Caseloads <b>must</b> fall (${topic})`, html: '<p>Probation staff &amp; caseloads.</p><img src="https://x.example/p.gif">', text: 'Probation staff & caseloads.', topic });
      const r = await approveRelease(deps, { draftId, approvedBy: null, ...over });
      if (!r.ok) throw new Error(r.message);
      return r.release;
    };
    const sendAll = async (releaseId: number) => {
      for (const id of await unsettledDeliveryIds(t.db, releaseId)) await sendDelivery(deps, id);
    };

    it('approval to inbox: every matching contact once, do-not-contact and suppressed none, a second approval nothing', async () => {
      await addContacts(['ann', 'bob', 'cat']);
      await addContacts(['dnc'], { doNotContact: true });
      await addContacts(['sup']);
      await addSuppression(t.db, email('sup'), 'hard bounce', T0);
      const workers: WorkerHandle[] = [
        startWorker('distribute', distributeWorker(deps as unknown as Runtime), { connection: redis, prefix, concurrency: 1 }),
        startWorker('send-email', sendEmail(deps as unknown as Runtime), { connection: redis, prefix, concurrency: 4 }),
      ];
      try {
        const release = await approved();
        await until(async () => (await getRelease(t.db, release.id))?.status === 'sent');
        expect((await getRelease(t.db, release.id))!.sentAt).toEqual(T0);
        expect(smtp.received.flatMap((m) => m.to).sort()).toEqual([email('ann'), email('bob'), email('cat')]);
        expect(await countDeliveries(t.db, release.id)).toEqual({ pending: 0, sending: 0, sent: 3, failed: 0, skipped: 0 });

        const parsed = await Promise.all(smtp.received.map((m) => simpleParser(m.raw)));
        expect(new Set(parsed.map((p) => p.messageId)).size).toBe(3);
        for (const p of parsed) {
          expect(p.subject).toBe(`Caseloads <b>must</b> fall (${topic})`);
          expect(p.text).toContain('Probation staff & caseloads.');
          expect(p.text).toContain(`http://pressdesk.test/releases/${release.slug}`);
          expect(p.html).toContain('<p>Probation staff &amp; caseloads.</p>');
          expect(p.html).not.toMatch(/<img/i); // no tracking pixels, nor anything else that calls home
          expect(p.text).not.toContain('EMBARGOED');
        }
        const ann = parsed.find((p) => p.to && !Array.isArray(p.to) && p.to.value[0]?.address === email('ann'))!;
        expect((ann.to as { value: { name: string }[] }).value[0]!.name).toBe('ann Reporter');
        const deliveries = await listDeliveries(t.db, release.id);
        expect(deliveries.map((d) => d.messageId).sort()).toEqual(parsed.map((p) => p.messageId).sort());

        const again = await approveRelease(deps, { draftId: release.draftId, approvedBy: null });
        expect(again).toMatchObject({ ok: true, created: false, release: { id: release.id } });
        expect(await distribute(deps, release.id)).toEqual({ kind: 'skipped', reason: 'sent' });
        expect(smtp.received).toHaveLength(3);
      } finally {
        for (const w of workers) await w.stop(100);
      }
    });

    it('a 421 is retried and then accepted: one message; a 550 is failed with its reason and not retried', async () => {
      await addContacts(['temp', 'gone', 'ok']);
      smtp.refuse((a, attempt) => {
        if (a === email('temp') && attempt === 1) return { code: 421, message: '4.7.0 Try again later' };
        if (a === email('gone')) return { code: 550, message: '5.1.1 No such user here' };
        return undefined;
      });
      const release = await approved();
      await distribute(deps, release.id);
      const byEmail = Object.fromEntries((await listDeliveries(t.db, release.id)).map((d) => [d.email, d.id]));

      const first = await sendDelivery(deps, byEmail[email('temp')]!);
      // The pool reports either the 421 itself or the connection it closed, whichever it sees first.
      expect(first).toMatchObject({ kind: 'retry', error: expect.stringMatching(/421|connection was closed/) });
      expect(mailsTo(email('temp'))).toHaveLength(0);
      // The worker turns a retry into a thrown error, so BullMQ tries again with backoff.
      const job = (deliveryId: number, attemptsMade = 0) => ({ data: { deliveryId }, attemptsMade, opts: { attempts: 10 } }) as unknown as Job<JobData['send-email']>;
      const worker = sendEmail(deps as unknown as Runtime);
      await expect(worker(job(byEmail[email('gone')]!), new AbortController().signal)).rejects.toBeInstanceOf(UnrecoverableError);
      expect(await sendDelivery(deps, byEmail[email('temp')]!)).toMatchObject({ kind: 'sent' });
      expect(await sendDelivery(deps, byEmail[email('temp')]!)).toEqual({ kind: 'done' });
      expect(await sendDelivery(deps, byEmail[email('ok')]!)).toMatchObject({ kind: 'sent', releaseSent: true });
      expect(mailsTo(email('temp'))).toHaveLength(1);
      expect(mailsTo(email('gone'))).toHaveLength(0);

      const d = Object.fromEntries((await listDeliveries(t.db, release.id)).map((x) => [x.email, x]));
      expect(d[email('temp')]).toMatchObject({ status: 'sent', attempts: 2, lastError: first.kind === 'retry' ? first.error : '' });
      expect(d[email('gone')]).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringMatching(/^550 5\.1\.1 No such user here/) });
      expect((await getRelease(t.db, release.id))!.status).toBe('sent');
    });

    it('a 4xx on the last attempt is recorded as failed; an unreachable server is retried', async () => {
      await addContacts(['busy']);
      smtp.refuse(() => ({ code: 452, message: '4.2.2 Mailbox full' }));
      const release = await approved();
      await distribute(deps, release.id);
      const [id] = await unsettledDeliveryIds(t.db, release.id);
      expect(await sendDelivery(deps, id!, { finalAttempt: true })).toMatchObject({ kind: 'failed', error: expect.stringContaining('452'), releaseSent: true });
    });

    it('resumes after a crash between the delivery rows and the sends: nobody twice, nobody missed', async () => {
      await addContacts(['r1', 'r2', 'r3', 'r4']);
      const release = await approved();
      const d1 = await distribute(deps, release.id);
      expect(d1).toMatchObject({ kind: 'queued', added: 4, queued: 4, resumed: false });
      const ids = await unsettledDeliveryIds(t.db, release.id);
      await sendDelivery(deps, ids[0]!);
      // The process dies while sending the second (claimed, never settled) and its queued jobs are lost.
      await claimDelivery(t.db, ids[1]!, now, new Date(now.getTime() + 5 * MIN));
      await queues.get('send-email').obliterate({ force: true });

      const d2 = await distribute(deps, release.id); // BullMQ runs the stalled distribute job again
      expect(d2).toMatchObject({ kind: 'queued', added: 0, queued: 3, resumed: true });
      expect(await queues.get('send-email').getJobCounts('wait')).toEqual({ wait: 3 });
      expect(await sendDelivery(deps, ids[1]!)).toEqual({ kind: 'busy' }); // its lease still runs
      for (const id of ids) await sendDelivery(deps, id);
      now = new Date(T0.getTime() + 5 * MIN); // the dead sender's lease lapses
      await sendAll(release.id);
      for (const x of ['r1', 'r2', 'r3', 'r4']) expect(mailsTo(email(x)), x).toHaveLength(1);
      expect((await getRelease(t.db, release.id))!.status).toBe('sent');
    });

    it('never mails a contact who opted out, or was suppressed, after the rows were written', async () => {
      await addContacts(['late', 'sup2', 'fine']);
      const release = await approved();
      await distribute(deps, release.id);
      await setDoNotContact(t.db, (await findContactByEmail(t.db, email('late')))!.id, true, now);
      await addSuppression(t.db, email('sup2'), 'complaint', now);
      await sendAll(release.id);
      expect(smtp.received.flatMap((m) => m.to)).toEqual([email('fine')]);
      expect(await countDeliveries(t.db, release.id)).toMatchObject({ sent: 1, skipped: 2 });
      expect((await getRelease(t.db, release.id))!.status).toBe('sent');
    });

    it('embargo: nothing before its time, everything after, with the embargo line', async () => {
      await addContacts(['e1', 'e2']);
      const at = new Date(T0.getTime() + 90 * MIN); // 11:30 London time
      const release = await approved({ sendAt: at, embargoUntil: at });
      const job = (await queues.get('distribute').getDelayed()).find((j) => j.data.releaseId === release.id)!;
      expect(job.opts.delay).toBe(90 * MIN);

      now = new Date(at.getTime() - 1);
      expect(await distribute(deps, release.id)).toEqual({ kind: 'not_due', sendAt: at });
      expect(await countDeliveries(t.db, release.id)).toMatchObject({ pending: 0 });
      now = at;
      expect(await distribute(deps, release.id)).toMatchObject({ kind: 'queued', added: 2 });
      await sendAll(release.id);
      expect(smtp.received).toHaveLength(2);
      const p = await simpleParser(smtp.received[0]!.raw);
      expect(p.subject).toMatch(/^EMBARGOED until 11:30 Wednesday, 1 July 2026: /);
      expect(p.text).toContain('EMBARGOED UNTIL 11:30 ON Wednesday, 1 July 2026 (UK time)');
      expect(p.html).toContain('EMBARGOED UNTIL 11:30 ON Wednesday, 1 July 2026');
    });

    it('a scheduled release can be rescheduled or cancelled until it goes, and then not', async () => {
      await addContacts(['c1']);
      const release = await approved({ sendAt: new Date(T0.getTime() + 60 * MIN) });
      const moved = await scheduleRelease(deps, { releaseId: release.id, sendAt: new Date(T0.getTime() + 30 * MIN), embargoUntil: null });
      expect(moved).toMatchObject({ ok: true, release: { sendAt: new Date(T0.getTime() + 30 * MIN) } });
      const delayed = () => queues.get('distribute').getDelayed().then((js) => js.filter((j) => j.data.releaseId === release.id).map((j) => j.id));
      expect(await delayed()).toHaveLength(2);
      expect(await cancelRelease(deps, { releaseId: release.id, userId: null })).toMatchObject({ ok: true, release: { status: 'cancelled' } });
      expect(await delayed()).toEqual([`distribute-${release.id}-${T0.getTime() + 60 * MIN}`]); // the old time's job: harmless
      now = new Date(T0.getTime() + 60 * MIN);
      expect(await distribute(deps, release.id)).toEqual({ kind: 'skipped', reason: 'cancelled' });
      expect(await cancelRelease(deps, { releaseId: release.id, userId: null })).toMatchObject({ ok: false, reason: 'state' });

      const going = await approved();
      await distribute(deps, going.id);
      expect(await cancelRelease(deps, { releaseId: going.id, userId: null })).toMatchObject({ ok: false, reason: 'state', message: expect.stringMatching(/sending/) });
      expect(await scheduleRelease(deps, { releaseId: 99_999_999, sendAt: null, embargoUntil: null })).toMatchObject({ ok: false, reason: 'missing' });
      expect(smtp.received).toHaveLength(0);
    });

    it('refuses a draft that is not approved', async () => {
      const draftId = await seedApprovedDraft(t.db, { subject: 'Not yet', topic, status: 'awaiting_approval' });
      expect(await approveRelease(deps, { draftId, approvedBy: null })).toMatchObject({ ok: false, reason: 'not_approved' });
      expect(await approveRelease(deps, { draftId: 99_999_999, approvedBy: null })).toMatchObject({ ok: false, reason: 'missing' });
    });

    it('keeps to the sliding-window send limit across senders', async () => {
      await addContacts(['w1', 'w2', 'w3']);
      const waits: number[] = [];
      const limited: ReleaseDeps = {
        ...deps,
        config: { ...deps.config, sendPerMinute: 2 },
        sleep: async (ms) => {
          waits.push(ms);
          now = new Date(now.getTime() + ms);
        },
      };
      now = new Date(T0.getTime() + 24 * 60 * MIN); // clear of the other tests' sends
      const start = now.getTime();
      const release = await approved();
      await distribute(limited, release.id);
      for (const id of await unsettledDeliveryIds(t.db, release.id)) await sendDelivery(limited, id);
      expect(waits).toEqual([60_000]);
      expect(now.getTime() - start).toBe(60_000);
      expect(smtp.received).toHaveLength(3);
    });

    afterEach(async () => {
      await queues.get('send-email').obliterate({ force: true });
    });
  });
}
