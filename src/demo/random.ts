/**
 * Deterministic randomness for the demo district. Everything is keyed by integers
 * (seed, entity, day, purpose) so any day or school can be generated on its own, in
 * any order, with the same result. Pure: no Node or browser globals.
 */

/** 32-bit finaliser of MurmurHash3: good avalanche at the cost of a few multiplies. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of up to four integers to an unsigned 32-bit integer. */
export function hash4(a: number, b: number, c = 0, d = 0): number {
  let h = fmix((a ^ 0x9e3779b9) >>> 0);
  h = fmix((h ^ Math.imul(b | 0, 0xcc9e2d51)) >>> 0);
  h = fmix((h + Math.imul(c | 0, 0x1b873593)) >>> 0);
  h = fmix((h ^ Math.imul(d | 0, 0xe6546b64)) >>> 0);
  return h;
}

/** Uniform in [0, 1) from up to four integer keys. */
export function u4(a: number, b: number, c = 0, d = 0): number {
  return hash4(a, b, c, d) / 4294967296;
}

/** Hash of a string (FNV-1a then finalised), for keys such as names. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix(h >>> 0);
}

/** A small fast generator (sfc32) for sequences drawn under one key. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(k1: number, k2 = 0, k3 = 0, k4 = 0) {
    this.a = hash4(k1, k2, k3, k4);
    this.b = hash4(k2, k3, k4, k1 ^ 0x5bd1e995);
    this.c = hash4(k3, k4, k1, k2 ^ 0x27d4eb2f);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [lo, hi] inclusive. */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Standard normal (Box-Muller; one value per call keeps the stream simple). */
  normal(): number {
    let u = this.next();
    while (u <= 1e-12) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Gamma(shape, 1) by Marsaglia and Tsang. */
  gamma(shape: number): number {
    if (shape < 1) {
      const u = this.next();
      return (
        this.gamma(1 + shape) * Math.pow(u <= 1e-12 ? 1e-12 : u, 1 / shape)
      );
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.next();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Poisson(lambda): inversion for small means, a rounded normal for large ones. */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda > 60) {
      return Math.max(
        0,
        Math.round(lambda + Math.sqrt(lambda) * this.normal()),
      );
    }
    const l = Math.exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > l) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /**
   * Negative binomial with mean `mean` and size `size` (variance mean + mean^2/size):
   * the overdispersed counts real activity logs show.
   */
  negBinomial(mean: number, size: number): number {
    if (!(mean > 0)) return 0;
    return this.poisson((this.gamma(size) / size) * mean);
  }

  /** Shuffles in place (Fisher-Yates). */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }
}

/** A decimal string of a signed 64-bit integer, as Google serialises int64 values. */
export function int64String(rng: Rng): string {
  // 18 or 19 digits, never a leading zero; the sign as uniqueQualifier values show it.
  const digits = rng.chance(0.5) ? 19 : 18;
  let s = String(1 + rng.int(9));
  if (digits === 19) s = String(1 + rng.int(8)); // stays below 2^63
  while (s.length < digits) s += String(rng.int(10));
  return rng.chance(0.5) ? '-' + s : s;
}

/** Digits only, `n` long, no leading zero (Directory and Classroom ids). */
export function numericId(rng: Rng, n: number): string {
  let s = String(1 + rng.int(9));
  while (s.length < n) s += String(rng.int(10));
  return s;
}
