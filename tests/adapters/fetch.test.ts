// fetchUrl against a loopback server: validators, redirects, decompression, statuses. Loopback only.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError, type FetchOptions, fetchUrl, parseCacheHeaders, parseRetryAfter } from '../../src/adapters/fetch.ts';
import { type LoopbackServer, startLoopbackServer } from '../helpers/loopback-server.ts';

const opts: FetchOptions = { allowPrivate: true, userAgent: 'pressdesk-test/1.0 (+http://127.0.0.1/)' };
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>Probation news</title></channel></rss>';
const LAST_MODIFIED = 'Tue, 17 Nov 2026 09:00:00 GMT';

let srv: LoopbackServer;
beforeAll(async () => {
  srv = await startLoopbackServer({
    '/feed': { body: FEED, etag: '"v1"', lastModified: LAST_MODIFIED, headers: { 'Content-Type': 'application/rss+xml' } },
    '/lying': { body: FEED, etag: '"old"', lie304: true },
    '/gzip': { body: FEED.repeat(50), encoding: 'gzip' },
    '/br': { body: FEED.repeat(50), encoding: 'br' },
    '/deflate': { body: FEED, encoding: 'deflate' },
    '/chunked': { body: FEED, noContentLength: true },
    '/corrupt': { body: 'this is not gzip', headers: { 'Content-Encoding': 'gzip' } },
    '/zstd': { body: 'x', headers: { 'Content-Encoding': 'zstd' } },
    '/r/1': { redirect: '../r/2', status: 301 },
    '/r/2': { redirect: '/r/3?x=1', status: 308 },
    '/r/3': { body: 'arrived' },
    '/loop': { redirect: '/loop' },
    '/to-ftp': { redirect: 'ftp://127.0.0.1/feed' },
    '/post': { redirect: '/landing', status: 303 },
    '/post307': { redirect: '/landing', status: 307 },
    '/landing': (req, hit) => ({ body: `${req.method} ${hit.body}` }),
    '/busy': { status: 429, headers: { 'Retry-After': '120' }, body: 'slow down' },
    '/gone': { status: 404, body: 'no such page' },
    '/multi': { headers: { 'Set-Cookie': ['a=1', 'b=2'], Vary: 'Accept' } },
  });
});
afterAll(() => srv.close());

describe('fetchUrl', () => {
  it('sends a clear User-Agent and gzip/deflate/br, and returns headers with lower-case keys', async () => {
    const r = await fetchUrl(srv.url('/feed'), opts);
    expect(r.status).toBe(200);
    expect(text(r.body)).toBe(FEED);
    expect(r.headers['content-type']).toBe('application/rss+xml');
    expect(r.headers['etag']).toBe('"v1"');
    const h = srv.hits('/feed').at(-1)!.headers;
    expect(h['user-agent']).toBe(opts.userAgent);
    expect(h['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('conditional GET: sends the validators and sees 304 with an empty body', async () => {
    const r = await fetchUrl(srv.url('/feed'), { ...opts, etag: '"v1"', lastModified: LAST_MODIFIED });
    expect(r.status).toBe(304);
    expect(r.notModified).toBe(true);
    expect(r.body.byteLength).toBe(0);
    const h = srv.hits('/feed').at(-1)!.headers;
    expect(h['if-none-match']).toBe('"v1"');
    expect(h['if-modified-since']).toBe(LAST_MODIFIED);
    // A stale validator gets the full body again.
    const fresh = await fetchUrl(srv.url('/feed'), { ...opts, etag: '"v0"' });
    expect(fresh.status).toBe(200);
    expect(fresh.notModified).toBe(false);
  });

  it('a lying server answers 304 to any validator; an unconditional fetch still gets the body', async () => {
    expect((await fetchUrl(srv.url('/lying'), { ...opts, etag: '"anything"' })).status).toBe(304);
    expect(text((await fetchUrl(srv.url('/lying'), opts)).body)).toBe(FEED);
  });

  it.each(['/gzip', '/br'])('decompresses %s bodies, counting transferred bytes separately', async (path) => {
    const r = await fetchUrl(srv.url(path), opts);
    expect(text(r.body)).toBe(FEED.repeat(50));
    expect(r.bytes).toBeLessThan(r.body.byteLength);
  });

  it('decompresses deflate and reads chunked bodies', async () => {
    expect(text((await fetchUrl(srv.url('/deflate'), opts)).body)).toBe(FEED);
    expect(text((await fetchUrl(srv.url('/chunked'), opts)).body)).toBe(FEED);
  });

  it('a corrupt gzip body or an encoding we never asked for is a protocol error', async () => {
    await expect(fetchUrl(srv.url('/corrupt'), opts)).rejects.toMatchObject({ kind: 'protocol', message: /corrupt gzip/ });
    await expect(fetchUrl(srv.url('/zstd'), opts)).rejects.toMatchObject({ kind: 'protocol', message: /zstd/ });
  });

  it('follows relative redirects and reports the chain and the final URL', async () => {
    const r = await fetchUrl(srv.url('/r/1'), opts);
    expect(text(r.body)).toBe('arrived');
    expect(r.url).toBe(srv.url('/r/3?x=1'));
    expect(r.redirects).toEqual([srv.url('/r/1'), srv.url('/r/2')]);
  });

  it('too many redirects is a FetchError of kind redirects', async () => {
    const err = await fetchUrl(srv.url('/loop'), { ...opts, maxRedirects: 3 }).catch((e) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect(err.kind).toBe('redirects');
    expect(err.message).toMatch(/^fetch: more than 3 redirects/);
    expect(srv.hits('/loop').length).toBe(4);
  });

  it('refuses a redirect to another scheme', async () => {
    await expect(fetchUrl(srv.url('/to-ftp'), opts)).rejects.toMatchObject({ kind: 'ssrf', message: /scheme ftp:/ });
  });

  it('POST: 303 becomes a GET without body, 307 keeps method and body', async () => {
    const post = { ...opts, method: 'POST' as const, body: 'hub.mode=subscribe', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };
    expect(text((await fetchUrl(srv.url('/post'), post)).body)).toBe('GET ');
    expect(text((await fetchUrl(srv.url('/post307'), post)).body)).toBe('POST hub.mode=subscribe');
    expect(srv.hits('/post')[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('returns error statuses instead of throwing; 429 Retry-After parses to a moment', async () => {
    const now = new Date('2026-11-22T10:00:00Z');
    const busy = await fetchUrl(srv.url('/busy'), opts);
    expect(busy.status).toBe(429);
    expect(parseRetryAfter(busy.headers['retry-after'], now)).toEqual(new Date('2026-11-22T10:02:00Z'));
    const gone = await fetchUrl(srv.url('/gone'), opts);
    expect(gone.status).toBe(404);
    expect(text(gone.body)).toBe('no such page');
  });

  it('joins repeated headers with ", "', async () => {
    const r = await fetchUrl(srv.url('/multi'), opts);
    expect(r.headers['set-cookie']).toBe('a=1, b=2');
    expect(r.headers['vary']).toBe('Accept');
  });

  it('a refused connection is kind connect; an already-aborted signal is kind aborted', async () => {
    const closed = await startLoopbackServer();
    const dead = closed.url('/');
    await closed.close();
    await expect(fetchUrl(dead, opts)).rejects.toMatchObject({ kind: 'connect', message: /^fetch: cannot connect to 127\.0\.0\.1:\d+ \(ECONNREFUSED/ });
    await expect(fetchUrl(srv.url('/feed'), { ...opts, signal: AbortSignal.abort() })).rejects.toMatchObject({ kind: 'aborted' });
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-11-22T10:00:00Z');
  it.each([
    ['0', '2026-11-22T10:00:00.000Z'],
    ['3600', '2026-11-22T11:00:00.000Z'],
    ['Sun, 22 Nov 2026 10:30:00 GMT', '2026-11-22T10:30:00.000Z'],
    ['Sun, 22 Nov 2026 09:00:00 GMT', '2026-11-22T10:00:00.000Z'],
  ])('%s -> %s', (v, iso) => {
    expect(parseRetryAfter(v, now)?.toISOString()).toBe(iso);
  });
  it.each([undefined, '', '-5', '1.5', 'soon', '12abc'])('%s -> undefined', (v) => {
    expect(parseRetryAfter(v, now)).toBeUndefined();
  });
});

describe('parseCacheHeaders', () => {
  const now = new Date('2026-11-22T10:00:00Z');
  const at = (s: number) => new Date(now.getTime() + s * 1000);
  it('max-age less Age, and it wins over Expires', () => {
    expect(parseCacheHeaders({ 'cache-control': 'public, max-age=600', age: '100', expires: 'Sun, 22 Nov 2026 12:00:00 GMT' }, now)).toEqual({ expires: at(500) });
  });
  it('Expires alone; an invalid Expires is already stale', () => {
    expect(parseCacheHeaders({ expires: 'Sun, 22 Nov 2026 12:00:00 GMT' }, now)).toEqual({ expires: at(7200) });
    expect(parseCacheHeaders({ expires: '0' }, now)).toEqual({ expires: now });
    expect(parseCacheHeaders({ expires: '-1' }, now)).toEqual({ expires: now });
  });
  it('no-cache / no-store mean stale now; nothing said means undefined', () => {
    expect(parseCacheHeaders({ 'cache-control': 'no-cache, max-age=600' }, now)).toEqual({ expires: now });
    expect(parseCacheHeaders({ 'cache-control': 'private, no-store' }, now)).toEqual({ expires: now });
    expect(parseCacheHeaders({ 'cache-control': 's-maxage=60' }, now)).toEqual({});
    expect(parseCacheHeaders({}, now)).toEqual({});
  });
});

describe('fetchUrl connections', () => {
  it('reuses a kept-alive connection for the next fetch from the same host, 304s included', async () => {
    const seen = new Set<number>();
    const server = createServer((req, res) => {
      seen.add(req.socket.remotePort ?? 0);
      if (req.headers['if-none-match'] === '"k"') return void res.writeHead(304, { ETag: '"k"' }).end();
      res.writeHead(200, { ETag: '"k"', 'Content-Type': 'application/rss+xml' }).end(FEED);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed`;
    try {
      expect((await fetchUrl(url, opts)).status).toBe(200);
      expect((await fetchUrl(url, { ...opts, etag: '"k"' })).status).toBe(304);
      expect((await fetchUrl(url, opts)).status).toBe(200);
      expect(seen.size).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('retries once on a new connection when the server dropped the idle one', async () => {
    let requests = 0;
    const server = createServer((req, res) => {
      requests++;
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      // Close the connection after the response without saying so: the client's pooled socket is dead.
      res.on('finish', () => req.socket.destroy());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
    try {
      expect(text((await fetchUrl(url, opts)).body)).toBe('ok');
      expect(text((await fetchUrl(url, opts)).body)).toBe('ok');
      expect(requests).toBeGreaterThanOrEqual(2);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

