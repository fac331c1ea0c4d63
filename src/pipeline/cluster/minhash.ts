// MinHash over word shingles, and LSH band keys. 64 permutations: the estimate of a Jaccard similarity has a
// standard error of at most 0.0625, enough to tell a copy (J > 0.5) from a rewrite (J < 0.25), and the
// signature stays at 64 int4 values in storage. Hash functions are fixed seeds: signatures computed by
// different workers, on different days, must compare.

export const PERMUTATIONS = 64;
/** 32 bands of 2 rows: a pair with J = 0.2 shares a band key with probability 0.73, J = 0.3: 0.95, J = 0.05: 0.08. */
export const BANDS = 32;
export const ROWS = PERMUTATIONS / BANDS;

/** murmur3's finaliser: a cheap, well-mixed 32-bit permutation. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units, finalised: strings to well-spread 32-bit values. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix(h);
}

const SEEDS = Uint32Array.from({ length: PERMUTATIONS }, (_, i) => fmix((i + 1) * 0x9e3779b9));

/**
 * Word shingles of width 2 (a lone term when the text has one). Sets: a repeated phrase counts once.
 * Shingles made only of `skip` words ("probation officer", "england wales") are sector boilerplate that every
 * story shares; leaving them out keeps two stories on one topic from looking like copies.
 */
export function shingles(terms: string[], skip?: ReadonlySet<string>): Set<number> {
  const out = new Set<number>();
  if (terms.length === 1) out.add(hash32(terms[0]!));
  for (let i = 0; i + 1 < terms.length; i++) {
    if (skip?.has(terms[i]!) && skip.has(terms[i + 1]!)) continue;
    out.add(hash32(`${terms[i]} ${terms[i + 1]}`));
  }
  return out;
}

/** MinHash as signed int32 (Postgres int4); an empty set gives all -1, which nothing else matches by design. */
export function minhash(set: Set<number>): number[] {
  const mins = new Uint32Array(PERMUTATIONS).fill(0xffffffff);
  for (const x of set) {
    for (let k = 0; k < PERMUTATIONS; k++) {
      const h = fmix(x ^ SEEDS[k]!);
      if (h < mins[k]!) mins[k] = h;
    }
  }
  return Array.from(mins, (v) => v | 0);
}

/** Share of equal positions: an unbiased estimate of the Jaccard similarity of the two shingle sets. */
export function jaccard(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  if (n === 0) return 0;
  let eq = 0;
  for (let i = 0; i < n; i++) if (a[i] === b[i] && a[i] !== -1) eq++;
  return eq / n;
}

/** One key per band ("m07:1a2b3c4d"); an empty signature has none. */
export function minhashKeys(mh: readonly number[]): string[] {
  const out: string[] = [];
  if (mh.length === 0 || mh[0] === -1) return out;
  for (let b = 0; b < BANDS; b++) {
    let h = b + 1;
    for (let r = 0; r < ROWS; r++) h = fmix(Math.imul(h, 31) ^ (mh[b * ROWS + r]! >>> 0));
    out.push(`m${b.toString().padStart(2, '0')}:${h.toString(16)}`);
  }
  return out;
}
