/**
 * Keyed, splittable pseudo-random streams.
 *
 * A stream is a pure function of `(seed, ...keys)`: `Rng.of(seed, PURPOSE.journey, personKey)` always
 * yields the same numbers, whatever else the simulator drew before. That is what lets a counterfactual
 * run (one channel switched off) reuse exactly the same random numbers for every person, and what makes
 * output byte-identical for a seed. The generator is sfc32 seeded through a murmur3-style finaliser.
 */

/** Stream purposes: one number each so keys stay numeric (fast) and never collide by accident. */
export const PURPOSE = {
  day: 1,
  household: 2,
  person: 3,
  journey: 4,
  session: 5,
  crm: 6,
  company: 7,
  cost: 8,
  extras: 9,
  device: 10,
} as const;

const TWO_32 = 4294967296;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function splitInt(n: number): [number, number] {
  const hi = Math.floor(n / TWO_32);
  return [(n - hi * TWO_32) >>> 0, hi >>> 0];
}

const SALTS: readonly number[] = [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344];
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const HEX = '0123456789abcdef';

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  private constructor(a: number, b: number, c: number, d: number) {
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** The stream for `(seed, ...keys)`; keys are non-negative integers (safe integers are fine). */
  static of(seed: number, ...keys: number[]): Rng {
    const parts: number[] = [...splitInt(seed)];
    for (const k of keys) parts.push(...splitInt(k));
    const w = SALTS.map((salt, i) => {
      let h = salt;
      for (const p of parts) h = fmix((h ^ fmix((p + salt + i) >>> 0)) + 0x9e3779b9);
      return h;
    });
    return new Rng(w[0] ?? 1, w[1] ?? 2, w[2] ?? 3, w[3] ?? 4);
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / TWO_32;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [lo, hi] inclusive. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  uniform(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const v = items[this.int(items.length)];
    if (v === undefined) throw new RangeError('pick from an empty list');
    return v;
  }

  /** Picks by weight from `[value, weight]` pairs (weights need not sum to 1). */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [v, w] of items) {
      r -= w;
      if (r < 0) return v;
    }
    const last = items[items.length - 1];
    if (last === undefined) throw new RangeError('weighted pick from an empty list');
    return last[0];
  }

  /** Standard normal (Box-Muller, one value per call so the count of draws is fixed). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Poisson count; exact for small means, normal approximation above 50. */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  hex(len: number): string {
    let s = '';
    for (let i = 0; i < len; i++) s += HEX[this.uint32() & 15];
    return s;
  }

  base64url(len: number): string {
    let s = '';
    for (let i = 0; i < len; i++) s += B64URL[this.uint32() & 63];
    return s;
  }

  /** A version-4 UUID built from this stream. */
  uuid(): string {
    const h = this.hex(32);
    const variant = HEX[8 + (this.uint32() & 3)];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}
