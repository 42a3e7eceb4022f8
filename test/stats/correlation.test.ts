import * as fs from 'fs';
import * as path from 'path';
import {
  bestLag,
  ccf,
  laggedElasticity,
  pearson,
  rank,
  spearman,
} from '../../src/stats/correlation';
import {InputError} from '../../src/core/errors';

const ref = JSON.parse(
  fs.readFileSync(
    path.join(__dirname, '../fixtures/reference/stats/correlation.json'),
    'utf8',
  ),
);

describe('cor.test reference (Seatbelts drivers vs front)', () => {
  test('pearson', () => {
    const p = pearson(ref.x, ref.y);
    expect(Math.abs(p.r - ref.pearson.r)).toBeLessThan(1e-9);
    expect(Math.abs(p.t - ref.pearson.t)).toBeLessThan(1e-8);
    expect(p.df).toBe(ref.pearson.df);
    expect(Math.abs(p.pValue / ref.pearson.p_value - 1)).toBeLessThan(1e-6);
    expect(Math.abs(p.ci95![0] - ref.pearson.ci95[0])).toBeLessThan(1e-9);
    expect(Math.abs(p.ci95![1] - ref.pearson.ci95[1])).toBeLessThan(1e-9);
  });
  test('spearman (ties: t approximation)', () => {
    const s = spearman(ref.x, ref.y);
    expect(s.ties).toBe(true);
    expect(s.method).toBe('t');
    expect(Math.abs(s.rho - ref.spearman.rho)).toBeLessThan(1e-9);
    expect(Math.abs(s.pValue / ref.spearman.p_value - 1)).toBeLessThan(1e-6);
  });
});

describe('ccf reference (BJsales.lead, BJsales)', () => {
  test('values by lag', () => {
    const maxLag = Math.max(...ref.ccf.lags);
    const c = ccf(ref.ccf.x, ref.ccf.y, maxLag);
    expect(c.lags).toEqual(ref.ccf.lags);
    c.values.forEach((v, i) =>
      expect(Math.abs(v - ref.ccf.acf[i])).toBeLessThan(1e-9),
    );
  });
  test('convention: value at lag k is cor(x[t+k], y[t])', () => {
    // y follows x three steps later, so the peak is at k = -3.
    const x = Array.from({length: 80}, (_, t) => Math.sin(t / 3) + (t % 5) / 7);
    const y = x.map((_, t) => (t >= 3 ? x[t - 3] : 0));
    expect(bestLag(ccf(x, y, 6)).lag).toBe(-3);
  });
});

describe('spearman exact and Edgeworth p-values (no ties)', () => {
  // The permutation distribution of S was enumerated independently (all n! rank orders).
  test('exact enumeration, n = 7', () => {
    const s = spearman([1, 2, 3, 4, 5, 6, 7], [2, 1, 4, 3, 7, 5, 6]);
    expect(s.method).toBe('exact');
    expect(s.rho).toBeCloseTo(1 - 60 / 336, 12);
    // P[S <= 10] = 0.017063492063492062 over the 5040 orders.
    expect(s.pValue).toBeCloseTo(2 * 0.017063492063492062, 12);
  });
  test('Edgeworth series (AS 89), n = 10, is close to the exact distribution', () => {
    const x = Array.from({length: 10}, (_, i) => i + 1);
    const s = spearman(x, [1, 2, 3, 4, 8, 9, 10, 6, 7, 5]);
    expect(s.method).toBe('edgeworth');
    expect(s.s).toBeCloseTo(60, 9);
    // Exact: 2 * P[S <= 60] = 2 * 0.027215332892 over the 10! orders.
    expect(Math.abs(s.pValue - 2 * 0.027215332892)).toBeLessThan(0.003);
  });
});

describe('ranks', () => {
  test('average ties as R', () => {
    expect(rank([10, 20, 10, 30, 20, 20])).toEqual([1.5, 4, 1.5, 6, 4, 4]);
  });
});

describe('lagged elasticity', () => {
  test('recovers a known elasticity and lag', () => {
    let seed = 3;
    const rnd = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647 - 0.5;
    };
    const teacher = Array.from({length: 200}, () => Math.exp(4 + rnd()));
    const student = teacher.map((_, t) =>
      t >= 1 ? Math.exp(2 + 0.7 * Math.log(teacher[t - 1]) + 0.05 * rnd()) : 50,
    );
    const e = laggedElasticity(teacher, student, 1);
    expect(e.slope).toBeGreaterThan(0.65);
    expect(e.slope).toBeLessThan(0.75);
    expect(e.ci95[0]).toBeLessThan(0.7);
    expect(e.ci95[1]).toBeGreaterThan(0.7);
    expect(e.pctFor10Pct).toBeCloseTo(100 * (Math.pow(1.1, e.slope) - 1), 12);
    expect(e.offset).toBe(0);
  });
  test('bad input names the field', () => {
    expect(() => laggedElasticity([1, 2, 3], [1, 2], 0)).toThrow(InputError);
    expect(() =>
      laggedElasticity([1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6], -1),
    ).toThrow(/lag/);
    expect(() => pearson([1, 1, 1, 1], [1, 2, 3, 4])).toThrow(/x: .*constant/);
    expect(() => ccf([1, 2, 3, 4], [1, 2, 'a', 4], 2)).toThrow(/y: /);
  });
});
