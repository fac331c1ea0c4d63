// The https path: a loopback server with a throwaway self-signed certificate must fail as kind 'tls', with the
// SSRF lookup guard still in the way first. Skips when openssl is not installed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchUrl } from '../../src/adapters/fetch.ts';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasOpenssl())('fetchUrl over https', () => {
  let server: Server;
  let port = 0;
  let hits = 0;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pressdesk-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => {
        hits++;
        res.end('secret');
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('an untrusted certificate is kind tls and nothing is read', async () => {
    const err = await fetchUrl(`https://127.0.0.1:${port}/`, { allowPrivate: true, userAgent: 'pressdesk-test' }).catch((e) => e);
    expect(err.kind).toBe('tls');
    expect(err.message).toMatch(/^fetch: TLS failed with 127\.0\.0\.1:\d+ \(.*(SELF_SIGNED|CERT)/);
    expect(hits).toBe(0);
  });

  it('the SSRF guard refuses before any TLS handshake', async () => {
    await expect(fetchUrl(`https://127.0.0.1:${port}/`, { allowPrivate: false, userAgent: 'pressdesk-test' })).rejects.toMatchObject({ kind: 'ssrf' });
  });
});
