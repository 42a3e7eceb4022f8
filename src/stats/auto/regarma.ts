/**
 * Fast regression with non-seasonal ARIMA(p, d, q) errors (d = 0 or 1) by conditional
 * least squares, the objective auto.arima's approximation uses (stats::arima(method =
 * "CSS")), with the regression coefficients profiled out: for fixed ARMA coefficients the
 * conditional residuals are linear in the regression coefficients, so those come from one
 * least-squares solve and the optimiser only searches the 1-4 ARMA coefficients. This
 * makes a full stepwise search on a 156-week series with a dozen regressors take a few
 * milliseconds. Long seasonal cycles enter as Fourier regressors, never as seasonal lags.
 */
import {nelderMead} from '../ets/nelder-mead';
import {qnorm} from '../distributions';
import type {Forecast} from '../types';
import {rootsWithin} from '../unitroot';

export interface RegArmaSpec {
  p: number;
  q: number;
  /** 0 or 1. */
  d: number;
  /** Intercept when d = 0, drift when d = 1. */
  constant: boolean;
}

export interface RegArmaFit {
  spec: RegArmaSpec;
  ar: number[];
  ma: number[];
  /** Constant (intercept or drift) first when present, then one per regressor column. */
  beta: number[];
  betaNames: string[];
  /** Residual variance ssq / (n_used - k), k = estimated coefficients. */
  sigma2: number;
  /**
   * Asymptotic standard errors of the non-linear least-squares estimates, sqrt(diag(
   * sigma2 (J'J)^-1)) over all coefficients (AR, MA, then beta); null where not defined.
   */
  se: (number | null)[];
  /** CSS mean square ssq / n_used (stats::arima's CSS sigma2). */
  sigma2Css: number;
  nUsed: number;
  /** Estimated coefficients (ARMA + regression). */
  k: number;
  /** -2 log-likelihood of the conditional Gaussian model. */
  twoNll: number;
  aic: number;
  aicc: number;
  bic: number;
  /** Conditional residuals on the (differenced) scale, NaN where conditioned away. */
  residuals: Float64Array;
  /** The (differenced) regression errors u = w - Z beta, for forecasting. */
  errors: Float64Array;
  /** Last observed level (needed to integrate forecasts when d = 1). */
  lastY: number;
  n: number;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** Columns of the regression on the modelling scale (after differencing). */
function design(
  n: number,
  xreg: ReadonlyArray<ArrayLike<number>>,
  spec: RegArmaSpec,
): {cols: Float64Array[]; names: string[]} {
  const cols: Float64Array[] = [];
  const names: string[] = [];
  const len = n - spec.d;
  if (spec.constant) {
    // An intercept for d = 0; for d = 1 the drift 1..n differences to a column of ones.
    cols.push(new Float64Array(len).fill(1));
    names.push(spec.d === 0 ? 'intercept' : 'drift');
  }
  for (const x of xreg) {
    const c = new Float64Array(len);
    if (spec.d === 0) for (let t = 0; t < n; t++) c[t] = x[t];
    else for (let t = 1; t < n; t++) c[t - 1] = x[t] - x[t - 1];
    cols.push(c);
  }
  return {cols, names};
}

/** In-place ARMA inverse filter: out_t = v_t - sum phi_i v_{t-i} - sum theta_j out_{t-j}, t >= p. */
function armaFilter(
  v: ArrayLike<number>,
  phi: ArrayLike<number>,
  theta: ArrayLike<number>,
  out: Float64Array,
): void {
  const n = v.length;
  const p = phi.length;
  const q = theta.length;
  for (let t = 0; t < p && t < n; t++) out[t] = 0;
  for (let t = p; t < n; t++) {
    let s = v[t];
    for (let i = 0; i < p; i++) s -= phi[i] * v[t - i - 1];
    for (let j = 0; j < q; j++) {
      const tj = t - j - 1;
      if (tj < p) break;
      s -= theta[j] * out[tj];
    }
    out[t] = s;
  }
}

/**
 * Solves the symmetric positive definite system A x = b (Cholesky); null if singular.
 * Work arrays may be passed to avoid allocation (L: k*k, z and x: k).
 */
function cholSolve(
  A: Float64Array,
  b: ArrayLike<number>,
  k: number,
  L: Float64Array = new Float64Array(k * k),
  z: Float64Array = new Float64Array(k),
  x: Float64Array = new Float64Array(k),
): Float64Array | null {
  for (let i = 0; i < k; i++) {
    const ik = i * k;
    for (let j = 0; j <= i; j++) {
      const jk = j * k;
      let s = A[ik + j];
      for (let r = 0; r < j; r++) s -= L[ik + r] * L[jk + r];
      if (i === j) {
        if (!(s > 1e-12 * Math.max(1, A[ik + i]))) return null;
        L[ik + i] = Math.sqrt(s);
      } else {
        L[ik + j] = s / L[jk + j];
      }
    }
  }
  for (let i = 0; i < k; i++) {
    let s = b[i];
    for (let r = 0; r < i; r++) s -= L[i * k + r] * z[r];
    z[i] = s / L[i * k + i];
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = z[i];
    for (let r = i + 1; r < k; r++) s -= L[r * k + i] * x[r];
    x[i] = s / L[i * k + i];
  }
  return x;
}

/** Profiled CSS: for given ARMA coefficients, the least-squares regression and its SSQ. */
class Profile {
  readonly fw: Float64Array;
  readonly fz: Float64Array[];
  readonly A: Float64Array;
  readonly b: Float64Array;
  private readonly L: Float64Array;
  private readonly z: Float64Array;
  private readonly x: Float64Array;
  private readonly e: Float64Array;
  constructor(
    readonly w: Float64Array,
    readonly cols: Float64Array[],
  ) {
    const n = w.length;
    this.fw = new Float64Array(n);
    this.fz = cols.map(() => new Float64Array(n));
    const k = cols.length;
    this.A = new Float64Array(k * k);
    this.b = new Float64Array(k);
    this.L = new Float64Array(k * k);
    this.z = new Float64Array(k);
    this.x = new Float64Array(k);
    this.e = new Float64Array(n);
  }

  /** Returns the SSQ (and fills beta and the residuals from t = p) or NaN when singular. */
  run(
    phi: ArrayLike<number>,
    theta: ArrayLike<number>,
    beta: Float64Array | null,
    resid: Float64Array | null = null,
  ): number {
    const {w, cols, fw, fz, A, b, e} = this;
    const n = w.length;
    const p = phi.length;
    const k = cols.length;
    armaFilter(w, phi, theta, fw);
    for (let j = 0; j < k; j++) armaFilter(cols[j], phi, theta, fz[j]);
    if (k === 0) {
      let ssq = 0;
      for (let t = p; t < n; t++) {
        ssq += fw[t] * fw[t];
        if (resid) resid[t - p] = fw[t];
      }
      return ssq;
    }
    for (let i = 0; i < k; i++) {
      const zi = fz[i];
      let s = 0;
      for (let t = p; t < n; t++) s += zi[t] * fw[t];
      b[i] = s;
      for (let j = 0; j <= i; j++) {
        const zj = fz[j];
        let a = 0;
        for (let t = p; t < n; t++) a += zi[t] * zj[t];
        A[i * k + j] = a;
        A[j * k + i] = a;
      }
    }
    let x = cholSolve(A, b, k, this.L, this.z, this.x);
    if (!x) {
      // Exactly collinear regressors (say a calendar dummy that never varies inside a
      // backtest window): a tiny ridge keeps the fit, with ~0 weight on the redundant direction.
      let maxd = 0;
      for (let i = 0; i < k; i++) maxd = Math.max(maxd, A[i * k + i]);
      for (let i = 0; i < k; i++) A[i * k + i] += 1e-9 * maxd + 1e-12;
      x = cholSolve(A, b, k, this.L, this.z, this.x);
      if (!x) return NaN;
    }
    if (beta) beta.set(x);
    for (let t = p; t < n; t++) e[t] = fw[t];
    for (let j = 0; j < k; j++) {
      const zj = fz[j];
      const xj = x[j];
      for (let t = p; t < n; t++) e[t] -= zj[t] * xj;
    }
    let ssq = 0;
    for (let t = p; t < n; t++) ssq += e[t] * e[t];
    if (resid) for (let t = p; t < n; t++) resid[t - p] = e[t];
    return ssq;
  }
}

/**
 * Levenberg-Marquardt on the profiled residuals (variable projection). The Jacobian is the
 * exact derivative of the conditional residuals at the current regression coefficients
 * (Kaufman's simplification): by the envelope theorem its gradient J'r is the gradient of
 * the profiled objective, so the fixed points are the CSS estimates, and one filtering
 * pass replaces a numerical Jacobian.
 */
function levenbergMarquardt(
  resid: (x: ArrayLike<number>, out: Float64Array) => number,
  jacobian: (x: ArrayLike<number>, r: Float64Array, J: Float64Array[]) => void,
  start: number[],
  m: number,
): number[] | null {
  const k = start.length;
  let x = start.slice();
  const r = new Float64Array(m);
  const rt = new Float64Array(m);
  let f = resid(x, r);
  if (!Number.isFinite(f)) return null;
  const J: Float64Array[] = Array.from({length: k}, () => new Float64Array(m));
  const H = new Float64Array(k * k);
  const g = new Float64Array(k);
  const A = new Float64Array(k * k);
  const negG = new Float64Array(k);
  let lambda = 1e-3;
  for (let iter = 0; iter < 30; iter++) {
    // resid() last ran at x, so its regression coefficients are those of x.
    jacobian(x, r, J);
    for (let i = 0; i < k; i++) {
      const Ji = J[i];
      let gi = 0;
      for (let t = 0; t < m; t++) gi += Ji[t] * r[t];
      g[i] = gi;
      for (let j = 0; j <= i; j++) {
        const Jj = J[j];
        let h = 0;
        for (let t = 0; t < m; t++) h += Ji[t] * Jj[t];
        H[i * k + j] = h;
        H[j * k + i] = h;
      }
    }
    let accepted = false;
    let fNew = f;
    let maxStep = 0;
    for (let tries = 0; tries < 12; tries++) {
      A.set(H);
      for (let i = 0; i < k; i++) {
        A[i * k + i] += lambda * Math.max(H[i * k + i], 1e-12);
        negG[i] = -g[i];
      }
      const step = cholSolve(A, negG, k);
      if (step) {
        const xt = x.map((v, i) => v + step[i]);
        const ft = resid(xt, rt);
        if (Number.isFinite(ft) && ft < f) {
          for (let i = 0; i < k; i++)
            maxStep = Math.max(maxStep, Math.abs(step[i]));
          x = xt;
          r.set(rt);
          fNew = ft;
          lambda = Math.max(lambda / 10, 1e-12);
          accepted = true;
          break;
        }
      }
      lambda *= 10;
    }
    if (!accepted) {
      resid(x, r);
      break;
    }
    const rel = (f - fNew) / Math.max(f, 1e-300);
    f = fNew;
    // Below 1e-7 relative SSQ change (a log-likelihood change under 1e-4 at n = 156), or
    // steps under 1e-5, further iterations no longer move the forecasts.
    if (rel < 1e-7 || maxStep < 1e-5) break;
  }
  return x;
}

/**
 * Partial derivatives of the conditional residuals e_t (t >= p) with respect to the ARMA
 * coefficients at fixed regression coefficients: d e_t / d phi_i = -u_{t-i} - sum theta_l
 * d e_{t-l} / d phi_i, and d e_t / d theta_j = -e_{t-j} - sum theta_l d e_{t-l} / d theta_j.
 * `e(t)` returns the residual at t (0 before p). J[c] has length n - p.
 */
function armaPartials(
  u: Float64Array,
  e: (t: number) => number,
  theta: ArrayLike<number>,
  p: number,
  q: number,
  J: Float64Array[],
): void {
  const nw = u.length;
  for (let c = 0; c < p + q; c++) {
    const Jc = J[c];
    for (let t = p; t < nw; t++) {
      let v: number;
      if (c < p) v = -u[t - c - 1];
      else v = -e(t - (c - p) - 1);
      for (let l = 0; l < q; l++) {
        const tl = t - l - 1;
        if (tl < p) break;
        v -= theta[l] * Jc[tl - p];
      }
      Jc[t - p] = v;
    }
  }
}

/** AR coefficients stationary / MA invertible: roots of 1 - phi z ... outside the unit circle. */
function stationary(phi: ArrayLike<number>): boolean {
  const p = phi.length;
  if (p === 0) return true;
  // z^p - phi_1 z^(p-1) - ... - phi_p, increasing powers.
  const c = new Array<number>(p + 1);
  c[p] = 1;
  for (let i = 0; i < p; i++) c[p - 1 - i] = -phi[i];
  return rootsWithin(c, 1 - 1e-3);
}

function invertible(theta: ArrayLike<number>): boolean {
  const q = theta.length;
  if (q === 0) return true;
  const c = new Array<number>(q + 1);
  c[q] = 1;
  for (let i = 0; i < q; i++) c[q - 1 - i] = theta[i];
  return rootsWithin(c, 1 - 1e-3);
}

/** Hannan-Rissanen starting values from the OLS errors u. */
function hannanRissanen(u: Float64Array, p: number, q: number): number[] {
  const n = u.length;
  if (p + q === 0) return [];
  const m = Math.min(Math.max(p, q) + 6, Math.floor(n / 4));
  // Long AR(m) by least squares to estimate the innovations.
  const eHat = new Float64Array(n);
  if (q > 0 && m > 0) {
    const rows = n - m;
    const A = new Float64Array(m * m);
    const b = new Float64Array(m);
    for (let t = m; t < n; t++) {
      for (let i = 0; i < m; i++) {
        b[i] += u[t - i - 1] * u[t];
        for (let j = 0; j <= i; j++)
          A[i * m + j] += u[t - i - 1] * u[t - j - 1];
      }
    }
    for (let i = 0; i < m; i++)
      for (let j = 0; j < i; j++) A[j * m + i] = A[i * m + j];
    const a = rows > m ? cholSolve(A, b, m) : null;
    if (a) {
      for (let t = m; t < n; t++) {
        let s = u[t];
        for (let i = 0; i < m; i++) s -= a[i] * u[t - i - 1];
        eHat[t] = s;
      }
    }
  }
  const k = p + q;
  const start = Math.max(p, q > 0 ? m + q : 0);
  const A = new Float64Array(k * k);
  const b = new Float64Array(k);
  const row = new Float64Array(k);
  for (let t = start; t < n; t++) {
    for (let i = 0; i < p; i++) row[i] = u[t - i - 1];
    for (let j = 0; j < q; j++) row[p + j] = eHat[t - j - 1];
    for (let i = 0; i < k; i++) {
      b[i] += row[i] * u[t];
      for (let j = 0; j <= i; j++) A[i * k + j] += row[i] * row[j];
    }
  }
  for (let i = 0; i < k; i++)
    for (let j = 0; j < i; j++) A[j * k + i] = A[i * k + j];
  const x = n - start > k + 2 ? cholSolve(A, b, k) : null;
  const out = x ? Array.from(x) : new Array<number>(k).fill(0);
  const phi = out.slice(0, p);
  const theta = out.slice(p);
  // Keep the start inside the admissible region.
  const shrink = (v: number[], ok: (c: number[]) => boolean) => {
    let c = v;
    for (let it = 0; it < 20 && !ok(c); it++) c = c.map(z => z * 0.7);
    return ok(c) ? c : c.map(() => 0);
  };
  return [...shrink(phi, stationary), ...shrink(theta, invertible)];
}

/** The modelling-scale response: y (d = 0) or its first differences (d = 1). */
function responseOf(y: ArrayLike<number>, d: number): Float64Array {
  const n = y.length;
  if (d === 0) return Float64Array.from(y as ArrayLike<number>);
  const w = new Float64Array(n - 1);
  for (let t = 1; t < n; t++) w[t - 1] = y[t] - y[t - 1];
  return w;
}

/**
 * Fits one specification by CSS with profiled regression coefficients.
 * y must be complete (no NaN); xreg columns as long as y. Returns null when the model
 * cannot be estimated (singular regression, too few observations).
 */
export function fitRegArma(
  y: ArrayLike<number>,
  xreg: ReadonlyArray<ArrayLike<number>>,
  spec: RegArmaSpec,
  xregNames: ReadonlyArray<string> = [],
  withSe = false,
  /** ARMA coefficients to hold (AR then MA) instead of estimating them. */
  fixedArma?: ReadonlyArray<number>,
): RegArmaFit | null {
  const n = y.length;
  const {p, q, d} = spec;
  const w = responseOf(y, d);
  const {cols, names} = design(n, xreg, spec);
  const kReg = cols.length;
  const nUsed = w.length - p;
  const k = p + q + kReg;
  if (nUsed - k - 2 <= 0) return null;
  const prof = new Profile(w, cols);
  // Starting values from the OLS errors.
  const beta0 = new Float64Array(kReg);
  const ssq0 = prof.run([], [], beta0);
  if (!Number.isFinite(ssq0)) return null;
  const u = new Float64Array(w.length);
  for (let t = 0; t < w.length; t++) {
    let s = w[t];
    for (let j = 0; j < kReg; j++) s -= cols[j][t] * beta0[j];
    u[t] = s;
  }
  const phi = new Float64Array(p);
  const theta = new Float64Array(q);
  let par = fixedArma ? [...fixedArma] : hannanRissanen(u, p, q);
  const objective = (x: ArrayLike<number>): number => {
    for (let i = 0; i < p; i++) phi[i] = x[i];
    for (let j = 0; j < q; j++) theta[j] = x[p + j];
    if (!stationary(phi) || !invertible(theta)) return Infinity;
    const ssq = prof.run(phi, theta, null);
    if (!(ssq > 0)) return Infinity;
    return 0.5 * Math.log(ssq / nUsed);
  };
  if (fixedArma) {
    if (par.length !== p + q || !Number.isFinite(objective(par))) return null;
  } else if (p + q > 0) {
    if (!Number.isFinite(objective(par)))
      par = new Array<number>(p + q).fill(0);
    const nw = w.length;
    const uu = new Float64Array(nw);
    const betaBuf = new Float64Array(kReg);
    // The regression coefficients of the last evaluated point (the optimiser's current x
    // whenever the Jacobian is requested).
    const residFn = (x: ArrayLike<number>, out: Float64Array): number => {
      for (let i = 0; i < p; i++) phi[i] = x[i];
      for (let j = 0; j < q; j++) theta[j] = x[p + j];
      if (!stationary(phi) || !invertible(theta)) return Infinity;
      const ssq = prof.run(phi, theta, betaBuf, out);
      return ssq > 0 ? ssq : Infinity;
    };
    const jacobian = (
      x: ArrayLike<number>,
      r: Float64Array,
      J: Float64Array[],
    ): void => {
      for (let i = 0; i < p; i++) phi[i] = x[i];
      for (let j = 0; j < q; j++) theta[j] = x[p + j];
      for (let t = 0; t < nw; t++) {
        let v = w[t];
        for (let j = 0; j < kReg; j++) v -= cols[j][t] * betaBuf[j];
        uu[t] = v;
      }
      // r holds the conditional residuals e_t for t >= p.
      armaPartials(uu, t => (t >= p ? r[t - p] : 0), theta, p, q, J);
    };
    const lm = levenbergMarquardt(residFn, jacobian, par, nUsed);
    if (lm) par = lm;
    else par = nelderMead(objective, par, {maxit: 400, intol: 1e-8}).par;
    if (!Number.isFinite(objective(par))) return null;
  }
  for (let i = 0; i < p; i++) phi[i] = par[i];
  for (let j = 0; j < q; j++) theta[j] = par[p + j];
  const beta = new Float64Array(kReg);
  const ssq = prof.run(phi, theta, beta);
  if (!(ssq > 0) || !Number.isFinite(ssq)) return null;
  // Residuals and regression errors on the modelling scale.
  const errors = new Float64Array(w.length);
  for (let t = 0; t < w.length; t++) {
    let s = w[t];
    for (let j = 0; j < kReg; j++) s -= cols[j][t] * beta[j];
    errors[t] = s;
  }
  const residuals = new Float64Array(w.length);
  armaFilter(errors, phi, theta, residuals);
  for (let t = 0; t < p; t++) residuals[t] = NaN;
  const sigma2 = ssq / Math.max(1, nUsed - k);
  // Standard errors cost a k x k inversion: only the reported model needs them.
  const se = withSe
    ? standardErrors(errors, residuals, theta, p, q, prof, sigma2)
    : new Array<number | null>(k).fill(null);
  const sigma2Css = ssq / nUsed;
  const twoNll = nUsed * (LOG_2PI + 1 + Math.log(sigma2Css));
  const kk = k + 1;
  const aic = twoNll + 2 * kk;
  const aicc = aic + (2 * kk * (kk + 1)) / (nUsed - kk - 1);
  const bic = aic + kk * (Math.log(nUsed) - 2);
  return {
    spec: {...spec},
    ar: Array.from(phi),
    ma: Array.from(theta),
    beta: Array.from(beta),
    betaNames: [...names, ...xregNames.slice(0, xreg.length)],
    sigma2,
    se,
    sigma2Css,
    nUsed,
    k,
    twoNll,
    aic,
    aicc,
    bic,
    residuals,
    errors,
    lastY: y[n - 1],
    n,
  };
}

/** Gauss-Newton covariance of all coefficients at the estimate. */
function standardErrors(
  u: Float64Array,
  resid: Float64Array,
  theta: ArrayLike<number>,
  p: number,
  q: number,
  prof: Profile,
  sigma2: number,
): (number | null)[] {
  const nw = u.length;
  const m = nw - p;
  const kReg = prof.cols.length;
  const k = p + q + kReg;
  const J: Float64Array[] = Array.from({length: k}, () => new Float64Array(m));
  armaPartials(u, t => (t >= p ? resid[t] : 0), theta, p, q, J);
  // The regression columns enter through the same filter: d e / d beta_j = -F(z_j).
  for (let j = 0; j < kReg; j++) {
    const fz = prof.fz[j];
    const Jc = J[p + q + j];
    for (let t = p; t < nw; t++) Jc[t - p] = -fz[t];
  }
  const A = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let t = 0; t < m; t++) s += J[i][t] * J[j][t];
      A[i * k + j] = s;
      A[j * k + i] = s;
    }
  }
  const out: (number | null)[] = [];
  for (let c = 0; c < k; c++) {
    const unit = new Float64Array(k);
    unit[c] = 1;
    const col = cholSolve(A, unit, k);
    const v = col ? col[c] * sigma2 : NaN;
    out.push(Number.isFinite(v) && v >= 0 ? Math.sqrt(v) : null);
  }
  return out;
}

/** Lag-1 autocorrelation of the regression errors of a fit (Cochrane-Orcutt's rho). */
export function errorsLag1(fit: RegArmaFit): number {
  const u = fit.errors;
  const n = u.length;
  let m = 0;
  for (let t = 0; t < n; t++) m += u[t];
  m /= n;
  let c0 = 0;
  let c1 = 0;
  for (let t = 0; t < n; t++) {
    c0 += (u[t] - m) * (u[t] - m);
    if (t > 0) c1 += (u[t] - m) * (u[t - 1] - m);
  }
  const r = c0 > 0 ? c1 / c0 : 0;
  return Math.max(-0.95, Math.min(0.95, r));
}

/** psi weights of ARMA(phi, theta), psi_0 = 1. */
function psiWeights(phi: number[], theta: number[], h: number): number[] {
  const psi = new Array<number>(h).fill(0);
  psi[0] = 1;
  for (let j = 1; j < h; j++) {
    let s = j <= theta.length ? theta[j - 1] : 0;
    for (let i = 0; i < phi.length && i < j; i++) s += phi[i] * psi[j - 1 - i];
    psi[j] = s;
  }
  return psi;
}

/**
 * Forecasts h steps ahead: the regression on future regressors plus the ARMA forecast of
 * the errors, integrated once when d = 1; normal intervals from the psi weights.
 */
export function forecastRegArma(
  fit: RegArmaFit,
  h: number,
  xregFuture: ReadonlyArray<ArrayLike<number>>,
  levels: ReadonlyArray<number>,
  lastX: ReadonlyArray<number> = [],
): Forecast {
  const {ar, ma, beta, spec} = fit;
  const p = ar.length;
  const q = ma.length;
  const u = fit.errors;
  const e = fit.residuals;
  const nw = u.length;
  // ARMA forecasts of the errors.
  const uf = new Array<number>(h).fill(0);
  const past = (t: number): number => (t < nw ? u[t] : uf[t - nw]);
  for (let i = 0; i < h; i++) {
    const t = nw + i;
    let s = 0;
    for (let a = 0; a < p; a++) s += ar[a] * past(t - a - 1);
    for (let b = 0; b < q; b++) {
      const tb = t - b - 1;
      if (tb < nw) {
        const r = e[tb];
        if (r === r) s += ma[b] * r;
      }
    }
    uf[i] = s;
  }
  // Regression part on the modelling scale.
  const kConst = spec.constant ? 1 : 0;
  const mean = new Array<number>(h).fill(0);
  let level = fit.lastY;
  for (let i = 0; i < h; i++) {
    let reg = kConst ? beta[0] : 0;
    for (let j = 0; j < xregFuture.length; j++) {
      const x = xregFuture[j][i];
      if (spec.d === 0) reg += beta[kConst + j] * x;
      else {
        const prev = i === 0 ? lastX[j] : xregFuture[j][i - 1];
        reg += beta[kConst + j] * (x - prev);
      }
    }
    const w = reg + uf[i];
    if (spec.d === 0) mean[i] = w;
    else {
      level += w;
      mean[i] = level;
    }
  }
  let psi = psiWeights(ar, ma, h);
  if (spec.d === 1) {
    let c = 0;
    psi = psi.map(v => (c += v));
  }
  const se: number[] = [];
  let acc = 0;
  for (let i = 0; i < h; i++) {
    acc += psi[i] * psi[i];
    se.push(Math.sqrt(fit.sigma2 * acc));
  }
  const lower: Record<string, number[]> = {};
  const upper: Record<string, number[]> = {};
  for (const level of levels) {
    const z = qnorm(0.5 + level / 200);
    lower[String(level)] = mean.map((m, i) => m - z * se[i]);
    upper[String(level)] = mean.map((m, i) => m + z * se[i]);
  }
  return {mean, lower, upper, levels: [...levels]};
}

export interface AutoRegArmaOptions {
  maxP?: number;
  maxQ?: number;
  /** Fix d (0 or 1); by default KPSS on the regression residuals decides (max 1). */
  d?: number;
  allowConstant?: boolean;
  ic?: 'aicc' | 'aic' | 'bic';
  /** Cap on models fitted (auto.arima: 94). */
  nmodels?: number;
}

export interface AutoRegArmaResult {
  fit: RegArmaFit;
  ic: number;
  searched: Array<{p: number; q: number; constant: boolean; ic: number | null}>;
}

/** Minimum root modulus of the AR and MA polynomials, as auto.arima checks it. */
function minRoot(fit: RegArmaFit): number {
  const ok = (coef: number[], sign: number): boolean => {
    const n = coef.length;
    if (n === 0) return true;
    const c = new Array<number>(n + 1);
    c[n] = 1;
    for (let i = 0; i < n; i++) c[n - 1 - i] = sign * coef[i];
    return rootsWithin(c, 1 / 1.01);
  };
  return ok(fit.ar, -1) && ok(fit.ma, 1) ? 2 : 1;
}

/**
 * Stepwise search over (p, q) and the constant, as auto.arima's non-seasonal search with
 * the CSS approximation: start at (2, 2), (0, 0), (1, 0), (0, 1), then move one step at a
 * time in p, q, or both, restarting after each improvement.
 */
export function autoRegArma(
  y: ArrayLike<number>,
  xreg: ReadonlyArray<ArrayLike<number>>,
  d: number,
  xregNames: ReadonlyArray<string> = [],
  opts: AutoRegArmaOptions = {},
): AutoRegArmaResult | null {
  const n = y.length;
  const icName = opts.ic ?? 'aicc';
  const maxp = Math.min(opts.maxP ?? 5, Math.floor(n / 3));
  const maxq = Math.min(opts.maxQ ?? 5, Math.floor(n / 3));
  const nmodels = opts.nmodels ?? 94;
  const allowConstant = (opts.allowConstant ?? true) && d <= 1;
  const nstar = n - d;
  const searched: AutoRegArmaResult['searched'] = [];
  const cache = new Map<string, {fit: RegArmaFit | null; ic: number}>();
  const evaluate = (p: number, q: number, constant: boolean) => {
    const key = `${p},${q},${constant}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const fit = fitRegArma(y, xreg, {p, q, d, constant}, xregNames);
    let ic = Infinity;
    if (fit && minRoot(fit) > 1) {
      const k = fit.k + 1;
      const aic = nstar * Math.log(fit.sigma2Css) + 2 * k;
      ic =
        icName === 'aic'
          ? aic
          : icName === 'bic'
            ? aic + k * (Math.log(nstar) - 2)
            : aic + (2 * k * (k + 1)) / (nstar - k - 1);
      if (!Number.isFinite(ic)) ic = Infinity;
    }
    const r = {fit, ic};
    cache.set(key, r);
    searched.push({p, q, constant, ic: Number.isFinite(ic) ? ic : null});
    return r;
  };
  let constant = allowConstant;
  let p = Math.min(2, maxp);
  let q = Math.min(2, maxq);
  let best = evaluate(p, q, constant);
  const tryModel = (np: number, nq: number, c: boolean): boolean => {
    const r = evaluate(np, nq, c);
    if (r.ic < best.ic) {
      best = r;
      p = np;
      q = nq;
      constant = c;
      return true;
    }
    return false;
  };
  tryModel(0, 0, constant);
  if (maxp > 0) tryModel(1, 0, constant);
  if (maxq > 0) tryModel(0, 1, constant);
  if (constant) tryModel(0, 0, false);
  let improved = true;
  while (improved && cache.size < nmodels) {
    improved = false;
    const moves: Array<[number, number, boolean]> = [
      [p - 1, q, p > 0],
      [p, q - 1, q > 0],
      [p + 1, q, p < maxp],
      [p, q + 1, q < maxq],
      [p - 1, q - 1, p > 0 && q > 0],
      [p - 1, q + 1, p > 0 && q < maxq],
      [p + 1, q - 1, p < maxp && q > 0],
      [p + 1, q + 1, p < maxp && q < maxq],
    ];
    for (const [np, nq, ok] of moves) {
      if (!ok || cache.has(`${np},${nq},${constant}`)) continue;
      if (tryModel(np, nq, constant)) {
        improved = true;
        break;
      }
    }
    if (!improved && allowConstant && !cache.has(`${p},${q},${!constant}`)) {
      improved = tryModel(p, q, !constant);
    }
  }
  if (!best.fit || !Number.isFinite(best.ic)) return null;
  return {fit: best.fit, ic: best.ic, searched};
}
