// The matcher's memo of token -> atoms, looked up straight from the item text: the tokeniser hashes a word the
// sieve did not settle (see sieve.ts) in place, and a hit compares the stored word against the text in place,
// so the common case (a word seen before) allocates nothing. Open addressing, linear probing, doubled when half
// full.

/** FNV-1a over UTF-16 code units. */
export const HASH_SEED = 0x811c9dc5;
export const hashStep = (h: number, code: number): number => Math.imul(h ^ code, 0x01000193);

export function hashOf(s: string, start = 0, end = s.length): number {
  let h = HASH_SEED;
  for (let i = start; i < end; i++) h = hashStep(h, s.charCodeAt(i));
  return h;
}

export class TokenMemo<V> {
  private slots = new Int32Array(1024);
  private keys: string[] = [];
  private hashes: number[] = [];
  private values: V[] = [];

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.keys.length;
  }

  /** The value stored for text[start, end), whose hash is h. */
  get(text: string, start: number, end: number, h: number): V | undefined {
    const mask = this.slots.length - 1;
    const len = end - start;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const slot = this.slots[i]!;
      if (slot === 0) return undefined;
      const k = slot - 1;
      if (this.hashes[k] === h) {
        const key = this.keys[k]!;
        if (key.length === len && text.startsWith(key, start)) return this.values[k];
      }
    }
  }

  set(key: string, h: number, value: V): void {
    if (this.keys.length >= this.limit) this.clear();
    if ((this.keys.length + 1) * 2 > this.slots.length) this.grow();
    this.keys.push(key);
    this.hashes.push(h);
    this.values.push(value);
    this.place(this.slots, this.keys.length - 1, h);
  }

  clear(): void {
    this.slots = new Int32Array(1024);
    this.keys = [];
    this.hashes = [];
    this.values = [];
  }

  private place(slots: Int32Array, k: number, h: number): void {
    const mask = slots.length - 1;
    let i = h & mask;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = k + 1;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    for (let k = 0; k < this.keys.length; k++) this.place(slots, k, this.hashes[k]!);
    this.slots = slots;
  }
}
