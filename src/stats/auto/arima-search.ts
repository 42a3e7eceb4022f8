/**
 * Automatic ARIMA selection in the manner of Hyndman and Khandakar (2008), following
 * forecast::auto.arima 8.20 with its defaults: d by repeated KPSS tests, D by seasonal
 * strength, then a stepwise search over (p, q, P, Q) and the constant by AICc, with
 * conditional-sum-of-squares approximation for long or highly seasonal series and a
 * maximum-likelihood refit of the best models. Models with roots near the unit circle or
 * a singular information matrix are rejected, as auto.arima rejects them.
 */
import {InputError} from '../../core/errors';
import {fitArima, forecastArima} from '../arima';
import type {ArimaFit, ArimaSpec} from '../arima';
import type {Forecast, Series} from '../types';
import {diff, isConstant, minRootModulus, ndiffs, nsdiffs} from '../unitroot';

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

export function validateXreg(
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
  // The approximation's offset model (ARIMA(0,d,0) by maximum likelihood), fitted when a
  // conditional-sum-of-squares criterion first needs it (a reused model needs none), and
  // kept: a search or reuse that ends at the same model refits nothing.
  let f0: ArimaFit | null | undefined;
  const offsetFit = (): ArimaFit | null => {
    if (f0 === undefined) {
      try {
        f0 = fitArima(x, {
          order: [0, d, 0],
          seasonal: D > 0 ? [0, D, 0] : undefined,
          period: D > 0 ? m : undefined,
          xreg,
          xregNames: xr?.names,
          method: 'CSS-ML',
        });
      } catch {
        f0 = null;
      }
    }
    return f0;
  };
  let offset: number | undefined;
  const offsetOf = (): number => {
    if (offset === undefined) {
      const f = offsetFit();
      offset = f ? -2 * f.loglik - serieslength * Math.log(f.sigma2ML) : 0;
    }
    return offset;
  };
  // f0's spec leaves includeMean (true) and includeDrift (false) at their defaults.
  const isOffsetModel = (
    p: number,
    q: number,
    P: number,
    Q: number,
    withConst: boolean,
  ) =>
    p === 0 &&
    q === 0 &&
    P === 0 &&
    Q === 0 &&
    (d + D === 0 ? withConst : d + D === 1 ? !withConst : true);
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
      const same =
        !approx && isOffsetModel(p, q, P, Q, withConst) ? offsetFit() : null;
      fit = same ? {...same, spec} : fitArima(x, spec);
      const npar = Object.keys(fit.se).length + 1;
      const nFree = countFree(fit);
      const k = nFree + 1;
      let aic = approx
        ? offsetOf() + nstarBase * Math.log(fit.sigma2ML) + 2 * k
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
