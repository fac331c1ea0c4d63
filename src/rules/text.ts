// Field text as the rule matcher sees it: HTML stripped and entities decoded, then split into word tokens with
// character offsets into that stripped text (the offsets the web UI highlights). One pass, no DOM: this runs
// for every field of every item, so it must cost microseconds.
import type { ItemText } from '../domain/types.ts';

export const FIELDS = ['title', 'summary', 'body', 'source', 'url'] as const;
export type Field = (typeof FIELDS)[number];

// Named entities seen in feeds; anything else stays as written (numeric references always decode).
const ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', shy: '', zwj: '', zwnj: '',
  lsquo: '\u2018', rsquo: '\u2019', sbquo: '\u201a', ldquo: '\u201c', rdquo: '\u201d', bdquo: '\u201e',
  ndash: '\u2013', mdash: '\u2014', hellip: '\u2026', bull: '\u2022', middot: '\u00b7', laquo: '\u00ab', raquo: '\u00bb',
  pound: '\u00a3', euro: '\u20ac', cent: '\u00a2', yen: '\u00a5', copy: '\u00a9', reg: '\u00ae', trade: '\u2122',
  deg: '\u00b0', times: '\u00d7', divide: '\u00f7', frac12: '\u00bd', frac14: '\u00bc', frac34: '\u00be', sect: '\u00a7',
  thinsp: '\u2009', ensp: '\u2002', emsp: '\u2003', prime: '\u2032', dagger: '\u2020',
  aacute: 'á', agrave: 'à', acirc: 'â', auml: 'ä', atilde: 'ã', aring: 'å', aelig: 'æ', ccedil: 'ç',
  eacute: 'é', egrave: 'è', ecirc: 'ê', euml: 'ë', iacute: 'í', igrave: 'ì', icirc: 'î', iuml: 'ï',
  ntilde: 'ñ', oacute: 'ó', ograve: 'ò', ocirc: 'ô', ouml: 'ö', otilde: 'õ', oslash: 'ø', szlig: 'ß',
  uacute: 'ú', ugrave: 'ù', ucirc: 'û', uuml: 'ü', yacute: 'ý', yuml: 'ÿ',
  Aacute: 'Á', Agrave: 'À', Acirc: 'Â', Auml: 'Ä', Eacute: 'É', Egrave: 'È', Iacute: 'Í', Oacute: 'Ó', Ouml: 'Ö',
  Uacute: 'Ú', Uuml: 'Ü', Ccedil: 'Ç', Ntilde: 'Ñ', Oslash: 'Ø',
};

// Tags that sit inside a word's run of text; every other tag separates words ("<p>a</p><p>b</p>" is "a b").
const INLINE = new Set(['a', 'abbr', 'b', 'bdi', 'bdo', 'cite', 'code', 'data', 'em', 'font', 'i', 'kbd', 'mark', 'q', 's', 'samp', 'small', 'span', 'strong', 'sub', 'sup', 'time', 'u', 'var', 'wbr']);

const ENTITY = /&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z][a-zA-Z0-9]{1,31});/g;

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(ENTITY, (m, e: string) => {
    if (e[0] !== '#') return ENTITIES[e] ?? ENTITIES[e.toLowerCase()] ?? m;
    const n = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
    return n > 0 && n < 0x110000 && (n < 0xd800 || n > 0xdfff) ? String.fromCodePoint(n) : '\ufffd';
  });
}

/** The text of an HTML fragment: tags, comments, script/style contents removed, entities decoded. */
export function stripHtml(html: string): string {
  if (!html.includes('<')) return decodeEntities(html);
  // Pieces joined at the end give one flat string, which the tokeniser reads faster than a chain of `+=`.
  const out: string[] = [];
  let i = 0;
  const n = html.length;
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      out.push(decodeEntities(html.slice(i)));
      break;
    }
    out.push(decodeEntities(html.slice(i, lt)));
    const next = html.charCodeAt(lt + 1);
    // "a < b" is text, not a tag: a tag starts with a letter, "/", "!" or "?".
    const isTag = (next >= 65 && next <= 90) || (next >= 97 && next <= 122) || next === 47 || next === 33 || next === 63;
    if (!isTag) {
      out.push('<');
      i = lt + 1;
      continue;
    }
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end < 0 ? n : end + 3;
      out.push(' ');
      continue;
    }
    const end = tagEnd(html, lt + 1);
    const name = /^\/?([a-zA-Z][a-zA-Z0-9-]*)/.exec(html.slice(lt + 1, Math.min(end, lt + 40)))?.[1]?.toLowerCase() ?? '';
    i = end + 1;
    if ((name === 'script' || name === 'style') && html[lt + 1] !== '/') {
      const close = html.toLowerCase().indexOf(`</${name}`, i);
      i = close < 0 ? n : tagEnd(html, close + 1) + 1;
    }
    if (!INLINE.has(name)) out.push(' ');
  }
  return out.join('');
}

// The index of the ">" closing a tag that starts before `from`; quoted attribute values may hold ">".
function tagEnd(html: string, from: number): number {
  let quote = 0;
  for (let j = from; j < html.length; j++) {
    const c = html.charCodeAt(j);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 62) return j;
  }
  return html.length;
}

/** The stripped text of one field of an item: what rule offsets point into. */
export function fieldText(item: ItemText, field: Field): string {
  const v = item[field];
  return typeof v === 'string' && v ? stripHtml(v) : '';
}

// Word characters: letters, digits and combining marks (so decomposed accents stay inside their word).
/** For each ASCII code, 0 if it is not a word character, else its letter or digit numbered 1-36, case folded. */
export const ASCII_CLASS = new Uint8Array(128);
export const ASCII_CLASSES = 37;
for (let c = 0; c < 128; c++) ASCII_CLASS[c] = 1 + '0123456789abcdefghijklmnopqrstuvwxyz'.indexOf(String.fromCharCode(c).toLowerCase());
const WORD = /[\p{L}\p{N}\p{M}]/u;
const isWord = (c: number, s: string, i: number) => (c < 128 ? ASCII_CLASS[c] !== 0 : WORD.test(s[i]!));

/** Whether the character at i is part of a word (for tokenisers that inline the loop of eachToken). */
export function isWordChar(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c < 128 ? ASCII_CLASS[c] !== 0 : WORD.test(s[i]!);
}

/** Calls fn(start, end) for each word of the text, in order. Apostrophes and hyphens split words. */
export function eachToken(text: string, fn: (start: number, end: number) => void): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && !isWord(text.charCodeAt(i), text, i)) i++;
    if (i >= n) return;
    const start = i;
    while (i < n && isWord(text.charCodeAt(i), text, i)) i++;
    fn(start, i);
  }
}

/** The words of a text, as raw strings. */
export function tokens(text: string): string[] {
  const out: string[] = [];
  eachToken(text, (s, e) => out.push(text.slice(s, e)));
  return out;
}

const SPECIAL: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };
const NON_ASCII = /[^\x00-\x7f]/;

/** Lower case with accents removed: the form words are compared in (unless a rule says case:). */
export function fold(word: string): string {
  const lower = word.toLowerCase();
  if (!NON_ASCII.test(lower)) return lower;
  return lower
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[ßæœøłđðþı]/g, (c) => SPECIAL[c]!);
}
