// An in-process SMTP server on loopback that records every accepted message, and answers RCPT TO for chosen
// addresses with a chosen reply (421 once, 550 always…) to test how senders handle refusals.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Received {
  to: string[];
  raw: Buffer;
}

export interface SmtpSink {
  url: string;
  received: Received[];
  /** Reply for RCPT TO `address` on its nth try (1-based); undefined = accept. */
  refuse: (fn: (address: string, attempt: number) => { code: number; message: string } | undefined) => void;
  /** Wait this long before accepting each message (a slow server, so a test can act mid-run). */
  pace: (ms: number) => void;
  /** Resolves once `n` messages were accepted (polls the list; never a fixed sleep). */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const received: Received[] = [];
  const tries = new Map<string, number>();
  let refusal: (address: string, attempt: number) => { code: number; message: string } | undefined = () => undefined;
  let paceMs = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // Pooled clients keep their connections open; closing must not wait the default 30 s for them.
    closeTimeout: 100,
    onRcptTo(address, _session, cb) {
      const a = address.address.toLowerCase();
      const n = (tries.get(a) ?? 0) + 1;
      tries.set(a, n);
      const r = refusal(a, n);
      if (!r) return cb();
      const err = Object.assign(new Error(r.message), { responseCode: r.code });
      return cb(err);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const accept = () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()), raw: Buffer.concat(chunks) });
          cb();
        };
        if (paceMs > 0) setTimeout(accept, paceMs);
        else accept();
      });
    },
  });
  // A client killed mid-conversation resets its connection: that is the test's doing, not a server error.
  server.on('error', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refuse: (fn) => {
      refusal = fn;
    },
    pace: (ms) => {
      paceMs = ms;
    },
    async waitFor(n, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > until) throw new Error(`smtp: ${received.length} of ${n} messages arrived in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
