// The JS twin of the archive search's index (migration 011): the lexemes of
// to_tsvector('english', item_search_text(title, summary_html, body_text)), without positions, which the
// ingest passes insertItems (NewItem.lexemes) for items.search_lexemes, so PostgreSQL does not run its
// text-search parser on every insert
// (about half of its CPU per stored item). Contract (tested against PostgreSQL and PGlite): when this returns a
// string, it holds exactly PostgreSQL's lexemes. It returns null for any text it cannot vouch for — a token
// shape of PostgreSQL's parser not mirrored here (hosts, URLs, e-mails, decimals, tags, entities, letters
// outside ASCII…) — and the trigger then computes the lexemes in SQL. Phrases and ranking need positions:
// search.ts screens with these and re-checks with to_tsvector on the rows they let through.
import { stem } from 'porter2';

export interface SearchText {
  title: string;
  summaryHtml: string | null;
  bodyText: string | null;
}

/** item_search_text (migration 009): the title and the body, or the summary with tags and entities blanked. */
export function searchText(it: SearchText): string {
  const rest = it.bodyText ?? (it.summaryHtml ?? '').replace(/<[^>]*>/g, ' ').replace(/&#?[a-z0-9]+;/gi, ' ');
  return `${it.title} ${rest}`;
}

// PostgreSQL's english.stop (src/backend/snowball/stopwords, PostgreSQL Licence): words english_stem drops.
const STOP = new Set(
  ('i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it its ' +
    'itself they them their theirs themselves what which who whom this that these those am is are was were be been being ' +
    'have has had having do does did doing a an the and but if or because as until while of at by for with about against ' +
    'between into through during before after above below to from up down in out on off over under again further then ' +
    'once here there when where why how all any both each few more most other some such no nor not only own same so than ' +
    'too very s t can will just don should now').split(' '),
);

// Characters outside ASCII that PostgreSQL's parser (UTF-8) reads as blanks: Latin-1 and general punctuation,
// spaces and currency signs. Not soft hyphens, zero-width and format characters (the parser keeps those inside
// a word) nor Latin-1 letters and numbers (ª µ º ² ³ ¹ ¼ ½ ¾).
function blankOutsideAscii(c: number): boolean {
  if (c <= 0xff) {
    return (c >= 0xa0 && c <= 0xa9) || c === 0xab || c === 0xac || (c >= 0xae && c <= 0xb1) || c === 0xb4 ||
      (c >= 0xb6 && c <= 0xb8) || c === 0xbb || c === 0xbf || c === 0xd7 || c === 0xf7;
  }
  return (c >= 0x2000 && c <= 0x200a) || (c >= 0x2010 && c <= 0x2027) || (c >= 0x202f && c <= 0x205e) || (c >= 0x20a0 && c <= 0x20cf);
}

// Shapes the parser reads as one token of another kind (host, file, URL, e-mail, float, version, tag, entity,
// time): a `.`, `:` or `~` before a letter or digit, exactly two dots after one, a `/`, `\`, `@`, `<`, `>`, or
// an entity. Checked at each such character c of text, at i.
function otherToken(text: string, i: number, c: number): boolean {
  if (c === 47 || c === 92 || c === 64 || c === 60 || c === 62) return true;
  if (c === 38) {
    ENTITY.lastIndex = i;
    return ENTITY.test(text);
  }
  if (alnum(text.charCodeAt(i + 1))) return c === 46 || c === 58 || c === 126;
  // "a.. b": exactly two dots after a letter or digit.
  return c === 46 && alnum(text.charCodeAt(i - 1)) && text.charCodeAt(i + 1) === 46 && text.charCodeAt(i + 2) !== 46;
}
const ENTITY = /&#?[A-Za-z0-9]+;/y;
// The characters otherToken looks at: / \ @ < > & . : ~
const CHECK = new Uint8Array(128);
for (const ch of '/\\@<>&.:~') CHECK[ch.charCodeAt(0)] = 1;

const alnum = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);

const LETTERS = /^[A-Za-z]+$/;
const ALNUM = /^[A-Za-z0-9]+$/;

const memo = new Map<string, string>();

/** Words whose stems tell the Snowball versions apart: PostgreSQL up to 17 stems them as porter2 does;
 *  PostgreSQL 18 (and PGlite) ships Snowball 3, whose English stemmer keeps "added" as "add". */
export const STEMMER_PROBE = ['added', 'adding', 'egged', 'hopped', 'running', 'probation', 'generously'];

/** Whether a database's english_stem stems the probe words as this module does (its ts_lexize results, in
 *  probe order: englishStems in src/storage/items.ts); when it does not, callers send no lexemes and the
 *  trigger computes every item's lexemes in SQL. */
export function stemmerAgrees(stems: (string | undefined)[]): boolean {
  return STEMMER_PROBE.every((w, i) => stems[i] === english(w));
}

// english_stem: the stop list, then the Snowball English stemmer (porter2: the same algorithm, checked
// against PostgreSQL word by word in the tests).
function english(word: string, upper = true): string | undefined {
  const w = upper ? word.toLowerCase() : word;
  if (STOP.has(w)) return undefined;
  let s = memo.get(w);
  if (s === undefined) {
    if (memo.size >= 100_000) memo.clear();
    s = stem(w);
    memo.set(w, s);
  }
  return s;
}

/** The lexemes PostgreSQL would index for this item, distinct and space-separated, or null when only
 *  PostgreSQL can say. */
export function searchLexemes(it: SearchText): string | null {
  const text = searchText(it);
  const out = new Set<string>();
  const add = (lexeme: string | undefined) => {
    if (lexeme) out.add(lexeme);
  };
  // Runs of letters, digits, `-` and `+`; everything else is a blank, unless it makes another kind of token (or,
  // outside ASCII, may be part of a word): then only PostgreSQL can say. A hand loop: this runs on every item.
  let start = -1;
  let digits = false;
  let signs = false;
  let upper = false;
  const n = text.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 32;
    if (c >= 97 && c <= 122) {
      if (start < 0) start = i;
      continue;
    }
    if (c >= 65 && c <= 90) {
      if (start < 0) start = i;
      upper = true;
      continue;
    }
    if (c >= 48 && c <= 57) {
      if (start < 0) start = i;
      digits = true;
      continue;
    }
    if (c === 45 || c === 43) {
      if (start < 0) start = i;
      signs = true;
      continue;
    }
    if (start >= 0) {
      if (signs) {
        if (!run(text.slice(start, i), add)) return null;
      } else if (i - start > 200) return null;
      else if (digits) out.add(text.slice(start, i).toLowerCase()); // a number, or letters and digits: kept as is
      else add(english(text.slice(start, i), upper));
      start = -1;
      digits = signs = upper = false;
    }
    if (c < 128 ? CHECK[c] === 1 && otherToken(text, i, c) : !blankOutsideAscii(c)) return null;
  }
  return [...out].join(' ');
}

// One run of [A-Za-z0-9+-] between blanks, in the shapes whose tokens were checked against the parser; false
// for any other shape.
function run(s: string, add: (lexeme: string | undefined) => void): boolean {
  if (s.length > 200) return false;
  const lead = s.replace(/^[+-]+(?=[A-Za-z]|$)/, ''); // "-word" and a lone "-": the signs are blanks
  if (!lead) return true;
  if (ALNUM.test(lead)) return word(lead, add);
  // "covid-19", "18-25", "a-1", "-5": a sign before digits makes a signed integer.
  const signed = /^([A-Za-z0-9]*)([+-][0-9]+)$/.exec(lead);
  if (signed) {
    if (signed[1] && !word(signed[1], add)) return false;
    add(signed[2]);
    return true;
  }
  // "10-year", "5-year-old": digits, a hyphen, a word or a compound.
  const numThen = /^([0-9]+)-([A-Za-z][A-Za-z-]*)$/.exec(lead);
  if (numThen) {
    add(numThen[1]);
    return numThen[2]!.includes('-') ? compound(numThen[2]!, add) : word(numThen[2]!, add);
  }
  return compound(lead, add);
}

// "long-term", "probation-led": the compound as one word, then each part.
function compound(s: string, add: (lexeme: string | undefined) => void): boolean {
  const parts = s.split('-');
  if (parts.length < 2 || !parts.every((p) => LETTERS.test(p))) return false;
  add(english(s));
  for (const p of parts) add(english(p));
  return true;
}

// One word: letters are stemmed; digits, or letters and digits mixed, are kept as they are (lower-cased).
function word(w: string, add: (lexeme: string | undefined) => void): boolean {
  if (LETTERS.test(w)) add(english(w));
  else if (ALNUM.test(w)) add(w.toLowerCase());
  else return false;
  return true;
}
