/**
 * cyrb53: a fast, well-mixed 53-bit non-cryptographic hash, fed incrementally (pure).
 * Dedupe keys and the weekly tabs' fingerprints both use it; neither needs a keyed or
 * cryptographic digest, and SHA-256 in script would cost far more per row.
 */
/** Scratch for Hash53.decimal (a safe integer has at most 16 digits). */
const DIGITS = new Uint8Array(16);

export class Hash53 {
  private h1 = 0;
  private h2 = 0;

  constructor(seed = 0) {
    this.reset(seed);
  }

  /** Starts over with a seed. */
  reset(seed = 0): this {
    this.h1 = 0xdeadbeef ^ seed;
    this.h2 = 0x41c6ce57 ^ seed;
    return this;
  }

  /** Mixes in one 32-bit unit. */
  int(c: number): void {
    this.h1 = Math.imul(this.h1 ^ c, 2654435761);
    this.h2 = Math.imul(this.h2 ^ c, 1597334677);
  }

  /** Mixes in a string's UTF-16 code units (nothing else: no length, no tag). */
  chars(text: string): void {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    this.h1 = h1;
    this.h2 = h2;
  }

  /**
   * Mixes in the code units of String(n), for a safe integer without making the text
   * (dedupe hashes a record's epoch ms this way; other numbers go through String).
   */
  decimal(n: number): void {
    if (!Number.isSafeInteger(n)) {
      this.chars(String(n));
      return;
    }
    let h1 = this.h1;
    let h2 = this.h2;
    if (n < 0) {
      h1 = Math.imul(h1 ^ 45, 2654435761); // '-'
      h2 = Math.imul(h2 ^ 45, 1597334677);
      n = -n;
    }
    // Digits from the last, in two int32 parts n = hi * 1e8 + lo (a double's % 10 costs
    // far more, and an epoch ms has 13 digits). The floor is exact: n / 1e8 < 2^27, where
    // half a double's spacing (7.5e-9) is less than the 1e-8 a non-multiple of 1e8 lies
    // from an integer, so the quotient never rounds up to one.
    const hi = Math.floor(n / 1e8);
    let lo = n - hi * 1e8;
    let k = 0;
    if (hi > 0) {
      for (let j = 0; j < 8; j++) {
        const q = (lo / 10) | 0;
        DIGITS[k++] = 48 + lo - q * 10;
        lo = q;
      }
      lo = hi;
    }
    do {
      const q = (lo / 10) | 0;
      DIGITS[k++] = 48 + lo - q * 10;
      lo = q;
    } while (lo > 0);
    while (k > 0) {
      const ch = DIGITS[--k];
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    this.h1 = h1;
    this.h2 = h2;
  }

  /** The 53-bit value of what was mixed in so far (the state is left as it is). */
  digest(): number {
    let h1 = Math.imul(this.h1 ^ (this.h1 >>> 16), 2246822507);
    h1 ^= Math.imul(this.h2 ^ (this.h2 >>> 13), 3266489909);
    let h2 = Math.imul(this.h2 ^ (this.h2 >>> 16), 2246822507);
    h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return 4294967296 * (2097151 & h2) + (h1 >>> 0);
  }
}
