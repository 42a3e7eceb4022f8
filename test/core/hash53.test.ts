import {Hash53} from '../../src/core/hash53';

/** The hash of String(n) fed as text, and of n fed by decimal(). */
function both(n: number): [number, number] {
  const text = new Hash53(7);
  text.chars(String(n));
  const dec = new Hash53(7);
  dec.decimal(n);
  return [text.digest(), dec.digest()];
}

describe('Hash53.decimal', () => {
  it('mixes in exactly the digits of String(n)', () => {
    const edges = [
      0,
      1,
      9,
      10,
      99_999_999,
      100_000_000,
      100_000_001,
      199_999_999,
      1_738_591_506_000,
      1_700_000_000_000,
      9_999_999_900_000_000,
      Number.MAX_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER - 1,
      -1,
      -100_000_000,
      -Number.MAX_SAFE_INTEGER,
      0.5,
      1e21,
      -0,
      NaN,
    ];
    for (const n of edges) {
      const [a, b] = both(n);
      expect([n, b]).toEqual([n, a]);
    }
    // Values just below multiples of 1e8, where n / 1e8 can round up to the next integer.
    let seed = 12345;
    for (let i = 0; i < 20_000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const k = Math.floor((seed / 2 ** 32) * 90_071_992);
      for (const n of [k * 1e8 - 1, k * 1e8, k * 1e8 + 1, k * 1e8 + seed]) {
        if (!Number.isSafeInteger(n)) continue;
        const [a, b] = both(n);
        if (a !== b) expect([n, b]).toEqual([n, a]);
      }
    }
  });
});
