// `pressdesk digest run --frequency daily|weekly|instant [--now ISO]`: builds the digests due at that moment
// and sends them (and any an earlier run left unsent), then exits. `pressdesk subscribers list|suppress`.
import type { Command } from 'commander';
import { FREQUENCIES, type Frequency, SUBSCRIBER_STATUSES, SUPPRESSION_REASONS, type SubscriberStatus, type SuppressionReason } from '../domain/digests.ts';
import type { SendDigestsResult } from '../services/send-digests.ts';
import { config, fail, publicUrl, say, withStorage } from './context.ts';

// A 4xx ("try later") is tried again within the run after these pauses; what is still refused stays pending
// for the next run (or the scheduled workers).
const RETRY_PAUSES_MS = [5_000, 30_000];

const when = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');

export function register(program: Command) {
  program
    .command('digest')
    .description('campaigners\' digests')
    .command('run')
    .description('build the digests due now for one frequency and send them, then exit')
    .requiredOption('--frequency <f>', `one of ${FREQUENCIES.join(', ')}`)
    .option('--now <iso>', 'the moment to run as (ISO 8601, e.g. 2026-12-07T07:00:00Z); default: now')
    .action(async (o: { frequency: string; now?: string }) => {
      if (!FREQUENCIES.includes(o.frequency as Frequency)) fail(`digest: --frequency must be one of ${FREQUENCIES.join(', ')} (got ${o.frequency})`);
      const frequency = o.frequency as Frequency;
      const start = o.now === undefined ? Date.now() : Date.parse(o.now);
      if (!Number.isFinite(start)) fail(`digest: --now must be a date and time in ISO 8601, e.g. 2026-12-07T07:00:00Z (got ${o.now})`);
      const began = Date.now();
      const now = () => new Date(start + (Date.now() - began));
      const [c, { createMailer }, { resolveSecret }, { buildDigests }, { sendDigests }, { unsettledDigestIds }] = await Promise.all([
        config(),
        import('../adapters/mailer.ts'),
        import('../runtime.ts'),
        import('../services/build-digests.ts'),
        import('../services/send-digests.ts'),
        import('../storage/digests.ts'),
      ]);
      const mailer = createMailer({ smtpUrl: c.smtpUrl, from: c.mailFrom, outboxDir: `${c.dataDir}/outbox` });
      try {
        const r = await withStorage(async (s) => {
          // Subscribers' links point where the server is, even from a shell without its PUBLIC_URL.
          const deps = { db: s.db, mailer, config: { ...c, publicUrl: await publicUrl(s.db) }, secret: resolveSecret(c), now };
          const built = await buildDigests(deps, frequency, { onProgress: (n) => say(`digest: built for ${n} subscribers…`) });
          let ids = await unsettledDigestIds(s.db, { frequency });
          say(`digest: ${frequency} ${built.period}: ${built.subscribers} subscribers due, ${built.toSend.length} new digests, ${built.empty} empty; sending ${ids.length}`);
          const total: SendDigestsResult = { sent: 0, failed: 0, skipped: 0, retry: 0, busy: 0 };
          let shown = 0;
          for (let pass = 0; ; pass++) {
            const last = pass >= RETRY_PAUSES_MS.length;
            const base = { ...total };
            const r = await sendDigests(deps, ids, {
              finalAttempt: false,
              onProgress: (p) => {
                const done = base.sent + p.sent + base.failed + p.failed + base.skipped + p.skipped;
                if (done - shown >= 100 || done === ids.length) {
                  shown = done;
                  say(`digest: ${done} handled (${base.sent + p.sent} sent)…`);
                }
              },
            });
            total.sent += r.sent;
            total.failed += r.failed;
            total.skipped += r.skipped;
            total.busy = r.busy;
            total.retry = r.retry;
            total.lastError = r.lastError ?? total.lastError;
            if (!r.retry || last) break;
            say(`digest: ${r.retry} refused for now (${r.lastError}); trying again in ${RETRY_PAUSES_MS[pass]! / 1000} s`);
            await new Promise((res) => setTimeout(res, RETRY_PAUSES_MS[pass]));
            ids = await unsettledDigestIds(s.db, { frequency });
          }
          return { built, total };
        });
        const t = r.total;
        process.stdout.write(
          `digest ${frequency} ${r.built.period}: ${t.sent} sent, ${r.built.empty} empty skipped, ${t.skipped} skipped (unsubscribed or suppressed), ${t.failed} failed, ${t.retry} left to retry\n`,
        );
        if (t.busy) say(`digest: ${t.busy} digests are being sent by another process; they are left to it`);
        if (t.retry) say(`digest: the mail server refused ${t.retry} for now (${t.lastError}); run \`pressdesk digest run --frequency ${frequency}\` again later to send them`);
        if (t.failed) say(`digest: ${t.failed} failed for good (${t.lastError}); see the subscribers page`);
        if (t.retry || t.failed) process.exitCode = 1;
      } finally {
        mailer.close();
      }
    });

  const subscribers = program.command('subscribers').description('campaigners subscribed to digests');

  subscribers
    .command('list')
    .description('subscribers, newest first, with status, frequency and topics')
    .option('--json', 'one JSON object per line')
    .option('--status <s>', `only one status: ${SUBSCRIBER_STATUSES.join(', ')}`)
    .action(async (o: { json?: boolean; status?: string }) => {
      if (o.status && !SUBSCRIBER_STATUSES.includes(o.status as SubscriberStatus)) fail(`subscribers: --status must be one of ${SUBSCRIBER_STATUSES.join(', ')}`);
      const { listSubscribers } = await import('../storage/subscribers.ts');
      const rows = await withStorage((s) => listSubscribers(s.db, { status: o.status as SubscriberStatus | undefined }));
      for (const r of rows) {
        if (o.json) process.stdout.write(`${JSON.stringify({ id: r.id, email: r.email, status: r.status, frequency: r.frequency, topics: r.topics, createdAt: r.createdAt, confirmedAt: r.confirmedAt, unsubscribedAt: r.unsubscribedAt })}\n`);
        else process.stdout.write(`${r.id}\t${r.status}\t${r.frequency}\t${r.email}\t${r.topics.join(',')}\tconfirmed ${when(r.confirmedAt)}\n`);
      }
      if (!o.json && !rows.length) say('subscribers: none yet — campaigners sign up at /subscribe');
    });

  subscribers
    .command('suppress <email>')
    .description('never mail this address again (digests and releases); a subscriber with it is marked suppressed')
    .option('--reason <r>', SUPPRESSION_REASONS.join(', '), 'manual')
    .action(async (email: string, o: { reason: string }) => {
      if (!SUPPRESSION_REASONS.includes(o.reason as SuppressionReason)) fail(`subscribers: --reason must be one of ${SUPPRESSION_REASONS.join(', ')}`);
      if (!email.includes('@')) fail(`subscribers: ${email} is not an email address`);
      const { suppressAddress } = await import('../services/suppress-address.ts');
      const r = await withStorage((s) => suppressAddress({ db: s.db, now: () => new Date() }, email, o.reason as SuppressionReason));
      say(`subscribers: ${email.toLowerCase()} suppressed (${o.reason})${r.subscriber ? '; its subscription ended' : ''}`);
    });
}
