// `npm run bench -- distribute [--contacts 5000] [--pg URL] [--send-per-minute 100000] [--concurrency WORKER_CONCURRENCY (8)]`
// One release to CONTACTS contacts covering its topic, through the real path: a press officer approves the draft
// (decideDraft), approveRelease queues `distribute`, and the real workers from workers/index.ts (distribute and
// send-email, at the configured concurrency, on real Redis under a throwaway queue prefix) write the delivery
// rows and send each email through the real mailer (pooled nodemailer) to an in-process SMTP sink on loopback.
// Timed from the approveRelease call until the sink has accepted every message and the release is `sent`.
// The sink (bench/_smtp.ts) only counts, so it costs the run as little as it can.
// Exactly once: every recipient is seen in exactly one RCPT TO.
// Baseline from the same run: nodemailer's pooled transport sending the same email CONTACTS times straight to the
// same sink (no queue, no database), with the pool settings pressdesk's mailer uses.
// SEND_PER_MINUTE is raised (--send-per-minute) so the sliding window is checked on every send but never waits.
// PostgreSQL with --pg URL (or TEST_DATABASE_URL), a throwaway schema; else in-memory PGlite.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { Redis } from 'ioredis';
import { createMailer } from '../src/adapters/mailer.ts';
import { createQueues, startWorker } from '../src/adapters/queues.ts';
import { loadConfig } from '../src/config.ts';
import { renderEmail } from '../src/render/index.ts';
import type { Runtime } from '../src/runtime.ts';
import { approveRelease } from '../src/services/approve-release.ts';
import { decideDraft } from '../src/services/decide-draft.ts';
import { releaseUrl } from '../src/services/deps.ts';
import { draftStory } from '../src/services/draft-story.ts';
import { upsertContacts } from '../src/storage/contacts.ts';
import { countDeliveries } from '../src/storage/deliveries.ts';
import { transitionDraft } from '../src/storage/drafts.ts';
import { getRelease } from '../src/storage/releases.ts';
import { createUser } from '../src/storage/users.ts';
import { seedStory } from '../tests/helpers/drafts.ts';
import { processorsFor } from '../workers/index.ts';
import { openBenchDb } from './_db.ts';
import { dropPrefix } from './_redis.ts';
import { exactlyOnce, mb, nodemailerBaseline, sampleRss, startSink } from './_smtp.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const SEND_PER_MINUTE = arg('send-per-minute', '100000');
const config = loadConfig({ ...process.env, SEND_PER_MINUTE, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://pressdesk.bench' });
const CONTACTS = Number(arg('contacts', '5000'));
const CONCURRENCY = Number(arg('concurrency', String(config.workerConcurrency)));
const PG = arg('pg', config.testDatabaseUrl ?? '');
const TARGET_S = 30;
const TOPIC = 'probation';

const openDb = () => openBenchDb(PG);

/** Resolves once `check` holds, asking every `ms` (never a fixed sleep-and-hope). */
async function until(check: () => Promise<boolean>, ms = 20) {
  while (!(await check())) await new Promise((r) => setTimeout(r, ms));
}

const sink = await startSink();
const store = await openDb();
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
const prefix = `bench-${randomBytes(3).toString('hex')}`;
const queues = createQueues(redis, prefix);
const mailer = createMailer({ smtpUrl: sink.url, from: 'Napo press office <press@napo.example>', outboxDir: '/nonexistent' });
// The workers need only these parts of a Runtime; the rest belongs to `pressdesk start`.
const rt = {
  config: { ...config, smtpUrl: sink.url },
  db: store.db,
  redis,
  queues,
  mailer,
  now: () => new Date(),
  secret: randomBytes(32),
  warnings: [],
} as unknown as Runtime;
const processors = processorsFor(rt);
const workers = [
  startWorker('distribute', processors.distribute!, { connection: redis, prefix, concurrency: CONCURRENCY }),
  startWorker('send-email', processors['send-email']!, { connection: redis, prefix, concurrency: CONCURRENCY }),
];

try {
  // Contacts covering the topic, and an approved draft about it: drafted, sent for approval, approved by a
  // press officer, as the services do it.
  const contacts = Array.from({ length: CONTACTS }, (_, i) => ({
    name: `Reporter ${i}`,
    email: `reporter-${i}@outlet-${i % 97}.example`,
    outlet: `Outlet ${i % 97}`,
    topics: [TOPIC],
  }));
  await upsertContacts(store.db, contacts, new Date());
  const storyId = await seedStory(store.db, { title: 'Probation caseloads reach record high, inspectorate warns', topic: TOPIC, at: new Date() });
  const drafted = await draftStory(rt, storyId, { force: true });
  if (!drafted.ok) throw new Error(`bench: ${drafted.message}`);
  const asked = await transitionDraft(store.db, { draftId: drafted.draft.id, action: 'request_approval', actorId: null, from: ['drafted'], to: 'awaiting_approval', now: new Date() });
  if (!asked.ok) throw new Error(`bench: could not send draft ${drafted.draft.id} for approval (${asked.reason})`);
  const officer = await createUser(store.db, { email: 'duty@napo.example', roles: ['press_officer'] });
  const decided = await decideDraft(rt, { draftId: drafted.draft.id, action: 'approve', userId: officer!.id, expectedVersion: asked.draft.version });
  if (!decided.ok || !decided.approved) throw new Error(`bench: ${decided.ok ? 'the draft was not approved' : decided.message}`);

  // pressdesk: approval to the last message accepted and the release sent.
  sink.reset();
  const rss = sampleRss();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const approved = await approveRelease(rt, { draftId: drafted.draft.id, approvedBy: officer!.id });
  if (!approved.ok) throw new Error(`bench: ${approved.message}`);
  const releaseId = approved.release.id;
  await sink.waitFor(CONTACTS);
  const tSink = performance.now();
  await until(async () => (await getRelease(store.db, releaseId))?.status === 'sent');
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // Before the baseline, which hands nodemailer all its messages at once and so holds more in memory.
  const peakRss = rss.stop();
  const maxRss = process.resourceUsage().maxRSS * 1024;
  const counts = await countDeliveries(store.db, releaseId);
  const once = exactlyOnce(sink, new Set(contacts.map((c) => c.email)));
  const rate = CONTACTS / seconds;

  // Baseline: the same email, straight through nodemailer's pool to the same sink, all handed over at once.
  const release = (await getRelease(store.db, releaseId))!;
  const body = renderEmail('release', { release, html: release.html, embargoUntil: release.embargoUntil, url: releaseUrl(config.publicUrl, release.slug) });
  const base = await nodemailerBaseline(sink, CONTACTS, (i) => {
    const c = contacts[i]!;
    return { from: 'Napo press office <press@napo.example>', to: { name: c.name, address: c.email }, subject: body.subject, html: body.html, text: body.text, messageId: `<baseline-${i}@pressdesk.bench>` };
  });
  const baseline = base.rate;
  const bytes = Buffer.byteLength(body.html) + Buffer.byteLength(body.text);

  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  const ok = seconds < TARGET_S && once.ok && once.distinct === CONTACTS && counts.sent === CONTACTS;
  console.log(`distribute bench: one release to ${CONTACTS} contacts, ${store.label}, Redis ${new URL(config.redisUrl).host} (prefix ${prefix}), SMTP sink on loopback`);
  console.log(`settings  WORKER_CONCURRENCY ${CONCURRENCY} (distribute and send-email workers), SEND_PER_MINUTE ${config.sendPerMinute}, mailer ${mailer.describe} (pool, nodemailer defaults: 5 connections)`);
  console.log(`baseline  nodemailer pool, no queue/db  ${baseline.toFixed(0).padStart(8)} msg/s (${base.seconds.toFixed(2)} s; ${bytes} bytes of html+text each; cpu ${base.cpuUsPerMessage.toFixed(0)} us/message)`);
  console.log(`pressdesk approve -> sent               ${rate.toFixed(0).padStart(8)} msg/s  = ${(rate / baseline).toFixed(2)}x baseline  (${seconds.toFixed(2)} s; last message at ${((tSink - t0) / 1000).toFixed(2)} s)`);
  console.log(`deliveries ${JSON.stringify(counts)}`);
  console.log(`exactly once  ${once.distinct} distinct recipients; ${once.twice} mailed twice, ${once.missing} never mailed, ${once.stray} mailed though not a contact`);
  console.log(`cpu       bench process ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s over the pressdesk run = ${((cpu.user + cpu.system) / CONTACTS).toFixed(0)} us/message`);
  console.log(`memory    peak RSS ${mb(peakRss)} sampled during the pressdesk run (the whole process: ${PG ? 'pressdesk and the sink' : 'pressdesk, PGlite and the sink'}); maxRSS ${mb(maxRss)} by its end, ${mb(process.resourceUsage().maxRSS * 1024)} after the baseline`);
  console.log(`load      ${load} (1, 5, 15 min)`);
  console.log(`${ok ? 'PASS' : 'MISS'}      ${seconds.toFixed(1)} s against the target of < ${TARGET_S} s${seconds < TARGET_S && !ok ? ', but not every contact was mailed exactly once' : ''}`);
  if (!ok) process.exitCode = 1;
} finally {
  await Promise.all(
    workers.map(async (w) => {
      await w.stop(1000);
      // startWorker hands BullMQ a duplicated connection, which BullMQ treats as shared and leaves open.
      (w.worker.opts.connection as { disconnect?: () => void }).disconnect?.();
    }),
  );
  mailer.close();
  await queues.close();
  await dropPrefix(redis, prefix);
  redis.disconnect();
  await sink.close();
  await store.close();
}
