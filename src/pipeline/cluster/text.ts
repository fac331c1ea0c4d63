// Text to comparable tokens for clustering: fold case and accents, drop stopwords, stem (porter2, so "resigns"
// and "resignation" meet), and spot the tokens that tell two stories apart (names, places, numbers). The text
// comes stripped of HTML (src/pipeline/text.ts). Regex-only on purpose: a signature is computed for every item
// and must cost microseconds, not a DOM parse.
import { stem } from 'porter2';

// stemmed()'s cache in two generations: when the young one fills up it becomes the old one, so the words a
// window keeps using survive and a long tail of one-off names does not evict them. Declared before COMMON.
const STEM_CACHE = 100_000;
let stems = new Map<string, string>();
let oldStems = new Map<string, string>();

// Function words and newsroom filler: they join every pair of stories and separate none.
const STOP = new Set(
  ('a an the and or but nor of to in on at by for from with without into onto over under about after before as ' +
    'is are was were be been being am has have had having do does did will would shall should can could may might must ' +
    'it its this that these those there their them they he she his her him we our us you your i me my who whom whose which what ' +
    'when where why how than then so if not no yes also just only very more most such up out off down all any some each both ' +
    'said says say told tell according per via amid while where s t ve ll re d mr mrs ms dr sir dame prof').split(' '),
);

// Words every justice-sector story shares (stemmed). They still count, at a low weight, so two inspection
// reports of different prisons are told apart by the prison's name and not by "inspection".
export const COMMON = new Set(
  ('prison jail jailed inmate prisoner court judge magistrate tribunal probation officer staff service ministry moj justice ' +
    'secretary minister government gov uk england wales britain british inspection inspector inspectorate report chief hmp hmyoi ' +
    'hm youth young offender institution crown family case police crime criminal sentence sentenced sentencing release released ' +
    'union worker new year week month day today plan warn warning call calls rise record crisis safety violence drug death ' +
    'escape escaped hearing trial law legal reform review data figure show latest national public people man woman men women ' +
    'mp mps government labour conservative tory news first two three one last million billion per cent percent number level ' +
    'condition finding find found concern concerns serious urgent lord chancellor napo poa association council statement aid ' +
    'january february march april may june july august september october november december ' +
    'monday tuesday wednesday thursday friday saturday sunday ' +
    // Newsroom formats: a word every live page, clip, gallery or podcast carries, whatever it is about.
    'live latest update updates video watch picture pictures photo photos podcast briefing explained review letter')
    .split(' ')
    .map((w) => stemmed(term(w))),
);

const NON_ASCII = /[^\x00-\x7f]/;

/** Lower case, accents off, typographic quotes and dashes made plain, thousands separators dropped. */
export function fold(s: string): string {
  if (!NON_ASCII.test(s)) return s.replace(/(\d),(?=\d{3}\b)/g, '$1').toLowerCase(); // most text: skip NFKD
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/(\d),(?=\d{3}\b)/g, '$1')
    .toLowerCase();
}

const WORD = /[\p{L}\p{N}]+(?:['.][\p{L}\p{N}]+)*/gu;

/** One folded word to its comparable form: possessive and plural off ("prisons'", "prison's" -> "prison"). */
export function term(w: string): string {
  let t = w.replace(/'s$/, '').replace(/'/g, '');
  if (t.length > 4 && t.endsWith('ies')) t = `${t.slice(0, -3)}y`;
  else if (t.length > 3 && t.endsWith('s') && !t.endsWith('ss') && !t.endsWith('us') && !/\d/.test(t)) t = t.slice(0, -1);
  return t;
}

/**
 * A term's stem, the form signatures compare: porter2 for words of five letters or more, then one spelling
 * for transliterated names that end in -iy / -yy ("Zelenskiy", "Zelenskyy", "Zelensky" -> "zelenski").
 * Cached: news repeats its words.
 */
export function stemmed(t: string): string {
  if (t.length < 5) return t; // short words barely inflect once plurals are folded; most words are short
  let s = stems.get(t);
  if (s !== undefined) return s;
  s = oldStems.get(t);
  if (s === undefined) {
    s = stem(t);
    if (s.length > 6 && /(?:iy|yy)$/.test(s)) s = `${s.slice(0, -2)}i`;
  }
  if (stems.size >= STEM_CACHE) {
    oldStems = stems;
    stems = new Map();
  }
  stems.set(t, s);
  return s;
}

/** Content terms of a text in order, stemmed (stopwords dropped, duplicates kept: shingles need the order). */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const m of fold(text).matchAll(WORD)) {
    const t = term(m[0]);
    // The word itself is checked too: "this", "has" and "was" lose their s to the plural rule.
    if (t.length > 1 && !STOP.has(t) && !STOP.has(m[0])) out.push(stemmed(t));
    else if (t.length === 1 && t >= '0' && t <= '9') out.push(t);
  }
  return out;
}

export const YEAR = /^(19|20)\d\d$/;

/**
 * Names, places and numbers: words capitalised where a sentence does not start, and numbers (not years).
 * A Title Case Headline Capitalises Everything, so such a title lends its words no name evidence.
 */
export function names(title: string, rest: string): Set<string> {
  const out = new Set<string>();
  const words = title.match(/\p{L}[\p{L}'’]*/gu) ?? [];
  const long = words.filter((w) => w.length > 3);
  const titleCase = long.length >= 3 && long.filter((w) => /^\p{Lu}/u.test(w)).length / long.length > 0.6;
  collect(titleCase ? '' : title, out);
  collect(rest, out);
  return out;
}

const ACRONYM = /^\p{Lu}{2,3}$/u;
// What may start a sentence or a quote: a capital after it is no evidence of a name.
const CAND = /([.!?:;"“”'‘’([\n]\s*|^\s*)?(\p{Lu}[\p{L}\p{N}'’]*|\d[\d.,]*[\p{L}]*)/gu;

function collect(text: string, out: Set<string>) {
  if (!text) return;
  for (const m of text.matchAll(CAND)) {
    const w = m[2]!;
    const isNum = /^\d/.test(w);
    // Sentence-initial capital: no evidence of a name (an optional group that matches '' reports undefined),
    // unless it is an acronym ("US to announce…", "EU to propose…"): the subject often leads a headline.
    if (!isNum && (m[1] !== undefined || m.index === 0) && !ACRONYM.test(w)) continue;
    const f = fold(w.replace(/[.,]$/, ''));
    const t = term(f);
    if (t.length < 2 || STOP.has(t) || STOP.has(f) || YEAR.test(t)) continue;
    const s = stemmed(t);
    if (COMMON.has(s)) continue;
    if (!isNum && w.length > 1 && w === w.toUpperCase() && w.length > 5) continue; // SHOUTED words are not names
    out.add(s);
  }
  // "Darren Pike, 34, was…": a sentence-initial word followed by a name is the first half of that name.
  for (const m of text.matchAll(FIRST_OF_TWO)) {
    const next = stemmed(term(fold(m[2]!)));
    const first = term(fold(m[1]!));
    if (out.has(next) && !STOP.has(first) && !COMMON.has(stemmed(first))) out.add(stemmed(first));
  }
}

const FIRST_OF_TWO = /(?:^|[.!?:;"“”'‘’([\n]\s*)(\p{Lu}\p{Ll}+)[ \u00a0](\p{Lu}\p{Ll}+)/gu;
