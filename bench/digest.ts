// `npm run bench -- digest [--subscribers 10000] [--stories 200] [--pg URL] [--senders 1,4] [--digest-send-per-minute 0] [--cli]`
// A day's digests for SUBSCRIBERS confirmed campaigners (mostly daily; each following a random non-empty subset of
// the shipped pack's 7 topics, its last cut-off a day back), with STORIES stories over those topics and one sent
// release first seen within the day, seeded with SQL (setup, not timed). Timed: the real path, as
// `pressdesk digest run --frequency daily` takes it (src/cli/digests.ts), in-process: buildDigests(deps, 'daily'),
// then sendDigests over the daily digests still to send, through the real mailer (pooled nodemailer) to an
// in-process SMTP sink on loopback (bench/_smtp.ts), which only counts.
// `--senders 1,4`: one round per entry, each a fresh day (digests deleted, cut-offs a day back). 1 is the CLI's
// way (one sendDigests over every id); N > 1 is the scheduled way (src/services/run-digests.ts): send-digests jobs
// of 100 ids, N at a time in one worker process, each job one sendDigests call over its own slice.
// Exactly once: every daily subscriber with something new gets exactly one message (RCPT TO per address at the
// sink), nobody else gets any; a duplicate or a miss is a FAIL.
// Baseline from the same run: nodemailer's pooled transport sending as many messages straight to the same sink (no
// database), to the same recipients, each a copy of a digest the first round sent to a subscriber of as many topics
// (so the sizes are spread as pressdesk's were), with the pool settings pressdesk's mailer uses.
// DIGEST_SEND_PER_MINUTE 0 (no limit) unless --digest-send-per-minute says otherwise.
// `--cli` (PostgreSQL only): one more fresh day sent by `pressdesk digest run` as a subprocess, start-up included.
// PostgreSQL with --pg URL (or TEST_DATABASE_URL), a throwaway schema; else in-memory PGlite.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type MailMessage, createMailer } from '../src/adapters/mailer.ts';
import { loadConfig } from '../src/config.ts';
import type { Frequency } from '../src/domain/digests.ts';
import { buildDigests } from '../src/services/build-digests.ts';
import type { DigestDeps } from '../src/services/deps.ts';
import { type SendDigestsResult, sendDigests } from '../src/services/send-digests.ts';
import { CONSENT_TEXT, subscribableTopics } from '../src/services/subscribe.ts';
import type { Db } from '../src/storage/db.ts';
import { countDigests, unsettledDigestIds } from '../src/storage/digests.ts';
import { openBenchDb } from './_db.ts';
import { exactlyOnce, mb, nodemailerBaseline, sampleRss, startSink } from './_smtp.ts';
import { VOCAB } from './_vocab.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const DIGEST_SEND_PER_MINUTE = arg('digest-send-per-minute', '0');
const config = loadConfig({ ...process.env, DIGEST_SEND_PER_MINUTE, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://pressdesk.bench' });
const SUBSCRIBERS = Number(arg('subscribers', '10000'));
const STORIES = Number(arg('stories', '200'));
const SENDERS = arg('senders', '1,4').split(',').map(Number);
const PG = arg('pg', config.testDatabaseUrl ?? '');
const CLI = process.argv.includes('--cli');
const TARGET_S = 60;
const MAIL_FROM = 'Napo news alerts <alerts@napo.example>';
// The scheduled path's send-digests job size (src/services/run-digests.ts).
const JOB_CHUNK = 100;
const H = 3600_000;

/** mulberry32: a seeded stream, so every run seeds the same subscribers and stories. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Seeded {
  subscribers: { email: string; topics: string[]; frequency: Frequency }[];
  /** Each story's topics. */
  stories: string[][];
  since: Date;
}

/** Subscribers, stories (items, their topics, the topics' first sightings) and one sent release, with SQL in a
 *  few statements. Stories are first seen 23 h to 1 h before `at`, the release sent 2 h before it, and every
 *  subscriber's last cut-off is 24 h before it: all of it is news to a digest built at `at` or later. */
async function seed(db: Db, at: Date, topics: readonly string[]): Promise<Seeded> {
  const r = rng(16);
  const words = (n: number) => Array.from({ length: n }, () => VOCAB[Math.floor(r() * VOCAB.length)]!).join(' ');
  const since = new Date(at.getTime() - 24 * H);

  const sources = await db.query<{ id: unknown }>(
    `INSERT INTO sources (url, host, name, category)
     SELECT 'https://outlet-' || n || '.example/feed', 'outlet-' || n || '.example', 'Outlet ' || n || ' News', 'news'
     FROM generate_series(1, 8) AS n RETURNING id`,
  );
  // Story k: one topic, a fifth of them a second one first seen half an hour later; 1 to 3 items from as many
  // outlets, the first the headline.
  const stories: string[][] = [];
  const items: { k: number; j: number; src: number; title: string; body: string; at: string }[] = [];
  const firstAt: Date[] = [];
  for (let k = 0; k < STORIES; k++) {
    const first = topics[k % topics.length]!;
    const second = r() < 0.2 ? topics[(k + 1 + Math.floor(r() * (topics.length - 1))) % topics.length]! : undefined;
    stories.push(second ? [first, second] : [first]);
    const t = new Date(at.getTime() - 23 * H + Math.floor((k * 22 * H) / STORIES));
    firstAt.push(t);
    const n = 1 + (k % 3);
    for (let j = 0; j < n; j++) {
      items.push({ k, j, src: Number(sources[(k + j) % sources.length]!.id), title: `${first} ${words(7)}`, body: words(90), at: t.toISOString() });
    }
  }
  const itemRows = await db.query<{ id: unknown; identity: string }>(
    `INSERT INTO items (source_id, identity, url, title, body_text, published_at, fetched_at, extract_status, processed_at)
     SELECT x.src, 'bench-digest-' || x.k || '-' || x.j, 'https://outlet-' || x.src || '.example/news/' || x.k || '-' || x.j, x.title, x.body,
       x.at, x.at, 'done', x.at
     FROM jsonb_to_recordset($1::jsonb) AS x(k int, j int, src bigint, title text, body text, at timestamptz)
     RETURNING id, identity`,
    [JSON.stringify(items)],
  );
  const itemId = new Map(itemRows.map((x) => [x.identity, Number(x.id)]));
  const storyRows = await db.query<{ id: unknown; headline_item_id: unknown }>(
    `INSERT INTO stories (headline_item_id, topics, first_seen, last_seen, last_updated, created_at, source_count, item_count)
     SELECT x.item, x.topics::text[], x.at, x.at, x.at, x.at, x.n, x.n
     FROM jsonb_to_recordset($1::jsonb) AS x(item bigint, topics text, at timestamptz, n int)
     RETURNING id, headline_item_id`,
    [JSON.stringify(stories.map((t, k) => ({ item: itemId.get(`bench-digest-${k}-0`), topics: `{${[...t].sort().join(',')}}`, at: firstAt[k]!.toISOString(), n: 1 + (k % 3) })))],
  );
  const storyOfHeadline = new Map(storyRows.map((s) => [Number(s.headline_item_id), Number(s.id)]));
  const storyId = (k: number) => storyOfHeadline.get(itemId.get(`bench-digest-${k}-0`)!)!;
  await db.query('UPDATE items SET story_id = x.s FROM unnest($1::bigint[], $2::bigint[]) AS x(i, s) WHERE items.id = x.i', [
    items.map((x) => itemId.get(`bench-digest-${x.k}-${x.j}`)),
    items.map((x) => storyId(x.k)),
  ]);
  const sightings = stories.flatMap((t, k) => t.map((topic, i) => ({ s: storyId(k), topic, at: new Date(firstAt[k]!.getTime() + i * H / 2).toISOString() })));
  await db.query(
    `WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(s bigint, topic text, at timestamptz)),
     t AS (INSERT INTO item_topics (item_id, topic, rule, matches)
           SELECT i.id, x.topic, x.topic || '-rule', '[]'::jsonb FROM x JOIN items i ON i.story_id = x.s)
     INSERT INTO story_topics_seen (story_id, topic, first_at) SELECT s, topic, at FROM x`,
    [JSON.stringify(sightings)],
  );

  // One release sent within the day: every digest of the day carries it.
  const sentAt = new Date(at.getTime() - 2 * H);
  const subject = 'Napo: probation caseloads at a record high, inspectorate warns';
  await db.query(
    `WITH d AS (INSERT INTO drafts (story_id, template, topic, status, subject, body_html, body_text, generated_html, generated_text, decided_at, created_at, updated_at)
                VALUES ($1, 'statement', $2, 'approved', $3, $4, $5, $4, $5, $6, $6, $6) RETURNING id)
     INSERT INTO releases (draft_id, slug, subject, html, text, topics, status, recipients, created_at, sending_at, sent_at)
     SELECT d.id, 'probation-caseloads-record-high', $3, $4, $5, ARRAY[$2], 'sent', jsonb_build_object('topics', ARRAY[$2]), $6, $6, $6 FROM d`,
    [storyId(0), topics[0], subject, `<p>${words(120)}</p>`, words(120), sentAt],
  );

  // Subscribers: 90 % daily, 7 % weekly, 3 % instant (the weekly and instant ones are not due and get nothing).
  const subscribers = Array.from({ length: SUBSCRIBERS }, (_, i) => {
    const mask = 1 + Math.floor(r() * (2 ** topics.length - 1));
    const f = r();
    return {
      email: `campaigner-${i}@branch-${i % 61}.example`,
      topics: topics.filter((_, b) => mask & (1 << b)),
      frequency: (f < 0.9 ? 'daily' : f < 0.97 ? 'weekly' : 'instant') as Frequency,
    };
  });
  const confirmed = new Date(since.getTime() - 30 * 24 * H);
  for (let i = 0; i < subscribers.length; i += 5000) {
    await db.query(
      `INSERT INTO subscribers (email, topics, frequency, status, consent_text, created_at, confirmed_at, last_cutoff, updated_at)
       SELECT x.email, x.topics::text[], x.frequency, 'active', $2, $3, $3, $4, $3
       FROM jsonb_to_recordset($1::jsonb) AS x(email text, topics text, frequency text)`,
      [JSON.stringify(subscribers.slice(i, i + 5000).map((s) => ({ ...s, topics: `{${s.topics.join(',')}}` }))), CONSENT_TEXT, confirmed, since],
    );
  }
  await db.exec('ANALYZE');
  return { subscribers, stories, since };
}

/** A fresh day for the next round: no digests yet, every subscriber's cut-off back where the seed put it. */
async function freshDay(db: Db, since: Date) {
  await db.query('DELETE FROM digests');
  await db.query('UPDATE subscribers SET last_cutoff = $1', [since]);
  await db.exec('VACUUM ANALYZE digests');
  await db.exec('VACUUM ANALYZE subscribers');
}

const add = (a: SendDigestsResult, b: SendDigestsResult) => {
  a.sent += b.sent;
  a.failed += b.failed;
  a.skipped += b.skipped;
  a.retry += b.retry;
  a.busy += b.busy;
  a.lastError = b.lastError ?? a.lastError;
};

const sink = await startSink();
const store = await openBenchDb(PG);
const mailer = createMailer({ smtpUrl: sink.url, from: MAIL_FROM, outboxDir: '/nonexistent' });
// The first round keeps, for each number of topics followed, the first message it sent to a subscriber of that
// many, as the mailer was handed it: the baseline's messages are copies of them. Seven held at most.
const topicCount = new Map<string, number>();
const models = { keep: false, byTopics: new Map<number, MailMessage>() };
const deps: DigestDeps = {
  db: store.db,
  mailer: {
    send(msg) {
      const k = topicCount.get(String(msg.to));
      if (models.keep && k !== undefined && !models.byTopics.has(k)) models.byTopics.set(k, msg);
      return mailer.send(msg);
    },
  },
  config: { ...config, mailFrom: MAIL_FROM },
  secret: Buffer.alloc(32, 7),
  now: () => new Date(),
};

try {
  const topics = (await subscribableTopics(deps)).map((t) => t.id);
  const seeded = await seed(store.db, new Date(), topics);
  for (const s of seeded.subscribers) topicCount.set(s.email, s.topics.length);
  // Due: the daily subscribers; with the release in every window, each of them has something new.
  const expected = new Set(seeded.subscribers.filter((s) => s.frequency === 'daily').map((s) => s.email));
  const byFrequency = (f: Frequency) => seeded.subscribers.filter((s) => s.frequency === f).length;
  const meanTopics = seeded.subscribers.reduce((n, s) => n + s.topics.length, 0) / seeded.subscribers.length;

  const rounds: {
    senders: number;
    buildS: number;
    sendS: number;
    totalS: number;
    rate: number;
    peakRss: number;
    cpuUs: number;
    bytes: number;
    built: Awaited<ReturnType<typeof buildDigests>>;
    result: SendDigestsResult;
    counts: Awaited<ReturnType<typeof countDigests>>;
    once: ReturnType<typeof exactlyOnce>;
  }[] = [];
  for (const [n, senders] of SENDERS.entries()) {
    if (n > 0) await freshDay(store.db, seeded.since);
    models.keep = n === 0;
    sink.reset();
    const rss = sampleRss();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const built = await buildDigests(deps, 'daily');
    const ids = await unsettledDigestIds(store.db, { frequency: 'daily' });
    const t1 = performance.now();
    const result: SendDigestsResult = { sent: 0, failed: 0, skipped: 0, retry: 0, busy: 0 };
    if (senders <= 1) add(result, await sendDigests(deps, ids, { finalAttempt: false }));
    else {
      const jobs: number[][] = [];
      for (let i = 0; i < ids.length; i += JOB_CHUNK) jobs.push(ids.slice(i, i + JOB_CHUNK));
      let next = 0;
      await Promise.all(
        Array.from({ length: senders }, async () => {
          while (next < jobs.length) add(result, await sendDigests(deps, jobs[next++]!, { finalAttempt: false }));
        }),
      );
    }
    const t2 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    const peakRss = rss.stop();
    rounds.push({
      senders,
      buildS: (t1 - t0) / 1000,
      sendS: (t2 - t1) / 1000,
      totalS: (t2 - t0) / 1000,
      rate: result.sent / ((t2 - t0) / 1000),
      peakRss,
      cpuUs: cpu.user + cpu.system,
      bytes: sink.bytes,
      built,
      result,
      counts: await countDigests(store.db, { period: built.period }),
      once: exactlyOnce(sink, expected),
    });
  }
  models.keep = false;
  const maxRss = process.resourceUsage().maxRSS * 1024;

  // Optionally the CLI itself, as a subprocess on the same schema (an in-memory PGlite cannot be shared).
  let cli: { seconds: number; once: ReturnType<typeof exactlyOnce>; out: string } | undefined;
  if (CLI && store.schema) {
    await freshDay(store.db, seeded.since);
    sink.reset();
    const dataDir = mkdtempSync(join(tmpdir(), 'pressdesk-bench-digest-'));
    const url = new URL(PG);
    url.searchParams.set('options', `-c search_path=${store.schema}`);
    const env = {
      ...process.env,
      DATABASE_URL: url.toString(),
      SMTP_URL: sink.url,
      MAIL_FROM,
      PUBLIC_URL: config.publicUrl,
      SECRET_KEY: 'bench-digest-secret-key-0123456789abcdef',
      DIGEST_SEND_PER_MINUTE,
      PRESSDESK_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
    };
    const c0 = performance.now();
    try {
      const r = await promisify(execFile)(process.execPath, [new URL('../bin/pressdesk.js', import.meta.url).pathname, 'digest', 'run', '--frequency', 'daily'], { env });
      cli = { seconds: (performance.now() - c0) / 1000, once: exactlyOnce(sink, expected), out: r.stdout.trim() };
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  } else if (CLI) console.error('digest bench: --cli needs --pg (an in-memory PGlite cannot be shared with a subprocess); skipped');

  // Baseline: as many messages as the first round sent, to the same recipients, each a copy of the digest it
  // sent to a subscriber of as many topics, straight through nodemailer's pool to the same sink.
  const first = rounds[0]!;
  const recipients = [...expected];
  const model = (email: string) => models.byTopics.get(topicCount.get(email)!) ?? [...models.byTopics.values()][0];
  if (!models.byTopics.size) throw new Error('digest bench: the first round sent nothing to copy for the baseline');
  const base = await nodemailerBaseline(sink, first.result.sent, (i) => {
    const to = recipients[i % recipients.length]!;
    const m = model(to)!;
    return { from: MAIL_FROM, to, subject: m.subject, html: m.html, text: m.text, headers: m.headers, messageId: `<baseline-${i}@pressdesk.bench>` };
  });

  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  const broken = rounds.filter((r) => !r.once.ok || r.result.sent !== expected.size || r.counts.sent !== expected.size);
  const ok = first.totalS < TARGET_S && broken.length === 0 && (!cli || cli.once.ok);
  console.log(
    `digest bench: ${SUBSCRIBERS} subscribers (${byFrequency('daily')} daily, ${byFrequency('weekly')} weekly, ${byFrequency('instant')} instant; ${meanTopics.toFixed(1)} of ${topics.length} topics each on average), ${STORIES} stories and 1 release within the day, ${store.label}, SMTP sink on loopback`,
  );
  console.log(
    `settings  DIGEST_SEND_PER_MINUTE ${config.digestPerMinute}${config.digestPerMinute === 0 ? ' (no limit)' : ''}, mailer ${mailer.describe} (pool, nodemailer defaults: 5 connections); sendDigests claims 50 at a time, 10 in flight`,
  );
  console.log(
    `baseline  nodemailer pool, no db          ${base.rate.toFixed(0).padStart(6)} msg/s (${base.seconds.toFixed(2)} s for ${first.result.sent}; ${(base.bytesPerMessage / 1024).toFixed(1)} KB each at the sink; cpu ${base.cpuUsPerMessage.toFixed(0)} us/message)`,
  );
  for (const r of rounds) {
    const how = r.senders <= 1 ? 'digest run (1 sender)  ' : `${r.senders} senders, jobs of ${JOB_CHUNK} `;
    console.log(
      `pressdesk ${how}             ${r.rate.toFixed(0).padStart(6)} msg/s = ${(r.rate / base.rate).toFixed(2)}x baseline  (build ${r.buildS.toFixed(2)} s + send ${r.sendS.toFixed(2)} s = ${r.totalS.toFixed(2)} s; ${(r.bytes / Math.max(1, r.result.sent) / 1024).toFixed(1)} KB each; cpu ${(r.cpuUs / Math.max(1, r.result.sent)).toFixed(0)} us/message; peak RSS ${mb(r.peakRss)})`,
    );
  }
  if (cli) console.log(`pressdesk digest run as a subprocess       ${(first.result.sent / cli.seconds).toFixed(0).padStart(6)} msg/s  (${cli.seconds.toFixed(2)} s, start-up included; it said: ${cli.out})`);
  for (const r of rounds) {
    console.log(
      `digests   ${r.senders} sender${r.senders > 1 ? 's' : ''}: built ${r.built.toSend.length} for ${r.built.subscribers} due (${r.built.period}); ${JSON.stringify(r.counts)}; send ${JSON.stringify(r.result)}`,
    );
  }
  for (const r of [...rounds.map((x) => ({ what: `${x.senders} sender${x.senders > 1 ? 's' : ''}`, once: x.once })), ...(cli ? [{ what: 'subprocess', once: cli.once }] : [])]) {
    console.log(
      `exactly once  ${r.what}: ${r.once.distinct} of ${expected.size} due subscribers mailed; ${r.once.twice} mailed twice, ${r.once.missing} never mailed, ${r.once.stray} mailed though not due`,
    );
  }
  console.log(`cpu       bench process ${(first.cpuUs / 1e6).toFixed(1)} s over the first round (pressdesk, ${PG ? 'the pg client' : 'PGlite'} and the sink)`);
  console.log(
    `memory    peak RSS ${mb(first.peakRss)} sampled during the first round (the whole process: ${PG ? 'pressdesk and the sink' : 'pressdesk, PGlite and the sink'}); maxRSS ${mb(maxRss)} by the last round, seeding included`,
  );
  console.log(`load      ${load} (1, 5, 15 min)`);
  if (broken.length) {
    console.log(
      `FAIL      not exactly once: ${broken.map((r) => `${r.senders} sender${r.senders > 1 ? 's' : ''}: ${r.once.twice} twice, ${r.once.missing} missed, ${r.once.stray} not due, ${r.counts.sent} marked sent of ${expected.size}`).join('; ')}`,
    );
  }
  if (cli && !cli.once.ok) console.log(`FAIL      the subprocess: ${cli.once.twice} twice, ${cli.once.missing} missed, ${cli.once.stray} not due`);
  console.log(
    `${first.totalS < TARGET_S ? 'PASS' : 'MISS'}      ${first.totalS.toFixed(1)} s for ${first.result.sent} digests (${first.senders <= 1 ? 'digest run, 1 sender' : `${first.senders} senders`}) against the target of < ${TARGET_S} s`,
  );
  if (!ok) process.exitCode = 1;
} finally {
  mailer.close();
  await sink.close();
  await store.close();
}
