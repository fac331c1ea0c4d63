import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import { createMailer, listOutbox } from '../../src/adapters/mailer.ts';

const message = {
  to: 'press@example.org',
  subject: 'Napo responds: “10,000 prison places” — £ and €',
  text: 'Plain text body',
  html: '<p>HTML body</p>',
  headers: { 'X-Pressdesk-Draft': '12' },
};

describe('mailer', () => {
  it('writes a real .eml to the outbox when no SMTP server is configured', async () => {
    const outboxDir = join(mkdtempSync(join(tmpdir(), 'pd-outbox-')), 'outbox');
    const mailer = createMailer({ from: 'pressdesk <pd@example.org>', outboxDir });
    const sent = await mailer.send(message);
    const entries = listOutbox(outboxDir);
    expect(entries).toHaveLength(1);
    const parsed = await simpleParser(readFileSync(sent.file!));
    expect(parsed.subject).toBe(message.subject);
    expect(parsed.text?.trim()).toBe('Plain text body');
    expect(parsed.html).toContain('<p>HTML body</p>');
    expect(parsed.headers.get('x-pressdesk-draft')).toBe('12');
    expect(parsed.messageId).toBe(sent.messageId);
  });

  it('sends through SMTP when SMTP_URL is set', async () => {
    const received: Buffer[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push(Buffer.concat(chunks));
          cb();
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.server.address() as AddressInfo).port;
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: 'pd@example.org', outboxDir: '/nonexistent' });
    await mailer.send(message);
    mailer.close();
    await new Promise<void>((r) => server.close(() => r()));
    expect(received).toHaveLength(1);
    const parsed = await simpleParser(received[0]!);
    expect(parsed.subject).toBe(message.subject);
  });
});
