import * as fs from 'fs';
import * as path from 'path';
import {autoArima, autoForecast, forecastAutoArima} from '../../src/stats/auto';
import {fitRegArma, forecastRegArma} from '../../src/stats/auto/regarma';
import {rollingOrigins, scoreWindows} from '../../src/stats/backtest';
import {autoCommand} from '../../src/cli/engine/auto';
import {InputError} from '../../src/core/errors';
import {fitArima} from '../../src/stats/arima';

const REF = path.join(__dirname, '../fixtures/reference');
const dir = path.join(REF, 'auto');
const files = fs.readdirSync(dir).filter(f => f.endsWith('.json'));

describe.each(files)('auto.arima against R: %s', file => {
  const ref = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  const res = autoArima(ref.y, {period: ref.frequency});
  const fc = forecastAutoArima(res, ref.forecast.h);
  const m = ref.selected.seasonal[3];

  test('chooses the orders, mean and drift R chooses', () => {
    expect(res.order).toEqual(ref.selected.order);
    const seasonal = m > 1 ? ref.selected.seasonal.slice(0, 3) : [0, 0, 0];
    expect(res.seasonal).toEqual(seasonal);
    expect(res.includeMean).toBe(ref.selected.include_mean);
    expect(res.includeDrift).toBe(ref.selected.include_drift);
  });

  test('coefficients, log-likelihood and information criteria', () => {
    for (const [k, v] of Object.entries<number>(ref.fit.coef)) {
      expect(Math.abs(res.fit.coef[k] - v)).toBeLessThan(0.005);
    }
    expect(Math.abs(res.fit.loglik - ref.fit.loglik)).toBeLessThan(0.05);
    expect(Math.abs(res.fit.aic - ref.fit.aic)).toBeLessThan(0.1);
    expect(Math.abs(res.fit.aicc - ref.fit.aicc)).toBeLessThan(0.1);
    expect(Math.abs(res.fit.bic - ref.fit.bic)).toBeLessThan(0.1);
    expect(res.fit.nobs).toBe(ref.fit.nobs);
  });

  test('refitting the chosen form alone (only) reproduces the fit in one model', () => {
    const again = autoArima(ref.y, {
      period: ref.frequency,
      d: res.order[1],
      D: res.seasonal[1],
      only: {
        p: res.order[0],
        q: res.order[2],
        P: res.seasonal[0],
        Q: res.seasonal[2],
        constant: res.includeMean || res.includeDrift,
      },
    });
    expect(again.searched).toHaveLength(1);
    expect(again.label).toBe(res.label);
    expect(Math.abs(again.fit.loglik - ref.fit.loglik)).toBeLessThan(0.05);
  });

  test('forecast means within 0.5% and intervals within 1%', () => {
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
    for (let i = 0; i < ref.forecast.h; i++) {
      expect(rel(fc.mean[i], ref.forecast.mean[i])).toBeLessThan(0.005);
      expect(rel(fc.lower['80'][i], ref.forecast.lower80[i])).toBeLessThan(
        0.01,
      );
      expect(rel(fc.upper['95'][i], ref.forecast.upper95[i])).toBeLessThan(
        0.01,
      );
    }
  });
});

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647 - 0.5;
  };
}

describe('regression with ARMA errors by conditional least squares', () => {
  const rnd = lcg(11);
  const n = 160;
  const x1 = Array.from({length: n}, (_, i) => (i % 7 === 0 ? 1 : 0));
  const x2 = Array.from({length: n}, (_, i) =>
    Math.cos((2 * Math.PI * i) / 52),
  );
  let u = 0;
  let ePrev = 0;
  const y = x1.map((v, i) => {
    const e = rnd();
    u = 0.6 * u + e + 0.3 * ePrev;
    ePrev = e;
    return 10 + 3 * v - 2 * x2[i] + u;
  });

  test('profiled CSS agrees with the joint CSS fit of stats::arima(method = "CSS")', () => {
    const ours = fitRegArma(
      y,
      [x1, x2],
      {p: 1, q: 1, d: 0, constant: true},
      ['x1', 'x2'],
      true,
    );
    const theirs = fitArima(y, {
      order: [1, 0, 1],
      xreg: [x1, x2],
      xregNames: ['x1', 'x2'],
      method: 'CSS',
    });
    expect(ours).not.toBeNull();
    const o = ours!;
    expect(Math.abs(o.ar[0] - theirs.coef.ar1)).toBeLessThan(2e-3);
    expect(Math.abs(o.ma[0] - theirs.coef.ma1)).toBeLessThan(2e-3);
    expect(Math.abs(o.beta[0] - theirs.coef.intercept)).toBeLessThan(5e-3);
    expect(Math.abs(o.beta[1] - theirs.coef.x1)).toBeLessThan(5e-3);
    expect(Math.abs(o.beta[2] - theirs.coef.x2)).toBeLessThan(5e-3);
    // The true values are recovered within a few standard errors.
    expect(Math.abs(o.beta[1] - 3) / (o.se[3] as number)).toBeLessThan(4);
    expect(Math.abs(o.ar[0] - 0.6) / (o.se[0] as number)).toBeLessThan(4);
  });

  test('forecasts continue the ARMA errors and widen with the horizon', () => {
    const fit = fitRegArma(y, [x1, x2], {p: 1, q: 0, d: 0, constant: true})!;
    const h = 5;
    const fx1 = [1, 0, 0, 0, 0];
    const fx2 = [0.5, 0.4, 0.3, 0.2, 0.1];
    const f = forecastRegArma(fit, h, [fx1, fx2], [80, 95]);
    const phi = fit.ar[0];
    const uLast = fit.errors[fit.errors.length - 1];
    for (let i = 0; i < h; i++) {
      const reg = fit.beta[0] + fit.beta[1] * fx1[i] + fit.beta[2] * fx2[i];
      expect(f.mean[i]).toBeCloseTo(reg + Math.pow(phi, i + 1) * uLast, 9);
    }
    const w = (i: number) => f.upper['95'][i] - f.lower['95'][i];
    expect(w(4)).toBeGreaterThan(w(0));
    expect(f.upper['80'][0] - f.mean[0]).toBeCloseTo(
      1.2815515655 * Math.sqrt(fit.sigma2),
      6,
    );
  });
});

describe('rolling-origin backtest', () => {
  test('origins end with the last full window and respect the minimum training length', () => {
    expect(rollingOrigins(100, {horizon: 8, windows: 4, minTrain: 50})).toEqual(
      [68, 76, 84, 92],
    );
    expect(rollingOrigins(60, {horizon: 8, windows: 4, minTrain: 40})).toEqual([
      44, 52,
    ]);
    expect(rollingOrigins(30, {horizon: 8, minTrain: 40})).toEqual([]);
  });

  test('MASE scales each window by its own training data', () => {
    const y = [1, 2, 3, 4, 5, 6, 8, 10];
    // Window 1 trains on 1..4 (naive MAE 1), window 2 on 1..6 (naive MAE 1).
    const s = scoreWindows(
      y,
      [
        {origin: 4, forecast: [4, 4], actual: [5, 6]},
        {origin: 6, forecast: [6, 6], actual: [8, 10]},
      ],
      1,
    );
    expect(s.mae).toBeCloseTo((1 + 2 + 2 + 4) / 4, 12);
    expect(s.mase).toBeCloseTo((1 + 2 + 2 + 4) / 4, 12);
    expect(s.mape).toBeCloseTo(
      ((1 / 5 + 2 / 6 + 2 / 8 + 4 / 10) / 4) * 100,
      10,
    );
    expect(s.accuracyPct).toBeCloseTo(100 - (s.mape as number), 12);
  });
});

describe('autoForecast', () => {
  const ww = JSON.parse(
    fs.readFileSync(path.join(dir, 'WWWusage.json'), 'utf8'),
  );

  test('names the chosen method, scores every candidate, and never returns NaN', () => {
    const r = autoForecast({y: ww.y, period: 1, horizon: 10});
    expect(['arima', 'ets', 'naive', 'combination']).toContain(r.method);
    expect(r.selectedBy).toBe('backtest');
    expect(Object.keys(r.scores).sort()).toEqual([
      'arima',
      'combination',
      'ets',
      'naive',
    ]);
    const best = Math.min(
      ...Object.values(r.scores).map(s => s!.mase as number),
    );
    expect(r.scores[r.method as 'arima']!.mase).toBe(best);
    expect(r.arima?.order).toEqual([1, 1, 1]);
    for (const a of [
      r.forecast.mean,
      ...Object.values(r.forecast.lower),
      ...Object.values(r.forecast.upper),
    ]) {
      expect(a).toHaveLength(10);
      for (const v of a) expect(Number.isFinite(v)).toBe(true);
    }
    expect(r.backtest.length).toBeGreaterThan(0);
  });

  test("select = 'ic' is auto.arima's choice", () => {
    const r = autoForecast({y: ww.y, period: 1, horizon: 5, select: 'ic'});
    expect(r.method).toBe('arima');
    expect(r.label).toBe('ARIMA(1,1,1)');
    expect(r.scores).toEqual({});
  });

  test('constant, tiny and gappy series fall back without NaN', () => {
    const c = autoForecast({y: [5, 5, 5, 5, 5, 5], horizon: 3});
    expect(c.method).toBe('mean');
    expect(c.forecast.mean).toEqual([5, 5, 5]);
    expect(c.forecast.upper['95']).toEqual([5, 5, 5]);
    const t = autoForecast({y: [1, null, 3], horizon: 2});
    expect(t.method).toBe('naive');
    expect(t.forecast.mean).toEqual([3, 3]);
    const g = [...ww.y] as (number | null)[];
    g[10] = null;
    g[40] = null;
    const r = autoForecast({y: g, horizon: 4, select: 'ic'});
    for (const v of r.forecast.mean) expect(Number.isFinite(v)).toBe(true);
  });

  test('long periods use Fourier terms with ARMA errors and known future regressors', () => {
    const rnd = lcg(5);
    const n = 156;
    const h = 6;
    const x = Array.from({length: n + h}, (_, i) =>
      i % 52 >= 25 && i % 52 < 34 ? 0 : 5,
    );
    let u = 0;
    const y = Array.from({length: n}, (_, i) => {
      u = 0.5 * u + rnd();
      return 50 + 8 * x[i] + 6 * Math.cos((2 * Math.PI * i) / 52.18) + u;
    });
    const r = autoForecast({
      y,
      period: 52.18,
      horizon: h,
      xreg: [x.slice(0, n)],
      xregNames: ['schoolDays'],
      xregFuture: [x.slice(n)],
      candidates: ['arima'],
    });
    expect(r.method).toBe('arima');
    expect(r.fourier?.K).toBeGreaterThanOrEqual(1);
    expect(r.label).toMatch(
      /^Regression with ARIMA\(\d,\d,\d\) errors \+ Fourier\(K=\d+, period 52\.18\)$/,
    );
    expect(
      Math.abs((r.arima as {coef: Record<string, number>}).coef.schoolDays - 8),
    ).toBeLessThan(0.3);
    // The future break week (x = 0 at i = 181..) would show as a drop; here the weeks are open.
    for (let i = 0; i < h; i++) {
      const expected =
        50 + 8 * x[n + i] + 6 * Math.cos((2 * Math.PI * (n + i)) / 52.18);
      expect(Math.abs(r.forecast.mean[i] - expected)).toBeLessThan(2.5);
    }
  });

  test('bad input names the field', () => {
    const bad = (req: unknown, field: string) => {
      try {
        autoCommand(req);
        throw new Error('accepted');
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        expect((e as InputError).field).toBe(field);
      }
    };
    bad({y: [], horizon: 3}, 'y');
    bad({y: [null, null], horizon: 3}, 'y');
    bad({y: [1, 2, 'x'], horizon: 3}, 'y');
    bad({y: [1, 2, 3], horizon: 0}, 'horizon');
    bad({y: [1, 2, 3, 4], horizon: 2, period: -1}, 'period');
    bad({y: [1, 2, 3, 4, 5], horizon: 2, xreg: [[1, 2]]}, 'xreg');
    bad(
      {
        y: [1, 2, 3, 4, 5],
        horizon: 2,
        xreg: [[1, 2, 3, 4, 6]],
        xregFuture: [[1]],
      },
      'xregFuture',
    );
    bad({y: [1, 2, 3, 4, 5], horizon: 2, levels: [120]}, 'levels');
    // Rank-deficient regressors: a constant column, and a column repeating another.
    const y6 = [3, 1, 4, 1, 5, 9, 2, 6];
    bad(
      {y: y6, horizon: 1, xreg: [[2, 2, 2, 2, 2, 2, 2, 2]], xregFuture: [[2]]},
      'xreg',
    );
    const x = [1, 0, 1, 1, 0, 0, 1, 0];
    bad(
      {
        y: y6,
        horizon: 1,
        xreg: [x, x.map(v => 2 * v + 1)],
        xregFuture: [[1], [3]],
      },
      'xreg',
    );
    bad({y: [1, 2, 3, 4, 5], horizon: 2, frequency: 12}, 'frequency');
    bad('not an object', 'request');
  });
});

describe('CLI auto', () => {
  test('reports the ARIMA model as fit does, the forecast, and what was chosen', () => {
    const ref = JSON.parse(
      fs.readFileSync(path.join(dir, 'WWWusage.json'), 'utf8'),
    );
    const out = autoCommand({
      y: ref.y,
      period: 1,
      horizon: 10,
      levels: [80, 95],
    }) as {
      coef: Record<string, number>;
      aicc: number;
      nobs: number;
      forecast: {
        mean: number[];
        lower: Record<string, number[]>;
        upper: Record<string, number[]>;
      };
      model: {
        method: string;
        order: number[];
        seasonal: number[];
        label: string;
      };
    };
    expect(Math.abs(out.coef.ar1 - ref.fit.coef.ar1)).toBeLessThan(0.005);
    expect(Math.abs(out.aicc - ref.fit.aicc)).toBeLessThan(0.1);
    expect(out.nobs).toBe(ref.fit.nobs);
    expect(out.model.order).toEqual([1, 1, 1]);
    expect(out.model.seasonal).toEqual([0, 0, 0]);
    expect(Object.keys(out.forecast.lower).sort()).toEqual(['80', '95']);
    expect(out.forecast.mean).toHaveLength(10);
    expect(JSON.stringify(out)).not.toMatch(/NaN/);
  });
});

describe('autoForecast on a weekly series of less than a year', () => {
  // 45 weeks: too short for the yearly period, which is dropped; auto.arima would still
  // use its approximation, since it decides on the frequency (52 > 12).
  let seed = 3;
  const rnd = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647 - 0.5;
  };
  const y = Array.from(
    {length: 45},
    (_, i) => 200 + 40 * Math.sin(i / 4) + 15 * rnd(),
  );
  test('searches by conditional sum of squares and refits by maximum likelihood', () => {
    const r = autoForecast({y, period: 52, horizon: 8, select: 'ic'});
    expect(r.notes).toContain(
      'series too short for its seasonal period: seasonality ignored',
    );
    expect(r.arima?.approximation).toBe(true);
    expect(r.arima?.estimation).toBe('ML');
    expect(r.forecast.mean).toHaveLength(8);
  });
  test('a non-seasonal series of the same length is searched by likelihood', () => {
    const r = autoForecast({y, period: 1, horizon: 8, select: 'ic'});
    expect(r.arima?.approximation).toBe(false);
  });
});
