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

/** FNV-1a over text[start, end): what `wordAt` is given for a token, and where it looks first. */
export function tokenHash(text: string, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

/** A second, independent hash over text[start, end) (multiply, then fold the high bits down): `wordAt` is
 *  given it too, and takes a token as one it has seen when both hashes and the length agree. */
export function tokenCheck(text: string, start: number, end: number): number {
  let h = 0x2545f491;
  for (let i = start; i < end; i++) {
    const x = Math.imul(h + text.charCodeAt(i), 0x5bd1e995);
    h = x ^ (x >>> 15);
  }
  return h;
}

/** Where the pair (a, b) looks first in the pair table. */
function pairHash(a: number, b: number): number {
  const h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
  return h ^ (h >>> 16);
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
  /** Two words in a row: an open-addressing table, four numbers a slot: the first word + 1 (0: empty), the
   *  second, the pair's b: feature and its cue phrase's c: feature (-1: none). One probe answers both. */
  private pairSlots = new Int32Array(4 * 1024);
  private pairsUsed = 0;
  /** The c: feature of the cue phrase that the last `pair` call looked up (UNKNOWN: none). */
  phraseCue = UNKNOWN;
  private readonly wordOfStem = new Map<string, number>();
  private readonly rules = { t: new Map<string, Map<string, number>>(), r: new Map<string, Map<string, number>>(), x: new Map<string, Map<string, number>>() };
  /** Folded token → word number, SKIP or (frozen) UNKNOWN: an open-addressing table keyed by the token's two
   *  hashes and length (tokenHash, tokenCheck), so a token seen before is found without making a string of it
   *  (the tokeniser hashes as it scans) and without reading one: a slot is four numbers, the hashes, the length
   *  and the word number + 3 (0: empty), in one cache line. Two tokens are taken for one only when 64 bits of
   *  hash and the length agree. */
  private slots = new Int32Array(4 * FIRST_SLOTS);
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
        else if (words.length === 2 && words[0]! >= 0 && words[1]! >= 0) this.setPair(words[0]!, words[1]!, 3, cue);
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
      this.setPair(this.wordOf(a!), this.wordOf(b!), 2, id);
    }
    return id;
  }

  /** The feature of the rules' topic (t:TOPIC), a rule of it that matched (r:TOPIC/RULE) or an exclude that
   *  fired (x:TOPIC/RULE; a global one's topic is written "*"), by the strings a rule match holds: remembered,
   *  so an item's rules cost lookups of strings whose hashes are known, not a new name each. */
  ruleFeature(kind: 't' | 'r' | 'x', topic: string, rule = ''): number {
    const byTopic = this.rules[kind];
    let m = byTopic.get(topic);
    if (!m) {
      m = new Map();
      byTopic.set(topic, m);
    }
    let f = m.get(rule);
    if (f === undefined) {
      f = this.id(kind === 't' ? `t:${topic}` : `${kind}:${topic || '*'}/${rule}`);
      m.set(rule, f);
    }
    return f;
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

  /** The b: feature of word b after word a: UNKNOWN when the model has no such feature (frozen). Sets
   *  `phraseCue` to the c: feature of the cue phrase "a b", or UNKNOWN. */
  pair(a: number, b: number): number {
    const o = this.findPair(a, b);
    this.phraseCue = o < 0 ? UNKNOWN : this.pairSlots[o + 3]!;
    const got = o < 0 ? UNKNOWN : this.pairSlots[o + 2]!;
    return got >= 0 || this.frozen ? got : this.id(`b:${this.stems[a]} ${this.stems[b]}`);
  }

  /** The word number of a folded token: SKIP (stop word, number), UNKNOWN (frozen, a word it never saw). */
  word(token: string): number {
    const n = token.length;
    return this.wordAt(token, 0, n, tokenHash(token, 0, n), tokenCheck(token, 0, n));
  }

  /** word(text.slice(start, end)), `hash` and `check` being its tokenHash and tokenCheck, without the slice
   *  when the token was seen. */
  wordAt(text: string, start: number, end: number, hash: number, check: number): number {
    const slots = this.slots;
    const mask = (slots.length >> 2) - 1;
    const length = end - start;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const o = 4 * i;
      const v = slots[o + 3]!;
      if (v === 0) break;
      if (slots[o] === hash && slots[o + 1] === check && slots[o + 2] === length) return v - 3;
    }
    const s = stemOf(text.slice(start, end));
    const w = s === null ? SKIP : this.frozen ? (this.wordOfStem.get(s) ?? UNKNOWN) : this.wordOf(s);
    if (w >= 0 && !this.frozen && this.info[3 * w] === -1) this.id(`w:${s}`);
    if (this.used >= MAX_TOKENS) this.resize(FIRST_SLOTS);
    // Three quarters full at most: linear probing stays short, and the table small enough to stay in cache.
    else if (4 * (this.used + 1) > 3 * (slots.length >> 2)) this.resize(slots.length >> 1, true);
    this.put(hash, check, length, w);
    return w;
  }

  private put(hash: number, check: number, length: number, w: number): void {
    const mask = (this.slots.length >> 2) - 1;
    let i = hash & mask;
    while (this.slots[4 * i + 3] !== 0) i = (i + 1) & mask;
    this.slots.set([hash, check, length, w + 3], 4 * i);
    this.used++;
  }

  /** A table of `size` slots: the old entries moved over when `keep`, else forgotten. */
  private resize(size: number, keep = false): void {
    const old = this.slots;
    this.slots = new Int32Array(4 * size);
    this.used = 0;
    if (keep) for (let o = 0; o < old.length; o += 4) if (old[o + 3] !== 0) this.put(old[o]!, old[o + 1]!, old[o + 2]!, old[o + 3]! - 3);
  }

  /** The pair table's offset of (a, b), or -1. */
  private findPair(a: number, b: number): number {
    const t = this.pairSlots;
    const mask = (t.length >> 2) - 1;
    for (let i = pairHash(a, b) & mask; ; i = (i + 1) & mask) {
      const o = 4 * i;
      const first = t[o]!;
      if (first === 0) return -1;
      if (first === a + 1 && t[o + 1] === b) return o;
    }
  }

  /** Sets field k (2: the b: feature, 3: the cue phrase's c:) of the pair (a, b), adding the pair if new. */
  private setPair(a: number, b: number, k: 2 | 3, id: number): void {
    let o = this.findPair(a, b);
    if (o < 0) {
      if (4 * (this.pairsUsed + 1) > 3 * (this.pairSlots.length >> 2)) {
        const old = this.pairSlots;
        this.pairSlots = new Int32Array(2 * old.length);
        for (let p = 0; p < old.length; p += 4) if (old[p] !== 0) this.pairSlots.set(old.subarray(p, p + 4), this.freePair(old[p]! - 1, old[p + 1]!));
      }
      o = this.freePair(a, b);
      this.pairSlots.set([a + 1, b, -1, -1], o);
      this.pairsUsed++;
    }
    this.pairSlots[o + k] = id;
  }

  /** The offset of the empty slot where (a, b) goes. */
  private freePair(a: number, b: number): number {
    const mask = (this.pairSlots.length >> 2) - 1;
    let i = pairHash(a, b) & mask;
    while (this.pairSlots[4 * i] !== 0) i = (i + 1) & mask;
    return 4 * i;
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
      this.wordOfStem.set(s, w);
    }
    return w;
  }
}
