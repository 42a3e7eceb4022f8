import {
  generalizedEsd,
  mad,
  median,
  medianOfRange,
  quantile,
  robustScale,
  robustZ,
  rollingMedian,
  SortedWindow,
  tailReach,
} from '../../src/stats/robust';
import {qnorm} from '../../src/stats/distributions';
import {InputError} from '../../src/core/errors';

describe('median, quantile, mad (R conventions)', () => {
  test('median', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  test('quantile type 7', () => {
    // R: quantile(c(1, 2, 4, 8, 16), c(.1, .5, .9)) -> 1.4, 4, 12.8
    expect(quantile([1, 2, 4, 8, 16], 0.1)).toBeCloseTo(1.4, 12);
    expect(quantile([1, 2, 4, 8, 16], 0.5)).toBe(4);
    expect(quantile([1, 2, 4, 8, 16], 0.9)).toBeCloseTo(12.8, 12);
  });
  test('mad', () => {
    // R: mad(c(1, 2, 3, 4, 100)) = 1.4826
    expect(mad([1, 2, 3, 4, 100])).toBeCloseTo(1.4826, 12);
  });
  test('robust scale never zero', () => {
    const x = [5, 5, 5, 5, 5, 5, 9];
    expect(mad(x)).toBe(0);
    expect(robustScale(x)).toBeGreaterThan(0);
    const {z} = robustZ(x);
    expect(z.every(Number.isFinite)).toBe(true);
    expect(z[6]).toBeGreaterThan(0);
    expect(robustScale([2, 2, 2])).toBe(1);
  });
  test('bad input names the field', () => {
    expect(() => median([])).toThrow(InputError);
    expect(() => median([1, NaN])).toThrow(/x: value at index 1/);
  });
});

describe("generalized ESD (Rosner's example, NIST handbook 1.3.5.17.3)", () => {
  const data = [
    -0.25, 0.68, 0.94, 1.15, 1.2, 1.26, 1.26, 1.34, 1.38, 1.43, 1.49, 1.49,
    1.55, 1.56, 1.58, 1.65, 1.69, 1.7, 1.76, 1.77, 1.81, 1.91, 1.94, 1.96, 1.99,
    2.06, 2.09, 2.1, 2.14, 2.15, 2.23, 2.24, 2.26, 2.35, 2.37, 2.4, 2.47, 2.54,
    2.62, 2.64, 2.9, 2.92, 2.92, 2.93, 3.21, 3.26, 3.3, 3.59, 3.68, 4.3, 4.64,
    5.34, 5.42, 6.01,
  ];
  const stats = [
    3.118, 2.942, 3.179, 2.81, 2.815, 2.848, 2.279, 2.31, 2.101, 2.067,
  ];
  const crit = [
    3.158, 3.151, 3.143, 3.136, 3.128, 3.12, 3.111, 3.103, 3.094, 3.085,
  ];
  test('statistics, critical values and three outliers', () => {
    const r = generalizedEsd(data, 10, 0.05);
    r.steps.forEach((s, i) => {
      expect(Math.abs(s.statistic - stats[i])).toBeLessThan(1e-3);
      expect(Math.abs(s.critical - crit[i])).toBeLessThan(1e-3);
    });
    expect(r.outliers.map(i => data[i])).toEqual([6.01, 5.42, 5.34]);
  });
  test('robust variant flags the same extremes', () => {
    const r = generalizedEsd(data, 10, 0.05, true);
    expect(r.outliers.map(i => data[i]).slice(0, 3)).toEqual([
      6.01, 5.42, 5.34,
    ]);
  });
});

describe('medianOfRange', () => {
  test('equal the median of the slice, of every length, with the buffer reused', () => {
    let seed = 11;
    const rnd = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647 - 0.5;
    };
    const x = Array.from({length: 300}, () => rnd());
    for (const [a, b] of [
      [0, 1],
      [3, 13],
      [10, 41],
      [0, 300],
      [290, 400],
      [-5, 4],
    ]) {
      const s = x.slice(Math.max(0, a), b);
      const med = median(s);
      expect(medianOfRange(x, a, b)).toBe(med);
    }
  });
  test('name the field for an empty range or a value that is not finite', () => {
    expect(() => medianOfRange([1, 2], 2, 2, 'd')).toThrow(InputError);
    expect(() => medianOfRange([1, NaN, 3], 0, 3, 'd')).toThrow(/d/);
    expect(() => medianOfRange([1, Infinity], 0, 2)).toThrow(InputError);
  });
});

describe('median by selection', () => {
  test('is the middle of the sorted values, for every size and with many ties', () => {
    let seed = 3;
    const rnd = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const sortedMedian = (x: number[]) => {
      const v = Float64Array.from(x).sort();
      const h = v.length >> 1;
      return (v.length % 2 === 1 ? v[h] : (v[h - 1] + v[h]) / 2) + 0;
    };
    for (let n = 1; n <= 300; n++) {
      for (const levels of [2, 7, 1e9]) {
        const x = Array.from({length: n}, () =>
          levels < 1e9 ? Math.floor(rnd() * levels) - 1 : rnd() - 0.5,
        );
        expect(Object.is(median(x), sortedMedian(x))).toBe(true);
        // Already sorted, reversed and constant inputs (a naive pivot's worst cases).
        const up = Float64Array.from(x).sort();
        expect(median(Array.from(up))).toBe(sortedMedian(x));
        expect(median(Array.from(up).reverse())).toBe(sortedMedian(x));
      }
      expect(median(new Array<number>(n).fill(-0))).toBe(0);
    }
  });
});

describe('SortedWindow and rollingMedian', () => {
  let seed = 7;
  const rnd = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  // Ties, zeros of both signs and repeated values: the cases a sorted window must not lose.
  const x = Array.from({length: 400}, () => {
    const u = rnd();
    if (u < 0.1) return 0;
    if (u < 0.15) return -0;
    if (u < 0.3) return Math.round(u * 20) / 4;
    return (rnd() - 0.5) * 10;
  });
  test('a sliding window gives median() and the median deviation of each range', () => {
    for (const [len, step] of [
      [1, 1],
      [2, 1],
      [10, 1],
      [21, 3],
      [31, 1],
    ]) {
      const win = new SortedWindow(4);
      for (let from = -len; from < x.length; from += step) {
        win.slide(x, from, from + len);
        const s = x.slice(Math.max(0, from), from + len);
        if (s.length === 0) continue;
        const med = median(s);
        expect(win.size).toBe(s.length);
        expect(Object.is(win.median(), med)).toBe(true);
        for (const center of [med, med + 0.3, -2]) {
          expect(
            Object.is(
              win.medianDeviation(center),
              median(s.map(v => Math.abs(v - center))),
            ),
          ).toBe(true);
        }
      }
    }
  });
  test('a window only slides forward and takes finite values only', () => {
    const win = new SortedWindow(3);
    win.slide(x, 5, 10);
    expect(() => win.slide(x, 4, 10)).toThrow(/forward/);
    expect(() => new SortedWindow(3).slide([1, NaN, 2], 0, 3, 'd')).toThrow(
      InputError,
    );
    expect(() => new SortedWindow(3).medianDeviation(0, 'd')).toThrow(/d/);
  });
  test('rollingMedian is median() of each centred window, NaN where none is kept', () => {
    for (const half of [0, 1, 5, 10]) {
      const keep = (j: number) => j % 4 !== 1 && (j < 200 || j > 240);
      const all = rollingMedian(x, half);
      const kept = rollingMedian(x, half, keep);
      for (let k = 0; k < x.length; k++) {
        const lo = Math.max(0, k - half);
        const hi = Math.min(x.length, k + half + 1);
        expect(Object.is(all[k], median(x.slice(lo, hi)))).toBe(true);
        const ks = x.slice(lo, hi).filter((_, i) => keep(lo + i));
        expect(Object.is(kept[k], ks.length > 0 ? median(ks) : NaN)).toBe(true);
      }
    }
  });
});

describe('tailReach', () => {
  // Standard normal scores from evenly spaced probabilities (no sampling noise).
  const normal = Array.from({length: 999}, (_, i) => qnorm((i + 1) / 1000));

  it('is 1 for standard normal scores, in either tail', () => {
    expect(tailReach(normal, 0.02)).toBeCloseTo(1, 1);
    expect(tailReach(normal, 0.98)).toBeCloseTo(1, 1);
  });

  it('measures a tail heavier than the bulk says', () => {
    // Every 25th day is a bad day at -4.5: the 2% worst days reach that far.
    const bad = normal.map((x, i) => (i % 25 === 0 ? -4.5 : x));
    expect(tailReach(bad, 0.02)).toBeGreaterThan(2);
    // The upper tail is untouched.
    expect(tailReach(bad, 0.98)).toBeCloseTo(1, 1);
  });

  it('is NaN with too few values to see the quantile, and refuses the median', () => {
    expect(tailReach(normal.slice(0, 40), 0.02)).toBeNaN();
    expect(() => tailReach(normal, 0.5)).toThrow(InputError);
    expect(() => tailReach(normal, 1)).toThrow(InputError);
  });
});
