// The JS twin of backtest_words and backtest_exact (migrations 008, 010): what the ingest passes insertItems
// (NewItem.words) for items.words / items.words_exact, so PostgreSQL does not run those regular expressions on
// every insert. Contract (tested against the SQL functions): when this says exact, so does SQL, and then the
// words here are exactly SQL's. Inexact items are always read by a backtest, whatever their words.
// It reads the raw text, as SQL does, not stripHtml's (src/pipeline/text.ts); UNKNOWN_ENTITY is SQL's list of
// references that decode to neither a word character nor nothing, so an item holding only those is exact: the
// tests check that stripHtml decodes each of them so.
//
// It runs on every stored item, so one pass over the text does the work: a word is written to the result the
// first time it is seen, and repeats (the body often repeats the summary) are found by hash and compared in
// place, costing no string; the pass also checks the characters and the tags, leaving one regular expression
// (entities), run only if there is an '&'.

const MAX_TEXT = 200_000;
const MAX_WORD = 200;
// The table of words seen starts at INITIAL_SLOTS and doubles; one bigger than MAX_KEPT_SLOTS is dropped after
// its item, so that a long item does not make every later one clear a big table.
const INITIAL_SLOTS = 512;
const MAX_KEPT_SLOTS = 4096;
// FNV-1a.
const HASH_SEED = 0x811c9dc5 | 0;
const HASH_PRIME = 0x01000193;
const UNKNOWN_ENTITY =
  /&(#(?!(0?39|0?34|0?38|160|821[6-9]|822[0-2]|821[12]|8230|x27|x2019|x201[cd]);)|(?!(amp|lt|gt|quot|apos|nbsp|lsquo|rsquo|sbquo|ldquo|rdquo|bdquo|ndash|mdash|hellip|bull|middot|laquo|raquo|pound|euro|cent|yen|copy|reg|trade|deg|times|divide|sect|thinsp|ensp|emsp|prime|dagger);)[a-z][a-z0-9]{1,31};)/i;

export interface ItemText {
  title: string;
  summaryHtml: string | null;
  bodyText: string | null;
  url: string | null;
}

export interface ItemWords {
  words: string;
  exact: boolean;
}

/** The item's lower-case ASCII words, space-separated and distinct, and whether they are all the matcher
 *  can see (false: the item is read by every backtest). */
export function itemWords(it: ItemText): ItemWords {
  // concat_ws skips NULLs. Joined, as in SQL, rather than read part by part: join makes one flat string, and
  // charCodeAt over the parts' mixed string representations measured slower than the copy.
  const t = [it.title, it.summaryHtml, it.bodyText, it.url].filter((x) => x != null).join(' ');
  scan.run(t, Math.min(t.length, MAX_TEXT));
  // Over MAX_TEXT the scan stopped early, but such an item is inexact anyway.
  const exact =
    t.length <= MAX_TEXT && scan.exactChars && !scan.tagInWord && !(t.includes('&') && UNKNOWN_ENTITY.test(t));
  return { words: scan.words(), exact };
}

/** Whether backtest_exact's [A-Za-z0-9](<[A-Za-z/!?][^<]*>)+[A-Za-z0-9] matches at i, where t[i] is a word
 *  character and t[i + 1] is '<' (the only places a match can start). By hand, because the regular expression's
 *  [^<]* runs to the next '<', often the end of the text, and backtracks: microseconds a call. A tag can end at
 *  any '>' before the next '<'; the match succeeds if one is followed by a word character, and can only go on
 *  to that next tag if a '>' is right before it. */
function tagAt(t: string, i: number): boolean {
  // lt: the tag's '<'; its '>' comes after the character that follows.
  for (let lt = i + 1; tagStart(t.charCodeAt(lt + 1)); ) {
    const next = t.indexOf('<', lt + 2);
    const stop = next < 0 ? t.length : next;
    for (let gt = t.indexOf('>', lt + 2); gt >= 0 && gt < stop; gt = t.indexOf('>', gt + 1)) {
      if (wordChar(t.charCodeAt(gt + 1))) return true;
    }
    if (next < 0 || t.charCodeAt(next - 1) !== 62) return false;
    lt = next;
  }
  return false;
}

/** [A-Za-z0-9]; false for NaN (past the end). */
function wordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
}

/** [A-Za-z/!?]: what may follow '<' in a tag. */
function tagStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 47 || c === 33 || c === 63;
}

/** Whether backtest_exact allows c: the complement of its character class [^\x01-\x7f\u0080-\u00a9...] in
 *  008, i.e. not NUL, and outside ASCII only punctuation and symbols that are not word characters. */
function exactChar(c: number): boolean {
  if (c < 0x80) return c !== 0;
  if (c <= 0xff) {
    return c <= 0xa9 || (c >= 0xab && c <= 0xb1) || c === 0xb4 || (c >= 0xb6 && c <= 0xb8) || c === 0xbb ||
      c === 0xbf || c === 0xd7 || c === 0xf7;
  }
  return (c >= 0x2000 && c <= 0x206f) || (c >= 0x20a0 && c <= 0x20cf);
}

/** One item's scan: its distinct words, written lower-case into a byte buffer that becomes the result, and
 *  what the scan learns for backtest_exact on the way. Reused across items (itemWords is synchronous) so its
 *  buffers are allocated once. */
class Scan {
  /** Every character seen so far is one backtest_exact allows. */
  exactChars = true;
  /** A tag between two word characters was seen. */
  tagInWord = false;
  private out = Buffer.alloc(4096);
  private used = 0;
  // Open addressing: slot holds 1 + where the word starts in out (0: empty), with its hash and length.
  private slot = new Int32Array(INITIAL_SLOTS);
  private hash = new Int32Array(INITIAL_SLOTS);
  private len = new Int32Array(INITIAL_SLOTS);
  private count = 0;

  /** Reads t[0, end). */
  run(t: string, end: number): void {
    this.reset(end);
    let start = -1;
    let h = 0;
    for (let i = 0; i < end; i++) {
      const c = t.charCodeAt(i);
      if (wordChar(c)) {
        if (start < 0) {
          start = i;
          h = HASH_SEED;
        }
        // Hashed case-folded (| 0x20 lower-cases A-Z and keeps 0-9), only as far as the word is kept.
        if (i - start < MAX_WORD) h = Math.imul(h ^ (c | 0x20), HASH_PRIME);
        continue;
      }
      if (start >= 0) {
        // A word that ends at '<' may go on after a tag.
        if (c === 60 && !this.tagInWord) this.tagInWord = tagAt(t, i - 1);
        this.add(t, start, Math.min(i, start + MAX_WORD), h);
        start = -1;
      }
      // Outside ASCII (and NUL): the one test that needs more than a comparison.
      if ((c === 0 || c >= 0x80) && !exactChar(c)) this.exactChars = false;
    }
    if (start >= 0) this.add(t, start, Math.min(end, start + MAX_WORD), h);
  }

  private reset(maxChars: number): void {
    this.exactChars = true;
    this.tagInWord = false;
    this.used = 0;
    this.count = 0;
    // The words and their separators never outgrow the text.
    if (this.out.length < maxChars + 1) this.out = Buffer.alloc(maxChars + 1);
    if (this.slot.length > MAX_KEPT_SLOTS) this.allocate(INITIAL_SLOTS);
    else this.slot.fill(0);
  }

  /** The words, space-separated in the order first seen. */
  words(): string {
    // The bytes are ASCII: one string, none per word.
    return this.out.toString('latin1', 0, this.used);
  }

  /** Writes s[start, end), case-folded, to the result unless it is there already. */
  private add(s: string, start: number, end: number, h: number): void {
    const n = end - start;
    const mask = this.slot.length - 1;
    let i = h & mask;
    for (let at = this.slot[i]!; at !== 0; at = this.slot[i]!) {
      if (this.hash[i] === h && this.len[i] === n && this.same(s, start, at - 1, n)) return;
      i = (i + 1) & mask;
    }
    if (this.used > 0) this.out[this.used++] = 32;
    this.slot[i] = this.used + 1;
    this.hash[i] = h;
    this.len[i] = n;
    for (let k = start; k < end; k++) this.out[this.used++] = s.charCodeAt(k) | 0x20;
    if (++this.count * 2 > this.slot.length) this.grow();
  }

  /** Whether s[start, start + n), case-folded, is the word at out[at]. */
  private same(s: string, start: number, at: number, n: number): boolean {
    for (let k = 0; k < n; k++) if ((s.charCodeAt(start + k) | 0x20) !== this.out[at + k]) return false;
    return true;
  }

  /** Doubles the table, keeping it at most half full so that probes stay short. */
  private grow(): void {
    const { slot, hash, len } = this;
    this.allocate(slot.length * 2);
    const mask = this.slot.length - 1;
    for (let j = 0; j < slot.length; j++) {
      if (slot[j] === 0) continue;
      let i = hash[j]! & mask;
      while (this.slot[i] !== 0) i = (i + 1) & mask;
      this.slot[i] = slot[j]!;
      this.hash[i] = hash[j]!;
      this.len[i] = len[j]!;
    }
  }

  private allocate(size: number): void {
    this.slot = new Int32Array(size);
    this.hash = new Int32Array(size);
    this.len = new Int32Array(size);
  }
}

const scan = new Scan();
