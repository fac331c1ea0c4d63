// `npm run bench -- approval [--stories 200] [--rate 50] [--burst 200] [--baseline 200] [--pg URL]`
// Story tagged -> approval email accepted by the SMTP server, over loopback, on the real path: tagItems (tag,
// cluster into a story, queue draft-release) -> the draft-release worker -> the request-approval worker ->
// nodemailer (createMailer, SMTP) -> an in-process smtp-server. Real Redis (REDIS_URL; a unique queue prefix,
// deleted at the end), BullMQ workers in this process built from workers/index.ts with the production
// concurrency (WORKER_CONCURRENCY), storage in-memory PGlite, or PostgreSQL with --pg URL (a throwaway schema).
//   steady: STORIES distinct justice stories, one tagged every RATE ms (t0 = tagItems called for it);
//   burst:  BURST more, all tagged at the same moment (--burst 0 skips it);
// t1 = the moment the SMTP server answers 250 to the email for that story's draft (X-Pressdesk-Draft header).
// Baseline from the same run: the same mailer sending the same approval email (its subject, HTML and text)
// to the same server, one at a time. Target (issue 14): p95 < 2 s.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createMailer } from '../src/adapters/mailer.ts';
import { concurrencyFor, createQueues, startWorker, type WorkerHandle } from '../src/adapters/queues.ts';
import { loadConfig } from '../src/config.ts';
import type { Runtime } from '../src/runtime.ts';
import { tagItems } from '../src/services/tag-items.ts';
import { DEFAULT_POLICY, saveDraftPolicy } from '../src/storage/draft-policies.ts';
import { type Item, type NewItem, getItem, insertItems } from '../src/storage/items.ts';
import { addSource } from '../src/storage/sources.ts';
import { createUser } from '../src/storage/users.ts';
import { processorsFor } from '../workers/index.ts';
import { VOCAB } from './_vocab.ts';
import { openBenchDb } from './_db.ts';
import { dropPrefix } from './_redis.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
const STORIES = Number(arg('stories', '200'));
const RATE_MS = Number(arg('rate', '50'));
const BURST = Number(arg('burst', '200'));
const BASELINE = Number(arg('baseline', '200'));
const PG = arg('pg', '');
const TARGET_MS = 2000;
const TOPIC = 'probation';

const openDb = () => openBenchDb(PG);

/** A loopback SMTP server that notes when it accepted each message (just before its 250) and keeps the raw
 *  bytes; parsing waits until after the run, so it takes no CPU from the path being measured. */
async function startSmtp() {
  const accepted: { at: number; draft: string | null; raw: Buffer }[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const head = raw.subarray(0, Math.max(0, raw.indexOf('\r\n\r\n'))).toString('latin1');
        const draft = /^X-Pressdesk-Draft:\s*(\d+)\./im.exec(head)?.[1] ?? null;
        accepted.push({ at: performance.now(), draft, raw });
        cb();
        for (const w of waiters) w();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    accepted,
    /** Resolves once `n` messages were accepted in all, or after `timeoutMs` (the report then counts the missing). */
    waitFor: (n: number, timeoutMs: number) =>
      new Promise<void>((resolve) => {
        const done = () => {
          if (accepted.length < n) return;
          waiters.delete(done);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(done);
          resolve();
        }, timeoutMs);
        waiters.add(done);
        done();
      }),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** mulberry32: seeded streams that do not overlap (an LCG's did, and stories sharing a run of words merged). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

// Five words of its own in each headline: headlines differing only in a place name score as one story.
const HEADLINES = [
  (p: string, w: string) => `${p} probation caseloads: ${w}`,
  (p: string, w: string) => `HMPPS moves ${p} open prison cases to probation: ${w}`,
  (p: string, w: string) => `Inspectors on ${p} probation service: ${w}`,
  (p: string, w: string) => `Probation staffing in ${p}: ${w}`,
];

/** Story n: a justice headline naming a made-up place, and a body of its own words around one probation
 *  sentence, so the shipped rules tag it `probation` and the clusterer keeps every story apart. */
function story(n: number): NewItem {
  const r = rng(n + 1);
  const word = () => VOCAB[r() % VOCAB.length]!;
  const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);
  const place = `${cap(word())} ${cap(word())}`;
  const filler = (k: number) => Array.from({ length: k }, word).join(' ');
  const body =
    `<p>${cap(filler(30))}.</p><p>HM Prison and Probation Service said probation officers in ${place} will take on more ` +
    `cases from next month. ${cap(filler(40))}.</p><p>${cap(filler(40))}.</p>`;
  return {
    identity: `bench-approval-${n}`,
    canonicalUrl: null,
    guid: `bench-approval-${n}`,
    url: `http://127.0.0.1/news/${n}`,
    title: HEADLINES[n % HEADLINES.length]!(place, filler(5)),
    summaryHtml: body,
    contentHtml: null,
    bodyText: null,
    author: null,
    publishedAt: new Date().toISOString(),
    categories: ['Justice'],
    extractStatus: 'not_needed',
  };
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const ms = (x: number) => `${Number.isFinite(x) ? x.toFixed(0) : '-'} ms`.padStart(8);

const store = await openDb();
const { db } = store;
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
const prefix = `bench-approval-${randomBytes(3).toString('hex')}`;
const queues = createQueues(redis, prefix);
const smtp = await startSmtp();
const mailer = createMailer({ smtpUrl: smtp.url, from: 'pressdesk <pd@union.example>', outboxDir: '/nonexistent' });
const rt = { db, queues, config, mailer, secret: randomBytes(32), now: () => new Date() } as unknown as Runtime;
const table = processorsFor(rt);
const workers: WorkerHandle[] = (['draft-release', 'request-approval'] as const).map((q) =>
  startWorker(q, table[q] as never, { connection: redis, prefix, concurrency: concurrencyFor(q, config) }),
);

const officer = (await createUser(db, { email: 'duty@union.example', roles: ['press_officer'] }))!;
// A loopback source is no official one: the policy takes any source kind, and enough drafts an hour for the run.
await saveDraftPolicy(db, { topic: TOPIC, ...DEFAULT_POLICY, sourceKinds: [], maxPerHour: (STORIES + BURST) * 2 + 10 }, null);
const sourceName = 'HM Prison and Probation Service';
const { source } = await addSource(db, { url: 'http://127.0.0.1/bench-approval.xml', name: sourceName });

/** Inserts stories [from, from + n) untagged (as process-item finds them) and reads them back as Items. */
async function seed(from: number, n: number): Promise<Item[]> {
  const made = await insertItems(db, source.id, Array.from({ length: n }, (_, i) => story(from + i)), new Date());
  return Promise.all(made.map(async (m) => (await getItem(db, m.id))!));
}

interface Phase {
  t0: Map<number, number>; // item id -> when tagItems was called for it
  tagged: Map<number, number>; // item id -> when tagItems returned (tagged, clustered, draft-release queued)
  accepted0: number; // emails accepted before the phase began
  errors: string[];
}

async function runPhase(items: Item[], spacingMs: number): Promise<Phase> {
  const phase: Phase = { t0: new Map(), tagged: new Map(), accepted0: smtp.accepted.length, errors: [] };
  const calls: Promise<unknown>[] = [];
  const start = performance.now();
  for (const [i, it] of items.entries()) {
    // Steady arrivals on a fixed schedule (an open system): a slow tagItems does not delay the next story.
    const wait = start + i * spacingMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    phase.t0.set(it.id, performance.now());
    calls.push(
      tagItems(rt, [it], sourceName).then(
        () => phase.tagged.set(it.id, performance.now()),
        (e: Error) => phase.errors.push(e.message),
      ),
    );
  }
  await Promise.all(calls);
  await settled(phase.accepted0 + items.length);
  return phase;
}

/** Until every story's email came, or both queues have been empty for a second (a story that made no draft —
 *  merged into another, refused by the policy — then shows as missing instead of stalling the run). */
async function settled(emails: number) {
  let idleSince: number | undefined;
  while (smtp.accepted.length < emails) {
    await smtp.waitFor(emails, 250);
    const counts = await Promise.all(
      (['draft-release', 'request-approval'] as const).map((q) => queues.get(q).getJobCountByTypes('wait', 'active', 'delayed', 'prioritized', 'waiting-children')),
    );
    if (counts.some((c) => c > 0)) idleSince = undefined;
    else {
      idleSince ??= performance.now();
      if (performance.now() - idleSince > 1000) return;
    }
  }
}

/** Latencies of a phase (ms), matched draft id -> story -> item; and what went missing or came twice. */
async function latencies(phase: Phase) {
  const mails = smtp.accepted.slice(phase.accepted0);
  // The draft's created_at is draftStory's `now` (the draft-release job under way); its deadline, set by
  // requestApproval from its `now`, dates the request-approval job. Wall clock -> performance.now's scale.
  const rows = await db.query<{ draft: number; item: number; created: Date; deadline: Date | null; minutes: number }>(
    `SELECT d.id AS draft, i.id AS item, d.created_at AS created, d.deadline_at AS deadline, coalesce(p.deadline_minutes, 30) AS minutes
     FROM drafts d JOIN items i ON i.story_id = d.story_id LEFT JOIN draft_policies p ON p.topic = d.topic
     WHERE i.id = ANY($1::bigint[])`,
    [[...phase.t0.keys()]],
  );
  const mono = (d: Date) => new Date(d).getTime() - performance.timeOrigin;
  const hops = { tagged: [] as number[], drafting: [] as number[], requesting: [] as number[] };
  for (const r of rows) {
    const t0 = phase.t0.get(Number(r.item))!;
    const tagged = phase.tagged.get(Number(r.item));
    if (tagged !== undefined) hops.tagged.push(tagged - t0);
    hops.drafting.push(mono(r.created) - t0);
    if (r.deadline) hops.requesting.push(mono(r.deadline) - Number(r.minutes) * 60_000 - t0);
  }
  const itemOf = new Map(rows.map((r) => [String(r.draft), Number(r.item)]));
  const seen = new Set<string>();
  const lat: number[] = [];
  let duplicates = 0;
  for (const m of mails) {
    const item = m.draft ? itemOf.get(m.draft) : undefined;
    if (item === undefined) continue;
    if (seen.has(m.draft!)) duplicates++;
    else lat.push(m.at - phase.t0.get(item)!);
    seen.add(m.draft!);
  }
  return { lat, hops, drafts: new Set(rows.map((r) => r.draft)).size, missing: phase.t0.size - lat.length, duplicates };
}

function line(label: string, lat: number[], base?: { p50: number; p95: number }) {
  const p50 = pct(lat, 50);
  const p95 = pct(lat, 95);
  const ratio = base ? `  = ${(p50 / base.p50).toFixed(0)}x / ${(p95 / base.p95).toFixed(0)}x the SMTP send` : '';
  return `${label.padEnd(34)} p50 ${ms(p50)}  p95 ${ms(p95)}  max ${ms(Math.max(...lat))}  n ${String(lat.length).padStart(4)}${ratio}`;
}

// One story first, not counted: the first pass compiles the templates and warms the JIT, which a worker that
// has been up for a while has done long ago. Its latency is printed as the cold figure.
const warm = await runPhase(await seed(STORIES + BURST, 1), 0);
const load0 = loadavg();
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const cpu0 = cpuMs();
const steadyItems = await seed(0, STORIES);
const steady = await runPhase(steadyItems, RATE_MS);
const burstItems = BURST > 0 ? await seed(STORIES, BURST) : [];
const burst = BURST > 0 ? await runPhase(burstItems, 0) : undefined;
const load1 = loadavg();
const cpuPerStory = (cpuMs() - cpu0) / (STORIES + BURST);

// Baseline: the same approval email, sent through the same mailer to the same server, one at a time.
const sample = await simpleParser(smtp.accepted[0]?.raw ?? Buffer.from(''));
const base: number[] = [];
for (let i = 0; i < BASELINE; i++) {
  const t = performance.now();
  await mailer.send({ to: officer.email, subject: sample.subject ?? 'bench', html: sample.html || undefined, text: sample.text ?? '' });
  base.push(performance.now() - t);
}
const baseline = { p50: pct(base, 50), p95: pct(base, 95) };

const cold = await latencies(warm);
const s = await latencies(steady);
const b = burst && (await latencies(burst));
const workerConcurrency = concurrencyFor('draft-release', config);
console.log(
  `approval bench: story tagged -> approval email accepted by SMTP, over loopback, ${store.label}, Redis ${new URL(config.redisUrl).host}, ` +
    `draft-release and request-approval workers in process (concurrency ${workerConcurrency} each), 1 press officer`,
);
console.log(`load average ${load0.map((x) => x.toFixed(2)).join(' ')} before, ${load1.map((x) => x.toFixed(2)).join(' ')} after (${(await import('node:os')).cpus().length} CPUs)`);
console.log(`cpu       this process ${cpuPerStory.toFixed(0)} ms per story (tagging, clustering, drafting, email, and PGlite when in process)`);
console.log(line(`baseline  SMTP send alone`, base));
console.log(`          (the approval email itself: ${smtp.accepted[0]?.raw.length ?? 0} bytes, "${sample.subject ?? '?'}")`);
console.log(line(`cold      the first story`, cold.lat, baseline));
console.log(line(`steady    1 story / ${RATE_MS} ms`, s.lat, baseline));
if (b) console.log(line(`burst     ${BURST} stories at once`, b.lat, baseline));
// Where the time goes: p50 from t0 to the start or end of each hop.
for (const [name, r] of [['steady', s], ['burst', b]] as const) {
  if (!r) continue;
  const h = (xs: number[]) => pct(xs, 50).toFixed(0);
  console.log(
    `${name.padEnd(10)}p50 from t0: tagged+clustered+queued ${h(r.hops.tagged)} ms, draft-release under way ${h(r.hops.drafting)} ms, ` +
      `request-approval under way ${h(r.hops.requesting)} ms, email accepted ${h(r.lat)} ms`,
  );
}
for (const [name, r, phase] of [['steady', s, steady], ['burst', b, burst]] as const) {
  if (!r || !phase) continue;
  const problems = [
    r.drafts !== phase.t0.size && `${r.drafts} drafts for ${phase.t0.size} stories`,
    r.missing && `${r.missing} emails missing`,
    r.duplicates && `${r.duplicates} emails sent twice`,
    phase.errors.length && `${phase.errors.length} tagItems errors, e.g. ${phase.errors[0]}`,
  ].filter(Boolean);
  if (problems.length) console.log(`${name.padEnd(10)}${problems.join('; ')}`);
}
const p95 = pct(s.lat, 95);
const ok = p95 < TARGET_MS && s.missing === 0;
console.log(`target    steady p95 < ${TARGET_MS} ms: ${ok ? 'PASS' : 'MISS'} (${p95.toFixed(0)} ms${s.missing ? `, ${s.missing} missing` : ''})`);

for (const w of workers) await w.stop(1000);
for (const w of workers) (w.worker.opts.connection as { disconnect?: () => void }).disconnect?.();
await queues.close();
await dropPrefix(redis, prefix);
redis.disconnect();
mailer.close();
await smtp.close();
await store.close();
