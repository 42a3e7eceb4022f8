import * as fs from 'fs';
import * as path from 'path';
import {
  diff,
  isConstant,
  kpss,
  kpssPValue,
  kpssShortLags,
  minRootModulus,
  ndiffs,
  nsdiffs,
  polyroot,
  rootsWithin,
  seasonalStrength,
} from '../../src/stats/unitroot';

const REF = path.join(__dirname, '../fixtures/reference');
const ref = JSON.parse(
  fs.readFileSync(path.join(REF, 'stats/unit_root_tests.json'), 'utf8'),
);
const series = Object.entries<{
  y: number[];
  frequency: number;
  ndiffs_kpss: number;
  nsdiffs_seas: number;
  seasonal_strength: number | null;
  kpss_stat_level: number;
  kpss_lags: number;
}>(ref.series);

describe('unit-root decisions (forecast::ndiffs, nsdiffs; urca::ur.kpss)', () => {
  test.each(series)('%s: KPSS level statistic and lag', (_name, s) => {
    const lags = kpssShortLags(s.y.length);
    expect(lags).toBe(s.kpss_lags);
    const r = kpss(s.y, lags, 'mu');
    expect(Math.abs(r.statistic - s.kpss_stat_level)).toBeLessThan(1e-9);
  });

  test.each(series)('%s: ndiffs(test = "kpss")', (_name, s) => {
    expect(ndiffs(s.y)).toBe(s.ndiffs_kpss);
  });

  test.each(series)(
    '%s: nsdiffs(test = "seas") and seasonal strength',
    (_name, s) => {
      if (s.frequency > 1) {
        expect(nsdiffs(s.y, s.frequency)).toBe(s.nsdiffs_seas);
        const st = seasonalStrength(s.y, s.frequency) as number;
        expect(Math.abs(st - (s.seasonal_strength as number))).toBeLessThan(
          1e-9,
        );
      } else {
        expect(s.nsdiffs_seas).toBe(0);
        expect(seasonalStrength(s.y, s.frequency)).toBeNull();
      }
    },
  );

  test('KPSS p-value interpolates the critical values and is clamped', () => {
    expect(kpssPValue(0.1)).toBe(0.1);
    expect(kpssPValue(0.463)).toBeCloseTo(0.05, 12);
    expect(kpssPValue((0.463 + 0.574) / 2)).toBeCloseTo(0.0375, 12);
    expect(kpssPValue(5)).toBe(0.01);
  });

  test('constant and short series need no differencing', () => {
    expect(isConstant([3, 3, null, 3])).toBe(true);
    expect(isConstant([3, 3.1])).toBe(false);
    expect(ndiffs([5, 5, 5, 5, 5])).toBe(0);
    expect(nsdiffs([1, 1, 1, 1, 1, 1, 1, 1], 4)).toBe(0);
  });

  test('a random walk needs one difference, its difference none', () => {
    let s = 12345;
    const rnd = () => {
      s = (s * 16807) % 2147483647;
      return s / 2147483647 - 0.5;
    };
    const y: number[] = [0];
    for (let i = 1; i < 300; i++) y.push(y[i - 1] + rnd());
    expect(ndiffs(y)).toBe(1);
    expect(ndiffs(diff(y) as number[])).toBe(0);
  });

  test('polyroot finds the roots of known polynomials', () => {
    // (z - 2)(z + 0.5)(z^2 + 1) = z^4 - 1.5 z^3 + 0 z^2 - 1.5 z - 1
    const roots = polyroot([-1, -1.5, 0, -1.5, 1]).map(([re, im]) => [
      Math.round(re * 1e9) / 1e9,
      Math.round(im * 1e9) / 1e9,
    ]);
    const key = (r: number[]) => `${r[0]},${r[1]}`;
    expect(roots.map(key).sort()).toEqual(
      ['-0.5,0', '0,-1', '0,1', '2,0'].sort(),
    );
    // AR(1) with phi = 0.5: root of 1 - 0.5 z at 2.
    expect(minRootModulus([-0.5])).toBeCloseTo(2, 10);
    expect(minRootModulus([0, 0])).toBe(Infinity);
  });

  test('rootsWithin agrees with the roots', () => {
    expect(rootsWithin([-0.25, 0, 1], 1)).toBe(true); // roots +-0.5
    expect(rootsWithin([-4, 0, 1], 1)).toBe(false); // roots +-2
    expect(rootsWithin([-1, 0, 1], 1 + 1e-10)).toBe(true); // on the circle, tolerated
    expect(rootsWithin([-1.01, 0, 1], 1 + 1e-10)).toBe(false);
  });
});
