// decode: feed or page bytes -> a string the parsers can read. Feeds lie about their charset often enough
// that we sniff: override > BOM > HTTP Content-Type > XML prolog / HTML meta > utf-8, then sanity-check the
// declared charset against the bytes (valid UTF-8 labelled Latin-1, or invalid UTF-8 labelled UTF-8).
// iconv-lite, not TextDecoder: Node 20's TextDecoder maps windows-1252 0x80-0x9F to C1 controls.
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

export interface DecodeOptions {
  /** The HTTP Content-Type header, e.g. `application/rss+xml; charset=ISO-8859-1`. */
  contentType?: string;
  /** A source's configured charset: wins over everything the document says about itself. */
  override?: string;
}

// Labels browsers treat as windows-1252 (WHATWG Encoding): real "Latin-1" feeds use curly quotes and €.
const AS_1252 = new Set(['iso-8859-1', 'iso8859-1', 'latin1', 'latin-1', 'l1', 'us-ascii', 'ascii', 'iso_8859-1',
  'cp819', 'ibm819', 'windows-1252', 'cp1252', 'x-cp1252']);
const SINGLE_BYTE = /^(?:windows-125\d|cp125\d|iso-?8859-\d+|latin-?\d|koi8-?[ru]|macintosh|mac-?roman|ascii|us-ascii)$/;

function normalise(label: string | undefined): string | undefined {
  const l = label?.trim().replace(/^["']|["']$/g, '').toLowerCase();
  if (!l) return undefined;
  if (AS_1252.has(l)) return 'windows-1252';
  if (l === 'utf8' || l === 'unicode-1-1-utf-8') return 'utf-8';
  return iconv.encodingExists(l) ? l : undefined;
}

function fromBom(b: Uint8Array): { charset: string; skip: number } | undefined {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { charset: 'utf-8', skip: 3 };
  if (b[0] === 0xff && b[1] === 0xfe) return { charset: 'utf-16le', skip: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { charset: 'utf-16be', skip: 2 };
  return undefined;
}

function fromContentType(ct: string | undefined): string | undefined {
  const m = ct && /charset\s*=\s*["']?([\w.:-]+)/i.exec(ct);
  return m ? normalise(m[1]) : undefined;
}

/** The XML prolog's encoding, or an HTML <meta charset>, from the first few KB read as Latin-1. */
function fromDocument(b: Uint8Array): string | undefined {
  // UTF-16 without a BOM still starts with "<" and a NUL byte (XML 1.0 appendix F).
  if (b[0] === 0x3c && b[1] === 0x00) return 'utf-16le';
  if (b[0] === 0x00 && b[1] === 0x3c) return 'utf-16be';
  const head = Buffer.from(b.buffer, b.byteOffset, Math.min(b.byteLength, 4096)).toString('latin1');
  const m =
    /<\?xml[^>]*?encoding\s*=\s*["']([^"']+)["']/i.exec(head) ??
    /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head);
  return m ? normalise(m[1]) : undefined;
}

function hasHighBytes(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if ((b[i] as number) >= 0x80) return true;
  return false;
}

/** Which charset to decode `bytes` with, and how many BOM bytes to skip. Exported for tests and the CLI. */
export function detectCharset(bytes: Uint8Array, opts: DecodeOptions = {}): { charset: string; skip: number } {
  const bom = fromBom(bytes);
  const override = normalise(opts.override);
  // A BOM in another charset than the override decodes to junk before the first "<", cut below.
  if (override) return { charset: override, skip: bom?.charset === override ? bom.skip : 0 };
  if (bom) return bom;
  const declared = fromContentType(opts.contentType) ?? fromDocument(bytes);
  const charset = declared ?? 'utf-8';
  // Sanity checks against the bytes themselves: a wrong label is far more common than valid UTF-8 that is
  // really Latin-1 text (multi-byte UTF-8 sequences almost never occur in real single-byte prose).
  if (charset === 'utf-8') {
    if (!isUtf8(bytes)) return { charset: 'windows-1252', skip: 0 };
  } else if (SINGLE_BYTE.test(charset) && hasHighBytes(bytes) && isUtf8(bytes)) {
    return { charset: 'utf-8', skip: 0 };
  }
  return { charset, skip: 0 };
}

// Characters XML 1.0 forbids and that strict parsers choke on; they are never meaningful in a feed.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Bytes -> text: BOM and leading junk removed, decoded in the detected charset. Never throws. */
export function decode(bytes: Uint8Array, opts: DecodeOptions = {}): string {
  const { charset, skip } = detectCharset(bytes, opts);
  const body = skip ? bytes.subarray(skip) : bytes;
  let text = iconv.decode(Buffer.from(body.buffer, body.byteOffset, body.byteLength), charset);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = text.replace(CONTROL, '');
  // Leading junk: whitespace, a stray PHP warning, a second BOM. Cut to the prolog when there is one near the
  // start, else to the first "<" or "{" (JSON Feed).
  const prolog = text.indexOf('<?xml');
  if (prolog > 0 && prolog < 4096) return text.slice(prolog);
  const m = /[<{]/.exec(text);
  return m && m.index > 0 ? text.slice(m.index) : text;
}
