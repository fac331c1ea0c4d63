// multipart/form-data bodies (the contacts CSV upload) read into the same shape formbody gives: field name ->
// string, or a list when repeated. A file's content becomes its field's value as UTF-8 text (a byte-order
// mark dropped), so the CSRF token and the file arrive together and the CSRF hook reads them as usual.
// Small uploads only: the server's bodyLimit (2 MB) applies.
import type { FastifyInstance } from 'fastify';

const DISPOSITION = /content-disposition:[^\r\n]*\bname="([^"]*)"/i;

export function parseMultipart(body: Buffer, contentType: string): Record<string, string | string[]> {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2]?.trim();
  if (!boundary) throw Object.assign(new Error('multipart: the request has no boundary'), { statusCode: 400 });
  const out: Record<string, string | string[]> = {};
  const text = body.toString('utf8');
  for (const part of text.split(`--${boundary}`).slice(1)) {
    if (part.startsWith('--')) break; // the closing delimiter
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const name = DISPOSITION.exec(part.slice(0, split))?.[1];
    if (!name) continue;
    const value = part.slice(split + 4).replace(/\r\n$/, '').replace(/^\uFEFF/, '');
    const prev = out[name];
    out[name] = prev === undefined ? value : ([] as string[]).concat(prev, value);
  }
  return out;
}

export function installMultipart(app: FastifyInstance) {
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (req, body, done) => {
    try {
      done(null, parseMultipart(body as Buffer, String(req.headers['content-type'])));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
