// Field text as the rule matcher sees it: HTML stripped and entities decoded (src/pipeline/text.ts), then split
// into word tokens with character offsets into that stripped text (the offsets the web UI highlights). This
// runs for every field of every item, so it must cost microseconds.
import type { ItemText } from '../domain/types.ts';
import { stripHtml } from '../pipeline/text.ts';

export const FIELDS = ['title', 'summary', 'body', 'source', 'url'] as const;
export type Field = (typeof FIELDS)[number];

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
