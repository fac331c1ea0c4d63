// A small HTTP server on 127.0.0.1 (ephemeral port) for tests and benches that need real HTTP traffic
// without leaving the machine. Routes are set per test; every request is recorded as a Hit.
//
//   const srv = await startLoopbackServer({ '/feed.xml': { body: xml, etag: '"v1"', encoding: 'gzip' } });
//   await fetchUrl(srv.url('/feed.xml'), opts);
//   srv.hits('/feed.xml')           // [{ method, path, headers, ... }]
//   srv.route('/feed.xml', { ... }) // replace a route mid-test (content changed)
//   await srv.close();
//
// Route options, all optional and combinable:
//   status, headers, body              plain response (default 200, empty body)
//   encoding: 'gzip'|'br'|'deflate'    compress the body and send Content-Encoding
//   redirect: '/other' | 'http://…'    Location header; status defaults to 302
//   delayMs                            wait before sending headers
//   hang                               accept the request and never answer (connect/response timeouts)
//   trickle: { chunk, everyMs, count } send the body slowly, chunk by chunk (total timeouts)
//   stream: { bytes, chunkSize }       generate a huge body on the fly, honouring backpressure (size limits);
//                                      with `encoding` it is compressed as it streams (a zip bomb)
//   etag / lastModified                answer 304 when If-None-Match / If-Modified-Since match
//   lie304                             answer 304 to ANY conditional request, even when the content changed
//   noContentLength                    send the body (or stream) chunked even when its length is known
// A route may also be a function of the request returning a Route (dynamic content, per-hit behaviour).
// Unknown paths get 404.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, constants, createBrotliCompress, createDeflate, createGzip, deflateSync, gzipSync } from 'node:zlib';

export interface Route {
  status?: number;
  headers?: Record<string, string | string[]>;
  body?: string | Uint8Array;
  encoding?: 'gzip' | 'br' | 'deflate';
  redirect?: string;
  delayMs?: number;
  hang?: boolean;
  trickle?: { chunk: string | Uint8Array; everyMs: number; count: number };
  stream?: { bytes: number; chunkSize?: number };
  etag?: string;
  lastModified?: string;
  lie304?: boolean;
  noContentLength?: boolean;
}

export type RouteSpec = Route | ((req: IncomingMessage, hit: Hit) => Route | Promise<Route>);

export interface Hit {
  method: string;
  path: string;
  /** Path with query string. */
  url: string;
  headers: IncomingMessage['headers'];
  /** Request body (POSTs). */
  body: string;
  status?: number;
  /** Body bytes written to the socket so far (after compression). */
  bytesSent: number;
  /** 'finished': the whole response was sent; 'closed': the client went away first. */
  outcome: 'pending' | 'finished' | 'closed';
  /** Resolves once the outcome is known. */
  done: Promise<'finished' | 'closed'>;
}

export interface LoopbackServer {
  /** Absolute URL of a path on this server, e.g. url('/feed.xml'). */
  url(path: string): string;
  origin: string;
  port: number;
  /** Sets or replaces the route for a path (matched on the path without the query string). */
  route(path: string, spec: RouteSpec): void;
  /** Every request to a path, oldest first; without a path, all requests. */
  hits(path?: string): Hit[];
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits for backpressure to clear, or for the client to go away. */
function drained(sink: NodeJS.WritableStream, res: ServerResponse) {
  return new Promise<void>((resolve) => {
    const done = () => {
      sink.off('drain', done);
      res.off('close', done);
      resolve();
    };
    sink.once('drain', done);
    res.once('close', done);
  });
}

function compress(body: Uint8Array, enc: Route['encoding']): Uint8Array {
  if (enc === 'gzip') return gzipSync(body);
  if (enc === 'br') return brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
  if (enc === 'deflate') return deflateSync(body);
  return body;
}

function compressor(enc: NonNullable<Route['encoding']>) {
  if (enc === 'gzip') return createGzip();
  if (enc === 'br') return createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 1 } });
  return createDeflate();
}

function notModified(req: IncomingMessage, r: Route): boolean {
  const inm = req.headers['if-none-match'];
  const ims = req.headers['if-modified-since'];
  if (r.lie304) return Boolean(inm || ims);
  if (r.etag && inm) return inm.split(/\s*,\s*/).includes(r.etag) || inm === '*';
  if (r.lastModified && ims && !inm) return Date.parse(ims) >= Date.parse(r.lastModified);
  return false;
}

async function respond(req: IncomingMessage, res: ServerResponse, r: Route, hit: Hit): Promise<void> {
  if (r.hang) return; // keep the socket open, say nothing
  if (r.delayMs) await sleep(r.delayMs);
  if (res.destroyed) return;
  const headers: Record<string, string | string[]> = { ...r.headers };
  if (r.etag) headers['ETag'] = r.etag;
  if (r.lastModified) headers['Last-Modified'] = r.lastModified;
  if (r.redirect) headers['Location'] = r.redirect;
  if (notModified(req, r)) {
    res.writeHead(304, headers).end();
    hit.status = 304;
    return;
  }
  const status = r.status ?? (r.redirect ? 302 : 200);
  hit.status = status;
  if (r.encoding) headers['Content-Encoding'] = r.encoding;

  if (r.stream) {
    const size = r.stream.chunkSize ?? 64 * 1024;
    const chunk = new Uint8Array(size).fill(0x61);
    if (!r.encoding && !r.noContentLength) headers['Content-Length'] = String(r.stream.bytes);
    res.writeHead(status, headers);
    const sink = r.encoding ? compressor(r.encoding) : res;
    if (r.encoding) sink.pipe(res);
    for (let left = r.stream.bytes; left > 0 && !res.destroyed; left -= size) {
      const ok = sink.write(left >= size ? chunk : chunk.subarray(0, left));
      if (!ok) await drained(sink, res);
    }
    if (!res.destroyed) sink.end();
    return;
  }
  if (r.trickle) {
    res.writeHead(status, headers);
    for (let i = 0; i < r.trickle.count && !res.destroyed; i++) {
      res.write(r.trickle.chunk);
      await sleep(r.trickle.everyMs);
    }
    if (!res.destroyed) res.end();
    return;
  }
  const raw = typeof r.body === 'string' ? Buffer.from(r.body) : (r.body ?? new Uint8Array());
  const body = compress(raw, r.encoding);
  if (!r.noContentLength) headers['Content-Length'] = String(body.byteLength);
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** host: another loopback address (127.0.0.2 …) makes another host to the poller, with slots of its own
 *  under the per-host cap. keepAliveTimeoutMs: 1 s by default, so a test's idle connections go quickly — and Node's client, told
 *  `Keep-Alive: timeout=1`, then never reuses one. The ingest bench passes 5 s (Node's own default; nginx
 *  and Apache keep connections longer), so it sees what a poller sees of an ordinary server. */
export async function startLoopbackServer(routes: Record<string, RouteSpec> = {}, opts: { keepAliveTimeoutMs?: number; host?: string } = {}): Promise<LoopbackServer> {
  const table = new Map(Object.entries(routes));
  const all: Hit[] = [];
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0]!;
    let settle!: (o: 'finished' | 'closed') => void;
    const hit: Hit = {
      method: req.method ?? 'GET',
      path,
      url,
      headers: req.headers,
      body: '',
      bytesSent: 0,
      outcome: 'pending',
      done: new Promise((r) => {
        settle = r;
      }),
    };
    all.push(hit);
    // Count bytes as they leave, so tests can tell an aborted 50 MB body from a delivered one.
    const write = res.write.bind(res);
    res.write = ((chunk: Uint8Array | string, ...rest: never[]) => {
      hit.bytesSent += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.on('finish', () => {
      hit.outcome = 'finished';
      settle('finished');
    });
    res.on('close', () => {
      if (hit.outcome === 'pending') {
        hit.outcome = 'closed';
        settle('closed');
      }
    });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      hit.body = Buffer.concat(chunks).toString('utf8');
      const spec = table.get(path);
      try {
        if (!spec) return void respond(req, res, { status: 404, body: 'not found' }, hit);
        const r = typeof spec === 'function' ? await spec(req, hit) : spec;
        await respond(req, res, r, hit);
      } catch (err) {
        if (!res.headersSent) res.writeHead(500).end(String(err));
        else res.destroy();
      }
    });
  });
  server.keepAliveTimeout = opts.keepAliveTimeoutMs ?? 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${opts.host ?? '127.0.0.1'}:${port}`;
  return {
    origin,
    port,
    url: (path) => origin + path,
    route: (path, spec) => void table.set(path, spec),
    hits: (path) => (path === undefined ? [...all] : all.filter((h) => h.path === path)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
