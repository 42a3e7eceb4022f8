/**
 * Starting values: the conditional sum of squares of R's ARIMA_CSS (differencing, then the
 * ARMA recursion conditioned on the first ncond values), and the regression start of
 * R's arima: OLS of the differenced series on the differenced regressors.
 */
import {InputError} from '../../core/errors';
import {leastSquares} from '../linalg';

type Arma = readonly [number, number, number, number, number, number, number];

/** Scratch for cssObjective, sized for a series of length n. */
export interface CssWork {
  w: Float64Array;
  resid: Float64Array;
}

export function cssWork(n: number): CssWork {
  return {w: new Float64Array(n), resid: new Float64Array(n)};
}

/**
 * Mean of the squared conditional residuals (R's ARIMA_CSS). Leaves the residuals in
 * work.resid (0 for the first ncond). Missing values propagate and are skipped.
 */
export function cssMeanSquare(
  y: Float64Array,
  arma: Arma,
  phi: Float64Array,
  theta: Float64Array,
  ncond: number,
  work: CssWork,
): number {
  cssDifference(y, arma, work.w);
  return cssRecursion(work.w, phi, theta, ncond, work.resid);
}

/** The differencing of R's ARIMA_CSS: w = (1 - B)^d (1 - B^s)^D y, in place of w's values. */
export function cssDifference(
  y: Float64Array,
  arma: Arma,
  w: Float64Array,
): void {
  const n = y.length;
  w.set(y);
  for (let i = 0; i < arma[5]; i++)
    for (let l = n - 1; l > 0; l--) w[l] -= w[l - 1];
  const ns = arma[4];
  for (let i = 0; i < arma[6]; i++)
    for (let l = n - 1; l >= ns; l--) w[l] -= w[l - ns];
}

/**
 * The ARMA recursion of R's ARIMA_CSS on the differenced series w: the conditional
 * residuals into resid and their mean square. For p and q of at most 2 (every
 * non-seasonal model the search tries, and most calls) the coefficients sit in locals
 * instead of loops of zero to two steps: the same subtractions in the same order.
 */
export function cssRecursion(
  w: Float64Array,
  phi: Float64Array,
  theta: Float64Array,
  ncond: number,
  resid: Float64Array,
): number {
  const n = w.length;
  const p = phi.length;
  const q = theta.length;
  if (p > 2 || q > 2) return cssRecursionLong(w, phi, theta, ncond, resid);
  for (let l = 0; l < ncond && l < n; l++) resid[l] = 0;
  const phi0 = p > 0 ? phi[0] : 0;
  const phi1 = p > 1 ? phi[1] : 0;
  const theta0 = q > 0 ? theta[0] : 0;
  const theta1 = q > 1 ? theta[1] : 0;
  let ssq = 0;
  let nu = 0;
  for (let l = ncond; l < n; l++) {
    let tmp = w[l];
    if (p > 0) {
      tmp -= phi0 * w[l - 1];
      if (p > 1) tmp -= phi1 * w[l - 2];
    }
    if (q > 0 && l > ncond) {
      tmp -= theta0 * resid[l - 1];
      if (q > 1 && l > ncond + 1) tmp -= theta1 * resid[l - 2];
    }
    resid[l] = tmp;
    if (tmp === tmp) {
      nu++;
      ssq += tmp * tmp;
    }
  }
  return ssq / nu;
}

/** cssRecursion for any p and q (seasonal models). */
function cssRecursionLong(
  w: Float64Array,
  phi: Float64Array,
  theta: Float64Array,
  ncond: number,
  resid: Float64Array,
): number {
  const n = w.length;
  const p = phi.length;
  const q = theta.length;
  for (let l = 0; l < ncond && l < n; l++) resid[l] = 0;
  let ssq = 0;
  let nu = 0;
  for (let l = ncond; l < n; l++) {
    let tmp = w[l];
    for (let j = 0; j < p; j++) tmp -= phi[j] * w[l - j - 1];
    const m = Math.min(l - ncond, q);
    for (let j = 0; j < m; j++) tmp -= theta[j] * resid[l - j - 1];
    resid[l] = tmp;
    if (tmp === tmp) {
      nu++;
      ssq += tmp * tmp;
    }
  }
  return ssq / nu;
}

/** diff(x, lag, differences) as R, dropping the first lag * differences values. */
export function diffSeries(
  x: ArrayLike<number>,
  lag: number,
  differences: number,
): Float64Array {
  let cur = Float64Array.from(x);
  for (let k = 0; k < differences; k++) {
    const next = new Float64Array(Math.max(0, cur.length - lag));
    for (let i = 0; i < next.length; i++) next[i] = cur[i + lag] - cur[i];
    cur = next;
  }
  return cur;
}

/**
 * OLS start for the regression coefficients, as R's arima: lm(dx ~ dxreg - 1) on the
 * differenced data with incomplete rows dropped (falling back to the undifferenced data
 * when too few rows remain). Returns the coefficients and 10 x their standard errors as
 * the optimiser's parameter scale.
 */
export function regressionStart(
  x: Float64Array,
  xreg: Float64Array[],
  d: number,
  D: number,
  s: number,
  names: string[],
): {coef: number[]; parscale: number[]} {
  const k = xreg.length;
  const diffd = (v: ArrayLike<number>) => {
    let out = diffSeries(v, 1, d);
    if (s > 1 && D > 0) out = diffSeries(out, s, D);
    return out;
  };
  const fitOn = (yy: Float64Array, cols: Float64Array[]) => {
    const rows: number[] = [];
    for (let i = 0; i < yy.length; i++) {
      if (yy[i] !== yy[i]) continue;
      let ok = true;
      for (const c of cols) if (c[i] !== c[i]) ok = false;
      if (ok) rows.push(i);
    }
    const yv = rows.map(i => yy[i]);
    const xv = cols.map(c => rows.map(i => c[i]));
    return {fit: leastSquares(xv, yv), m: rows.length};
  };
  const dx = diffd(x);
  const dxreg = xreg.map(diffd);
  let res = dx.length > k ? fitOn(dx, dxreg) : null;
  if (!res || res.m <= k || res.fit.rank === 0) res = fitOn(x, xreg);
  const {fit, m} = res;
  if (fit.rank < k) {
    const culprit = names[fit.rank] ?? `column ${fit.rank + 1}`;
    throw new InputError(
      'xreg',
      `regressors are rank-deficient: '${culprit}' is collinear with the others` +
        (d + D > 0 ? ' (after differencing)' : ''),
    );
  }
  if (m <= k)
    throw new InputError(
      'xreg',
      `too few complete observations (${m}) for ${k} regression coefficients`,
    );
  // An exact fit has zero standard errors; keep a positive scale for the optimiser.
  const parscale = fit.se.map((se, j) => {
    const v = 10 * se;
    if (Number.isFinite(v) && v > 0) return v;
    return Math.max(1e-3, 0.1 * Math.abs(fit.coef[j]));
  });
  return {coef: fit.coef, parscale};
}
