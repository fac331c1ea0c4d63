// Sending digests under faults, as real `pressdesk digest run` processes against an in-process SMTP server:
// a sender killed -9 twice mid-send (with messages half-handed to the server each time) and run to the end
// by a third, and a server answering 421 before it recovers. Every subscriber ends with exactly one distinct
// Message-ID, the digest rows all sent, and a refusal's reason is kept on the rows it delayed.
import { type ChildProcess, spawn } from 'node:child_process';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmSubscriber, recordSignup } from '../../src/storage/subscribers.ts';
import { BIN, childEnv, runCliAsync } from '../helpers/cli.ts';
import { seedStory } from '../helpers/drafts.ts';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.ts';
import { type Installation, databaseUrl, installation, until } from './harness.ts';

const T0 = new Date('2026-03-02T08:00:00Z');
const DAY = 86_400_000;
const MIN = 60_000;
const at = (ms: number) => new Date(T0.getTime() + ms).toISOString();

async function setUp(subscribers: number) {
  const smtp = await startSmtpSink();
  const inst = await installation({ env: { SMTP_URL: smtp.url, MAIL_FROM: 'Napo <alerts@napo.example>', DIGEST_SEND_PER_MINUTE: '0' } });
  const addresses = Array.from({ length: subscribers }, (_, i) => `reader${i}@example.org`);
  for (const email of addresses) {
    const s = await recordSignup(inst.pg.db, { email, topics: ['prisons'], frequency: 'daily', consentText: 'yes', now: T0 });
    await confirmSubscriber(inst.pg.db, s.id, s.linkVersion, T0);
  }
  await seedStory(inst.pg.db, { title: 'Ten thousand new prison places announced', topic: 'prisons', at: new Date(T0.getTime() + 3_600_000) });
  return { smtp, inst, addresses };
}

/** Message-IDs each address received (raw copies counted separately). */
async function received(smtp: SmtpSink) {
  const ids = new Map<string, Set<string>>();
  let copies = 0;
  for (const m of smtp.received) {
    const id = (await simpleParser(m.raw)).messageId ?? '';
    for (const to of m.to) {
      copies++;
      ids.set(to, (ids.get(to) ?? new Set()).add(id));
    }
  }
  return { ids, copies };
}

async function digestRows(inst: Installation) {
  return inst.pg.db.query<{ email: string; status: string; message_id: string | null; attempts: number; last_error: string | null }>(
    `SELECT s.email, d.status, d.message_id, d.attempts, d.last_error FROM digests d JOIN subscribers s ON s.id = d.subscriber_id ORDER BY s.email`,
  );
}

/** The invariant: one digest row per subscriber, all sent, and each address got exactly that row's Message-ID. */
async function expectEachOnce(inst: Installation, smtp: SmtpSink, addresses: string[]) {
  const rows = await digestRows(inst);
  expect(rows.map((r) => r.email).sort()).toEqual([...addresses].sort());
  expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
  const { ids, copies } = await received(smtp);
  expect([...ids.keys()].sort()).toEqual([...addresses].sort());
  for (const r of rows) expect([...ids.get(r.email)!], r.email).toEqual([r.message_id]);
  return copies;
}

describe.skipIf(databaseUrl() === null)('kill -9 mid-send', () => {
  let smtp: SmtpSink;
  let inst: Installation;
  let addresses: string[];
  beforeAll(async () => {
    ({ smtp, inst, addresses } = await setUp(60));
  });
  afterAll(async () => {
    await smtp?.close();
    await inst?.close();
  });

  it('two senders killed halfway, a third finishes: one distinct Message-ID per subscriber', async () => {
    // A slow server, so each run is killed with messages in the middle of their DATA exchange.
    smtp.pace(150);
    const killedAt: number[] = [];
    // Each run starts after the previous one's claims (5 minutes) have lapsed.
    for (const [k, offset] of [0, 10 * MIN].entries()) {
      const child: ChildProcess = spawn(process.execPath, [BIN, 'digest', 'run', '--frequency', 'daily', '--now', at(DAY + offset)], {
        env: childEnv(inst.env),
        stdio: 'ignore',
      });
      const exited = new Promise((r) => child.once('exit', r));
      const target = (k + 1) * 15;
      await until(`${target} messages accepted before the kill`, () => {
        if (child.exitCode !== null) throw new Error('the run ended before it could be killed');
        return smtp.received.length >= target;
      }, 60_000, 10);
      child.kill('SIGKILL');
      await exited;
      killedAt.push(smtp.received.length);
    }
    // Messages the server was still taking when the sender died are accepted after it: the rows stayed
    // 'sending', so they are sent again — with the same Message-ID.
    smtp.pace(0);
    const last = await runCliAsync(['digest', 'run', '--frequency', 'daily', '--now', at(DAY + 20 * MIN)], inst.env);
    expect(last.code, last.stderr).toBe(0);
    expect(last.stdout).toMatch(/^digest daily D2026-03-03: \d+ sent, 0 empty skipped, 0 skipped \(unsubscribed or suppressed\), 0 failed, 0 left to retry/);
    const copies = await expectEachOnce(inst, smtp, addresses);
    console.log(`mail kill -9: killed at ${killedAt.join(' and ')} messages accepted; ${copies} copies delivered for ${addresses.length} subscribers, one distinct Message-ID each`);
    // A run after that sends nothing.
    const n = smtp.received.length;
    const again = await runCliAsync(['digest', 'run', '--frequency', 'daily', '--now', at(DAY + 30 * MIN)], inst.env);
    expect(again.code, again.stderr).toBe(0);
    expect(smtp.received.length).toBe(n);
  });
});

describe.skipIf(databaseUrl() === null)('SMTP 421, then recovery', () => {
  let smtp: SmtpSink;
  let inst: Installation;
  let addresses: string[];
  beforeAll(async () => {
    ({ smtp, inst, addresses } = await setUp(12));
  });
  afterAll(async () => {
    await smtp?.close();
    await inst?.close();
  });

  it('refused digests are sent once when the server recovers, the refusal kept on their rows', async () => {
    // Every recipient is refused on its first try: the run pauses and tries again.
    smtp.refuse((_address, attempt) => (attempt === 1 ? { code: 421, message: '4.3.2 Service shutting down, try again later' } : undefined));
    const t0 = Date.now();
    const r = await runCliAsync(['digest', 'run', '--frequency', 'daily', '--now', at(DAY)], inst.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/digest: \d+ refused for now \(.*421.*\); trying again in 5 s/);
    expect(r.stdout).toContain(`: ${addresses.length} sent,`);
    await expectEachOnce(inst, smtp, addresses);
    const rows = await digestRows(inst);
    for (const row of rows) {
      expect(row.attempts, row.email).toBeGreaterThanOrEqual(2);
      expect(row.last_error, row.email).toMatch(/421.*try again later/);
    }
    console.log(`mail 421: ${addresses.length} digests refused once with 421, all sent once in ${Date.now() - t0} ms`);
  });
});
