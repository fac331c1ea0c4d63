// The press office's path end to end, through real BullMQ workers on the test Redis, real storage (PGlite and
// PostgreSQL), an in-process SMTP server and the web app: a loopback feed publishes a justice story -> exactly
// one draft -> the approval email arrives -> its signed link's GET page changes nothing -> its POST approves ->
// a second POST changes nothing -> every contact covering the topic gets the release once, a do-not-contact
// one none -> it is on /releases and in /releases.atom.
import { Redis } from 'ioredis';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../src/adapters/mailer.ts';
import { createParsePool } from '../../src/adapters/parse-pool.ts';
import { startWorker, type WorkerHandle } from '../../src/adapters/queues.ts';
import { schedulePolls } from '../../src/services/schedule-polls.ts';
import { DEFAULT_POLICY, saveDraftPolicy } from '../../src/storage/draft-policies.ts';
import { getDraft, listDrafts } from '../../src/storage/drafts.ts';
import { upsertContacts } from '../../src/storage/contacts.ts';
import { addSource } from '../../src/storage/sources.ts';
import { processorsFor } from '../../workers/index.ts';
import type { Runtime } from '../../src/runtime.ts';
import { FORM, HTML, type TestApp, startTestApp } from '../web/app.ts';
import { backends, type TestDb } from '../helpers/db.ts';
import { rss } from '../helpers/ingest.ts';
import { testRedisUrl } from '../helpers/redis.ts';
import { type LoopbackServer, startLoopbackServer } from '../helpers/loopback-server.ts';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.ts';

const story =
  '<p>HM Prison and Probation Service announced today that the OMiC model will go live in open prisons from April. ' +
  'Probation officers will take over offender management for people in open conditions, and the union has warned that ' +
  'caseloads in probation delivery units are already far above safe levels. <script>alert(1)</script></p>';

/** The page's one POST form: its action and its fields, as a browser would send them. */
function postForm(html: string): { action: string; body: string } {
  const form = /<form[^>]*method="post"[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html) ?? /<form[^>]*action="([^"]+)"[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error('no POST form on the page');
  const fields = new URLSearchParams();
  for (const m of form[2]!.matchAll(/<(?:input|button)[^>]*name="([^"]+)"[^>]*value="([^"]*)"[^>]*>/gi)) fields.append(m[1]!, m[2]!.replace(/&amp;/g, '&'));
  return { action: form[1]!.replace(/&amp;/g, '&'), body: fields.toString() };
}

for (const b of backends()) {
  describe.skipIf(!b.available)(`a story becomes an approved draft (${b.name})`, () => {
    let t: TestDb;
    let web: TestApp;
    let smtp: SmtpSink;
    let feeds: LoopbackServer;
    const workers: WorkerHandle[] = [];
    let officer: string;
    let redis: Redis;
    const parsePool = createParsePool({ size: 1, timeLimitMs: 5000 });

    beforeAll(async () => {
      t = await b.open();
      redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
      smtp = await startSmtpSink();
      web = await startTestApp({ db: t, env: { FETCH_ALLOW_PRIVATE: 'true' } });
      web.clock.now = new Date();
      feeds = await startLoopbackServer({});
      feeds.route('/news.xml', { body: rss([{ id: 'omic-1', title: 'OMiC model to go live in open prisons <b>from April</b>', description: story.repeat(2), published: new Date() }]) });
      officer = (await web.login(['press_officer'], 'duty@union.example')).user.email;
      // The loopback source is no official one: the topic's policy takes any source for this test.
      await saveDraftPolicy(t.db, { topic: 'probation', ...DEFAULT_POLICY, sourceKinds: [] }, null);
      const rt = {
        db: t.db,
        queues: web.queues,
        config: { ...web.app.pd.deps.config, fetchAllowPrivate: true },
        mailer: createMailer({ smtpUrl: smtp.url, from: 'pressdesk <pd@union.example>', outboxDir: '/nonexistent' }),
        secret: web.app.pd.secret,
        now: () => new Date(),
        parsePool,
      } as unknown as Runtime;
      const table = processorsFor(rt);
      for (const q of ['poll-source', 'process-item', 'draft-release', 'request-approval', 'distribute', 'send-email'] as const) {
        workers.push(startWorker(q, table[q] as never, { connection: redis, prefix: web.queues.prefix, concurrency: 2 }));
      }
    });
    afterAll(async () => {
      for (const w of workers) await w.stop(1000);
      await feeds?.close();
      await smtp?.close();
      await web?.close();
      redis?.disconnect();
      await parsePool.close();
      await t?.close();
    });

    it('drafts once, emails the press officer, and approves once through the signed link', async () => {
      await upsertContacts(
        t.db,
        [
          { name: 'Home affairs desk', email: 'home@paper.example', outlet: 'The Paper', topics: ['probation'] },
          { name: 'Justice correspondent', email: 'justice@radio.example', outlet: 'Radio', topics: ['probation', 'prisons'] },
          { name: 'Opted out', email: 'no@paper.example', topics: ['probation'], doNotContact: true },
          { name: 'Sport desk', email: 'sport@paper.example', topics: ['sport'] },
        ],
        new Date(),
      );
      await addSource(t.db, { url: feeds.url('/news.xml'), name: 'HMPPS news' });
      expect(await schedulePolls({ db: t.db, queues: web.queues, now: () => new Date() })).toHaveLength(1);
      await smtp.waitFor(1, 90_000).catch(async (e) => {
        for (const q of ['poll-source', 'process-item', 'draft-release', 'request-approval', 'distribute', 'send-email'] as const) {
          const qq = web.queues.get(q);
          console.log(q, await qq.getJobCounts(), (await qq.getFailed()).map((j) => j.failedReason), (await qq.getCompleted()).map((j) => JSON.stringify(j.returnvalue).slice(0, 300)));
        }
        console.log(await t.db.query('SELECT id, title, story_id, extract_status FROM items'), await t.db.query('SELECT * FROM item_topics'), await t.db.query('SELECT id, topics, source_count, first_seen FROM stories'));
        throw e;
      });
      const mail = await simpleParser(smtp.received[0]!.raw);
      expect(smtp.received[0]!.to).toEqual([officer]);
      expect(mail.subject).toMatch(/OMiC/);
      expect(mail.html).not.toContain('<script>alert');
      const drafts = await listDrafts(t.db, { now: new Date(), statuses: ['awaiting_approval'] });
      expect(drafts).toHaveLength(1);
      const draft = drafts[0]!.draft;

      const approve = /https?:\/\/[^\s"<>]+\/drafts\/link\/[^\s"<>]+/g.exec(mail.text ?? '')?.[0];
      expect(approve).toBeTruthy();
      const path = new URL(approve!).pathname;
      const page = await web.app.inject({ method: 'GET', url: path, headers: HTML });
      expect(page.statusCode).toBe(200);
      expect((await getDraft(t.db, draft.id))!.status).toBe('awaiting_approval'); // a GET never acts
      const f = postForm(page.body);
      const post = await web.app.inject({ method: 'POST', url: f.action, headers: { ...HTML, ...FORM }, payload: f.body });
      expect(post.statusCode).toBeLessThan(400);
      const approved = (await getDraft(t.db, draft.id))!;
      expect(approved.status).toBe('approved');
      const again = await web.app.inject({ method: 'POST', url: f.action, headers: { ...HTML, ...FORM }, payload: f.body });
      expect(again.body).toMatch(/already|used|approved/i);
      expect(await getDraft(t.db, draft.id)).toEqual(approved);
      // One story, one draft; the release goes once to each contact covering the topic, none to the others.
      expect(await listDrafts(t.db, { now: new Date(), statuses: ['drafted', 'awaiting_approval', 'approved'] })).toHaveLength(1);
      await smtp.waitFor(3);
      const releases = await Promise.all(smtp.received.slice(1).map((m) => simpleParser(m.raw)));
      expect(smtp.received.slice(1).flatMap((m) => m.to).sort()).toEqual(['home@paper.example', 'justice@radio.example']);
      for (const m of releases) {
        expect(m.subject).toBe(approved.subject);
        expect(m.text).toMatch(/OMiC/);
        expect(m.html ?? '').not.toMatch(/<img|<script/i);
      }
      expect(new Set(releases.map((m) => m.messageId)).size).toBe(2);
      const list = await web.app.inject({ method: 'GET', url: '/releases', headers: HTML });
      const until = Date.now() + 90_000;
      let archive = list.body;
      while (!archive.includes(approved.subject.replace(/&/g, '&amp;').slice(0, 20)) && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 100)); // marked sent once every delivery settled
        archive = (await web.app.inject({ method: 'GET', url: '/releases', headers: HTML })).body;
      }
      expect(archive).toContain('OMiC');
      const atom = await web.app.inject({ method: 'GET', url: '/releases.atom' });
      expect(atom.headers['content-type']).toMatch(/application\/atom\+xml/);
      expect(atom.body).toMatch(/<entry>[\s\S]*OMiC[\s\S]*<\/entry>/);
      await new Promise((r) => setTimeout(r, 300)); // nothing more arrives
      expect(smtp.received).toHaveLength(3);
    });
  });
}
