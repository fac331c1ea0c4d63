// What the sending benches (distribute, digest) share: a loopback SMTP sink that only counts, the baseline
// (nodemailer's pooled transport alone, no queue and no database, to the same sink), and a peak-RSS sampler.
// (bench/run.ts skips files whose names start with `_`.)
import type { AddressInfo } from 'node:net';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { SMTPServer } from 'smtp-server';

export type Sink = Awaited<ReturnType<typeof startSink>>;

/** A loopback SMTP server that accepts everything and only counts: messages, their bytes, and RCPT TO per
 *  address. It reads no message body beyond its length, so it costs the run as little as it can. */
export async function startSink() {
  const rcpt = new Map<string, number>();
  let messages = 0;
  let bytes = 0;
  let waiting: { n: number; resolve: () => void } | undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // Pooled clients keep their connections open; closing must not wait the default 30 s for them.
    closeTimeout: 100,
    onRcptTo(address, _session, cb) {
      const a = address.address.toLowerCase();
      rcpt.set(a, (rcpt.get(a) ?? 0) + 1);
      cb();
    },
    onData(stream, _session, cb) {
      stream.on('data', (c: Buffer) => {
        bytes += c.length;
      });
      stream.on('end', () => {
        messages++;
        if (waiting && messages >= waiting.n) waiting.resolve();
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    rcpt,
    get messages() {
      return messages;
    },
    /** Bytes of message data (headers and body) accepted since the last reset. */
    get bytes() {
      return bytes;
    },
    reset() {
      rcpt.clear();
      messages = 0;
      bytes = 0;
    },
    /** Resolves once `n` messages have been accepted since the last reset. */
    waitFor: (n: number) =>
      new Promise<void>((resolve) => {
        if (messages >= n) resolve();
        else waiting = { n, resolve };
      }),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Recipients seen other than exactly once: `twice` of `expected` got more than one message, `missing` got
 *  none, `stray` were mailed though not expected. */
export function exactlyOnce(sink: Sink, expected: ReadonlySet<string>) {
  let twice = 0;
  let stray = 0;
  for (const [a, n] of sink.rcpt) {
    if (!expected.has(a)) stray++;
    else if (n > 1) twice++;
  }
  const missing = [...expected].filter((e) => !sink.rcpt.has(e)).length;
  return { distinct: sink.rcpt.size, twice, missing, stray, ok: twice === 0 && missing === 0 && stray === 0 };
}

/** The baseline: `n` messages through nodemailer's pooled transport, with the pool settings pressdesk's mailer
 *  uses (src/adapters/mailer.ts: pool, nodemailer's default 5 connections, no requeue), straight to the sink
 *  (no queue, no database), all handed over at once. Resets the sink first. */
export async function nodemailerBaseline(sink: Sink, n: number, message: (i: number) => SendMailOptions) {
  const url = new URL(sink.url);
  url.searchParams.set('pool', 'true');
  url.searchParams.set('maxRequeues', '0');
  const transport = nodemailer.createTransport(url.toString());
  sink.reset();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    await Promise.all(Array.from({ length: n }, (_, i) => transport.sendMail(message(i))));
  } finally {
    transport.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { seconds, rate: n / seconds, cpuUsPerMessage: (cpu.user + cpu.system) / n, bytesPerMessage: sink.bytes / n };
}

/** Samples process.memoryUsage().rss every `ms` from now until stop(), which returns the highest sample in
 *  bytes (the whole process: pressdesk, the sink and, on PGlite, the database). A busy event loop samples
 *  less often; process.resourceUsage().maxRSS is the kernel's peak over the process's whole life. */
export function sampleRss(ms = 50) {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, ms);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
