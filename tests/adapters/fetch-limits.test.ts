// fetchUrl's guards against hostile or broken servers: the SSRF refusal before connecting, size limits on
// streamed and compressed bodies, timeouts. Assertions are on error kinds and on what the server saw.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FetchOptions, fetchUrl } from '../../src/adapters/fetch.ts';
import { type LoopbackServer, startLoopbackServer } from '../helpers/loopback-server.ts';

const opts: FetchOptions = { allowPrivate: true, userAgent: 'pressdesk-test/1.0' };
const MB = 1024 * 1024;

/** A name other than localhost that /etc/hosts maps to loopback: resolved by the OS with no DNS traffic. */
function hostsLoopbackName(): string | undefined {
  try {
    for (const line of readFileSync('/etc/hosts', 'utf8').split('\n')) {
      const [ip, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
      const name = names.find((n) => n && n !== 'localhost' && !n.endsWith('.localhost'));
      if (ip?.startsWith('127.') && name) return name;
    }
  } catch {}
  return undefined;
}

let srv: LoopbackServer;
beforeAll(async () => {
  srv = await startLoopbackServer({
    '/feed': { body: 'ok' },
    '/to-metadata': { redirect: 'http://169.254.169.254/latest/meta-data/' },
    '/to-mapped': { redirect: 'http://[::ffff:a9fe:a9fe]/' },
    '/huge-declared': { stream: { bytes: 50 * MB } },
    '/huge': { stream: { bytes: 50 * MB }, noContentLength: true },
    '/gzip-bomb': { stream: { bytes: 1024 * MB }, encoding: 'gzip' },
    '/br-bomb': { stream: { bytes: 1024 * MB }, encoding: 'br' },
    '/hang': { hang: true },
    '/slow-headers': { delayMs: 50, body: 'late but fine' },
    '/trickle': { trickle: { chunk: 'x', everyMs: 20, count: 10_000 } },
    '/short': { body: 'short', headers: { 'Content-Length': '100' }, noContentLength: true },
  });
});
afterAll(() => srv.close());

describe('fetchUrl SSRF guard', () => {
  it('refuses 127.0.0.1 when allowPrivate is false, before connecting', async () => {
    const err = await fetchUrl(srv.url('/feed'), { ...opts, allowPrivate: false }).catch((e) => e);
    expect(err.kind).toBe('ssrf');
    expect(err.message).toMatch(/^fetch: refused http:\/\/127\.0\.0\.1:\d+\/feed \(loopback address 127\.0\.0\.1\) — set FETCH_ALLOW_PRIVATE=true only for local development/);
    expect(srv.hits('/feed')).toHaveLength(0);
  });

  it('refuses localhost by name before resolving it', async () => {
    await expect(fetchUrl(`http://localhost:${srv.port}/feed`, { ...opts, allowPrivate: false })).rejects.toMatchObject({ kind: 'ssrf' });
    expect(srv.hits('/feed')).toHaveLength(0);
  });

  const name = hostsLoopbackName();
  it.skipIf(!name)('checks the RESOLVED address of a hostname (here one /etc/hosts maps to 127.x)', async () => {
    const err = await fetchUrl(`http://${name}:${srv.port}/feed`, { ...opts, allowPrivate: false }).catch((e) => e);
    expect(err.kind).toBe('ssrf');
    expect(err.message).toMatch(new RegExp(`refused ${name} -> 127\\.`));
    expect(srv.hits('/feed')).toHaveLength(0);
    // The same name is fine once private addresses are allowed: the guard, not the name, refused it.
    expect((await fetchUrl(`http://${name}:${srv.port}/feed`, opts)).status).toBe(200);
  });

  it.each(['/to-metadata', '/to-mapped'])('checks every redirect hop: %s to cloud metadata is refused even with allowPrivate', async (path) => {
    const err = await fetchUrl(srv.url(path), opts).catch((e) => e);
    expect(err.kind).toBe('ssrf');
    expect(err.message).toMatch(/cloud metadata.* — pressdesk never fetches such URLs/);
    expect(srv.hits(path)).toHaveLength(1);
  });
});

describe('fetchUrl size limits', () => {
  it('a declared 50 MB body is refused from its Content-Length, and the connection closed', async () => {
    await expect(fetchUrl(srv.url('/huge-declared'), opts)).rejects.toMatchObject({ kind: 'too_large', message: /Content-Length 52428800/ });
    const hit = srv.hits('/huge-declared')[0]!;
    expect(await hit.done).toBe('closed');
    expect(hit.bytesSent).toBeLessThan(20 * MB);
  });

  it('a streamed 50 MB body is aborted at maxBytes (default 10 MB), and the server sees the connection close', async () => {
    const before = process.memoryUsage().arrayBuffers;
    const err = await fetchUrl(srv.url('/huge'), opts).catch((e) => e);
    expect(err.kind).toBe('too_large');
    expect(err.message).toMatch(/exceeds the 10485760 byte limit/);
    const hit = srv.hits('/huge')[0]!;
    expect(await hit.done).toBe('closed');
    expect(hit.bytesSent).toBeLessThan(30 * MB);
    // Bounded: nothing near the 50 MB the server offered is still held after the abort.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(40 * MB);
  });

  it.each(['/gzip-bomb', '/br-bomb'])('%s (1 GB inflated) is aborted at maxBytes of DECOMPRESSED size', async (path) => {
    const err = await fetchUrl(srv.url(path), { ...opts, maxBytes: 2 * MB }).catch((e) => e);
    expect(err.kind).toBe('too_large');
    expect(err.message).toMatch(/decompressed body exceeds the 2097152 byte limit/);
    const hit = srv.hits(path)[0]!;
    expect(await hit.done).toBe('closed');
    expect(hit.bytesSent).toBeLessThan(2 * MB); // compressed bytes: the bomb is tiny on the wire
  });

  it('a body cut short of its Content-Length is a protocol error', async () => {
    await expect(fetchUrl(srv.url('/short'), opts)).rejects.toMatchObject({ kind: 'protocol', message: /before the body was complete/ });
  });
});

describe('fetchUrl timeouts and cancellation', () => {
  it('a server that never answers hits the connect timeout', async () => {
    const err = await fetchUrl(srv.url('/hang'), { ...opts, connectTimeoutMs: 150 }).catch((e) => e);
    expect(err.kind).toBe('timeout');
    expect(err.message).toMatch(/no response from 127\.0\.0\.1:\d+ within 150 ms \(connect timeout\)/);
    expect(await srv.hits('/hang')[0]!.done).toBe('closed');
  });

  it('headers that arrive within the connect timeout are fine', async () => {
    const r = await fetchUrl(srv.url('/slow-headers'), { ...opts, connectTimeoutMs: 5000 });
    expect(Buffer.from(r.body).toString()).toBe('late but fine');
  });

  it('a trickling body hits the total timeout', async () => {
    const err = await fetchUrl(srv.url('/trickle'), { ...opts, totalTimeoutMs: 300 }).catch((e) => e);
    expect(err.kind).toBe('timeout');
    expect(err.message).toMatch(/did not complete within 300 ms \(total timeout\)/);
    expect(await srv.hits('/trickle')[0]!.done).toBe('closed');
  });

  it('an abort signal cancels a fetch mid-body', async () => {
    const ac = new AbortController();
    const pending = fetchUrl(srv.url('/trickle'), { ...opts, signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    await expect(pending).rejects.toMatchObject({ kind: 'aborted' });
    expect(await srv.hits('/trickle')[1]!.done).toBe('closed');
  });
});
