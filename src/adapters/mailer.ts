// Mail goes to SMTP (pooled connections) when SMTP_URL is set, otherwise into a local outbox of real .eml files (RFC 5322, the
// same bytes SMTP would carry), listed in the web UI, so a fresh install can show every email it would send.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string | string[] | { name: string; address: string };
  subject: string;
  html?: string;
  text: string;
  headers?: Record<string, string>;
  replyTo?: string;
  messageId?: string;
}

export interface Mailer {
  describe: string;
  send(msg: MailMessage): Promise<{ messageId: string; file?: string }>;
  close(): void;
}

export function createMailer(opts: { smtpUrl?: string; from: string; outboxDir: string }): Mailer {
  if (opts.smtpUrl) {
    // Pooled: a release to thousands of contacts reuses a few connections instead of one per email.
    const url = new URL(opts.smtpUrl);
    if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
    // A 421 closes the connection; the pool would quietly resend on a new one. The caller retries instead,
    // with its own backoff and a record of what the server said.
    if (!url.searchParams.has('maxRequeues')) url.searchParams.set('maxRequeues', '0');
    const transport = nodemailer.createTransport(url.toString());
    return {
      describe: `smtp ${new URL(opts.smtpUrl).host}`,
      async send(msg) {
        const info = await transport.sendMail({ from: opts.from, ...msg });
        return { messageId: info.messageId };
      },
      close: () => transport.close(),
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    describe: `outbox ${opts.outboxDir}`,
    async send(msg) {
      const info = await transport.sendMail({ from: opts.from, ...msg });
      mkdirSync(opts.outboxDir, { recursive: true, mode: 0o700 });
      const safeId = info.messageId.replace(/[^\w.@-]/g, '');
      const file = join(opts.outboxDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${safeId}.eml`);
      writeFileSync(file, info.message as Buffer, { mode: 0o600 });
      return { messageId: info.messageId, file };
    },
    close: () => transport.close(),
  };
}

/** SMTP reply class from a nodemailer error: 4 (try later), 5 (permanent) or undefined (no reply: network). */
export function replyClass(err: unknown): 4 | 5 | undefined {
  const code = (err as { responseCode?: unknown })?.responseCode;
  if (typeof code !== 'number') return undefined;
  if (code >= 500 && code < 600) return 5;
  if (code >= 400 && code < 500) return 4;
  return undefined;
}

/** What the server said (or the network error), for a delivery's or digest's record. */
export const replyText = (err: unknown): string => {
  const e = err as { response?: unknown; message?: unknown };
  return String(typeof e?.response === 'string' && e.response ? e.response : (e?.message ?? err)).slice(0, 1000);
};

export interface OutboxEntry {
  file: string;
  bytes: number;
  at: Date;
}

/** Newest first. */
export function listOutbox(outboxDir: string, limit = 100): OutboxEntry[] {
  let names: string[];
  try {
    names = readdirSync(outboxDir).filter((f) => f.endsWith('.eml'));
  } catch {
    return [];
  }
  return names
    .sort()
    .reverse()
    .slice(0, limit)
    .map((file) => {
      const s = statSync(join(outboxDir, file));
      return { file, bytes: s.size, at: s.mtime };
    });
}
