// The relevance model's vocabulary: feature names and their numbers, and the word table that turns a token
// into a number with one map lookup (stemming and stop words decided once per spelling, not per occurrence).
// Training grows it as it reads examples; a trained model's vocabulary is frozen, so classifying an item never
// adds a feature and a word the model never learnt costs a lookup and nothing else. Feature names:
//   w:STEM  a word      T:STEM  a word of the title      b:STEM STEM  two words in a row
//   c:GROUP a jurisdiction cue (cues.ts)     h:HOST  the source's host     u:WORD  a section of the URL path
//   t:TOPIC the rules gave the topic (t:- none)   r:TOPIC/RULE  that rule matched   x:TOPIC/RULE  that exclude fired
import { stem } from 'porter2';
import { CUES } from './cues.ts';

/** What a word number stands for when a token is not a word of its own. */
export const SKIP = -2;
export const UNKNOWN = -1;

// Words too common to say anything alone. Phrases are made of the words left, so "released in error" gives
// the phrase "releas error".
const STOP = new Set(
  ('a an the and or but if of at by for with about to from in on off out over under into as is are was were be been ' +
    'being has have had do does did it its this that these those he she they we you i his her their our your my me him ' +
    'them us who whom which what when where why how than then so not no can will would could should may might must ' +
    'after before up down more most some such only own same very just now says said say also amp').split(' '),
);

/** A folded token's stem, or null for a stop word, a number or a single character. */
export function stemOf(token: string): string | null {
  if (token.length < 2 || STOP.has(token) || (token.charCodeAt(0) <= 57 && /^\d+$/.test(token))) return null;
  return token.length > 3 ? stem(token) : token;
}

/** Spellings remembered; past this the table starts again (a frozen vocabulary meets new words for ever). */
const MAX_TOKENS = 1 << 17;
const FIRST_SLOTS = 1 << 12;

/** FNV-1a over text[start, end): what `wordAt` is given for a token. */
export function tokenHash(text: string, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

export class Vocabulary {
  /** Feature number → name. */
  readonly names: string[] = [];
  private readonly ids = new Map<string, number>();
  /** Word number → its stem. */
  readonly stems: string[] = [];
  /** Word number w → at 3w its w: feature, 3w + 1 its T: feature, 3w + 2 its cue's c: feature (-1: none). One
   *  array, so a token's lookups share a cache line. */
  private info = new Int32Array(3 * 1024).fill(-1);
  /** Word number → the words that follow it in a b: feature (→ the feature) or in a cue phrase (→ its c:). */
  private readonly pairs: (Map<number, number> | undefined)[] = [];
  private readonly cuePairs: (Map<number, number> | undefined)[] = [];
  private readonly wordOfStem = new Map<string, number>();
  /** Folded token → word number, SKIP or (frozen) UNKNOWN: an open-addressing table keyed by the token's hash,
   *  so a token seen before is found without making a string of it (the tokeniser hashes as it scans). A slot
   *  is two numbers, the hash and the word number + 3 (0: empty); the token itself is read only on a hash match. */
  private slots = new Int32Array(2 * FIRST_SLOTS);
  private keys: (string | undefined)[] = new Array(FIRST_SLOTS);
  private used = 0;
  private frozen = false;

  constructor() {
    for (const [group, list] of Object.entries(CUES)) {
      const cue = this.id(`c:${group}`);
      for (const entry of list.split(/\s+/)) {
        const words = entry.split('_').map((w) => {
          const s = stemOf(w);
          return s === null ? -1 : this.wordOf(s);
        });
        if (words.length === 1 && words[0]! >= 0) this.info[3 * words[0]! + 2] = cue;
        else if (words.length === 2 && words[0]! >= 0 && words[1]! >= 0) link(this.cuePairs, words[0]!, words[1]!, cue);
      }
    }
  }

  /** A vocabulary that knows exactly these features and never grows. */
  static of(names: Iterable<string>): Vocabulary {
    const v = new Vocabulary();
    for (const name of names) v.id(name);
    v.frozen = true;
    return v;
  }

  get size(): number {
    return this.names.length;
  }

  /** The feature's number; a new one while growing, UNKNOWN for a name it lacks once frozen. */
  id(name: string): number {
    const got = this.ids.get(name);
    if (got !== undefined) return got;
    if (this.frozen) return UNKNOWN;
    const id = this.names.length;
    this.names.push(name);
    this.ids.set(name, id);
    const kind = name.slice(0, 2);
    if (kind === 'w:') this.info[3 * this.wordOf(name.slice(2))] = id;
    else if (kind === 'T:') this.info[3 * this.wordOf(name.slice(2)) + 1] = id;
    else if (kind === 'b:') {
      const [a, b] = name.slice(2).split(' ');
      link(this.pairs, this.wordOf(a!), this.wordOf(b!), id);
    }
    return id;
  }

  /** The w: feature of word w, or UNKNOWN. */
  wordFeature(w: number): number {
    return this.info[3 * w]!;
  }

  /** The feature number of word w in a title: UNKNOWN when the model has no such feature (frozen). */
  titleWord(w: number): number {
    const got = this.info[3 * w + 1]!;
    return got >= 0 || this.frozen ? got : this.id(`T:${this.stems[w]}`);
  }

  /** The c: feature of word w's cue group, or UNKNOWN. */
  cueOf(w: number): number {
    return this.info[3 * w + 2]!;
  }

  /** The feature number of word b after word a: UNKNOWN when the model has no such feature (frozen). */
  pair(a: number, b: number): number {
    const got = this.pairs[a]?.get(b);
    if (got !== undefined) return got;
    return this.frozen ? UNKNOWN : this.id(`b:${this.stems[a]} ${this.stems[b]}`);
  }

  /** The c: feature of a cue phrase "a b", or UNKNOWN. */
  cuePair(a: number, b: number): number {
    return this.cuePairs[a]?.get(b) ?? UNKNOWN;
  }

  /** The word number of a folded token: SKIP (stop word, number), UNKNOWN (frozen, a word it never saw). */
  word(token: string): number {
    return this.wordAt(token, 0, token.length, tokenHash(token, 0, token.length));
  }

  /** word(text.slice(start, end)), `hash` being tokenHash of it, without the slice when the token was seen. */
  wordAt(text: string, start: number, end: number, hash: number): number {
    const slots = this.slots;
    const mask = this.keys.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const v = slots[2 * i + 1]!;
      if (v === 0) break;
      if (slots[2 * i] === hash) {
        const key = this.keys[i]!;
        if (key.length === end - start && text.startsWith(key, start)) return v - 3;
      }
    }
    const token = text.slice(start, end);
    const s = stemOf(token);
    const w = s === null ? SKIP : this.frozen ? (this.wordOfStem.get(s) ?? UNKNOWN) : this.wordOf(s);
    if (w >= 0 && !this.frozen && this.info[3 * w] === -1) this.id(`w:${s}`);
    if (this.used >= MAX_TOKENS) this.resize(FIRST_SLOTS);
    // Three quarters full at most: linear probing stays short, and the table small enough to stay in cache.
    else if (4 * (this.used + 1) > 3 * this.keys.length) this.resize(this.keys.length * 2, true);
    this.put(token, hash, w);
    return w;
  }

  private put(key: string, hash: number, w: number): void {
    const mask = this.keys.length - 1;
    let i = hash & mask;
    while (this.slots[2 * i + 1] !== 0) i = (i + 1) & mask;
    this.keys[i] = key;
    this.slots[2 * i] = hash;
    this.slots[2 * i + 1] = w + 3;
    this.used++;
  }

  /** A table of `size` slots: the old entries moved over when `keep`, else forgotten. */
  private resize(size: number, keep = false): void {
    const [keys, slots] = [this.keys, this.slots];
    this.keys = new Array(size);
    this.slots = new Int32Array(2 * size);
    this.used = 0;
    if (keep) for (let i = 0; i < keys.length; i++) if (keys[i] !== undefined) this.put(keys[i]!, slots[2 * i]!, slots[2 * i + 1]! - 3);
  }

  private wordOf(s: string): number {
    let w = this.wordOfStem.get(s);
    if (w === undefined) {
      w = this.stems.length;
      this.stems.push(s);
      if (3 * (w + 1) > this.info.length) {
        const grown = new Int32Array(2 * this.info.length).fill(-1);
        grown.set(this.info);
        this.info = grown;
      }
      this.pairs.push(undefined);
      this.cuePairs.push(undefined);
      this.wordOfStem.set(s, w);
    }
    return w;
  }
}

function link(table: (Map<number, number> | undefined)[], a: number, b: number, id: number): void {
  let m = table[a];
  if (!m) table[a] = m = new Map();
  m.set(b, id);
}
