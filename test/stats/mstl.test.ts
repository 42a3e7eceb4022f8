import * as fs from 'fs';
import * as path from 'path';
import {mstl, seasonalStrength} from '../../src/stats/mstl';
import {InputError} from '../../src/core/errors';

const ref = JSON.parse(
  fs.readFileSync(
    path.join(__dirname, '../fixtures/reference/stats/unit_root_tests.json'),
    'utf8',
  ),
) as {
  series: Record<
    string,
    {y: number[]; frequency: number; seasonal_strength: number | null}
  >;
};

describe('seasonal strength matches forecast (mstl)', () => {
  const seasonal = Object.entries(ref.series).filter(
    ([, s]) => s.frequency > 1,
  );
  test('reference has seasonal series', () => {
    expect(seasonal.length).toBeGreaterThanOrEqual(4);
  });
  test.each(seasonal)('%s', (_name, s) => {
    const [{strength}] = seasonalStrength(s.y, s.frequency);
    expect(Math.abs(strength - (s.seasonal_strength as number))).toBeLessThan(
      1e-9,
    );
  });
});

describe('mstl on a daily series with weekly and annual cycles', () => {
  const n = 3 * 365;
  const weekly = (t: number) => [0, 8, 9, 9, 8, 6, -40][t % 7];
  const annual = (t: number) => 20 * Math.cos((2 * Math.PI * t) / 365);
  const trend = (t: number) => 100 + 0.02 * t;
  let seed = 7;
  const noise = () => {
    seed = (seed * 16807) % 2147483647;
    return (seed / 2147483647 - 0.5) * 2;
  };
  const y = Array.from(
    {length: n},
    (_, t) => trend(t) + weekly(t) + annual(t) + noise(),
  );
  const fit = mstl(y, [365, 7]);
  test('components are ordered by period and add up', () => {
    expect(fit.seasonals.map(s => s.period)).toEqual([7, 365]);
    for (let t = 0; t < n; t++) {
      const sum =
        fit.trend[t] +
        fit.seasonals[0].values[t] +
        fit.seasonals[1].values[t] +
        fit.remainder[t];
      expect(sum).toBeCloseTo(y[t], 9);
    }
  });
  test('recovers the weekly shape and the annual wave', () => {
    // Compare the middle year, away from the loess end effects.
    let weeklyErr = 0;
    let annualErr = 0;
    for (let t = 365; t < 730; t++) {
      const w = weekly(t) - [0, 8, 9, 9, 8, 6, -40].reduce((a, b) => a + b) / 7;
      weeklyErr = Math.max(weeklyErr, Math.abs(fit.seasonals[0].values[t] - w));
      annualErr = Math.max(
        annualErr,
        Math.abs(fit.seasonals[1].values[t] - annual(t)),
      );
    }
    expect(weeklyErr).toBeLessThan(3);
    expect(annualErr).toBeLessThan(4);
    const rsd = Math.sqrt(
      fit.remainder.slice(365, 730).reduce((a, r) => a + r * r, 0) / 365,
    );
    expect(rsd).toBeLessThan(1.5);
  });
  test('strength is high for both cycles', () => {
    const s = seasonalStrength(y, [7, 365]);
    expect(s[0].strength).toBeGreaterThan(0.9);
    expect(s[1].strength).toBeGreaterThan(0.9);
  });
  test('drops a period without two full cycles', () => {
    const short = mstl(y.slice(0, 500), [7, 365]);
    expect(short.droppedPeriods).toEqual([365]);
    expect(short.seasonals.map(s => s.period)).toEqual([7]);
  });
  test('fills missing values from the seasonal pattern', () => {
    const gappy: Array<number | null> = y.slice(0, 200);
    const truth = gappy[104] as number;
    gappy[104] = null; // a Saturday-like trough position
    const f = mstl(gappy, [7]);
    expect(f.interpolated).toEqual([104]);
    expect(Math.abs(f.data[104] - truth)).toBeLessThan(5);
  });
  test('bad input names the field', () => {
    expect(() => mstl([1, 2, 'x' as unknown as number], [7])).toThrow(
      InputError,
    );
    expect(() => mstl(y, [])).toThrow(/periods/);
    expect(() => mstl(y.slice(0, 10), [7])).toThrow(/periods/);
  });
});
