// Lenient feed dates -> ISO-8601 UTC. Real feeds send RFC 822 with named zones (BST, EST), no seconds, no
// weekday or a wrong one, two-digit years, ISO without a zone or with "+0100", and plain nonsense; we take
// what can be read and return undefined for the rest (normalize then defaults to the poll time).

// Offsets in minutes east of UTC. "IST" is read as Irish Summer Time: UK/Irish sources are our main audience.
const ZONES: Record<string, number> = {
  Z: 0, UT: 0, UTC: 0, GMT: 0, WET: 0, BST: 60, IST: 60, WEST: 60, CET: 60, MET: 60, CEST: 120, MEST: 120,
  EET: 120, EEST: 180, MSK: 180, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360,
  PST: -480, PDT: -420, AKST: -540, AKDT: -480, HST: -600, AEST: 600, AEDT: 660, ACST: 570, AWST: 480,
  NZST: 720, NZDT: 780, JST: 540, KST: 540, HKT: 480, SGT: 480,
};

const MONTHS: Record<string, number> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
  // Common non-English abbreviations seen in European feeds.
  mär: 2, mrz: 2, mai: 4, okt: 9, dez: 11, déc: 11, fév: 1, avr: 3, juin: 5, juil: 6, ago: 7, dic: 11,
};

function zoneOffset(zone: string | undefined): number | undefined {
  if (!zone) return 0; // no zone: UTC, the least surprising guess for a server clock
  const z = zone.toUpperCase();
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(z);
  if (m) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
  const gmt = /^(?:GMT|UTC)([+-]\d{1,2})(?::?(\d{2}))?$/.exec(z);
  if (gmt) return Math.sign(Number(gmt[1]) || 1) * (Math.abs(Number(gmt[1])) * 60 + Number(gmt[2] ?? 0));
  return ZONES[z];
}

function build(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, off: number | undefined): string | undefined {
  if (off === undefined) off = 0; // unknown zone name: better a few hours off than no date at all
  if (mo < 0 || mo > 11 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return undefined;
  const t = Date.UTC(y, mo, d, h, mi, Math.min(s, 59), ms) - off * 60_000;
  const date = new Date(t);
  // 1970 (epoch placeholders) and years past 2200 are typos, not news.
  return Number.isFinite(t) && y > 1970 && y <= 2200 ? date.toISOString() : undefined;
}

const ISO = /^(\d{4})-?(\d{2})-?(\d{2})(?:[T\s]+(\d{1,2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?|[A-Z]{2,5})?$/i;
const RFC822 = /^(?:[^\d\s,]+,?\s*)?(\d{1,2})(?:st|nd|rd|th)?[\s-]+([^\d\s.,-]+)\.?,?[\s-]+(\d{2,4})(?:[\sT,]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*([+-]\d{2}:?\d{2}|[A-Z]{1,5}(?:[+-]\d{1,2}(?::?\d{2})?)?)?/i;
// "Jun 3, 2025 09:15 BST" / "June 3 2025"
const US = /^(?:[^\d\s,]+,?\s+)?([^\d\s.,-]+)\.?\s+(\d{1,2}),?\s+(\d{4})(?:[\sT,]+(?:at\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(am|pm)?)?\s*([+-]\d{2}:?\d{2}|[A-Z]{1,5})?/i;

function year(y: string): number {
  const n = Number(y);
  return y.length === 2 ? (n < 70 ? 2000 + n : 1900 + n) : n;
}

/** Parse a feed date leniently; ISO-8601 UTC (`2025-06-03T08:15:00.000Z`) or undefined. */
export function parseDate(raw: string | Date | undefined | null): string | undefined {
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? undefined : raw.toISOString();
  const s = raw?.trim();
  if (!s) return undefined;
  let m = ISO.exec(s);
  if (m) {
    const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
    return build(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), ms, zoneOffset(m[8]));
  }
  m = RFC822.exec(s);
  if (m) {
    const mo = MONTHS[(m[2] as string).toLowerCase().slice(0, 3)] ?? MONTHS[(m[2] as string).toLowerCase().slice(0, 4)];
    if (mo !== undefined) return build(year(m[3] as string), mo, Number(m[1]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), 0, zoneOffset(m[7]));
  }
  m = US.exec(s);
  if (m) {
    const mo = MONTHS[(m[1] as string).toLowerCase().slice(0, 3)];
    let h = Number(m[4] ?? 0);
    if (m[7]?.toLowerCase() === 'pm' && h < 12) h += 12;
    if (m[7]?.toLowerCase() === 'am' && h === 12) h = 0;
    if (mo !== undefined) return build(Number(m[3]), mo, Number(m[2]), h, Number(m[5] ?? 0), Number(m[6] ?? 0), 0, zoneOffset(m[8]));
  }
  if (/^\d{9,10}$/.test(s)) return new Date(Number(s) * 1000).toISOString(); // Unix seconds
  return undefined;
}
