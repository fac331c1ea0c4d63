// What the relevance model reads of an item, as feature numbers of a vocabulary (vocabulary.ts names them):
// the words and two-word phrases of the title and the lead (the summary, else the body's first words: the
// labelled seed data has headlines and summaries, so a whole article would read unlike anything the model
// learnt from), folded and stemmed, and the title's words again as title words (a headline says what a story
// is about; measured, they made every topic's vetoes sharper); the source's host and the sections of its URL path; what the rules
// decided (topics, rules, excludes); and jurisdiction cues. Each feature is present or not.
// It runs for every item tagged, so a token costs one hash-table probe: no regular expression per word, no
// string per token it has seen before, none per feature unless a vocabulary is growing.
import type { ItemText } from '../../domain/types.ts';
import type { RuleMatch } from '../../rules/types.ts';
import { fold } from '../../rules/text.ts';
import { stripHtml } from '../text.ts';
import { SKIP, UNKNOWN, type Vocabulary } from './vocabulary.ts';

/** What the rules decided about the item (a TagResult has all of it). */
export interface RuleVerdict {
  topics: readonly string[];
  matches: readonly RuleMatch[];
  excluded: readonly RuleMatch[];
}

/** Feature numbers of one item, distinct; reused from item to item (a generation stamp instead of a clear). */
export class FeatureSet {
  ids = new Int32Array(256);
  size = 0;
  private stamp = new Int32Array(1024);
  private gen = 0;

  reset(): void {
    this.size = 0;
    if (++this.gen === 0x7fffffff) {
      this.stamp.fill(0);
      this.gen = 1;
    }
  }

  add(id: number): void {
    if (id < 0) return;
    if (id >= this.stamp.length) {
      const s = new Int32Array(Math.max(id + 1, this.stamp.length * 2));
      s.set(this.stamp);
      this.stamp = s;
    }
    if (this.stamp[id] === this.gen) return;
    this.stamp[id] = this.gen;
    if (this.size === this.ids.length) {
      const a = new Int32Array(this.ids.length * 2);
      a.set(this.ids);
      this.ids = a;
    }
    this.ids[this.size++] = id;
  }

  /** A copy of the numbers, for training. */
  toArray(): Int32Array {
    return this.ids.slice(0, this.size);
  }
}

// Imported bindings read once: run from the sources (tsx), each use of one is a getter call, in a loop that runs
// for every token.
const SKIPPED = SKIP;
const NOT_KNOWN = UNKNOWN;

/** Body words read when an item has no summary: about a summary's length. */
const LEAD_WORDS = 60;
const LETTER = /\p{L}|\p{N}|\p{M}/u;
// Beyond ASCII, whether a character (a UTF-16 unit) is a letter: the regular expression's answer, asked once per
// character and kept (0: not asked yet, 1: a letter, 2: not), so curly quotes and dashes cost an array read.
const wide = new Uint8Array(65536);
function isLetter(text: string, i: number, c: number): boolean {
  let k = wide[c]!;
  if (k === 0) wide[c] = k = LETTER.test(text[i]!) ? 1 : 2;
  return k === 1;
}
const US = /\bUSA?\b|\bU\.S\./;

/** Adds the words of a text and their phrases (at most `max` words); a title's words also as title words. */
function addWords(v: Vocabulary, raw: string, max: number, out: FeatureSet, title: boolean): void {
  // Lower-cased once; then a token is one slice (folded further only when it has letters beyond ASCII).
  const text = (raw.includes('<') || raw.includes('&') ? stripHtml(raw) : raw).toLowerCase();
  const n = text.length;
  let prev = NOT_KNOWN;
  let count = 0;
  let i = 0;
  while (i < n && count < max) {
    let c = text.charCodeAt(i);
    if (c < 128 ? !((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) : !isLetter(text, i, c)) {
      i++;
      continue;
    }
    const start = i;
    let beyond = false;
    let h = 0x811c9dc5 | 0;
    let check = 0x2545f491;
    for (; i < n; c = text.charCodeAt(++i)) {
      if (c < 128) {
        if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) break;
      } else if (isLetter(text, i, c)) beyond = true;
      else break;
      // tokenHash and tokenCheck (vocabulary.ts), inlined.
      h = Math.imul(h ^ c, 0x01000193);
      const x = Math.imul(check + c, 0x5bd1e995);
      check = x ^ (x >>> 15);
    }
    const w = beyond ? v.word(fold(text.slice(start, i))) : v.wordAt(text, start, i, h, check);
    if (w === SKIPPED) continue;
    count++;
    if (w === NOT_KNOWN) {
      prev = NOT_KNOWN;
      continue;
    }
    out.add(v.wordFeature(w));
    if (title) out.add(v.titleWord(w));
    out.add(v.cueOf(w));
    if (prev >= 0) {
      out.add(v.pair(prev, w));
      out.add(v.phraseCue);
    }
    prev = w;
  }
}

/** Adds the host and the sections of a URL path ("uk-politics-59871075" → uk, politics), not the slug that
 *  repeats the headline (four words or more). */
function addUrl(v: Vocabulary, url: string, out: FeatureSet): void {
  const lower = url.toLowerCase();
  const scheme = lower.startsWith('https://') ? 8 : lower.startsWith('http://') ? 7 : -1;
  if (scheme < 0) return;
  let end = lower.length;
  const query = lower.indexOf('?', scheme);
  if (query >= 0) end = query;
  const hash = lower.indexOf('#', scheme);
  if (hash >= 0 && hash < end) end = hash;
  let slash = lower.indexOf('/', scheme);
  if (slash < 0 || slash > end) slash = end;
  let host = lower.slice(scheme, slash);
  const port = host.indexOf(':');
  if (port >= 0) host = host.slice(0, port);
  out.add(v.id(`h:${host.startsWith('www.') ? host.slice(4) : host}`));
  // Each path segment's runs of letters (two or more), when there are fewer than four.
  const runs: string[] = [];
  for (let i = slash + 1; i <= end; i++) {
    const c = i < end ? lower.charCodeAt(i) : 47;
    if (c === 47) {
      if (runs.length < 4) for (const r of runs) out.add(v.id(`u:${r}`));
      runs.length = 0;
      continue;
    }
    if (c < 97 || c > 122) continue;
    const start = i;
    while (i + 1 < end && lower.charCodeAt(i + 1) >= 97 && lower.charCodeAt(i + 1) <= 122) i++;
    // A file extension is not a section.
    if (i + 1 - start > 1 && lower.charCodeAt(start - 1) !== 46) runs.push(lower.slice(start, i + 1));
  }
}

/** Puts the item's features in `out` (reset first). */
export function features(v: Vocabulary, item: ItemText, rules: RuleVerdict, out: FeatureSet): void {
  out.reset();
  addWords(v, item.title, 200, out, true);
  if (item.summary) addWords(v, item.summary, 2 * LEAD_WORDS, out, false);
  else if (item.body) addWords(v, item.body.slice(0, 20 * LEAD_WORDS), LEAD_WORDS, out, false);
  if (US.test(item.title) || (item.summary && US.test(item.summary))) out.add(v.id('c:foreign-place'));
  if (item.url) addUrl(v, item.url, out);
  if (rules.topics.length === 0) out.add(v.ruleFeature('t', '-'));
  for (const t of rules.topics) out.add(v.ruleFeature('t', t));
  for (const m of rules.matches) out.add(v.ruleFeature('r', m.topic, m.rule));
  for (const m of rules.excluded) out.add(v.ruleFeature('x', m.topic, m.rule));
}
