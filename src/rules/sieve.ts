// The atoms of an ASCII token, found as the tokeniser reads it: a trie of the rule words in lower case, as a
// transition table. Most words of an item are not rule words and walk off the trie within a few letters; a
// token that ends on a rule word finds the atoms stored with its state. Neither costs a hash or a memo lookup.
// Only a token whose atoms its state does not settle goes to Matcher.atomsAt: one with non-ASCII characters,
// one a case: word or prefix may match (the trie folds case), one that ran on past a wildcard's prefix, and
// one deeper in the trie than its 65,536 states reach (16-bit states keep the table small enough to cache).
import { ASCII_CLASS, ASCII_CLASSES } from './text.ts';

/** The state a token starts in; state 0 is dead (every move from it leads back to it). */
export const ROOT = 1;
// Where a token goes when its atoms must be looked up: it left the trie after passing a wildcard's prefix, or
// the trie ran out of states. It stays there.
const LOOKUP = 2;
const MAX_STATES = 2 ** 16;
const DENSE_BYTES = 64 * 1024;
const LETTERS = ' 0123456789abcdefghijklmnopqrstuvwxyz'; // LETTERS[ASCII_CLASS[c]] is c in lower case

// The transitions, compacted: a 1,000-rule trie has ~12,000 states, two thirds of them with one child (the rest
// of a word no other shares) and most others leaves, so one dense row per state (~0.9 MB) did not stay in the
// CPU's cache and every letter of a token cost a miss. Only ROOT and states with two or more children keep a
// row; the others say in one number which letter continues them, to where, and where any other letter goes.
// A table of under 64 KB (the shipped pack's is ~240 KB, 10 rules' ~20 KB) keeps a row for every state.
export interface Sieve {
  /**
   * code[state] >= 0: the offset of the state's row in `next`. Otherwise ~code[state] packs the one letter class
   * that continues the state (bits 0-7; 255: none), where any other letter goes (bits 8-9: dead or LOOKUP) and
   * the child (bits 10 and up).
   */
  code: Int32Array;
  /** next[code[state] + ASCII_CLASS[c]]: the state after reading word character c. */
  next: Uint16Array;
  /** The atoms of an ASCII token that ends in this state, or null when they must be looked up. */
  atoms: (readonly number[] | null)[];
}

/** The state after reading a word character of class `cls` in `state` (evaluate's tokeniser inlines this). */
export function step(s: Sieve, state: number, cls: number): number {
  const v = s.code[state]!;
  if (v >= 0) return s.next[v + cls]!;
  const w = ~v;
  return (w & 0xff) === cls ? w >>> 10 : (w >>> 8) & 3;
}

export interface SieveWord {
  /** The word as compared: folded, or as written for a case: word. */
  norm: string;
  prefix: boolean;
  caseSensitive: boolean;
}

interface Node {
  children: Map<number, Node>;
  word: boolean;
  prefix: boolean;
  caseWord: boolean;
  casePrefix: boolean;
}

const node = (): Node => ({ children: new Map(), word: false, prefix: false, caseWord: false, casePrefix: false });

/**
 * The sieve of the given rule words. `lookup` is the matcher's dictionary lookup of a raw token: a state's atoms
 * are its lookup, so the sieve answers exactly what the lookup would.
 */
export function buildSieve(words: Iterable<SieveWord>, lookup: (token: string) => readonly number[], none: readonly number[]): Sieve {
  const root = node();
  let size = 3;
  for (const w of words) {
    // A word with anything but ASCII letters and digits never equals (or begins) an ASCII token, and an empty
    // prefix matches nothing (see compile.ts's walk).
    if (!/^[A-Za-z0-9]+$/.test(w.norm)) continue;
    let at = root;
    for (let i = 0; i < w.norm.length; i++) {
      const cls = ASCII_CLASS[w.norm.charCodeAt(i)]!;
      let child = at.children.get(cls);
      if (!child) {
        child = node();
        at.children.set(cls, child);
        size++;
      }
      at = child;
    }
    if (w.prefix) at.prefix = true;
    else at.word = true;
    if (w.caseSensitive && w.prefix) at.casePrefix = true;
    else if (w.caseSensitive) at.caseWord = true;
  }

  const full = new Uint16Array(Math.min(size, MAX_STATES) * ASCII_CLASSES).fill(LOOKUP, LOOKUP * ASCII_CLASSES, (LOOKUP + 1) * ASCII_CLASSES);
  const atoms: (readonly number[] | null)[] = [none, none, null];
  // States numbered breadth first; each knows its token (in lower case) and what was passed on the way to it.
  const queue = [{ at: root, state: ROOT, token: '', pastPrefix: false, pastCasePrefix: false }];
  for (let k = 0; k < queue.length; k++) {
    const { at, state, token, pastPrefix, pastCasePrefix } = queue[k]!;
    for (let cls = 1; cls < ASCII_CLASSES; cls++) {
      const child = at.children.get(cls);
      if (!child) {
        full[state * ASCII_CLASSES + cls] = pastPrefix ? LOOKUP : 0;
        continue;
      }
      if (atoms.length === MAX_STATES) {
        full[state * ASCII_CLASSES + cls] = LOOKUP;
        continue;
      }
      const to = atoms.length;
      const t = token + LETTERS[cls];
      const past = pastPrefix || child.prefix;
      const pastCase = pastCasePrefix || child.casePrefix;
      // No word or prefix: nothing to find. A case: word or prefix: only some spellings of the token hit it.
      atoms.push(!past && !child.word ? none : child.caseWord || pastCase ? null : lookup(t));
      full[state * ASCII_CLASSES + cls] = to;
      queue.push({ at: child, state: to, token: t, pastPrefix: past, pastCasePrefix: pastCase });
    }
  }
  return compact(full, atoms);
}

// The full table (one row per state) to the compact one: rows kept for ROOT and for states where two or more
// letters lead somewhere other than where every other letter leads.
function compact(full: Uint16Array, atoms: (readonly number[] | null)[]): Sieve {
  const states = atoms.length;
  const code = new Int32Array(states);
  const rows: number[] = [];
  // A small table stays in cache whole, and a row for every state spares the branch on the state's kind.
  const dense = full.byteLength <= DENSE_BYTES;
  for (let s = 0; s < states; s++) {
    const row = s * ASCII_CLASSES;
    // Where most letters go from here: dead, or LOOKUP past a wildcard's prefix.
    let lookups = 0;
    for (let c = 1; c < ASCII_CLASSES; c++) if (full[row + c] === LOOKUP) lookups++;
    const other = lookups * 2 > ASCII_CLASSES - 1 ? LOOKUP : 0;
    let out = 0;
    let cls = 0;
    for (let c = 1; c < ASCII_CLASSES; c++) {
      if (full[row + c] === other) continue;
      out++;
      cls = c;
    }
    if (s === ROOT || out > 1 || dense) {
      code[s] = rows.length * ASCII_CLASSES;
      rows.push(s);
    } else code[s] = ~(out ? (full[row + cls]! << 10) | (other << 8) | cls : (other << 8) | 0xff);
  }
  const next = new Uint16Array(rows.length * ASCII_CLASSES);
  for (let r = 0; r < rows.length; r++) next.set(full.subarray(rows[r]! * ASCII_CLASSES, (rows[r]! + 1) * ASCII_CLASSES), r * ASCII_CLASSES);
  return { code, next, atoms };
}
