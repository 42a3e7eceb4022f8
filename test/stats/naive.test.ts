import {lagWalk, naive, snaive} from '../../src/stats/naive';

describe('naive and seasonal naive (forecast::naive, forecast::snaive)', () => {
  const y = [10, 12, 14, 11, 13, 15, 12, 14, 16];

  test('seasonal naive repeats the last season; intervals widen by whole seasons', () => {
    const f = snaive(y, 3, 7, [80, 95]);
    expect(f.mean).toEqual([12, 14, 16, 12, 14, 16, 12]);
    // Residuals y[t] - y[t-3]: 1, 1, 1, 1, 1, 1 -> mse 1.
    const z80 = 1.2815515655446004;
    const se = [1, 1, 1, Math.SQRT2, Math.SQRT2, Math.SQRT2, Math.sqrt(3)];
    f.upper['80'].forEach((u, i) =>
      expect(u).toBeCloseTo(f.mean[i] + z80 * se[i], 12),
    );
    f.lower['95'].forEach((l, i) =>
      expect(l).toBeCloseTo(f.mean[i] - 1.959963984540054 * se[i], 12),
    );
  });

  test('naive repeats the last value with sqrt(h) widening', () => {
    const f = naive([1, 3, 2, 4], 3, [80]);
    expect(f.mean).toEqual([4, 4, 4]);
    // Residuals 2, -1, 2: mse = 3.
    const se = [1, 2, 3].map(h => Math.sqrt(3 * h));
    f.upper['80'].forEach((u, i) =>
      expect(u).toBeCloseTo(4 + 1.2815515655446004 * se[i], 12),
    );
  });

  test('missing values are filled from a season earlier, as lagwalk does', () => {
    const fit = lagWalk([1, 2, 3, 4, null, 6], 3);
    expect(fit.future).toEqual([4, 2, 6]);
    expect(fit.residuals).toEqual([null, null, null, 3, null, 3]);
    expect(fit.mse).toBe(9);
    // A gap in the first season cannot be filled: refused rather than forecast as NaN.
    expect(() => lagWalk([1, null, 3, 4, null, 6], 3)).toThrow(/missing/);
  });

  test('too short a series is refused', () => {
    expect(() => snaive([1, 2, 3], 3, 2)).toThrow(/more than 3/);
    expect(() => naive([1], 2)).toThrow();
  });
});
