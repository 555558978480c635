/**
 * Interns integer sequences (paths of channel ids, channel sets, Markov windows) to dense ids with an
 * open-addressing hash table over typed arrays, so that millions of paths cost no per-path objects.
 * `find` can look a sequence up with one position skipped, which is what the counterfactual paths
 * of simplified Shapley need, without building the shorter sequence.
 */
export class SequenceInterner {
  private keys: Int32Array;
  private keyStart: Int32Array;
  private keyLen: Int32Array;
  private keyHash: Int32Array;
  private slots: Int32Array;
  private mask: number;
  private used = 0;
  private count = 0;

  constructor(expected = 1024) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.slots = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    this.keys = new Int32Array(Math.max(64, expected * 4));
    this.keyStart = new Int32Array(Math.max(16, expected));
    this.keyLen = new Int32Array(Math.max(16, expected));
    this.keyHash = new Int32Array(Math.max(16, expected));
  }

  get size(): number {
    return this.count;
  }

  /** The id of src[start..end) without position `skip` (pass -1 to skip nothing), or -1 if absent. */
  find(src: ArrayLike<number>, start: number, end: number, skip = -1): number {
    const h = hashRange(src, start, end, skip);
    const len = end - start - (skip >= start && skip < end ? 1 : 0);
    let slot = h & this.mask;
    for (;;) {
      const id = this.slots[slot]!;
      if (id < 0) return -1;
      if (
        this.keyHash[id] === h &&
        this.keyLen[id] === len &&
        this.equals(id, src, start, end, skip)
      )
        return id;
      slot = (slot + 1) & this.mask;
    }
  }

  /** The id of src[start..end), adding it when new. */
  intern(src: ArrayLike<number>, start: number, end: number): number {
    const h = hashRange(src, start, end, -1);
    const len = end - start;
    let slot = h & this.mask;
    for (;;) {
      const id = this.slots[slot]!;
      if (id < 0) break;
      if (this.keyHash[id] === h && this.keyLen[id] === len && this.equals(id, src, start, end, -1))
        return id;
      slot = (slot + 1) & this.mask;
    }
    const id = this.count++;
    this.ensureKeyCapacity(id, len);
    this.keyStart[id] = this.used;
    this.keyLen[id] = len;
    this.keyHash[id] = h;
    for (let i = start; i < end; i++) this.keys[this.used++] = src[i]!;
    this.slots[slot] = id;
    if (this.count * 2 > this.mask) this.rehash();
    return id;
  }

  /** The stored sequence of `id` (a view, valid until the next intern). */
  sequence(id: number): Int32Array {
    const s = this.keyStart[id]!;
    return this.keys.subarray(s, s + this.keyLen[id]!);
  }

  length(id: number): number {
    return this.keyLen[id]!;
  }

  private equals(
    id: number,
    src: ArrayLike<number>,
    start: number,
    end: number,
    skip: number,
  ): boolean {
    let k = this.keyStart[id]!;
    for (let i = start; i < end; i++) {
      if (i === skip) continue;
      if (this.keys[k++] !== src[i]) return false;
    }
    return true;
  }

  private ensureKeyCapacity(id: number, len: number): void {
    if (id >= this.keyStart.length) {
      const n = this.keyStart.length * 2;
      this.keyStart = grow(this.keyStart, n);
      this.keyLen = grow(this.keyLen, n);
      this.keyHash = grow(this.keyHash, n);
    }
    if (this.used + len > this.keys.length)
      this.keys = grow(this.keys, Math.max(this.keys.length * 2, this.used + len));
  }

  private rehash(): void {
    const cap = (this.mask + 1) * 2;
    const slots = new Int32Array(cap).fill(-1);
    const mask = cap - 1;
    for (let id = 0; id < this.count; id++) {
      let slot = this.keyHash[id]! & mask;
      while (slots[slot]! >= 0) slot = (slot + 1) & mask;
      slots[slot] = id;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

function grow(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

/** FNV-style mixing with a final avalanche; positions matter, so A>B and B>A differ. */
function hashRange(src: ArrayLike<number>, start: number, end: number, skip: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) {
    if (i === skip) continue;
    h = Math.imul(h ^ (src[i]! + 1), 0x01000193);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) & 0x7fffffff;
}
