// The HTTP fetcher every poll and page fetch goes through. Built on node:http/https rather than global
// fetch because only there can the SSRF guard run inside the socket's `lookup`, on the address actually
// connected to (so DNS rebinding cannot swap in 127.0.0.1 after a check), and again on every redirect hop.
// Returns for ANY HTTP status; throws FetchError only for transport failures. Bodies stream through a byte
// counter before and after decompression, so a 50 MB body or a zip bomb is cut off at maxBytes.
// Connections are kept alive and reused per host (one agent per allowPrivate setting, the guarded lookup set on
// the agent, so a pooled socket was always connected through the same guard): a re-poll of a feed on a host
// just polled skips the TCP (and TLS) handshake.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { checkAddress, checkUrl } from './ssrf.ts';

export interface FetchOptions {
  /** FETCH_ALLOW_PRIVATE: reach loopback/private addresses (local development and tests only). */
  allowPrivate: boolean;
  userAgent: string;
  etag?: string;
  lastModified?: string;
  accept?: string;
  /** Until the response headers arrive: DNS, TCP, TLS and the server's think time. Default 10 s. */
  connectTimeoutMs?: number;
  /** The whole fetch, redirects and body included. Default 30 s. */
  totalTimeoutMs?: number;
  /** Cap on the body, both as transferred and after decompression. Default 10 MB. */
  maxBytes?: number;
  maxRedirects?: number;
  signal?: AbortSignal;
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
}

export interface FetchResult {
  status: number;
  /** Final URL after redirects. */
  url: string;
  /** Every URL that answered with a redirect, in order. */
  redirects: string[];
  /** Lower-case keys; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Decompressed; empty on 304. */
  body: Uint8Array;
  notModified: boolean;
  /** Body bytes as transferred (before decompression). */
  bytes: number;
  ms: number;
}

export type FetchErrorKind = 'dns' | 'connect' | 'timeout' | 'tls' | 'too_large' | 'redirects' | 'ssrf' | 'protocol' | 'aborted';

export class FetchError extends Error {
  readonly kind: FetchErrorKind;
  constructor(kind: FetchErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FetchError';
    this.kind = kind;
  }
}

const MB = 1024 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const PRIVATE_HINT = 'set FETCH_ALLOW_PRIVATE=true only for local development';
const NEVER_HINT = 'pressdesk never fetches such URLs; check the source URL';

/** One fetch in flight: whatever first fails it (timeout, abort, limit) wins, and tears the socket down. */
interface Flight {
  failure?: FetchError;
  stop?: (err: Error) => void;
  fail(err: FetchError): void;
}

function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, options, (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => {
      if (err) return callback(err, address, family);
      const all = Array.isArray(address) ? address : [{ address, family: family ?? 4 }];
      for (const a of all) {
        const c = checkAddress(a.address, { allowPrivate });
        if (!c.ok) {
          const hint = allowPrivate || !checkAddress(a.address, { allowPrivate: true }).ok ? NEVER_HINT : PRIVATE_HINT;
          const msg = `fetch: refused ${hostname} -> ${a.address} (${c.reason}) — ${hint}`;
          return callback(new FetchError('ssrf', msg), address, family);
        }
      }
      callback(null, address, family);
    });
  };
}

// Free sockets are closed after this long idle (servers commonly close theirs at 5 s; reusing one the server is
// closing costs a retry). Node also honours a shorter `Keep-Alive: timeout=` hint from the server.
const IDLE_MS = 4000;
// Free sockets kept per host: Node's default. With fewer than the polls in flight, sockets a burst released were
// closed and reopened by the next polls (32 here: 915 new connections in 7,000 re-polls of one host against 9);
// idle ones still close after IDLE_MS.
const MAX_FREE_SOCKETS = 256;
const agents = new Map<string, http.Agent>();

function agentFor(protocol: string, allowPrivate: boolean): http.Agent {
  const key = `${protocol}${allowPrivate}`;
  let a = agents.get(key);
  if (!a) {
    const o = { keepAlive: true, timeout: IDLE_MS, maxFreeSockets: MAX_FREE_SOCKETS, scheduling: 'lifo' as const, lookup: guardedLookup(allowPrivate) };
    a = protocol === 'https:' ? new https.Agent(o) : new http.Agent(o);
    agents.set(key, a);
  }
  return a;
}

function transportError(err: unknown, url: URL): FetchError {
  if (err instanceof FetchError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = e.code ?? '';
  const host = url.host;
  const detail = `${code || e.name}: ${e.message}`;
  if (/^(ENOTFOUND|EAI_)/.test(code)) {
    return new FetchError('dns', `fetch: cannot resolve ${url.hostname} (${code}) — check the source URL; EAI_AGAIN means DNS is failing, try later`, { cause: err });
  }
  if (/CERT|SSL|TLS|EPROTO|SIGNATURE/.test(code)) {
    return new FetchError('tls', `fetch: TLS failed with ${host} (${detail}) — the site's certificate is invalid; tell the site owner or use its http:// URL`, { cause: err });
  }
  if (code.startsWith('HPE_')) {
    return new FetchError('protocol', `fetch: ${host} sent malformed HTTP (${detail}) — the server is broken; try again later`, { cause: err });
  }
  if (code === 'ABORT_ERR') return new FetchError('aborted', `fetch: ${url.href} was cancelled`, { cause: err });
  return new FetchError('connect', `fetch: cannot connect to ${host} (${detail}) — the server may be down; try again later`, { cause: err });
}

function requestHeaders(opts: FetchOptions, method: string, body: string | undefined, crossOrigin: boolean) {
  const h: Record<string, string> = {
    'user-agent': opts.userAgent,
    accept: opts.accept ?? '*/*',
    'accept-encoding': 'gzip, deflate, br',
  };
  if (opts.etag) h['if-none-match'] = opts.etag;
  if (opts.lastModified) h['if-modified-since'] = opts.lastModified;
  for (const [k, v] of Object.entries(opts.headers ?? {})) {
    const key = k.toLowerCase();
    // Credentials are for the origin they were configured for, never for wherever it redirects.
    if (crossOrigin && (key === 'authorization' || key === 'cookie')) continue;
    h[key] = v;
  }
  if (method === 'POST') h['content-length'] = String(Buffer.byteLength(body ?? ''));
  return h;
}

function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined, opts: FetchOptions, flight: Flight, fresh = false) {
  return new Promise<IncomingMessage>((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const agent = fresh ? false : agentFor(url.protocol, opts.allowPrivate);
    const req = mod.request(url, { method, headers, agent, lookup: guardedLookup(opts.allowPrivate) });
    const ms = opts.connectTimeoutMs ?? 10_000;
    const timer = setTimeout(() => {
      flight.fail(new FetchError('timeout', `fetch: no response from ${url.host} within ${ms} ms (connect timeout) — the server may be overloaded; try again later`));
    }, ms);
    flight.stop = (err) => req.destroy(err);
    req.on('response', (res) => {
      clearTimeout(timer);
      resolve(res);
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      // A pooled socket the server closed while it sat idle: once more on a new connection.
      const code = (err as NodeJS.ErrnoException).code;
      if (!flight.failure && req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE')) {
        resolve(send(url, method, headers, body, opts, flight, true));
        return;
      }
      reject(flight.failure ?? transportError(err, url));
    });
    req.end(method === 'POST' ? (body ?? '') : undefined);
  });
}

function decoderFor(encoding: string, url: URL) {
  if (encoding === 'gzip' || encoding === 'x-gzip') return createGunzip();
  if (encoding === 'deflate') return createInflate();
  if (encoding === 'br') return createBrotliDecompress();
  throw new FetchError('protocol', `fetch: ${url.host} sent Content-Encoding "${encoding}", which pressdesk did not ask for — report it to the site owner`);
}

async function readBody(res: IncomingMessage, url: URL, maxBytes: number, flight: Flight) {
  const tooLarge = (what: string) =>
    new FetchError('too_large', `fetch: ${url.href} ${what} exceeds the ${maxBytes} byte limit — raise maxBytes for this source only if the size is genuine`);
  const declared = Number(res.headers['content-length']);
  if (declared > maxBytes) throw tooLarge(`body (Content-Length ${declared})`);
  const encodings = (res.headers['content-encoding'] ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e && e !== 'identity')
    .reverse();
  const decoders = encodings.map((e) => decoderFor(e, url));
  let wire = 0;
  let size = 0;
  const chunks: Buffer[] = [];
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      wire += chunk.length;
      done(wire > maxBytes ? tooLarge('body') : null, chunk);
    },
  });
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > maxBytes) return done(tooLarge('decompressed body'));
      chunks.push(chunk);
      done();
    },
  });
  flight.stop = (err) => res.destroy(err);
  try {
    await pipeline([res, counter, ...decoders, sink]);
  } catch (err) {
    if (flight.failure) throw flight.failure;
    if (err instanceof FetchError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_') || code.startsWith('ERR_BROTLI') || code === 'ERR__ERROR') {
      throw new FetchError('protocol', `fetch: corrupt ${encodings.join('+')} body from ${url.host} (${(err as Error).message}) — try again later`, { cause: err });
    }
    throw new FetchError('protocol', `fetch: ${url.host} closed the connection before the body was complete (${code || (err as Error).message}) — try again later`, { cause: err });
  }
  return { body: Buffer.concat(chunks, size), wire };
}

function flatHeaders(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headersDistinct)) if (v) out[k] = v.join(', ');
  return out;
}

/** GET (or POST) one URL with the SSRF guard, limits, conditional validators and decompression. */
export async function fetchUrl(url: string, opts: FetchOptions): Promise<FetchResult> {
  const started = performance.now();
  const maxBytes = opts.maxBytes ?? 10 * MB;
  const maxRedirects = opts.maxRedirects ?? 5;
  const total = opts.totalTimeoutMs ?? 30_000;
  const flight: Flight = {
    fail(err) {
      this.failure ??= err;
      this.stop?.(err);
    },
  };
  if (opts.signal?.aborted) throw new FetchError('aborted', `fetch: ${url} was cancelled before it started`);
  const onAbort = () => flight.fail(new FetchError('aborted', `fetch: ${url} was cancelled`));
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    flight.fail(new FetchError('timeout', `fetch: ${url} did not complete within ${total} ms (total timeout) — the server is too slow; try again later`));
  }, total);
  try {
    const redirects: string[] = [];
    let current = url;
    let method: string = opts.method ?? 'GET';
    let body = opts.body;
    const origin = new URL(url).origin;
    for (;;) {
      if (flight.failure) throw flight.failure;
      const check = checkUrl(current, { allowPrivate: opts.allowPrivate });
      if (!check.ok) {
        const hint = checkUrl(current, { allowPrivate: true }).ok ? PRIVATE_HINT : NEVER_HINT;
        throw new FetchError('ssrf', `fetch: refused ${current} (${check.reason}) — ${hint}`);
      }
      const u = new URL(current);
      const res = await send(u, method, requestHeaders(opts, method, body, u.origin !== origin), body, opts, flight);
      const location = res.headers.location;
      if (REDIRECTS.has(res.statusCode ?? 0) && location) {
        res.destroy();
        if (redirects.length >= maxRedirects) {
          throw new FetchError('redirects', `fetch: more than ${maxRedirects} redirects from ${url} (last to ${location}) — update the source to its final URL`);
        }
        redirects.push(current);
        try {
          current = new URL(location, u).href;
        } catch {
          throw new FetchError('protocol', `fetch: ${u.host} redirected to an invalid URL ${JSON.stringify(location)} — report it to the site owner`);
        }
        // Browsers turn a redirected POST into a GET; only 307/308 promise to keep the method and body.
        if (res.statusCode === 303 || (method === 'POST' && res.statusCode !== 307 && res.statusCode !== 308)) {
          method = 'GET';
          body = undefined;
        }
        continue;
      }
      const status = res.statusCode ?? 0;
      const headers = flatHeaders(res);
      if (status === 304) {
        // No body: read the (empty) rest so the connection goes back to the pool before we return.
        flight.stop = (err) => res.destroy(err);
        await new Promise<void>((r) => {
          res.once('end', r).once('close', r).once('error', () => r()).resume();
        });
        return { status, url: current, redirects, headers, body: new Uint8Array(), notModified: true, bytes: 0, ms: performance.now() - started };
      }
      const { body: data, wire } = await readBody(res, u, maxBytes, flight).catch((err) => {
        res.destroy();
        throw err;
      });
      return { status, url: current, redirects, headers, body: data, notModified: false, bytes: wire, ms: performance.now() - started };
    }
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** Retry-After as a moment: delta-seconds or an HTTP-date; a date in the past means "now". */
export function parseRetryAfter(value: string | undefined, now: Date): Date | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) {
    const at = new Date(now.getTime() + Number(v) * 1000);
    return Number.isNaN(at.getTime()) ? undefined : at;
  }
  const t = Date.parse(v);
  if (Number.isNaN(t) || !/[a-z]/i.test(v)) return undefined;
  return new Date(Math.max(t, now.getTime()));
}

/** When the response stops being fresh: Cache-Control max-age (less Age) wins over Expires; no-store/no-cache
 *  and an invalid Expires ("0", "-1") mean already stale. Undefined when the server says nothing. */
export function parseCacheHeaders(headers: Record<string, string | undefined>, now: Date): { expires?: Date } {
  const cc = (headers['cache-control'] ?? '').toLowerCase();
  if (/(^|[\s,])(no-store|no-cache)\b/.test(cc)) return { expires: now };
  const maxAge = /(?:^|[\s,])max-age\s*=\s*"?(\d+)/.exec(cc);
  if (maxAge) {
    const age = Number(headers['age']?.trim()) || 0;
    return { expires: new Date(now.getTime() + Math.max(0, Number(maxAge[1]) - age) * 1000) };
  }
  const expires = headers['expires']?.trim();
  if (expires === undefined) return {};
  const t = Date.parse(expires);
  return { expires: Number.isNaN(t) || !/[a-z]/i.test(expires) ? now : new Date(t) };
}
