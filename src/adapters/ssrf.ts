// The SSRF guard: which addresses and URLs the fetcher may reach. Pure — no DNS, no sockets — so the table
// of addresses is unit-tested without connecting anywhere. fetch.ts calls checkAddress on every RESOLVED
// address (inside the socket's lookup, so DNS rebinding cannot slip past) and checkUrl on every redirect hop.
//
// Ports: any port is allowed (feeds live on :8080 and friends); the guard is about WHERE, not which service.

export type Check = { ok: true } | { ok: false; reason: string };

export interface GuardOptions {
  /** FETCH_ALLOW_PRIVATE: local development may reach loopback/private/link-local/reserved addresses.
   *  Cloud metadata, multicast, broadcast and the unspecified address stay refused even then. */
  allowPrivate?: boolean;
}

type Verdict = { reason: string; always: boolean } | null;

const OK: Check = { ok: true };

/** Parses an IPv4 address the way inet_aton and the WHATWG URL parser do: 1–4 parts, each decimal, octal
 *  (leading 0) or hex (0x) — so "0x7f.1", "2130706433" and "0177.0.0.1" all mean 127.0.0.1. */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length > 4 || parts.some((p) => p === '')) return undefined;
  const nums: number[] = [];
  for (const p of parts) {
    let n: number;
    if (/^0x[0-9a-f]*$/i.test(p)) n = p.length === 2 ? 0 : Number.parseInt(p.slice(2), 16);
    else if (/^0[0-7]+$/.test(p)) n = Number.parseInt(p.slice(1), 8);
    else if (/^(0|[1-9][0-9]*)$/.test(p)) n = Number(p);
    else return undefined;
    nums.push(n);
  }
  const last = nums.pop()!;
  if (nums.some((n) => n > 255) || last >= 256 ** (4 - nums.length)) return undefined;
  return nums.reduce((acc, n, i) => acc + n * 256 ** (3 - i), 0) + last;
}

/** Parses IPv6 text (optionally in [brackets], with a %zone and a dotted IPv4 tail) into 8 16-bit groups. */
export function parseIPv6(text: string): number[] | undefined {
  let s = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  s = s.replace(/%.*$/, '');
  if (!s.includes(':')) return undefined;
  let tail: number[] = [];
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    if (!/^(\d{1,3})(\.\d{1,3}){3}$/.test(v4[2]!)) return undefined;
    const n = parseIPv4(v4[2]!.replace(/(^|\.)0+(\d)/g, '$1$2'));
    if (n === undefined) return undefined;
    tail = [n >>> 16, n & 0xffff];
    s = v4[1]!.endsWith('::') ? v4[1]! : v4[1]!.slice(0, -1);
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const group = (h: string) => (h === '' ? [] : h.split(':'));
  const head = group(halves[0]!);
  const rest = halves.length === 2 ? group(halves[1]!) : [];
  const words: number[] = [];
  for (const g of [...head, ...rest]) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return undefined;
    words.push(Number.parseInt(g, 16));
  }
  const missing = 8 - words.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const zeros = new Array<number>(missing).fill(0);
  return [...words.slice(0, head.length), ...zeros, ...words.slice(head.length), ...tail];
}

const v4 = (a: number, b: number, c: number, d: number) => ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
const V4_RANGES: [base: number, bits: number, reason: string, always: boolean][] = [
  [v4(169, 254, 169, 254), 32, 'cloud metadata address', true],
  [v4(100, 100, 100, 200), 32, 'cloud metadata address', true],
  [v4(255, 255, 255, 255), 32, 'broadcast address', true],
  [v4(0, 0, 0, 0), 32, 'unspecified address', true],
  [v4(0, 0, 0, 0), 8, '"this network" address', false],
  [v4(10, 0, 0, 0), 8, 'private address', false],
  [v4(100, 64, 0, 0), 10, 'carrier-grade NAT address', false],
  [v4(127, 0, 0, 0), 8, 'loopback address', false],
  [v4(169, 254, 0, 0), 16, 'link-local address', false],
  [v4(172, 16, 0, 0), 12, 'private address', false],
  [v4(192, 0, 0, 0), 24, 'reserved address (IETF protocol assignments)', false],
  [v4(192, 0, 2, 0), 24, 'reserved address (documentation)', false],
  [v4(192, 88, 99, 0), 24, 'reserved address (6to4 relay anycast)', false],
  [v4(192, 168, 0, 0), 16, 'private address', false],
  [v4(198, 18, 0, 0), 15, 'reserved address (benchmarking)', false],
  [v4(198, 51, 100, 0), 24, 'reserved address (documentation)', false],
  [v4(203, 0, 113, 0), 24, 'reserved address (documentation)', false],
  [v4(224, 0, 0, 0), 4, 'multicast address', true],
  [v4(240, 0, 0, 0), 4, 'reserved address (240/4)', false],
];

function judgeV4(n: number): Verdict {
  for (const [base, bits, reason, always] of V4_RANGES) {
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    if (((n & mask) >>> 0) === base) return { reason, always };
  }
  return null;
}

const dotted = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
const embedded = (hi: number, lo: number) => ((hi << 16) >>> 0) + lo;

function within(w: number[], prefix: number[], bits: number): boolean {
  for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if ((w[i]! & mask) !== ((prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** Addresses that carry an IPv4 address inside: judge the IPv4 one, named by how it was wrapped. */
function judgeV6Embedding(w: number[]): Verdict {
  const wraps: [prefix: number[], bits: number, name: string, at: number][] = [
    [[0, 0, 0, 0, 0, 0xffff], 96, 'IPv4-mapped', 6],
    [[0, 0, 0, 0, 0xffff, 0], 96, 'IPv4-translated', 6],
    [[0x64, 0xff9b], 96, 'NAT64', 6],
    [[0x2002], 16, '6to4', 1],
    [[], 96, 'IPv4-compatible', 6],
  ];
  for (const [prefix, bits, name, at] of wraps) {
    if (!within(w, prefix, bits)) continue;
    const inner = embedded(w[at]!, w[at + 1]!);
    const v = judgeV4(inner);
    return v ? { reason: `${v.reason} ${dotted(inner)} wrapped as ${name} IPv6`, always: v.always } : null;
  }
  // Teredo hides the client's IPv4 address inverted in the last 32 bits.
  if (within(w, [0x2001, 0], 32)) {
    const inner = embedded(~w[6]! & 0xffff, ~w[7]! & 0xffff);
    const v = judgeV4(inner);
    return v ? { reason: `${v.reason} ${dotted(inner)} wrapped as Teredo IPv6`, always: v.always } : null;
  }
  return null;
}

const V6_RANGES: [prefix: number[], bits: number, reason: string, always: boolean][] = [
  [[0, 0, 0, 0, 0, 0, 0, 0], 128, 'unspecified address', true],
  [[0, 0, 0, 0, 0, 0, 0, 1], 128, 'loopback address', false],
  [[0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x254], 128, 'cloud metadata address', true],
  [[0x64, 0xff9b, 1], 48, 'private address (local-use NAT64)', false],
  [[0x100], 64, 'reserved address (discard-only)', false],
  [[0x2001, 0x2], 48, 'reserved address (benchmarking)', false],
  [[0x2001, 0x10], 28, 'reserved address (ORCHID)', false],
  [[0x2001, 0x20], 28, 'reserved address (ORCHIDv2)', false],
  [[0x2001, 0x0db8], 32, 'reserved address (documentation)', false],
  [[0x3fff], 20, 'reserved address (documentation)', false],
  [[0xfc00], 7, 'private address (unique local)', false],
  [[0xfe80], 10, 'link-local address', false],
  [[0xfec0], 10, 'private address (site-local)', false],
  [[0xff00], 8, 'multicast address', true],
];

function judgeV6(w: number[]): Verdict {
  for (const [prefix, bits, reason, always] of V6_RANGES) {
    if (within(w, prefix, bits)) return { reason, always };
  }
  const wrapped = judgeV6Embedding(w);
  if (wrapped || within(w, [0x64, 0xff9b], 96) || within(w, [0, 0, 0, 0, 0, 0xffff], 96)) return wrapped;
  // Only 2000::/3 is global unicast; everything else left is IETF-reserved space.
  return within(w, [0x2000], 3) ? null : { reason: 'reserved address (outside global unicast 2000::/3)', always: false };
}

function verdictFor(ip: string): Verdict | 'unparsable' {
  const text = ip.trim();
  const w = parseIPv6(text);
  if (w) return judgeV6(w);
  const n = parseIPv4(text);
  if (n === undefined) return 'unparsable';
  return judgeV4(n);
}

/** May the fetcher connect to this IP address? Accepts IPv4 (odd spellings too), IPv6, [bracketed] IPv6. */
export function checkAddress(ip: string, opts: GuardOptions = {}): Check {
  const v = verdictFor(ip);
  if (v === 'unparsable') return { ok: false, reason: `not an IP address: ${JSON.stringify(ip)}` };
  if (!v || (opts.allowPrivate && !v.always)) return OK;
  return { ok: false, reason: v.reason };
}

/** Is this URL one the fetcher may request? Checks the scheme (http/https only), refuses credentials in the
 *  URL (they would leak into logs and redirects), and checks a literal IP host — Node skips DNS lookup for
 *  literal IPs, so this is the only place they are caught. Hostnames are checked after resolution. */
export function checkUrl(url: string, opts: GuardOptions = {}): Check {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, reason: `not a valid absolute URL: ${JSON.stringify(url.slice(0, 200))}` };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    return { ok: false, reason: `scheme ${u.protocol} is not allowed (http: and https: only)` };
  }
  if (u.username || u.password) return { ok: false, reason: 'credentials in the URL are not allowed' };
  const host = u.hostname.replace(/\.$/, '');
  if (!host) return { ok: false, reason: 'URL has no host' };
  // The URL parser already rewrote odd IPv4 spellings ("0x7f.1") to dotted quads.
  if (host.startsWith('[') || /^[\d.]+$/.test(host)) {
    const c = checkAddress(host, opts);
    return c.ok ? c : { ok: false, reason: `${c.reason} ${host}` };
  }
  if (!opts.allowPrivate && (host === 'localhost' || host.endsWith('.localhost'))) {
    return { ok: false, reason: `loopback address ${host}` };
  }
  return OK;
}
