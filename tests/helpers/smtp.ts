// An in-process SMTP server on loopback that keeps every message it accepts, parsed; `reply` lets a test make
// it answer a message with a 4xx or 5xx instead, as real servers do.
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface TestSmtp {
  url: string;
  received: (ParsedMail & { acceptedAt: number; rcpt: string[] })[];
  /** Decides the reply to each message: undefined accepts it; { code, message } refuses it. */
  reply?: (rcpt: string[]) => { code: number; message: string } | undefined;
  /** Resolves once `n` messages were accepted (polls the list; never a fixed sleep). */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const t: TestSmtp = {
    url: '',
    received: [],
    async waitFor(n, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      while (t.received.length < n) {
        if (Date.now() > until) throw new Error(`smtp: ${t.received.length} of ${n} messages arrived in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // Pooled clients keep their connections open; closing must not wait the default 30 s for them.
    closeTimeout: 100,
    onData(stream, session, cb) {
      const rcpt = session.envelope.rcptTo.map((a) => a.address);
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const refuse = t.reply?.(rcpt);
        if (refuse) {
          const err = Object.assign(new Error(refuse.message), { responseCode: refuse.code });
          return cb(err);
        }
        const mail = await simpleParser(Buffer.concat(chunks));
        t.received.push(Object.assign(mail, { acceptedAt: performance.now(), rcpt }));
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  return t;
}
