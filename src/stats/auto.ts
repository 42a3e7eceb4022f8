/**
 * Automatic ARIMA selection in the manner of Hyndman and Khandakar (2008), following
 * forecast::auto.arima 8.20 with its defaults: d by repeated KPSS tests, D by seasonal
 * strength, then a stepwise search over (p, q, P, Q) and the constant by AICc, with
 * conditional-sum-of-squares approximation for long or highly seasonal series and a
 * maximum-likelihood refit of the best models. Models with roots near the unit circle or
 * a singular information matrix are rejected, as auto.arima rejects them.
 */
import {InputError} from '../core/errors';
import {fitArima, forecastArima, normaliseLevels} from './arima';
import type {ArimaFit, ArimaSpec} from './arima';
import {
  autoRegArma,
  errorsLag1,
  fitRegArma,
  forecastRegArma,
} from './auto/regarma';
import type {RegArmaFit} from './auto/regarma';
import {rollingOrigins, scoreWindows} from './backtest';
import type {BacktestScore, WindowForecast} from './backtest';
import {ets, forecastEts} from './ets';
import type {EtsFit} from './ets';
import {fourier, fourierFuture} from './fourier';
import {forecastLagWalk, lagWalk, normalIntervals} from './naive';
import type {Forecast, Series} from './types';
import {
  diff,
  interpolateMissing,
  isConstant,
  minRootModulus,
  ndiffs,
  nsdiffs,
} from './unitroot';

export interface AutoArimaOptions {
  /** Seasonal period (1 = none); rounded as auto.arima rounds it. */
  period?: number;
  /** Fix the number of differences instead of testing. */
  d?: number;
  D?: number;
  maxP?: number;
  maxQ?: number;
  maxSP?: number;
  maxSQ?: number;
  maxD?: number;
  maxSD?: number;
  startP?: number;
  startQ?: number;
  startSP?: number;
  startSQ?: number;
  /** Consider seasonal models (auto.arima's `seasonal`). */
  seasonal?: boolean;
  ic?: 'aicc' | 'aic' | 'bic';
  /** Default: n > 150 or period > 12, as auto.arima. */
  approximation?: boolean;
  /** Maximum models in the stepwise search (auto.arima: 94). */
  nmodels?: number;
  allowDrift?: boolean;
  allowMean?: boolean;
  xreg?: number[][];
  xregNames?: string[];
  /**
   * Fit only this model (orders and constant of an earlier choice) by maximum likelihood;
   * the stepwise search runs only if it cannot be estimated. Set d and D with it.
   */
  only?: {p: number; q: number; P: number; Q: number; constant: boolean};
}

export interface SearchedModel {
  order: [number, number, number];
  seasonal: [number, number, number];
  constant: boolean;
  ic: number | null;
}

export interface AutoArimaResult {
  fit: ArimaFit;
  order: [number, number, number];
  seasonal: [number, number, number];
  period: number;
  includeMean: boolean;
  includeDrift: boolean;
  /** Information criterion of the chosen model (the one the search used). */
  ic: number;
  icName: 'aicc' | 'aic' | 'bic';
  approximation: boolean;
  /** Every model the search fitted, in order, with its criterion (null = rejected). */
  searched: SearchedModel[];
  /** e.g. "ARIMA(2,1,1)(0,1,0)[12]" or "Regression with ARIMA(1,0,0) errors". */
  label: string;
}

interface Tried {
  p: number;
  q: number;
  P: number;
  Q: number;
  constant: boolean;
  ic: number;
  fit: ArimaFit | null;
}

function arimaLabel(
  order: [number, number, number],
  seasonal: [number, number, number],
  m: number,
  mean: boolean,
  drift: boolean,
  nXreg: number,
): string {
  let s = `ARIMA(${order.join(',')})`;
  if (m > 1 && seasonal.some(v => v > 0)) s += `(${seasonal.join(',')})[${m}]`;
  if (nXreg > 0) return `Regression with ${s} errors`;
  if (drift) return `${s} with drift`;
  if (mean) return `${s} with non-zero mean`;
  if (order[1] === 0 && seasonal[1] === 0) return `${s} with zero mean`;
  return s;
}

function validateXreg(
  xreg: unknown,
  n: number,
  names: unknown,
): {cols: number[][]; names: string[]} | null {
  if (xreg === undefined || xreg === null) return null;
  if (!Array.isArray(xreg))
    throw new InputError('xreg', 'must be an array of columns');
  if (xreg.length === 0) return null;
  const cols = xreg.map((c, j) => {
    if (!Array.isArray(c) || c.length !== n) {
      throw new InputError(
        'xreg',
        `column ${j + 1} must hold ${n} values (one per observation)`,
      );
    }
    return c.map((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new InputError(
          'xreg',
          `column ${j + 1}, row ${i + 1} is not a finite number`,
        );
      }
      return v;
    });
  });
  let nm: string[];
  if (names === undefined) {
    nm = cols.length === 1 ? ['xreg'] : cols.map((_, j) => `xreg${j + 1}`);
  } else {
    if (!Array.isArray(names) || names.length !== cols.length) {
      throw new InputError(
        'xregNames',
        `must hold ${cols.length} names, one per column`,
      );
    }
    nm = names.map((s, j) => {
      if (typeof s !== 'string' || s === '') {
        throw new InputError(
          'xregNames',
          `name ${j + 1} must be a non-empty string`,
        );
      }
      return s;
    });
  }
  return {cols, names: nm};
}

/**
 * Indices of the columns that, taken in order after an intercept, keep the design of full
 * rank (modified Gram-Schmidt; a column whose remainder is below 1e-8 of its size is
 * dependent on the earlier ones).
 */
export function independentColumns(
  cols: ReadonlyArray<ArrayLike<number>>,
): number[] {
  const basis: Float64Array[] = [];
  const n = cols.length ? cols[0].length : 0;
  const one = new Float64Array(n).fill(1 / Math.sqrt(Math.max(1, n)));
  basis.push(one);
  const keep: number[] = [];
  cols.forEach((c, j) => {
    const v = Float64Array.from(c as ArrayLike<number>);
    let norm0 = 0;
    for (let t = 0; t < n; t++) norm0 += v[t] * v[t];
    for (const q of basis) {
      let d = 0;
      for (let t = 0; t < n; t++) d += q[t] * v[t];
      for (let t = 0; t < n; t++) v[t] -= d * q[t];
    }
    let norm = 0;
    for (let t = 0; t < n; t++) norm += v[t] * v[t];
    if (norm0 > 0 && Math.sqrt(norm / norm0) > 1e-8) {
      const s = 1 / Math.sqrt(norm);
      for (let t = 0; t < n; t++) v[t] *= s;
      basis.push(v);
      keep.push(j);
    }
  });
  return keep;
}

/** Residuals of y on [1, xreg] at complete rows; rank deficiency is an input error. */
function regressionResiduals(
  y: (number | null)[],
  cols: number[][],
): (number | null)[] {
  const rows: number[] = [];
  for (let t = 0; t < y.length; t++) if (y[t] !== null) rows.push(t);
  const p = cols.length + 1;
  const X = rows.map(t => [1, ...cols.map(c => c[t])]);
  // Normal equations with a scaled pivot check (the design is small and well scaled after centring).
  const means = new Array<number>(p).fill(0);
  for (const r of X) for (let j = 1; j < p; j++) means[j] += r[j] / rows.length;
  const sds = new Array<number>(p).fill(1);
  for (let j = 1; j < p; j++) {
    let s = 0;
    for (const r of X) s += (r[j] - means[j]) ** 2;
    sds[j] = Math.sqrt(s / Math.max(1, rows.length - 1));
  }
  const Z = X.map(r =>
    r.map((v, j) => (j === 0 ? 1 : (v - means[j]) / sds[j])),
  );
  const A: number[][] = Array.from({length: p}, () =>
    new Array<number>(p).fill(0),
  );
  const b = new Array<number>(p).fill(0);
  rows.forEach((t, k) => {
    const z = Z[k];
    for (let i = 0; i < p; i++) {
      b[i] += z[i] * (y[t] as number);
      for (let j = 0; j < p; j++) A[i][j] += z[i] * z[j];
    }
  });
  // Cholesky with a relative tolerance: a tiny pivot means a rank-deficient design.
  const L: number[][] = Array.from({length: p}, () =>
    new Array<number>(p).fill(0),
  );
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      if (i === j) {
        if (!(s > 1e-10 * A[i][i]))
          throw new InputError('xreg', 'is rank deficient');
        L[i][i] = Math.sqrt(s);
      } else {
        L[i][j] = s / L[j][j];
      }
    }
  }
  const z = new Array<number>(p).fill(0);
  for (let i = 0; i < p; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i][k] * z[k];
    z[i] = s / L[i][i];
  }
  const beta = new Array<number>(p).fill(0);
  for (let i = p - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < p; k++) s -= L[k][i] * beta[k];
    beta[i] = s / L[i][i];
  }
  const out: (number | null)[] = y.map(() => null);
  rows.forEach((t, k) => {
    let f = 0;
    for (let j = 0; j < p; j++) f += Z[k][j] * beta[j];
    out[t] = (y[t] as number) - f;
  });
  return out;
}

function allNull(x: (number | null)[]): boolean {
  return x.every(v => v === null);
}

/**
 * forecast::auto.arima(y, xreg) with its defaults. Throws InputError for unusable input;
 * constant and deterministic series are the caller's to handle (see autoForecast).
 */
export function autoArima(
  y: Series,
  opts: AutoArimaOptions = {},
): AutoArimaResult {
  if (!Array.isArray(y))
    throw new InputError('y', 'must be an array of numbers or nulls');
  const raw: (number | null)[] = y.map((v, i) => {
    if (v === null) return null;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InputError(
        'y',
        `value at index ${i} is not a finite number or null`,
      );
    }
    return v;
  });
  const first = raw.findIndex(v => v !== null);
  if (first < 0) throw new InputError('y', 'every value is missing');
  let last = raw.length - 1;
  while (raw[last] === null) last--;
  const x = raw.slice(first);
  const serieslength = raw
    .slice(first, last + 1)
    .filter(v => v !== null).length;
  const xr = validateXreg(opts.xreg, raw.length, opts.xregNames);
  const xreg = xr ? xr.cols.map(c => c.slice(first)) : undefined;
  if (isConstant(x))
    throw new InputError('y', 'is constant: no ARIMA model to select');

  let ic = opts.ic ?? 'aicc';
  if (serieslength <= 3) ic = 'aic';
  const seasonalOn = opts.seasonal ?? true;
  let m = seasonalOn ? (opts.period ?? 1) : 1;
  if (!Number.isFinite(m) || m < 1) m = 1;
  else m = Math.round(m);
  let maxp = Math.min(opts.maxP ?? 5, Math.floor(serieslength / 3));
  let maxq = Math.min(opts.maxQ ?? 5, Math.floor(serieslength / 3));
  let maxP = Math.min(opts.maxSP ?? 2, Math.floor(serieslength / 3 / m));
  let maxQ = Math.min(opts.maxSQ ?? 2, Math.floor(serieslength / 3 / m));
  const maxd = opts.maxD ?? 2;
  const maxD = opts.maxSD ?? 1;

  // Series used for the differencing tests: regression residuals when regressors are given.
  let xx: (number | null)[] = x;
  let xregg: number[][] | null = null;
  if (xreg) {
    const nonConst = xreg.filter(c => !isConstant(c));
    if (nonConst.length > 0) {
      xregg = nonConst;
      xx = regressionResiduals(x, xregg);
    }
  }

  let D: number;
  if (m === 1) {
    D = 0;
    maxP = 0;
    maxQ = 0;
  } else if (opts.D !== undefined) {
    D = opts.D;
  } else if (xx.length <= 2 * m) {
    D = 0;
  } else {
    D = nsdiffs(xx, m, {maxD});
    if (D > 0 && xregg && xregg.some(c => isConstant(diff(c, m, D)))) D--;
    if (D > 0 && allNull(diff(xx, m, D))) D--;
  }
  const dx0 = D > 0 ? diff(xx, m, D) : xx;
  let d: number;
  if (opts.d !== undefined) {
    d = opts.d;
  } else {
    d = ndiffs(dx0, {maxD: maxd});
    if (d > 0 && xregg) {
      const dxreg = xregg.map(c => diff(D > 0 ? diff(c, m, D) : c, 1, d));
      if (dxreg.some(c => isConstant(c))) d--;
    }
    if (d > 0 && allNull(diff(dx0, 1, d))) d--;
  }
  const dx = d > 0 ? diff(dx0, 1, d) : dx0;
  if (dx.length === 0) throw new InputError('y', 'not enough data to proceed');
  if (isConstant(dx) && !xreg) {
    throw new InputError(
      'y',
      'follows a deterministic polynomial after differencing: no ARIMA model to select',
    );
  }
  if (m > 1) {
    if (maxP > 0) maxp = Math.min(maxp, m - 1);
    if (maxQ > 0) maxq = Math.min(maxq, m - 1);
  }
  const approximation = opts.approximation ?? (x.length > 150 || m > 12);
  const nmodels = opts.nmodels ?? 94;
  let offset = 0;
  if (approximation) {
    try {
      const f0 = fitArima(x, {
        order: [0, d, 0],
        seasonal: D > 0 ? [0, D, 0] : undefined,
        period: D > 0 ? m : undefined,
        xreg,
        xregNames: xr?.names,
        method: 'CSS-ML',
      });
      offset = -2 * f0.loglik - serieslength * Math.log(f0.sigma2ML);
    } catch {
      offset = 0;
    }
  }
  const allowDrift = (opts.allowDrift ?? true) && d + D === 1;
  const allowMean = (opts.allowMean ?? true) && d + D === 0;
  let constant = allowDrift || allowMean;
  const nstarBase = serieslength - d - D * m;

  const searched: SearchedModel[] = [];
  const tried: Tried[] = [];
  const myarima = (
    p: number,
    q: number,
    P: number,
    Q: number,
    withConst: boolean,
    approx: boolean,
  ): Tried => {
    const useSeason = P + D + Q > 0 && m > 1;
    const diffs = d + D;
    const spec: ArimaSpec = {
      order: [p, d, q],
      seasonal: useSeason ? [P, D, Q] : undefined,
      period: useSeason ? m : undefined,
      includeMean: diffs === 0 ? withConst : false,
      includeDrift: diffs === 1 && withConst,
      xreg,
      xregNames: xr?.names,
      method: approx ? 'CSS' : 'CSS-ML',
    };
    let fit: ArimaFit | null = null;
    let value = Infinity;
    try {
      fit = fitArima(x, spec);
      const npar = Object.keys(fit.se).length + 1;
      const nFree = countFree(fit);
      const k = nFree + 1;
      let aic = approx
        ? offset + nstarBase * Math.log(fit.sigma2ML) + 2 * k
        : fit.aic;
      if (!Number.isFinite(aic)) aic = Infinity;
      const bic = aic + k * (Math.log(nstarBase) - 2);
      const aicc = aic + (2 * k * (k + 1)) / (nstarBase - k - 1);
      value = ic === 'aic' ? aic : ic === 'bic' ? bic : aicc;
      // Reject near-unit roots (forecast: min root modulus below 1.01) and singular fits.
      let minroot = 2;
      if (p + P > 0)
        minroot = Math.min(minroot, minRootModulus(fit.state.phi.map(v => -v)));
      if (q + Q > 0 && value < Infinity) {
        minroot = Math.min(minroot, minRootModulus(fit.state.theta));
      }
      const singular = !approx && npar - 1 < nFree;
      if (minroot < 1 + 1e-2 || singular || Number.isNaN(value))
        value = Infinity;
    } catch {
      fit = null;
      value = Infinity;
    }
    return {p, q, P, Q, constant: withConst, ic: value, fit};
  };
  const record = (t: Tried) => {
    tried.push(t);
    searched.push({
      order: [t.p, d, t.q],
      seasonal: [t.P, D, t.Q],
      constant: t.constant,
      ic: Number.isFinite(t.ic) ? t.ic : null,
    });
  };
  const isNew = (p: number, q: number, P: number, Q: number, c: boolean) =>
    !tried.some(
      t => t.p === p && t.q === q && t.P === P && t.Q === Q && t.constant === c,
    );

  // A model chosen before (same series, fewer weeks) is refitted alone; the full search
  // runs only when it no longer fits.
  let best: Tried | null = null;
  if (opts.only) {
    const o = opts.only;
    const t = myarima(
      o.p,
      o.q,
      m > 1 ? o.P : 0,
      m > 1 ? o.Q : 0,
      o.constant && (allowDrift || allowMean),
      false,
    );
    if (t.fit && Number.isFinite(t.ic)) {
      record(t);
      best = t;
    }
  }
  if (best === null) {
    let startp = opts.startP ?? 2;
    let startq = opts.startQ ?? 2;
    let startP = opts.startSP ?? 1;
    let startQ = opts.startSQ ?? 1;
    if (x.length < 10) {
      startp = Math.min(startp, 1);
      startq = Math.min(startq, 1);
      startP = 0;
      startQ = 0;
    }
    let p = Math.min(startp, maxp);
    let q = Math.min(startq, maxq);
    let P = Math.min(startP, maxP);
    let Q = Math.min(startQ, maxQ);

    best = myarima(p, q, P, Q, constant, approximation);
    record(best);
    let fit = myarima(0, 0, 0, 0, constant, approximation);
    record(fit);
    if (fit.ic < best.ic) {
      best = fit;
      p = q = P = Q = 0;
    }
    if (maxp > 0 || maxP > 0) {
      const pp = maxp > 0 ? 1 : 0;
      const PP = m > 1 && maxP > 0 ? 1 : 0;
      fit = myarima(pp, 0, PP, 0, constant, approximation);
      record(fit);
      if (fit.ic < best.ic) {
        best = fit;
        p = pp;
        P = PP;
        q = Q = 0;
      }
    }
    if (maxq > 0 || maxQ > 0) {
      const qq = maxq > 0 ? 1 : 0;
      const QQ = m > 1 && maxQ > 0 ? 1 : 0;
      fit = myarima(0, qq, 0, QQ, constant, approximation);
      record(fit);
      if (fit.ic < best.ic) {
        best = fit;
        p = P = 0;
        Q = QQ;
        q = qq;
      }
    }
    if (constant) {
      fit = myarima(0, 0, 0, 0, false, approximation);
      record(fit);
      if (fit.ic < best.ic) {
        best = fit;
        p = q = P = Q = 0;
      }
    }

    // Stepwise neighbourhood, in auto.arima's order; the first improvement restarts the sweep.
    type Move = [number, number, number, number, boolean];
    let k = tried.length;
    let startk = 0;
    while (startk < k && k < nmodels) {
      startk = k;
      const moves: Move[] = [
        [p, q, P - 1, Q, P > 0],
        [p, q, P, Q - 1, Q > 0],
        [p, q, P + 1, Q, P < maxP],
        [p, q, P, Q + 1, Q < maxQ],
        [p, q, P - 1, Q - 1, Q > 0 && P > 0],
        [p, q, P - 1, Q + 1, Q < maxQ && P > 0],
        [p, q, P + 1, Q - 1, Q > 0 && P < maxP],
        [p, q, P + 1, Q + 1, Q < maxQ && P < maxP],
        [p - 1, q, P, Q, p > 0],
        [p, q - 1, P, Q, q > 0],
        [p + 1, q, P, Q, p < maxp],
        [p, q + 1, P, Q, q < maxq],
        [p - 1, q - 1, P, Q, q > 0 && p > 0],
        [p - 1, q + 1, P, Q, q < maxq && p > 0],
        [p + 1, q - 1, P, Q, q > 0 && p < maxp],
        [p + 1, q + 1, P, Q, q < maxq && p < maxp],
      ];
      let improved = false;
      for (const [np, nq, nP, nQ, ok] of moves) {
        if (!ok || !isNew(np, nq, nP, nQ, constant)) continue;
        k++;
        if (k > nmodels) break;
        fit = myarima(np, nq, nP, nQ, constant, approximation);
        record(fit);
        if (fit.ic < best.ic) {
          best = fit;
          p = np;
          q = nq;
          P = nP;
          Q = nQ;
          improved = true;
          break;
        }
      }
      if (improved || k > nmodels) continue;
      if ((allowDrift || allowMean) && isNew(p, q, P, Q, !constant)) {
        k++;
        if (k > nmodels) continue;
        fit = myarima(p, q, P, Q, !constant, approximation);
        record(fit);
        if (fit.ic < best.ic) {
          best = fit;
          constant = !constant;
        }
      }
    }

    // With the approximation, refit the best-ranked models by maximum likelihood until one is usable.
    if (approximation) {
      const order = tried
        .map((t, i) => ({t, i}))
        .filter(o => Number.isFinite(o.t.ic))
        .sort((a, b) => a.t.ic - b.t.ic || a.i - b.i);
      let refit: Tried | null = null;
      for (const {t} of order) {
        const r = myarima(t.p, t.q, t.P, t.Q, t.constant, false);
        if (r.ic < Infinity) {
          refit = r;
          break;
        }
      }
      if (refit) best = refit;
      else best = {...best, ic: Infinity};
    }
  }
  if (!best.fit || !Number.isFinite(best.ic)) {
    throw new InputError('y', 'no suitable ARIMA model found');
  }
  const useSeason = best.P + D + best.Q > 0 && m > 1;
  const order: [number, number, number] = [best.p, d, best.q];
  const seasonal: [number, number, number] = useSeason
    ? [best.P, D, best.Q]
    : [0, 0, 0];
  const includeMean = d + D === 0 && best.constant;
  const includeDrift = d + D === 1 && best.constant;
  return {
    fit: best.fit,
    order,
    seasonal,
    period: useSeason ? m : 1,
    includeMean,
    includeDrift,
    ic: best.ic,
    icName: ic,
    approximation,
    searched,
    label: arimaLabel(
      order,
      seasonal,
      m,
      includeMean,
      includeDrift,
      xreg ? xreg.length : 0,
    ),
  };
}

/** Number of estimated (not fixed) coefficients of a fit. */
function countFree(fit: ArimaFit): number {
  const fixed = fit.spec.fixed ? Object.keys(fit.spec.fixed).length : 0;
  return fit.coefNames.length - fixed;
}

/** Forecasts from an auto.arima result; xregFuture as columns of length h. */
export function forecastAutoArima(
  res: AutoArimaResult,
  h: number,
  xregFuture?: number[][],
  levels?: number[],
): Forecast {
  return forecastArima(res.fit, h, {xregFuture, levels});
}

// ---------------------------------------------------------------------------------------
// Automatic forecasting across model families.
// ---------------------------------------------------------------------------------------

export type CandidateMethod =
  'arima' | 'ets' | 'snaive' | 'naive' | 'combination';

export interface AutoForecastRequest {
  y: Series;
  /** Seasonal period; periods above 24 (e.g. 52.18 weeks) are modelled with Fourier terms. */
  period?: number;
  horizon: number;
  /** Regressor columns, each as long as y. */
  xreg?: number[][];
  xregNames?: string[];
  /** Future regressor columns, each of length horizon. */
  xregFuture?: number[][];
  levels?: number[];
  /**
   * 'backtest' (default): the candidate with the lowest rolling-origin MASE;
   * 'ic': the ARIMA model chosen by AICc (auto.arima), other families only as fallbacks.
   */
  select?: 'backtest' | 'ic';
  candidates?: CandidateMethod[];
  /** Rolling-origin windows for the backtest (default 4). */
  backtestWindows?: number;
  /** Backtest horizon (default: min(horizon, period > 1 ? period : 8)). */
  backtestHorizon?: number;
  /**
   * The regressor values to forecast with from a backtest origin (columns of length h).
   * Default: the observed values, right for regressors known in advance (calendars);
   * regressors that are themselves forecast in production should be forecast here too.
   */
  backtestXreg?: (origin: number, h: number) => number[][];
  /** Fourier pairs for long periods: a number, or 'auto' (chosen by AICc up to 6). */
  fourierK?: number | 'auto';
  /** With select = 'ic', still backtest the chosen model to report its accuracy. */
  scoreChoice?: boolean;
  /**
   * The ARIMA form chosen by an earlier call on the same series (its `choice`): refitted
   * as it is instead of searched, unless it no longer applies or cannot be estimated.
   */
  reuse?: ModelChoice | null;
}

/** The ARIMA form autoForecast chose, enough to refit it without the search. */
export type ModelChoice =
  | {
      kind: 'arima';
      p: number;
      d: number;
      q: number;
      P: number;
      D: number;
      Q: number;
      constant: boolean;
    }
  | {
      kind: 'regarma';
      K: number;
      p: number;
      d: number;
      q: number;
      constant: boolean;
    };

export interface ArimaSummary {
  order: [number, number, number];
  seasonal: [number, number, number];
  period: number;
  includeMean: boolean;
  includeDrift: boolean;
  /** Coefficients by R's names: ar1.., ma1.., sar1.., sma1.., intercept, drift, regressors. */
  coef: Record<string, number>;
  se: Record<string, number>;
  sigma2: number;
  loglik: number;
  aic: number;
  aicc: number;
  bic: number;
  nobs: number;
  label: string;
  /** 'ML' for the exact-likelihood fit; 'CSS' for the fast long-period path. */
  estimation: 'ML' | 'CSS';
  /** The order search ranked models by conditional sum of squares (auto.arima's approximation). */
  approximation: boolean;
}

export interface BacktestWindowForecast {
  /** Training length: the forecast covers y[origin .. origin + h - 1]. */
  origin: number;
  forecast: Forecast;
}

export interface AutoForecastResult {
  /** What produced the forecast. */
  method: CandidateMethod | 'mean';
  /** Human-readable model name, e.g. "ARIMA(2,1,1)(0,1,0)[12]" or "ETS(M,Ad,M)". */
  label: string;
  selectedBy: 'backtest' | 'ic' | 'fallback';
  forecast: Forecast;
  arima: ArimaSummary | null;
  ets: {
    method: string;
    par: Record<string, number>;
    loglik: number;
    aic: number;
    aicc: number;
    bic: number;
    sigma2: number;
  } | null;
  /** Backtest scores of every candidate evaluated (empty with select = 'ic'). */
  scores: Partial<Record<CandidateMethod, BacktestScore>>;
  /** The chosen method's backtest forecasts (empty without a backtest). */
  backtest: BacktestWindowForecast[];
  /** Fourier terms added for a long seasonal period. */
  fourier: {K: number; period: number; names: string[]} | null;
  /** The ARIMA model's own forecast when another method was chosen. */
  arimaForecast: Forecast | null;
  /** Fallbacks taken and other notes. */
  notes: string[];
  /** The ARIMA form fitted (pass it as `reuse` to skip the search next time). */
  choice: ModelChoice | null;
  /**
   * The fitted ARIMA model's forecast with other future regressor values (columns of
   * length h): the code path of `forecast` itself, so the same columns give the same
   * numbers. Null when no ARIMA model was fitted.
   */
  forecastWith:
    ((xregFuture: number[][], h: number, levels: number[]) => Forecast) | null;
}

/** A fitted candidate: forecasts from the full data, and refits at a backtest origin. */
interface Candidate {
  method: CandidateMethod;
  label: string;
  forecast: (h: number, levels: number[]) => Forecast;
  /** Forecasts from data before `origin` (same model form, re-estimated). */
  refit: (origin: number, h: number, levels: number[]) => Forecast;
}

function validateY(y: unknown): (number | null)[] {
  if (!Array.isArray(y))
    throw new InputError('y', 'must be an array of numbers or nulls');
  if (y.length === 0) throw new InputError('y', 'is empty');
  const out = y.map((v, i) => {
    if (v === null) return null;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InputError(
        'y',
        `value at index ${i} is not a finite number or null`,
      );
    }
    return v;
  });
  if (out.every(v => v === null))
    throw new InputError('y', 'every value is missing');
  return out;
}

function validateFuture(f: unknown, k: number, h: number): number[][] {
  if (k === 0) {
    if (
      f !== undefined &&
      f !== null &&
      !(Array.isArray(f) && f.length === 0)
    ) {
      throw new InputError('xregFuture', 'given without xreg');
    }
    return [];
  }
  if (!Array.isArray(f) || f.length !== k) {
    throw new InputError(
      'xregFuture',
      `needs ${k} column(s), one per regressor, of ${h} values`,
    );
  }
  return f.map((c, j) => {
    if (!Array.isArray(c) || c.length !== h) {
      throw new InputError(
        'xregFuture',
        `column ${j + 1} must hold ${h} values (the horizon)`,
      );
    }
    return c.map((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new InputError(
          'xregFuture',
          `column ${j + 1}, row ${i + 1} is not a finite number`,
        );
      }
      return v;
    });
  });
}

function finiteForecast(f: Forecast): boolean {
  const all = [f.mean, ...Object.values(f.lower), ...Object.values(f.upper)];
  return all.every(a => a.every(v => Number.isFinite(v)));
}

/** A flat forecast with zero-width intervals: the documented fallback for constant data. */
function constantForecast(
  value: number,
  h: number,
  levels: number[],
): Forecast {
  return normalIntervals(
    new Array<number>(h).fill(value),
    new Array<number>(h).fill(0),
    levels,
  );
}

/** Averages point forecasts and interval bounds (errors treated as perfectly correlated). */
function combine(forecasts: Forecast[]): Forecast {
  const k = forecasts.length;
  const avg = (arrs: number[][]) =>
    arrs[0].map((_, i) => arrs.reduce((s, a) => s + a[i], 0) / k);
  const levels = forecasts[0].levels;
  const lower: Record<string, number[]> = {};
  const upper: Record<string, number[]> = {};
  for (const l of levels) {
    lower[String(l)] = avg(forecasts.map(f => f.lower[String(l)]));
    upper[String(l)] = avg(forecasts.map(f => f.upper[String(l)]));
  }
  return {
    mean: avg(forecasts.map(f => f.mean)),
    lower,
    upper,
    levels: [...levels],
  };
}

function summariseArima(res: AutoArimaResult): ArimaSummary {
  const f = res.fit;
  return {
    order: res.order,
    seasonal: res.seasonal,
    period: res.period,
    includeMean: res.includeMean,
    includeDrift: res.includeDrift,
    coef: {...f.coef},
    se: {...f.se},
    sigma2: f.sigma2,
    loglik: f.loglik,
    aic: f.aic,
    aicc: f.aicc,
    bic: f.bic,
    nobs: f.nobs,
    label: res.label,
    estimation: 'ML',
    approximation: res.approximation,
  };
}

function summariseRegArma(fit: RegArmaFit, label: string): ArimaSummary {
  const coef: Record<string, number> = {};
  const se: Record<string, number> = {};
  const names = [
    ...fit.ar.map((_, i) => `ar${i + 1}`),
    ...fit.ma.map((_, i) => `ma${i + 1}`),
    ...fit.betaNames,
  ];
  const values = [...fit.ar, ...fit.ma, ...fit.beta];
  names.forEach((nm, i) => {
    coef[nm] = values[i];
    const s = fit.se[i];
    if (s !== null) se[nm] = s;
  });
  return {
    order: [fit.spec.p, fit.spec.d, fit.spec.q],
    seasonal: [0, 0, 0],
    period: 1,
    includeMean: fit.spec.constant && fit.spec.d === 0,
    includeDrift: fit.spec.constant && fit.spec.d === 1,
    coef,
    se,
    sigma2: fit.sigma2,
    loglik: -0.5 * fit.twoNll,
    aic: fit.aic,
    aicc: fit.aicc,
    bic: fit.bic,
    nobs: fit.nUsed,
    label,
    estimation: 'CSS',
    approximation: true,
  };
}

/** A regression on regressors and Fourier terms with ARMA errors, for long periods. */
export interface LongPeriodModel {
  fit: RegArmaFit;
  /** Fourier pairs used. */
  K: number;
  period: number;
  /** Names of all regressors: the given ones, then the Fourier terms. */
  names: string[];
  label: string;
  summary: ArimaSummary;
  /** Forecast from the full data; `xregFuture` holds the given regressors' future values. */
  forecast: (h: number, levels: number[], xregFuture: number[][]) => Forecast;
  /** Same specification re-estimated on y[0 .. origin - 1], then forecast. */
  refit: (
    origin: number,
    h: number,
    levels: number[],
    xregFuture: number[][],
  ) => Forecast;
}

/**
 * Regression with ARMA errors on the given regressors plus Fourier terms of `period`,
 * searched stepwise by conditional least squares (auto.arima's approximation, which it
 * also uses for series this long or this seasonal): d by KPSS on the regression
 * residuals (at most 1), K by AICc with AR(1) errors when 'auto', then (p, q) and the
 * constant stepwise. With `stepwise` false the errors are AR(1) with rho from the OLS
 * residuals (one Cochrane-Orcutt step): a quick model for auxiliary forecasts such as a
 * regressor's own future. Missing values are interpolated for the fit. Null when nothing fits.
 */
export function fitLongPeriod(
  y: Series,
  period: number,
  xreg: number[][],
  xregNames: string[],
  fourierK: number | 'auto' = 'auto',
  stepwise = true,
  fixed: {p: number; d: number; q: number; constant: boolean} | null = null,
): LongPeriodModel | null {
  const n = y.length;
  const yy = interpolateMissing(y);
  const maxK = Math.max(0, Math.min(6, Math.floor(period / 2)));
  const build = (K: number) => {
    const f = K > 0 ? fourier(n, period, K) : {columns: [], names: []};
    return {cols: [...xreg, ...f.columns], names: [...xregNames, ...f.names]};
  };
  if (fixed && stepwise && typeof fourierK === 'number') {
    // An earlier choice: its K and ARMA orders refitted, no differencing test or search.
    const K = Math.max(0, Math.min(maxK, Math.floor(fourierK)));
    const chosen = build(K);
    const fit = fitRegArma(
      yy,
      chosen.cols,
      {p: fixed.p, q: fixed.q, d: fixed.d, constant: fixed.constant},
      chosen.names,
      true,
    );
    if (fit) return longPeriodModel(y, period, K, chosen, fit, stepwise);
  }
  const base = build(Math.min(3, maxK));
  let d = 0;
  const ols = fitRegArma(
    yy,
    base.cols,
    {p: 0, q: 0, d: 0, constant: true},
    base.names,
  );
  if (ols) d = Math.min(1, ndiffs(Array.from(ols.errors)));
  // AR(1) errors with rho from the OLS residuals (one Cochrane-Orcutt step): cheap enough
  // to compare every K, and close to the fitted AR(1) likelihood.
  const ar1 = (k: number): RegArmaFit | null => {
    const b = build(k);
    const o = fitRegArma(yy, b.cols, {p: 0, q: 0, d, constant: true}, b.names);
    if (!o) return null;
    return fitRegArma(
      yy,
      b.cols,
      {p: 1, q: 0, d, constant: true},
      b.names,
      false,
      [errorsLag1(o)],
    );
  };
  let K: number;
  let kFit: RegArmaFit | null = null;
  if (fourierK === 'auto') {
    let bestK = 0;
    let bestIc = Infinity;
    let worse = 0;
    // Harmonics are added in order; two in a row that do not improve AICc end the scan.
    for (let k = 0; k <= maxK && worse < 2; k++) {
      const f = ar1(k);
      if (f && f.aicc < bestIc) {
        bestIc = f.aicc;
        bestK = k;
        kFit = f;
        worse = 0;
      } else {
        worse++;
      }
    }
    K = bestK;
  } else {
    K = Math.max(0, Math.min(maxK, Math.floor(fourierK)));
  }
  const chosen = build(K);
  let fit: RegArmaFit | null;
  if (stepwise) {
    const res = autoRegArma(yy, chosen.cols, d, chosen.names);
    fit = res ? res.fit : null;
  } else {
    fit = kFit ?? ar1(K);
  }
  if (!fit) return null;
  // Standard errors for the reported model (the quick AR(1) model is an auxiliary one).
  if (stepwise)
    fit = fitRegArma(yy, chosen.cols, fit.spec, chosen.names, true) ?? fit;
  return longPeriodModel(y, period, K, chosen, fit, stepwise);
}

/** The fitted regression on regressors and Fourier terms, with its forecast and refit. */
function longPeriodModel(
  y: Series,
  period: number,
  K: number,
  chosen: {cols: number[][]; names: string[]},
  fit: RegArmaFit,
  stepwise: boolean,
): LongPeriodModel {
  const n = y.length;
  const spec = fit.spec;
  const core = `ARIMA(${spec.p},${spec.d},${spec.q})`;
  const label =
    chosen.cols.length > 0
      ? `Regression with ${core} errors` +
        (K > 0 ? ` + Fourier(K=${K}, period ${period})` : '')
      : spec.constant
        ? `${core} with ${spec.d === 0 ? 'non-zero mean' : 'drift'}`
        : core;
  const fourierAtEnd = (origin: number, h: number) =>
    K > 0 ? fourierFuture(origin, period, K, h).columns : [];
  return {
    fit,
    K,
    period,
    names: chosen.names,
    label,
    summary: summariseRegArma(fit, label),
    forecast: (h, levels, xf) =>
      forecastRegArma(
        fit,
        h,
        [...xf, ...fourierAtEnd(n, h)],
        levels,
        chosen.cols.map(c => c[n - 1]),
      ),
    refit: (origin, h, levels, xf) => {
      const cols = chosen.cols.map(c => c.slice(0, origin));
      const yo = interpolateMissing(y.slice(0, origin));
      let f: RegArmaFit | null;
      if (stepwise) {
        f = fitRegArma(yo, cols, spec, chosen.names);
      } else {
        // The quick model is re-estimated the way it was chosen: OLS, then AR(1) at rho.
        const o = fitRegArma(yo, cols, {...spec, p: 0}, chosen.names);
        f = o
          ? fitRegArma(yo, cols, spec, chosen.names, false, [errorsLag1(o)])
          : null;
      }
      if (!f)
        throw new Error(
          `${label} could not be re-estimated at origin ${origin}`,
        );
      return forecastRegArma(
        f,
        h,
        [...xf, ...fourierAtEnd(origin, h)],
        levels,
        cols.map(c => c[origin - 1]),
      );
    },
  };
}

/** Wraps refit so each (origin, horizon) is computed once (the combination reuses them). */
function memoised(c: Candidate): Candidate {
  const cache = new Map<string, Forecast>();
  return {
    ...c,
    refit: (origin, h, levels) => {
      const key = `${origin}:${h}:${levels.join(',')}`;
      let f = cache.get(key);
      if (!f) {
        f = c.refit(origin, h, levels);
        cache.set(key, f);
      }
      return f;
    },
  };
}

/**
 * Forecasts y automatically: auto.arima (or, for periods above 24, a regression on Fourier
 * terms with ARMA errors), ETS, seasonal naive and their combination; picks by rolling-origin
 * backtest or by information criterion and names the choice. Never returns NaN: a model
 * that cannot be estimated falls back to a simpler one, down to a flat forecast.
 */
export function autoForecast(req: AutoForecastRequest): AutoForecastResult {
  if (typeof req !== 'object' || req === null) {
    throw new InputError('request', 'must be an object');
  }
  const y = validateY(req.y);
  const n = y.length;
  const h = req.horizon;
  if (typeof h !== 'number' || !Number.isInteger(h) || h < 1 || h > 10000) {
    throw new InputError('horizon', 'must be a positive integer');
  }
  let period = req.period ?? 1;
  if (typeof period !== 'number' || !Number.isFinite(period) || period < 1) {
    throw new InputError('period', 'must be a number >= 1');
  }
  const requestedPeriod = period;
  const levels = normaliseLevels(req.levels);
  const select = req.select ?? 'backtest';
  if (select !== 'backtest' && select !== 'ic') {
    throw new InputError('select', "must be 'backtest' or 'ic'");
  }
  const xr = validateXreg(req.xreg, n, req.xregNames);
  const xreg = xr ? xr.cols : [];
  const xregNames = xr ? xr.names : [];
  const future = validateFuture(req.xregFuture, xreg.length, h);
  if (xreg.length > 0) {
    const keep = independentColumns(xreg);
    if (keep.length < xreg.length) {
      const bad = xreg.findIndex((_, j) => !keep.includes(j));
      throw new InputError(
        'xreg',
        `is rank deficient: column ${bad + 1} (${xregNames[bad]}) is constant or a combination of the others`,
      );
    }
  }
  const notes: string[] = [];
  // Seasonal models need two full periods; Fourier terms for a long period only need the
  // series to be longer than one (two school years of weekly data is the common case).
  if (period > 24 ? period >= n - 2 : period > n / 2) {
    if (period > 1)
      notes.push(
        'series too short for its seasonal period: seasonality ignored',
      );
    period = 1;
  }
  const observed = y.filter((v): v is number => v !== null);
  const bare = (
    method: AutoForecastResult['method'],
    label: string,
    forecast: Forecast,
  ): AutoForecastResult => ({
    method,
    label,
    selectedBy: 'fallback',
    forecast,
    arima: null,
    ets: null,
    scores: {},
    backtest: [],
    fourier: null,
    arimaForecast: null,
    notes,
    choice: null,
    forecastWith: null,
  });
  if (isConstant(y)) {
    notes.push('constant series: flat forecast with zero-width intervals');
    return bare('mean', 'Constant', constantForecast(observed[0], h, levels));
  }
  if (observed.length < 4) {
    notes.push('fewer than 4 observations: naive forecast');
    return bare(
      'naive',
      'Naive',
      constantForecast(observed[observed.length - 1], h, levels),
    );
  }

  const longPeriod = period > 24;
  const m = Math.round(period);
  const wanted = new Set<CandidateMethod>(
    req.candidates ?? ['arima', 'ets', 'snaive', 'naive', 'combination'],
  );
  const xregAt = (origin: number, hh: number): number[][] =>
    req.backtestXreg
      ? req.backtestXreg(origin, hh)
      : xreg.map(c => c.slice(origin, origin + hh));
  const candidates: Candidate[] = [];
  let arimaSummary: ArimaSummary | null = null;
  let etsSummary: AutoForecastResult['ets'] = null;
  let fourierInfo: AutoForecastResult['fourier'] = null;
  let arimaCand: Candidate | null = null;
  let etsCand: Candidate | null = null;
  let choice: ModelChoice | null = null;
  let forecastWith: AutoForecastResult['forecastWith'] = null;

  if (wanted.has('arima') || wanted.has('combination')) {
    try {
      if (longPeriod) {
        if (y.some(v => v === null))
          notes.push('missing values were interpolated for the ARIMA fit');
        const again = req.reuse?.kind === 'regarma' ? req.reuse : null;
        const lp = fitLongPeriod(
          y,
          period,
          xreg,
          xregNames,
          again ? again.K : (req.fourierK ?? 'auto'),
          true,
          again,
        );
        if (lp) {
          const sp = lp.fit.spec;
          choice = {
            kind: 'regarma',
            K: lp.K,
            p: sp.p,
            d: sp.d,
            q: sp.q,
            constant: sp.constant,
          };
          arimaSummary = lp.summary;
          fourierInfo =
            lp.K > 0
              ? {K: lp.K, period, names: lp.names.slice(xreg.length)}
              : null;
          forecastWith = (xf, hh, lv) =>
            lp.forecast(
              hh,
              normaliseLevels(lv),
              validateFuture(xf, xreg.length, hh),
            );
          const withFuture = forecastWith;
          arimaCand = {
            method: 'arima',
            label: lp.label,
            forecast: (hh, lv) =>
              withFuture(
                future.map(c => c.slice(0, hh)),
                hh,
                lv,
              ),
            refit: (origin, hh, lv) =>
              lp.refit(origin, hh, lv, xregAt(origin, hh)),
          };
        } else {
          notes.push(
            'ARIMA unavailable: no regression with ARMA errors could be estimated',
          );
        }
      } else {
        const again = req.reuse?.kind === 'arima' ? req.reuse : null;
        const res = autoArima(y, {
          period: m,
          xreg: xr?.cols,
          xregNames: xr?.names,
          // As auto.arima decides it on the series' own frequency: a weekly series too
          // short for its yearly season is still searched by conditional sum of squares.
          approximation: n > 150 || requestedPeriod > 12,
          ...(again ? {only: again, d: again.d, D: again.D} : {}),
        });
        choice = {
          kind: 'arima',
          p: res.order[0],
          d: res.order[1],
          q: res.order[2],
          P: res.seasonal[0],
          D: res.seasonal[1],
          Q: res.seasonal[2],
          constant: res.includeMean || res.includeDrift,
        };
        arimaSummary = summariseArima(res);
        const spec = res.fit.spec;
        const offset = n - res.fit.state.n;
        forecastWith = (xf, hh, lv) =>
          forecastArima(res.fit, hh, {
            xregFuture: validateFuture(xf, xreg.length, hh),
            levels: normaliseLevels(lv),
          });
        const withFuture = forecastWith;
        arimaCand = {
          method: 'arima',
          label: res.label,
          forecast: (hh, lv) =>
            withFuture(
              future.map(c => c.slice(0, hh)),
              hh,
              lv,
            ),
          refit: (origin, hh, lv) => {
            const sub: ArimaSpec = {
              ...spec,
              xreg: spec.xreg
                ? spec.xreg.map(c => c.slice(0, origin - offset))
                : undefined,
            };
            // Conditional sum of squares is enough to score the specification at an
            // origin, and several times cheaper than the exact likelihood.
            const f = fitArima(y.slice(offset, origin), {
              ...sub,
              method: 'CSS',
            });
            return forecastArima(f, hh, {
              xregFuture: xregAt(origin, hh),
              levels: lv,
            });
          },
        };
      }
    } catch (e) {
      notes.push(`ARIMA unavailable: ${(e as Error).message}`);
    }
    if (arimaCand) {
      arimaCand = memoised(arimaCand);
      if (wanted.has('arima')) candidates.push(arimaCand);
    }
  }

  // ETS ignores regressors, so it is tried only without them; periods above 24 are beyond it.
  if (
    (wanted.has('ets') || wanted.has('combination')) &&
    xreg.length === 0 &&
    !longPeriod
  ) {
    try {
      const fit = ets(y, {period: m});
      etsSummary = {
        method: fit.method,
        par: fit.par,
        loglik: fit.loglik,
        aic: fit.aic,
        aicc: fit.aicc,
        bic: fit.bic,
        sigma2: fit.sigma2,
      };
      const c = fit.components;
      const model = `${c.error}${c.trend}${c.season}`;
      etsCand = memoised({
        method: 'ets',
        label: fit.method,
        forecast: (hh, lv) => forecastEts(fit, hh, lv),
        refit: (origin, hh, lv) => {
          const f: EtsFit = ets(y.slice(0, origin), {
            period: m,
            model,
            damped: c.damped,
          });
          return forecastEts(f, hh, lv);
        },
      });
      if (wanted.has('ets')) candidates.push(etsCand);
    } catch (e) {
      notes.push(`ETS unavailable: ${(e as Error).message}`);
    }
  }

  // Seasonal naive (naive for non-seasonal data).
  const lag = m > 1 && n > m ? m : 1;
  const naiveMethod: CandidateMethod = lag > 1 ? 'snaive' : 'naive';
  let naiveCand: Candidate | null = null;
  if (
    wanted.has(naiveMethod) ||
    wanted.has('naive') ||
    wanted.has('combination')
  ) {
    try {
      const lw = lagWalk(y, lag);
      naiveCand = {
        method: naiveMethod,
        label: lag > 1 ? `Seasonal naive (lag ${lag})` : 'Naive',
        forecast: (hh, lv) => forecastLagWalk(lw, hh, lv),
        refit: (origin, hh, lv) =>
          forecastLagWalk(lagWalk(y.slice(0, origin), lag), hh, lv),
      };
      if (wanted.has(naiveMethod) || wanted.has('naive'))
        candidates.push(naiveCand);
    } catch (e) {
      notes.push(`${naiveMethod} unavailable: ${(e as Error).message}`);
    }
  }

  // Combination: ARIMA with ETS, or with the seasonal naive forecast when ETS does not apply.
  if (wanted.has('combination') && arimaCand) {
    const partner = etsCand ?? (longPeriod ? naiveCand : null);
    if (partner) {
      const a = arimaCand;
      candidates.push({
        method: 'combination',
        label: `Combination: ${a.label} + ${partner.label}`,
        forecast: (hh, lv) =>
          combine([a.forecast(hh, lv), partner.forecast(hh, lv)]),
        refit: (origin, hh, lv) =>
          combine([a.refit(origin, hh, lv), partner.refit(origin, hh, lv)]),
      });
    }
  }

  // Selection.
  const scores: Partial<Record<CandidateMethod, BacktestScore>> = {};
  const windowsOf = new Map<CandidateMethod, BacktestWindowForecast[]>();
  const bh = Math.max(1, req.backtestHorizon ?? Math.min(h, m > 1 ? m : 8));
  // Half the series, and at least a season and a bit (seasonal naive needs one).
  const minTrain = Math.max(m > 1 ? m + 2 : 8, Math.ceil(n * 0.5));
  const origins = rollingOrigins(n, {
    horizon: bh,
    windows: req.backtestWindows ?? 4,
    minTrain,
  });
  const backtestOf = (c: Candidate): boolean => {
    const wins: BacktestWindowForecast[] = [];
    try {
      for (const origin of origins) {
        const f = c.refit(origin, bh, levels);
        if (f.mean.length < bh || !finiteForecast(f)) return false;
        wins.push({origin, forecast: f});
      }
    } catch {
      return false;
    }
    const scored: WindowForecast[] = wins.map(w => ({
      origin: w.origin,
      forecast: w.forecast.mean,
      actual: y.slice(w.origin, w.origin + bh),
    }));
    scores[c.method] = scoreWindows(y, scored, m);
    windowsOf.set(c.method, wins);
    return true;
  };
  let order: Candidate[] = [];
  let selectedBy: AutoForecastResult['selectedBy'] = select;
  if (select === 'backtest' && candidates.length > 1) {
    if (origins.length > 0) {
      for (const c of candidates) backtestOf(c);
      const key = (c: Candidate) =>
        scores[c.method]?.mase ?? scores[c.method]?.mae ?? Infinity;
      order = candidates
        .filter(c => scores[c.method])
        .sort((a, b) => key(a) - key(b));
      order.push(...candidates.filter(c => !scores[c.method]));
    } else {
      notes.push(
        'series too short to backtest: chose by information criterion',
      );
      selectedBy = 'ic';
    }
  }
  if (order.length === 0) {
    const pref: CandidateMethod[] = [
      'arima',
      'ets',
      'combination',
      'snaive',
      'naive',
    ];
    order = [...candidates].sort(
      (a, b) => pref.indexOf(a.method) - pref.indexOf(b.method),
    );
    // Chosen by information criterion: the backtest, when asked for, only scores the choice.
    if (req.scoreChoice && origins.length > 0) {
      for (const c of order) if (backtestOf(c)) break;
    }
  }

  for (let i = 0; i < order.length; i++) {
    const c = order[i];
    try {
      const f = c.forecast(h, levels);
      if (!finiteForecast(f)) throw new Error('non-finite forecast');
      let arimaForecast: Forecast | null = null;
      if (arimaCand && c.method !== 'arima') {
        try {
          const fa = arimaCand.forecast(h, levels);
          if (finiteForecast(fa)) arimaForecast = fa;
        } catch {
          arimaForecast = null;
        }
      }
      return {
        method: c.method,
        label: c.label,
        selectedBy: i === 0 ? selectedBy : 'fallback',
        forecast: f,
        arima: arimaSummary,
        ets: etsSummary,
        scores,
        backtest: windowsOf.get(c.method) ?? [],
        fourier: fourierInfo,
        arimaForecast,
        notes,
        choice: arimaCand ? choice : null,
        forecastWith: arimaCand ? forecastWith : null,
      };
    } catch (e) {
      notes.push(`${c.label} could not forecast: ${(e as Error).message}`);
    }
  }
  notes.push('no model could forecast: naive forecast of the last value');
  const r = bare(
    'naive',
    'Naive',
    constantForecast(observed[observed.length - 1], h, levels),
  );
  r.arima = arimaSummary;
  r.ets = etsSummary;
  r.scores = scores;
  return r;
}
