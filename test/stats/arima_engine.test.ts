/**
 * The SARIMAX engine's parts: the fast filter against the literal port of R's
 * ARIMA_Like, the parameter transforms, the optimiser against R's documented optim
 * results, missing values, and bad input through fitArima and the `fit` command.
 */
import {readFileSync} from 'node:fs';
import * as path from 'node:path';
import {InputError} from '../../src/core/errors';
import {fitArima, forecastArima} from '../../src/stats/arima';
import {
  ArimaFilterCache,
  arimaLikelihood,
  filterSeries,
} from '../../src/stats/arima/kalman';
import {ArimaStateSpace} from '../../src/stats/arima/statespace';
import {
  arCheck,
  invTrans,
  maInvert,
  transPars,
  undoPars,
} from '../../src/stats/arima/transforms';
import {fitCommand} from '../../src/cli/engine/arima';
import {polyroot} from '../../src/stats/linalg';
import {optimBFGS} from '../../src/stats/optim';

const refDir = path.join(__dirname, '../fixtures/reference/arima');
const fixture = (name: string) =>
  JSON.parse(readFileSync(path.join(refDir, `${name}.json`), 'utf8'));

/** Deterministic pseudo-random numbers (LCG) for synthetic series. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
function gaussian(u: () => number): number {
  return Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
}

function expectInputError(fn: () => unknown, field: string): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).field).toBe(field);
    return e as InputError;
  }
  throw new Error(`expected an InputError on ${field}`);
}

describe('Kalman filter', () => {
  const cases: Array<[string, number[], number[], number[]]> = [
    ['ARMA(2,1)', [0.5, -0.3], [0.4], []],
    [
      'MA(13) seasonal',
      [],
      [-0.4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.5, 0.2],
      [],
    ],
    ['AR(1) with d = 1', [0.6], [], [1]],
    [
      'airline with d = 1, D = 1',
      [],
      [-0.4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.55, 0.22],
      [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, -1],
    ],
    [
      'AR(13) with D = 1',
      [0.3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.5, 0.15],
      [0.2],
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    ],
  ];
  test.each(cases)(
    '%s: the fast filter equals the literal port of ARIMA_Like, missing values included',
    (_label, phi, theta, delta) => {
      const u = rng(42);
      const n = 90;
      const y = new Float64Array(n);
      for (let t = 0; t < n; t++) y[t] = 10 + t * 0.1 + gaussian(u);
      y[5] = NaN;
      y[40] = NaN;
      y[41] = NaN;
      const ref = new ArimaStateSpace(phi.length, theta.length, delta);
      ref.phi.set(phi);
      ref.theta.set(theta);
      ref.reset();
      const residRef = new Float64Array(n);
      const parts = arimaLikelihood(
        y,
        ref,
        {ssq: 0, sumlog: 0, nu: 0},
        residRef,
      );
      const fast = new ArimaStateSpace(phi.length, theta.length, delta);
      fast.phi.set(phi);
      fast.theta.set(theta);
      fast.reset();
      const out = filterSeries(y, fast);
      expect(out.nu).toBe(parts.nu);
      expect(out.nu).toBe(n - 3 - delta.length);
      expect(out.ssq).toBeCloseTo(parts.ssq, 8);
      expect(out.sumlog).toBeCloseTo(parts.sumlog, 8);
      for (let t = 0; t < n; t++) {
        if (Number.isNaN(residRef[t])) expect(out.resid[t]).toBeNaN();
        else expect(out.resid[t]).toBeCloseTo(residRef[t], 8);
      }
      for (let i = 0; i < ref.a.length; i++)
        expect(out.a[i]).toBeCloseTo(ref.a[i], 6);
      for (let i = 0; i < ref.P.length; i++)
        expect(out.P[i]).toBeCloseTo(ref.P[i], 6);
    },
  );

  test('innovations are linear in the data: regressors share one covariance pass', () => {
    const u = rng(7);
    const n = 60;
    const y = Float64Array.from({length: n}, () => gaussian(u));
    const x = Float64Array.from({length: n}, (_, t) => Math.sin(t / 3));
    const ss = new ArimaStateSpace(1, 1, [1]);
    ss.phi[0] = 0.5;
    ss.theta[0] = 0.3;
    ss.reset();
    const cache = new ArimaFilterCache(n, 2, ss.rd, [1]);
    cache.run(ss, [y, x], new Uint8Array(n).fill(1));
    const beta = 1.7;
    const direct = filterSeries(
      y.map((v, t) => v - beta * x[t]),
      (() => {
        const s2 = new ArimaStateSpace(1, 1, [1]);
        s2.phi[0] = 0.5;
        s2.theta[0] = 0.3;
        s2.reset();
        return s2;
      })(),
    );
    expect(cache.ssq([beta], 0)).toBeCloseTo(direct.ssq, 9);
  });
});

describe('stationary initial covariance', () => {
  /** max |Q - (T Q T' + V)| / max |Q| for the companion-form ARMA state. */
  function lyapunovResidual(
    Q: Float64Array,
    phi: number[],
    theta: number[],
  ): number {
    const r = Math.max(phi.length, theta.length + 1);
    const ph = (i: number) => (i < phi.length ? phi[i] : 0);
    const v = (i: number) =>
      i === 0 ? 1 : i - 1 < theta.length ? theta[i - 1] : 0;
    const g = (i: number, j: number) => (i < r && j < r ? Q[i + r * j] : 0);
    let worst = 0;
    let scale = 0;
    for (let i = 0; i < r; i++)
      for (let j = 0; j < r; j++) {
        const rhs =
          ph(i) * ph(j) * g(0, 0) +
          ph(i) * g(0, j + 1) +
          ph(j) * g(i + 1, 0) +
          g(i + 1, j + 1) +
          v(i) * v(j);
        worst = Math.max(worst, Math.abs(rhs - g(i, j)));
        scale = Math.max(scale, Math.abs(g(i, j)));
      }
    return worst / scale;
  }
  const models: Array<[string, number[], number[]]> = [
    ['ARMA(2,1)', [0.5, -0.3], [0.4]],
    ['AR(1)(1)12', [0.6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, -0.3], []],
    ['ARMA(1,13)', [0.9], [-0.7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.8, 0.56]],
  ];
  test.each(models)(
    "%s: the autocovariance route solves Q = TQT' + V and agrees with Gardner",
    (_m, phi, theta) => {
      const a = new ArimaStateSpace(phi.length, theta.length, []);
      a.phi.set(phi);
      a.theta.set(theta);
      const b = new ArimaStateSpace(phi.length, theta.length, []);
      b.phi.set(phi);
      b.theta.set(theta);
      b.useFastQ0 = false;
      const qa = a.stationaryCovariance();
      const qb = b.stationaryCovariance();
      expect(lyapunovResidual(qa, phi, theta)).toBeLessThan(1e-13);
      qa.forEach((v, i) => expect(v).toBeCloseTo(qb[i], 9));
    },
  );
  test('the exact route stays accurate for a seasonal AR close to the unit circle', () => {
    // Seasonal AR(2) at lag 12 close to the unit circle.
    const phi = new Array<number>(24).fill(0);
    phi[11] = 1.6;
    phi[23] = -0.64 * 1.0;
    phi[0] = 0.02;
    const a = new ArimaStateSpace(phi.length, 0, []);
    a.phi.set(phi);
    const exact = lyapunovResidual(a.stationaryCovariance(), phi, []);
    expect(exact).toBeLessThan(1e-12);
  });
});

describe('parameter transforms', () => {
  test('PACF transform round trip keeps AR blocks stationary', () => {
    const arma = [2, 1, 1, 0, 12, 0, 0] as const;
    const raw = [3.5, -2.0, 0.7, 1.1];
    const coef = undoPars(raw, arma);
    expect(arCheck(coef.slice(0, 2))).toBe(true);
    expect(coef[2]).toBe(0.7); // MA untouched
    expect(Math.abs(coef[3])).toBeLessThan(1);
    const back = invTrans(coef, arma);
    back.forEach((v, i) => expect(v).toBeCloseTo(raw[i], 10));
  });

  test('seasonal expansion multiplies the polynomials as R does', () => {
    const arma = [1, 1, 1, 1, 4, 0, 0] as const;
    const phi = new Float64Array(5);
    const theta = new Float64Array(5);
    transPars(
      [0.5, 0.3, 0.2, -0.4],
      arma,
      false,
      phi,
      theta,
      new Float64Array(4),
      new Float64Array(4),
    );
    // (1 - 0.5B)(1 - 0.2B^4) and (1 + 0.3B)(1 - 0.4B^4)
    expect(Array.from(phi)).toEqual([0.5, 0, 0, 0.2, -0.5 * 0.2]);
    expect(Array.from(theta)).toEqual([0.3, 0, 0, -0.4, 0.3 * -0.4]);
  });

  test('maInvert flips roots inside the unit circle and keeps invertible ones', () => {
    expect(maInvert([2])).toEqual([0.5]);
    expect(maInvert([0.5, 0])).toEqual([0.5, 0]);
    // (1 + 2B)(1 + 0.5B) = 1 + 2.5B + B^2 -> (1 + 0.5B)(1 + 0.5B) = 1 + B + 0.25B^2
    const inv = maInvert([2.5, 1]);
    expect(inv[0]).toBeCloseTo(1, 12);
    expect(inv[1]).toBeCloseTo(0.25, 12);
    const roots = polyroot([1, ...inv]);
    roots.forEach(([re, im]) =>
      expect(Math.hypot(re, im)).toBeGreaterThanOrEqual(1 - 1e-9),
    );
  });

  test('polyroot finds complex roots', () => {
    // z^2 + 1 = 0
    const roots = polyroot([1, 0, 1]).sort((a, b) => a[1] - b[1]);
    expect(roots[0][0]).toBeCloseTo(0, 12);
    expect(roots[0][1]).toBeCloseTo(-1, 12);
    // (z - 2)(z + 3)(z - 0.5) = z^3 + 0.5 z^2 - 6.5 z + 3
    const r3 = polyroot([3, -6.5, 0.5, 1])
      .map(([re]) => re)
      .sort((a, b) => a - b);
    [-3, 0.5, 2].forEach((v, i) => expect(r3[i]).toBeCloseTo(v, 10));
  });
});

describe("optimiser (R's optim BFGS)", () => {
  const fr = (x: Float64Array) =>
    100 * (x[1] - x[0] * x[0]) ** 2 + (1 - x[0]) ** 2;
  test('Rosenbrock with numeric gradients: R gives 0.9998044, 0.9996084', () => {
    const res = optimBFGS(fr, [-1.2, 1]);
    expect(res.par[0]).toBeCloseTo(0.9998044, 7);
    expect(res.par[1]).toBeCloseTo(0.9996084, 7);
    expect(res.value).toBeCloseTo(3.827383e-8, 13);
    expect(res.fnCount).toBe(118);
    expect(res.grCount).toBe(38);
  });
  test('Rosenbrock with the analytic gradient: R counts 110 and 43', () => {
    const grr = (x: Float64Array, g: Float64Array) => {
      g[0] = -400 * x[0] * (x[1] - x[0] * x[0]) - 2 * (1 - x[0]);
      g[1] = 200 * (x[1] - x[0] * x[0]);
    };
    const res = optimBFGS(fr, [-1.2, 1], {gradient: grr});
    expect(res.value).toBeLessThan(1e-16);
    expect(res.fnCount).toBe(110);
    expect(res.grCount).toBe(43);
  });
});

describe('missing values', () => {
  const fx = fixture('presidents_missing');
  test('are skipped by the filter, not imputed', () => {
    const fit = fitArima(fx.y, {order: [1, 0, 0], period: 4});
    const missing = fx.y
      .map((v: number | null, i: number) => (v === null ? i : -1))
      .filter((i: number) => i >= 0);
    expect(missing.length).toBe(6);
    for (const i of missing) {
      expect(fit.residuals[i]).toBeNull();
      expect(fit.fitted[i]).toBeNull();
    }
    expect(fit.nobs).toBe(fx.y.length - missing.length);
    expect(fit.residuals.filter(v => v !== null).every(Number.isFinite)).toBe(
      true,
    );
  });
  test('trailing missing values change nothing but the forecast origin', () => {
    const y = fixture('wwwusage_111').y as number[];
    const a = fitArima(y, {order: [1, 1, 1]});
    const b = fitArima([...y, null, null], {order: [1, 1, 1]});
    expect(b.loglik).toBeCloseTo(a.loglik, 6);
    expect(b.coef.ar1).toBeCloseTo(a.coef.ar1, 4);
    expect(b.nobs).toBe(a.nobs);
    // Two steps further ahead from the same information.
    const fa = forecastArima(a, 5);
    const fb = forecastArima(b, 3);
    for (let i = 0; i < 3; i++)
      expect(fb.mean[i]).toBeCloseTo(fa.mean[i + 2], 3);
  });
  test('a gap inside a differenced seasonal model uses the full filter', () => {
    const y = (fixture('usaccdeaths').y as number[]).slice() as (
      number | null
    )[];
    y[30] = null;
    const fit = fitArima(y, {
      order: [0, 1, 1],
      seasonal: [0, 1, 1],
      period: 12,
    });
    expect(fit.nobs).toBe(72 - 1 - 13);
    expect(fit.residuals[30]).toBeNull();
    expect(Number.isFinite(fit.loglik)).toBe(true);
    expect(fit.coef.ma1).toBeLessThan(0);
  });
});

describe('drift, fixed coefficients and names', () => {
  test('drift is the regressor 1..n and continues n+1.. in forecasts', () => {
    const u = rng(3);
    const y: number[] = [];
    let level = 50;
    for (let t = 0; t < 80; t++) {
      level += 0.8 + gaussian(u);
      y.push(level);
    }
    const fit = fitArima(y, {order: [0, 1, 1], includeDrift: true});
    expect(fit.coefNames).toEqual(['ma1', 'drift']);
    expect(fit.coef.drift).toBeGreaterThan(0.4);
    expect(fit.coef.drift).toBeLessThan(1.2);
    const fc = forecastArima(fit, 4);
    const steps = fc.mean.slice(1).map((m, i) => m - fc.mean[i]);
    steps.forEach(s => expect(s).toBeCloseTo(fit.coef.drift, 8));
  });
  test('a single unnamed regressor is called "xreg", several xreg1, xreg2', () => {
    const u = rng(5);
    const x1 = Array.from({length: 60}, () => gaussian(u));
    const x2 = Array.from({length: 60}, () => gaussian(u));
    const y = x1.map((v, i) => 3 + 2 * v - x2[i] + 0.5 * gaussian(u));
    expect(fitArima(y, {order: [1, 0, 0], xreg: [x1]}).coefNames).toEqual([
      'ar1',
      'intercept',
      'xreg',
    ]);
    const fit = fitArima(y, {order: [1, 0, 0], xreg: [x1, x2]});
    expect(fit.coefNames).toEqual(['ar1', 'intercept', 'xreg1', 'xreg2']);
    expect(fit.coef.xreg1).toBeCloseTo(2, 0);
    expect(fit.coef.xreg2).toBeCloseTo(-1, 0);
  });
  test('fixed coefficients are held and get no standard error', () => {
    const fx = fixture('lakehuron_ar2_trend');
    const fit = fitArima(fx.y, {
      order: [2, 0, 0],
      xreg: fx.xreg,
      xregNames: [fx.xreg_names].flat(),
      fixed: {ar2: -0.3},
    });
    expect(fit.coef.ar2).toBe(-0.3);
    expect(fit.se.ar2).toBeUndefined();
    expect(fit.se.ar1).toBeGreaterThan(0);
    // One estimated coefficient fewer than the free fit.
    const free = fitArima(fx.y, {
      order: [2, 0, 0],
      xreg: fx.xreg,
      xregNames: [fx.xreg_names].flat(),
    });
    expect(fit.aic - -2 * fit.loglik).toBeCloseTo(2 * 4, 8);
    expect(free.aic - -2 * free.loglik).toBeCloseTo(2 * 5, 8);
  });
});

describe('regression coefficients concentrated out', () => {
  test('reach the same maximum and standard errors as joint optimisation', () => {
    // A 156-week series: Fourier terms of period 52.18, a driver and a break dummy.
    const u = rng(99);
    const n = 156;
    const cols: number[][] = [];
    for (let k = 1; k <= 2; k++) {
      cols.push(
        Array.from({length: n}, (_, t) =>
          Math.sin((2 * Math.PI * k * (t + 1)) / 52.18),
        ),
      );
      cols.push(
        Array.from({length: n}, (_, t) =>
          Math.cos((2 * Math.PI * k * (t + 1)) / 52.18),
        ),
      );
    }
    cols.push(Array.from({length: n}, () => 50 + 10 * gaussian(u)));
    cols.push(
      Array.from({length: n}, (_, t) => (t % 52 > 49 || t % 52 < 1 ? 1 : 0)),
    );
    let e = 0;
    const y = Array.from({length: n}, (_, t) => {
      e = 0.6 * e + 5 * gaussian(u);
      return (
        200 +
        0.2 * t +
        30 * cols[0][t] +
        10 * cols[1][t] +
        1.5 * cols[4][t] -
        80 * cols[5][t] +
        e
      );
    });
    const spec = {order: [1, 1, 1] as [number, number, number], xreg: cols};
    const profiled = fitArima(y, spec);
    const joint = fitArima(y, spec, {profileRegression: false});
    expect(profiled.loglik).toBeGreaterThanOrEqual(joint.loglik - 1e-7);
    expect(Math.abs(profiled.loglik - joint.loglik)).toBeLessThan(1e-5);
    for (const name of profiled.coefNames) {
      expect(Math.abs(profiled.coef[name] - joint.coef[name])).toBeLessThan(
        1e-3 * Math.max(1, Math.abs(joint.coef[name])),
      );
      expect(
        Math.abs(profiled.se[name] - joint.se[name]) / joint.se[name],
      ).toBeLessThan(0.01);
    }
    expect(profiled.coef.xreg6).toBeLessThan(-60);
  });
});

describe('bad input', () => {
  const spec = {order: [1, 0, 0] as [number, number, number]};
  test('empty, constant, all-missing and non-finite series', () => {
    expectInputError(() => fitArima([], spec), 'y');
    expectInputError(() => fitArima([5, 5, 5, 5, 5, 5, 5, 5], spec), 'y');
    expectInputError(() => fitArima([null, null, null], spec), 'y');
    expectInputError(() => fitArima([1, 2, NaN, 4, 5, 6, 7], spec), 'y');
    expectInputError(() => fitArima([1, 2, Infinity, 4, 5, 6], spec), 'y');
    expectInputError(
      () => fitArima([1, 2, '3' as unknown as number, 4, 5, 6], spec),
      'y',
    );
  });
  test('fewer points than parameters', () => {
    const e = expectInputError(
      () => fitArima([1, 3, 2, 5, 4], {order: [2, 0, 2]}),
      'y',
    );
    expect(e.message).toMatch(/too few/);
  });
  test('regressors of the wrong length or rank-deficient', () => {
    const y = Array.from({length: 30}, (_, i) => Math.sin(i) + i / 10);
    const x = Array.from({length: 30}, (_, i) => Math.cos(i));
    expectInputError(() => fitArima(y, {...spec, xreg: [x.slice(1)]}), 'xreg');
    const e = expectInputError(
      () =>
        fitArima(y, {
          ...spec,
          xreg: [x, x.map(v => 2 * v)],
          xregNames: ['a', 'b'],
        }),
      'xreg',
    );
    expect(e.message).toMatch(/rank-deficient/);
    // A constant regressor is collinear with the intercept.
    expectInputError(
      () => fitArima(y, {...spec, xreg: [x.map(() => 4)]}),
      'xreg',
    );
    expectInputError(
      () => fitArima(y, {...spec, xreg: [x], xregNames: ['a', 'b']}),
      'xregNames',
    );
  });
  test('orders and periods', () => {
    const y = Array.from({length: 40}, (_, i) => Math.sin(i) + i / 10);
    expectInputError(() => fitArima(y, {order: [1, -1, 0]} as never), 'order');
    expectInputError(
      () => fitArima(y, {order: [1, 0, 0], seasonal: [1, 0, 0], period: 1}),
      'period',
    );
    expectInputError(
      () => fitArima(y, {order: [1, 0, 0], seasonal: [0, 1, 1], period: 52.18}),
      'period',
    );
    expectInputError(
      () => fitArima(y, {order: [1, 0, 0], fixed: {ma3: 1}}),
      'fixed',
    );
  });
  test('forecasting needs future regressors of the right shape', () => {
    const fx = fixture('bjsales_leading');
    const fit = fitArima(fx.y, {
      order: [0, 1, 1],
      xreg: fx.xreg,
      xregNames: ['lead3'],
    });
    expectInputError(() => forecastArima(fit, 3), 'xregFuture');
    expectInputError(
      () => forecastArima(fit, 3, {xregFuture: [[1, 2]]}),
      'xregFuture',
    );
    expectInputError(() => forecastArima(fit, 0), 'horizon');
    expectInputError(
      () => forecastArima(fit, 2, {xregFuture: [[1, 2]], levels: [120]}),
      'levels',
    );
  });
});

describe('fit command', () => {
  const fx = fixture('seatbelts_sarimax');
  const request = {
    y: fx.y,
    period: 12,
    order: fx.order,
    seasonal: fx.seasonal.slice(0, 3),
    xreg: fx.xreg,
    xregNames: fx.xreg_names,
    xregFuture: fx.xreg_future,
  };
  test('returns the fit and a forecast keyed by level, with no NaN anywhere', () => {
    const res = fitCommand(request) as {
      coef: Record<string, number>;
      loglik: number;
      nobs: number;
      forecast: {mean: number[]; lower: Record<string, number[]>};
    };
    expect(Object.keys(res.coef)).toEqual([
      'ar1',
      'ma1',
      'sma1',
      'law',
      'logpetrol',
    ]);
    expect(Math.abs(res.loglik - fx.fit.loglik)).toBeLessThan(0.05);
    expect(res.nobs).toBe(168);
    expect(res.forecast.mean).toHaveLength(12);
    expect(Object.keys(res.forecast.lower)).toEqual(['80', '95']);
    const text = JSON.stringify(res);
    expect(text).not.toMatch(/NaN|null|Infinity/);
  });
  test('horizon defaults as R: two seasons for a seasonal model', () => {
    const air = fixture('airline');
    const res = fitCommand({
      y: air.y,
      period: 12,
      order: [0, 1, 1],
      seasonal: [0, 1, 1],
      levels: [50],
    }) as {forecast: {mean: number[]; lower: Record<string, number[]>}};
    expect(res.forecast.mean).toHaveLength(24);
    expect(Object.keys(res.forecast.lower)).toEqual(['50']);
  });
  test('bad requests name the field', () => {
    expectInputError(() => fitCommand([1, 2]), 'request');
    expectInputError(() => fitCommand({order: [0, 0, 0]}), 'y');
    expectInputError(() => fitCommand({...request, order: [1, 0]}), 'order');
    // With regressors, a horizon without their future values is an error; no horizon
    // and no future values means no forecast.
    expectInputError(
      () => fitCommand({...request, xregFuture: undefined, horizon: 5}),
      'xregFuture',
    );
    expect(
      (fitCommand({...request, xregFuture: undefined}) as {forecast?: unknown})
        .forecast,
    ).toBeUndefined();
    expectInputError(() => fitCommand({...request, period: 0}), 'period');
    expectInputError(
      () => fitCommand({...request, includeMean: 'yes'}),
      'includeMean',
    );
    expectInputError(() => fitCommand({...request, horizon: -1}), 'horizon');
    expectInputError(() => fitCommand({...request, method: 'OLS'}), 'method');
  });
});
