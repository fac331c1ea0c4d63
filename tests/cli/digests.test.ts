// `pressdesk digest run` and `pressdesk subscribers` as real processes against PostgreSQL (a schema of their
// own) and an in-process SMTP server: digests go once, a second run sends nothing, and a sender killed
// mid-run and run again leaves every subscriber with exactly one digest.
import { spawn } from 'node:child_process';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmSubscriber, findSubscriber, recordSignup } from '../../src/storage/subscribers.ts';
import { BIN, childEnv, runCliAsync } from '../helpers/cli.ts';
import { openTestPostgres } from '../helpers/db.ts';
import { seedStory } from '../helpers/drafts.ts';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.ts';
import { inject } from 'vitest';

const url = inject('databaseUrl');
const T0 = new Date('2026-03-02T08:00:00Z');
const DAY = 86_400_000;

describe.skipIf(url === null)('pressdesk digest run / subscribers (PostgreSQL)', () => {
  let t: Awaited<ReturnType<typeof openTestPostgres>>;
  let smtp: SmtpSink;
  let env: Record<string, string>;

  beforeAll(async () => {
    t = await openTestPostgres(url!);
    smtp = await startSmtpSink();
    env = {
      DATABASE_URL: `${url}${url!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${t.schema}`)}`,
      SMTP_URL: smtp.url,
      SECRET_KEY: 's'.repeat(32),
      PUBLIC_URL: 'http://pressdesk.test',
      MAIL_FROM: 'Napo <alerts@napo.example>',
      PRESSDESK_DATA_DIR: '/nonexistent-pressdesk-data',
      DIGEST_SEND_PER_MINUTE: '0',
    };
  });
  afterAll(async () => {
    await smtp?.close();
    await t?.close();
  });

  async function subscriber(email: string, topics: string[]) {
    const s = await recordSignup(t.db, { email, topics, frequency: 'daily', consentText: 'yes', now: T0 });
    return (await confirmSubscriber(t.db, s.id, s.linkVersion, T0))!;
  }

  /** Distinct digests (by Message-ID) each address received. */
  async function digestsByAddress() {
    const out = new Map<string, Set<string>>();
    for (const m of smtp.received) {
      const p = await simpleParser(m.raw);
      if (!p.subject?.startsWith('Daily news digest')) continue;
      for (const to of m.to) out.set(to, (out.get(to) ?? new Set()).add(p.messageId ?? ''));
    }
    return out;
  }

  it('sends each subscriber one digest; a second run sends nothing; a killed run resumes with no repeat', { timeout: 180_000 }, async () => {
    const addresses = Array.from({ length: 60 }, (_, i) => `reader${i}@example.org`);
    for (const [i, a] of addresses.entries()) await subscriber(a, i % 2 ? ['prisons'] : ['prisons', 'parole']);
    await subscriber('nobody@example.org', ['family-courts']); // nothing new for them: skipped as empty
    await seedStory(t.db, { title: 'Ten thousand new prison places announced', topic: 'prisons', at: new Date(T0.getTime() + 3_600_000) });
    await seedStory(t.db, { title: 'Parole board chair resigns', topic: 'parole', at: new Date(T0.getTime() + 7_200_000) });

    // Slow the server so the run can be killed halfway, then kill it.
    smtp.pace(40);
    const now = new Date(T0.getTime() + DAY).toISOString();
    const child = spawn(process.execPath, [BIN, 'digest', 'run', '--frequency', 'daily', '--now', now], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    while (smtp.received.length < 10) {
      if (child.exitCode !== null) throw new Error('the run ended before it could be killed');
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await exited;
    const halfway = (await digestsByAddress()).size;
    expect(halfway).toBeGreaterThanOrEqual(10);
    expect(halfway).toBeLessThan(60);

    // Run again once the dead sender's leases (5 minutes) have lapsed.
    smtp.pace(0);
    const later = new Date(T0.getTime() + DAY + 10 * 60_000).toISOString();
    const again = await runCliAsync(['digest', 'run', '--frequency', 'daily', '--now', later], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^digest daily D2026-03-03: \d+ sent, 0 empty skipped/);
    const got = await digestsByAddress();
    expect([...got.keys()].sort()).toEqual([...addresses].sort());
    for (const [a, ids] of got) expect(ids.size, a).toBe(1);
    expect(got.has('nobody@example.org')).toBe(false);
    // The parole readers' digest holds both stories; the others' only the prisons one.
    const mail = smtp.received.find((m) => m.to.includes('reader0@example.org'))!;
    const text = (await simpleParser(mail.raw)).text ?? '';
    expect(text).toContain('Ten thousand new prison places announced');
    expect(text).toContain('Parole board chair resigns');

    const count = smtp.received.length;
    const third = await runCliAsync(['digest', 'run', '--frequency', 'daily', '--now', later], env);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toContain(': 0 sent');
    expect(smtp.received.length).toBe(count);
  });

  it('lists subscribers, suppresses an address, and refuses bad flags with what to do', { timeout: 120_000 }, async () => {
    await subscriber('listed@example.org', ['courts']);
    const list = await runCliAsync(['subscribers', 'list', '--json'], env);
    expect(list.code, list.stderr).toBe(0);
    const rows = list.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.find((r) => r.email === 'listed@example.org')).toMatchObject({ status: 'active', frequency: 'daily', topics: ['courts'] });

    const sup = await runCliAsync(['subscribers', 'suppress', 'Listed@Example.org', '--reason', 'complaint'], env);
    expect(sup.code, sup.stderr).toBe(0);
    expect(sup.stderr).toContain('listed@example.org suppressed (complaint); its subscription ended');
    expect((await findSubscriber(t.db, 'listed@example.org'))!.status).toBe('suppressed');

    const bad = await runCliAsync(['digest', 'run', '--frequency', 'hourly'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--frequency must be one of instant, daily, weekly');
    const badNow = await runCliAsync(['digest', 'run', '--frequency', 'daily', '--now', 'yesterday'], env);
    expect(badNow.code).toBe(1);
    expect(badNow.stderr).toContain('--now must be a date and time in ISO 8601');
  });
});
