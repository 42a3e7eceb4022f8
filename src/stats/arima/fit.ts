/**
 * Maximum-likelihood fit of a regression with seasonal ARIMA errors, following R's
 * stats::arima step for step (so that results agree with R's to optimiser precision),
 * with forecast::Arima's additions: drift, AICc, BIC and the bias-adjusted sigma^2.
 *
 * Outline (R's arima): regressors rotated to orthogonal directions by their SVD when
 * there are several; regression starts by OLS on the differenced data; ARMA starts at
 * zero ('ML') or at the conditional-sum-of-squares estimate ('CSS-ML'); AR blocks
 * optimised through the PACF transform; BFGS on the exact Gaussian likelihood with
 * sigma^2 concentrated out; MA blocks flipped to invertibility; standard errors from
 * the finite-difference Hessian and the delta method.
 */
import {InputError} from '../../core/errors';
import {
  Matrix,
  matMul,
  rightSingularVectors,
  solve,
  transpose,
} from '../linalg';
import {
  NonFiniteGradientError,
  OptimResult,
  optimBFGS,
  optimHessian,
} from '../optim';
import {
  CssWork,
  cssMeanSquare,
  cssWork,
  diffSeries,
  regressionStart,
} from './css';
import {ArimaFilterCache, filterSeries} from './kalman';
import {ArimaLayout, ArimaSpec, resolveSpec} from './spec';
import {ArimaStateSpace} from './statespace';
import {
  arCheck,
  gradTrans,
  invTrans,
  maInvert,
  transPars,
  undoPars,
} from './transforms';

export interface ArimaFit {
  spec: ArimaSpec;
  coef: Record<string, number>;
  coefNames: string[];
  /** Standard errors of the estimated (not fixed) coefficients. */
  se: Record<string, number>;
  /** Residual variance as forecast::Arima reports it: sum of squared residuals / (n* - k). */
  sigma2: number;
  /** Maximum-likelihood estimate of the innovation variance (R's stats::arima sigma2). */
  sigma2ML: number;
  loglik: number;
  aic: number;
  aicc: number;
  bic: number;
  /** Observations used by the likelihood: non-missing values less d + D s. */
  nobs: number;
  /** Standardised one-step innovations (null where y is missing). */
  residuals: (number | null)[];
  /** y minus residuals (null where y is missing). */
  fitted: (number | null)[];
  converged: boolean;
  method: 'ML' | 'CSS-ML' | 'CSS';
  /** Covariance matrix of the estimated coefficients, in coefNames order of `se`. */
  varCoef: number[][];
  /** Notes on fallbacks taken (non-convergence, dropped drift, ...). */
  warnings: string[];
  /** What forecasting needs: the filtered state at the end of the series. */
  state: ArimaFinalState;
}

/** The model and filtered state after the last observation (R's fit$model). */
export interface ArimaFinalState {
  phi: number[];
  theta: number[];
  delta: number[];
  a: number[];
  P: number[];
  /** Length of the fitted series (drift continues from n + 1). */
  n: number;
  /** Names of the regression coefficients in order (intercept, drift, user regressors). */
  xregNames: string[];
  includeMean: boolean;
  includeDrift: boolean;
  nUserXreg: number;
}

const LOG_2PI = Math.log(2 * Math.PI);
const DOUBLE_XMAX = Number.MAX_VALUE;

/** Checks y: an array of finite numbers or nulls, not empty, not all missing, not constant. */
export function validateSeries(y: unknown, field = 'y'): Float64Array {
  if (!Array.isArray(y) && !(y instanceof Float64Array))
    throw new InputError(
      field,
      'must be an array of numbers (null for missing)',
    );
  if (y.length === 0) throw new InputError(field, 'is empty');
  const x = new Float64Array(y.length);
  let first: number | null = null;
  let constant = true;
  let present = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i] as unknown;
    if (v === null || v === undefined) {
      x[i] = NaN;
      continue;
    }
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new InputError(
        field,
        `value ${i + 1} is not a finite number (${String(v)}); use null for a missing value`,
      );
    x[i] = v;
    present++;
    if (first === null) first = v;
    else if (v !== first) constant = false;
  }
  if (present === 0) throw new InputError(field, 'all values are missing');
  if (constant)
    throw new InputError(
      field,
      'is constant; an ARIMA model cannot be estimated (forecast it as a constant)',
    );
  return x;
}

/** Everything the objective functions need, allocated once per fit. */
class Problem {
  readonly ss: ArimaStateSpace;
  readonly par: Float64Array;
  readonly params: Float64Array;
  readonly work: Float64Array;
  readonly w: Float64Array;
  readonly css: CssWork;
  readonly cssPhi: Float64Array;
  readonly cssTheta: Float64Array;
  ncond = 0;
  private readonly filter: ArimaFilterCache;
  private readonly vectors: Float64Array[];
  private readonly present: Uint8Array;
  private readonly cachedPhi: Float64Array;
  private readonly cachedTheta: Float64Array;
  private cacheValid = false;

  /** State space the optimiser filters with (see `differenced`). */
  private readonly ssOpt: ArimaStateSpace;

  /**
   * With differenced = true (no missing values), the optimiser works on the differenced
   * series and regressors: the exact diffuse likelihood, with r states instead of r + d.
   * Otherwise it filters the undifferenced data with R's kappa prior.
   */
  constructor(
    readonly lay: ArimaLayout,
    readonly x: Float64Array,
    readonly xreg: Float64Array[],
    readonly coef: Float64Array,
    readonly mask: boolean[],
    readonly differenced: boolean,
  ) {
    const [mp, mq, msp, msq, ns] = lay.arma;
    const p = mp + ns * msp;
    const q = mq + ns * msq;
    const n = x.length;
    this.ss = new ArimaStateSpace(p, q, lay.delta);
    this.par = new Float64Array(coef.length);
    this.params = new Float64Array(Math.max(1, lay.narma));
    this.work = new Float64Array(Math.max(1, mp, msp));
    this.w = new Float64Array(n);
    this.css = cssWork(n);
    this.cssPhi = new Float64Array(p);
    this.cssTheta = new Float64Array(q);
    this.present = new Uint8Array(n);
    for (let t = 0; t < n; t++) {
      let ok = x[t] === x[t];
      for (const c of xreg) ok = ok && c[t] === c[t];
      this.present[t] = ok ? 1 : 0;
    }
    const clean = (v: Float64Array) => v.map(z => (z === z ? z : 0));
    if (differenced) {
      const diffd = (v: Float64Array) => {
        let out = diffSeries(v, 1, lay.d);
        if (lay.D > 0) out = diffSeries(out, lay.s, lay.D);
        return out;
      };
      this.vectors = [diffd(x), ...xreg.map(diffd)];
      this.ssOpt = new ArimaStateSpace(p, q, []);
      this.present = new Uint8Array(this.vectors[0].length).fill(1);
    } else {
      this.vectors = [clean(x), ...xreg.map(clean)];
      this.ssOpt = this.ss;
    }
    this.filter = new ArimaFilterCache(
      this.vectors[0].length,
      this.vectors.length,
      this.ssOpt.rd,
      differenced ? [] : lay.delta,
    );
    this.cachedPhi = new Float64Array(p);
    this.cachedTheta = new Float64Array(q);
  }

  private fill(free: ArrayLike<number>): void {
    const {par, coef, mask} = this;
    let k = 0;
    for (let i = 0; i < par.length; i++) par[i] = mask[i] ? free[k++] : coef[i];
  }

  private regressionResidual(): void {
    const {x, xreg, w, par} = this;
    const narma = this.lay.narma;
    w.set(x);
    for (let j = 0; j < xreg.length; j++) {
      const b = par[narma + j];
      if (b === 0) continue;
      const col = xreg[j];
      for (let t = 0; t < w.length; t++) w[t] -= col[t] * b;
    }
  }

  /** Runs the filter for the ARMA part currently in par (unless cached); false if invalid. */
  private filterArma(trans: boolean): boolean {
    const ss = this.ssOpt;
    transPars(
      this.par,
      this.lay.arma,
      trans,
      ss.phi,
      ss.theta,
      this.params,
      this.work,
    );
    for (let i = 0; i < ss.phi.length; i++)
      if (!Number.isFinite(ss.phi[i])) return false;
    for (let i = 0; i < ss.theta.length; i++)
      if (!Number.isFinite(ss.theta[i])) return false;
    if (!this.sameArma()) {
      ss.reset();
      this.filter.run(ss, this.vectors, this.present);
      this.cachedPhi.set(ss.phi);
      this.cachedTheta.set(ss.theta);
      this.cacheValid = true;
      this.glsValid = false;
    }
    return true;
  }

  private glsValid = false;
  private glsA: number[][] = [];
  private glsB: number[] = [];
  private glsBeta: number[] | null = null;

  /**
   * Weighted cross-products of the filtered regressors and series at the cached ARMA
   * run: A = sum e_x e_x' / g, b = sum e_x e_y / g; and the GLS solution A^-1 b.
   */
  private gls(): void {
    if (this.glsValid) return;
    const f = this.filter;
    const k = this.xreg.length;
    const n = f.gain.length;
    const A: number[][] = [];
    for (let i = 0; i < k; i++) A.push(new Array<number>(k).fill(0));
    const b = new Array<number>(k).fill(0);
    const {innov, gain, used} = f;
    for (let t = 0; t < n; t++) {
      if (!used[t]) continue;
      const w = 1 / gain[t];
      const ey = innov[t];
      for (let i = 0; i < k; i++) {
        const ei = innov[(i + 1) * n + t] * w;
        b[i] += ei * ey;
        const Ai = A[i];
        for (let j = 0; j <= i; j++) Ai[j] += ei * innov[(j + 1) * n + t];
      }
    }
    for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) A[j][i] = A[i][j];
    this.glsA = A;
    this.glsB = b;
    const sol = solve(
      A,
      b.map(v => [v]),
    );
    this.glsBeta =
      sol && sol.every(r => Number.isFinite(r[0])) ? sol.map(r => r[0]) : null;
    this.glsValid = true;
  }

  /**
   * The likelihood profiled over the regression coefficients (all free): for the ARMA
   * coordinates given, the coefficients are the GLS estimate, written into par.
   */
  armafnProfile(armaFree: ArrayLike<number>, trans: boolean): number {
    const {par, coef, mask} = this;
    const narma = this.lay.narma;
    let k = 0;
    for (let i = 0; i < narma; i++) par[i] = mask[i] ? armaFree[k++] : coef[i];
    if (!this.filterArma(trans)) return DOUBLE_XMAX;
    this.gls();
    const beta = this.glsBeta;
    if (!beta) return DOUBLE_XMAX;
    for (let j = 0; j < beta.length; j++) par[narma + j] = beta[j];
    const f = this.filter;
    const ssq = f.ssq(par, narma);
    return 0.5 * (Math.log(ssq / f.nu) + f.sumlog / f.nu);
  }

  /** Objective and its gradient in the regression coefficients at (ARMA, beta) given. */
  private valueAndBetaGradient(
    armaFree: ArrayLike<number>,
    beta: ArrayLike<number>,
    trans: boolean,
  ): {f: number; g: number[]} | null {
    const {par, coef, mask} = this;
    const narma = this.lay.narma;
    let k = 0;
    for (let i = 0; i < narma; i++) par[i] = mask[i] ? armaFree[k++] : coef[i];
    for (let j = 0; j < beta.length; j++) par[narma + j] = beta[j];
    if (!this.filterArma(trans)) return null;
    this.gls();
    const f = this.filter;
    const ssq = f.ssq(par, narma);
    const A = this.glsA;
    const b = this.glsB;
    const g = b.map((bi, i) => {
      let c = bi;
      for (let j = 0; j < beta.length; j++) c -= A[i][j] * beta[j];
      return -c / ssq;
    });
    return {f: 0.5 * (Math.log(ssq / f.nu) + f.sumlog / f.nu), g};
  }

  /**
   * Hessian of the objective in (free ARMA coordinates, regression coefficients) at a
   * profile maximum: the regression block analytically (A / ssq), the cross block by
   * central differences of the analytic regression gradient, the ARMA block by second
   * differences of values, all with R's step 1e-3 on the ARMA coordinates.
   */
  profileHessian(
    armaFree: number[],
    beta: number[],
    trans: boolean,
  ): number[][] | null {
    const na = armaFree.length;
    const k = beta.length;
    const h = 1e-3;
    const at = (di: number, si: number, dj = -1, sj = 0) => {
      const th = armaFree.slice();
      if (di >= 0) th[di] += si * h;
      if (dj >= 0) th[dj] += sj * h;
      return this.valueAndBetaGradient(th, beta, trans);
    };
    const base = at(-1, 0);
    if (!base) return null;
    const n = na + k;
    const H: number[][] = [];
    for (let i = 0; i < n; i++) H.push(new Array<number>(n).fill(0));
    // Regression block at the base point.
    const f = this.filter;
    const ssq0 = f.ssq(this.par, this.lay.narma);
    const A = this.glsA;
    const c = base.g.map(v => -v * ssq0);
    for (let i = 0; i < k; i++)
      for (let j = 0; j < k; j++)
        H[na + i][na + j] = A[i][j] / ssq0 - (2 * c[i] * c[j]) / (ssq0 * ssq0);
    for (let i = 0; i < na; i++) {
      const plus = at(i, 1);
      const minus = at(i, -1);
      if (!plus || !minus) return null;
      H[i][i] = (plus.f - 2 * base.f + minus.f) / (h * h);
      for (let j = 0; j < k; j++)
        H[i][na + j] = H[na + j][i] = (plus.g[j] - minus.g[j]) / (2 * h);
      for (let j = 0; j < i; j++) {
        const pp = at(i, 1, j, 1);
        const pm = at(i, 1, j, -1);
        const mp = at(i, -1, j, 1);
        const mm = at(i, -1, j, -1);
        if (!pp || !pm || !mp || !mm) return null;
        H[i][j] = H[j][i] = (pp.f - pm.f - mp.f + mm.f) / (4 * h * h);
      }
    }
    return H.every(r => r.every(Number.isFinite)) ? H : null;
  }

  setStationaryInit(kind: 'exact' | 'gardner'): void {
    if (kind !== 'exact' && kind !== 'gardner')
      throw new InputError('stationaryInit', "must be 'exact' or 'gardner'");
    this.ss.useFastQ0 = kind === 'exact';
    this.ssOpt.useFastQ0 = kind === 'exact';
  }

  /** True when phi and theta equal those of the cached filter run. */
  private sameArma(): boolean {
    if (!this.cacheValid) return false;
    const {phi, theta} = this.ssOpt;
    for (let i = 0; i < phi.length; i++)
      if (phi[i] !== this.cachedPhi[i]) return false;
    for (let i = 0; i < theta.length; i++)
      if (theta[i] !== this.cachedTheta[i]) return false;
    return true;
  }

  /** R's armafn: half the log of the concentrated likelihood's profile, per observation. */
  armafn(free: ArrayLike<number>, trans: boolean): number {
    this.fill(free);
    if (!this.filterArma(trans)) return DOUBLE_XMAX;
    const f = this.filter;
    const ssq = f.ssq(this.par, this.lay.narma);
    const s2 = ssq / f.nu;
    return 0.5 * (Math.log(s2) + f.sumlog / f.nu);
  }

  /** R's armaCSS. */
  armaCSS(free: ArrayLike<number>): number {
    this.fill(free);
    transPars(
      this.par,
      this.lay.arma,
      false,
      this.cssPhi,
      this.cssTheta,
      this.params,
      this.work,
    );
    this.regressionResidual();
    const ms = cssMeanSquare(
      this.w,
      this.lay.arma,
      this.cssPhi,
      this.cssTheta,
      this.ncond,
      this.css,
    );
    return 0.5 * Math.log(ms);
  }
}

function pick<T>(arr: ArrayLike<T>, mask: boolean[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) out.push(arr[i]);
  return out;
}

function subMatrix(m: Matrix, mask: boolean[]): Matrix {
  const idx = mask.map((b, i) => (b ? i : -1)).filter(i => i >= 0);
  return idx.map(i => idx.map(j => m[i][j]));
}

interface MlResult {
  res: OptimResult;
  hessian: number[][] | null;
  coef: number[];
}

/** Options of the estimation itself (the model is in ArimaSpec). */
export interface ArimaFitOptions {
  /**
   * Optimise the likelihood of the differenced series (the exact diffuse likelihood,
   * r states instead of r + d) when nothing is missing. Default true: several times
   * faster for seasonal differencing. With false the optimiser filters R's kappa = 1e6
   * approximation throughout and follows R's path to rounding. Either way the reported
   * log-likelihood, residuals and forecasting state come from R's filter at the estimate.
   */
  optimizeOnDifferences?: boolean;
  /** Compute the Hessian and standard errors (default true); false saves time in searches. */
  hessian?: boolean;
  /**
   * Stationary covariance of the initial ARMA state. 'exact' (default) solves the
   * Lyapunov equation through the ARMA autocovariances; 'gardner' uses Gardner et al.'s
   * AS 154 as R's arima does by default (SSinit = "Gardner1980"), which reproduces R's
   * numbers but loses accuracy for high-order AR polynomials near non-stationarity.
   */
  stationaryInit?: 'exact' | 'gardner';
  /**
   * Concentrate the regression coefficients out of the likelihood (their GLS estimate
   * given the ARMA coefficients) and optimise over the ARMA coefficients only. Default
   * true: the same maximum as R's joint optimisation, reached exactly and with far
   * fewer filter passes. False optimises all coefficients jointly as R does.
   */
  profileRegression?: boolean;
}

/** Fits a regression with seasonal ARIMA errors by maximum likelihood, as R's Arima. */
export function fitArima(
  y: ReadonlyArray<number | null>,
  spec: ArimaSpec,
  options: ArimaFitOptions = {},
): ArimaFit {
  const x = validateSeries(y);
  const n = x.length;
  const lay = resolveSpec(spec, n);
  const warnings = lay.warnings.slice();
  const method = spec.method ?? 'ML';
  if (method !== 'ML' && method !== 'CSS-ML' && method !== 'CSS')
    throw new InputError('method', "must be 'ML', 'CSS-ML' or 'CSS'");
  const {arma, narma, names} = lay;
  const ncxreg = lay.xregCols.length;
  const npar = narma + ncxreg;

  // Fixed coefficients.
  const fixed = new Float64Array(npar).fill(NaN);
  if (spec.fixed !== undefined) {
    if (typeof spec.fixed !== 'object' || spec.fixed === null)
      throw new InputError('fixed', 'must map coefficient names to numbers');
    for (const [name, value] of Object.entries(spec.fixed)) {
      const i = names.indexOf(name);
      if (i < 0)
        throw new InputError(
          'fixed',
          `unknown coefficient '${name}' (model has ${names.join(', ')})`,
        );
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw new InputError(
          'fixed',
          `value of '${name}' must be a finite number`,
        );
      fixed[i] = value;
    }
  }
  const mask = Array.from(fixed, v => Number.isNaN(v));
  const noOptim = !mask.some(Boolean);
  let transform = !noOptim && method !== 'CSS';
  if (transform) {
    const arFixed =
      mask.slice(0, arma[0]).some(m => !m) ||
      mask.slice(arma[0] + arma[1], arma[0] + arma[1] + arma[2]).some(m => !m);
    if (arFixed) {
      warnings.push(
        'some AR parameters were fixed: setting transform.pars = FALSE',
      );
      transform = false;
    }
  }

  // Missing data: R switches CSS-ML to ML when anything is missing.
  let meth = method;
  let anyNa = x.some(v => v !== v);
  for (const c of lay.xregCols) anyNa = anyNa || c.some(v => v !== v);
  if (meth === 'CSS-ML' && anyNa) meth = 'ML';

  // Regressors: SVD rotation when several are all free (R's orig.xreg).
  let xreg = lay.xregCols;
  const init0 = new Array<number>(narma).fill(0);
  const parscale = new Array<number>(narma).fill(1);
  let rotation: Matrix | null = null;
  let nonMissing = 0;
  for (let t = 0; t < n; t++) {
    let ok = x[t] === x[t];
    for (const c of xreg) ok = ok && c[t] === c[t];
    if (ok) nonMissing++;
  }
  const nUsed = nonMissing - lay.delta.length;
  const profile =
    (options.profileRegression ?? true) &&
    ncxreg > 0 &&
    mask.slice(narma).every(Boolean) &&
    meth !== 'CSS';
  if (ncxreg > 0) {
    // Validates rank on the regressors as given, so the error can name a column.
    const check = regressionStart(x, xreg, lay.d, lay.D, lay.s, lay.xregNames);
    // R rotates several free regressors to their singular vectors to help its joint
    // optimisation; the profiled likelihood does not need it.
    const origXreg = profile || ncxreg === 1 || mask.slice(narma).some(m => !m);
    let start = check;
    if (!origXreg) {
      const complete: number[] = [];
      for (let t = 0; t < n; t++)
        if (xreg.every(c => c[t] === c[t])) complete.push(t);
      const {v} = rightSingularVectors(xreg.map(c => complete.map(t => c[t])));
      rotation = v;
      xreg = Array.from({length: ncxreg}, (_, j) => {
        const col = new Float64Array(n);
        for (let i = 0; i < ncxreg; i++) {
          const vij = v[i][j];
          const src = lay.xregCols[i];
          for (let t = 0; t < n; t++) col[t] += src[t] * vij;
        }
        return col;
      });
      start = regressionStart(x, xreg, lay.d, lay.D, lay.s, lay.xregNames);
    }
    init0.push(...start.coef);
    parscale.push(...start.parscale);
  }
  if (nUsed <= 0) throw new InputError('y', 'too few non-missing observations');
  const nFree = mask.filter(Boolean).length;
  const nstarCheck = countPresent(x) - lay.d - lay.D * lay.s;
  if (nstarCheck - (nFree + 1) - 1 <= 0)
    throw new InputError(
      'y',
      `too few observations (${nstarCheck} after differencing) for ${nFree} coefficients and the variance`,
    );

  const coef = Float64Array.from(fixed);
  const differenced =
    (options.optimizeOnDifferences ?? true) &&
    !anyNa &&
    lay.delta.length > 0 &&
    meth !== 'CSS';
  const prob = new Problem(lay, x, xreg, coef, mask, differenced);
  prob.setStationaryInit(options.stationaryInit ?? 'exact');
  const wantHessian = options.hessian ?? true;
  const init = init0.slice();
  for (let i = 0; i < npar; i++) if (!mask[i]) init[i] = fixed[i];
  const scaleFree = pick(parscale, mask);

  let finalCoef: number[];
  let value: number;
  let converged = true;
  let varFree: number[][] | null = null;

  if (meth === 'CSS') {
    prob.ncond = lay.d + lay.D * lay.s + lay.p + lay.s * lay.P;
    const res = noOptim
      ? {
          par: [],
          value: prob.armaCSS([]),
          convergence: 0,
          fnCount: 1,
          grCount: 0,
        }
      : optimBFGS(v => prob.armaCSS(v), pick(init, mask), {
          parscale: scaleFree,
        });
    if (res.convergence > 0) {
      converged = false;
      warnings.push(
        `possible convergence problem: optim gave code = ${res.convergence}`,
      );
    }
    finalCoef = Array.from(coef);
    let k = 0;
    for (let i = 0; i < npar; i++) if (mask[i]) finalCoef[i] = res.par[k++];
    value = res.value;
    if (!noOptim && wantHessian) {
      const h = optimHessian(v => prob.armaCSS(v), res.par, {
        parscale: scaleFree,
      });
      varFree = solve(
        h.map(r => r.map(v => v * nUsed)),
        identityOf(h.length),
      );
    }
  } else {
    if (meth === 'CSS-ML') {
      prob.ncond = lay.d + lay.D * lay.s + lay.p + lay.s * lay.P;
      let cssOk = false;
      if (!noOptim) {
        try {
          const res = optimBFGS(v => prob.armaCSS(v), pick(init, mask), {
            parscale: scaleFree,
          });
          if (res.convergence === 0 && res.par.every(Number.isFinite)) {
            const trial = init.slice();
            let k = 0;
            for (let i = 0; i < npar; i++) if (mask[i]) trial[i] = res.par[k++];
            if (
              arCheck(trial.slice(0, arma[0])) &&
              arCheck(
                trial.slice(arma[0] + arma[1], arma[0] + arma[1] + arma[2]),
              )
            ) {
              for (let i = 0; i < npar; i++) init[i] = trial[i];
              cssOk = true;
            }
          }
        } catch (e) {
          if (!(e instanceof NonFiniteGradientError)) throw e;
        }
      }
      if (!cssOk && !noOptim)
        warnings.push(
          'conditional-sum-of-squares start failed or was non-stationary; started from zero ARMA coefficients',
        );
      prob.ncond = 0;
    }
    let ml: MlResult | null = null;
    if (profile) {
      ml = runMlProfile(prob, lay, init, mask, transform, wantHessian);
      if (!ml)
        warnings.push(
          'the profile likelihood could not be maximised; optimised all coefficients jointly',
        );
    }
    if (!ml)
      ml = runMl(
        prob,
        lay,
        init,
        mask,
        transform,
        scaleFree,
        noOptim,
        wantHessian,
      );
    if (!ml && meth === 'ML' && !noOptim) {
      // Retry from the conditional-sum-of-squares estimate.
      warnings.push(
        'maximum likelihood from zero starting values failed; retried from CSS estimates',
      );
      ml = retryFromCss(
        prob,
        lay,
        init,
        mask,
        transform,
        scaleFree,
        wantHessian,
      );
    }
    if (!ml && transform) {
      warnings.push('retried without the PACF transform');
      ml = runMl(
        prob,
        lay,
        init0.slice(),
        mask,
        false,
        scaleFree,
        noOptim,
        wantHessian,
      );
      if (ml) transform = false;
    }
    if (!ml)
      throw new InputError(
        'y',
        'the likelihood could not be maximised for this model (try a simpler order)',
      );
    const {res, hessian} = ml;
    if (res.convergence > 0) {
      converged = false;
      warnings.push(
        `possible convergence problem: optim gave code = ${res.convergence}`,
      );
    }
    let c = ml.coef;
    value = res.value;
    if (!noOptim && hessian) {
      const hn = hessian.map(r => r.map(v => v * nUsed));
      if (transform) {
        const A = subMatrix(gradTrans(c, arma), mask);
        const sol = solve(hn, A);
        varFree = sol ? matMul(transpose(A), sol) : null;
      } else {
        varFree = solve(hn, identityOf(hn.length));
      }
    }
    if (transform) c = undoPars(c, arma);
    finalCoef = c;
  }

  // Final filter pass at the estimates: residuals and the state for forecasting.
  const ss = prob.ss;
  {
    const scratchP = new Float64Array(Math.max(1, lay.narma));
    const scratchW = new Float64Array(Math.max(1, arma[0], arma[2]));
    transPars(finalCoef, arma, false, ss.phi, ss.theta, scratchP, scratchW);
  }
  ss.reset();
  const w = Float64Array.from(x);
  for (let j = 0; j < ncxreg; j++) {
    const b = finalCoef[narma + j];
    const col = xreg[j];
    for (let t = 0; t < n; t++) w[t] -= col[t] * b;
  }
  const parts = filterSeries(w, ss);
  const resid = parts.resid;
  let sigma2ML = parts.ssq / nUsed;
  // R reports the likelihood of its kappa-prior filter at the estimate.
  if (meth !== 'CSS' && parts.nu > 0)
    value = 0.5 * (Math.log(parts.ssq / parts.nu) + parts.sumlog / parts.nu);
  if (meth === 'CSS') {
    prob.ncond = lay.d + lay.D * lay.s + lay.p + lay.s * lay.P;
    const phi = new Float64Array(ss.phi.length);
    const theta = new Float64Array(ss.theta.length);
    phi.set(ss.phi);
    theta.set(ss.theta);
    const cw = cssWork(n);
    sigma2ML = cssMeanSquare(w, arma, phi, theta, prob.ncond, cw);
    for (let t = 0; t < n; t++) resid[t] = x[t] === x[t] ? cw.resid[t] : NaN;
  }

  const twoNll = 2 * nUsed * value + nUsed + nUsed * LOG_2PI;
  const aic = twoNll + 2 * nFree + 2;

  // Back from the rotated regressors.
  let varAll = varFree;
  if (rotation) {
    const b = finalCoef.slice(narma);
    for (let i = 0; i < ncxreg; i++) {
      let s = 0;
      for (let j = 0; j < ncxreg; j++) s += rotation[i][j] * b[j];
      finalCoef[narma + i] = s;
    }
    if (varFree) {
      const A = identityOf(npar);
      for (let i = 0; i < ncxreg; i++)
        for (let j = 0; j < ncxreg; j++)
          A[narma + i][narma + j] = rotation[i][j];
      const Am = subMatrix(A, mask);
      varAll = matMul(matMul(Am, varFree), transpose(Am));
    }
  }

  // forecast::Arima's criteria and variance.
  const nParams = nFree + 1;
  let firstObs = -1;
  let lastObs = -1;
  let sumSq = 0;
  for (let t = 0; t < n; t++) {
    if (resid[t] === resid[t]) {
      if (firstObs < 0) firstObs = t;
      lastObs = t;
      sumSq += resid[t] * resid[t];
    }
  }
  let nSpan = 0;
  for (let t = firstObs; t >= 0 && t <= lastObs; t++)
    if (resid[t] === resid[t]) nSpan++;
  const nstar = nSpan - lay.d - lay.D * lay.s;
  const aicc = aic + 2 * nParams * (nstar / (nstar - nParams - 1) - 1);
  const bic = aic + nParams * (Math.log(nstar) - 2);
  const sigma2 = sumSq / (nstar - nParams + 1);

  const coefOut: Record<string, number> = {};
  names.forEach((nm, i) => (coefOut[nm] = finalCoef[i]));
  const se: Record<string, number> = {};
  const freeNames = names.filter((_, i) => mask[i]);
  const varCoef: number[][] = varAll ?? [];
  let seOk = !!varAll;
  if (varAll) {
    freeNames.forEach((nm, k) => {
      const v = varAll![k][k];
      if (Number.isFinite(v) && v >= 0) se[nm] = Math.sqrt(v);
      else seOk = false;
    });
  }
  if (!seOk && !noOptim && wantHessian)
    warnings.push(
      'the Hessian is not positive definite at the estimate; some standard errors are unavailable',
    );

  const residuals: (number | null)[] = Array.from(resid, v =>
    v === v ? v : null,
  );
  const fitted: (number | null)[] = Array.from(x, (v, t) =>
    v === v && resid[t] === resid[t] ? v - resid[t] : null,
  );
  const finite = [sigma2, twoNll, aic, aicc, bic, ...finalCoef].every(
    Number.isFinite,
  );
  if (!finite)
    throw new InputError(
      'y',
      'the model could not be estimated from these data (non-finite likelihood)',
    );

  return {
    spec,
    coef: coefOut,
    coefNames: names.slice(),
    se,
    sigma2,
    sigma2ML,
    loglik: -0.5 * twoNll,
    aic,
    aicc,
    bic,
    nobs: nUsed,
    residuals,
    fitted,
    converged,
    method: meth,
    varCoef,
    warnings,
    state: {
      phi: Array.from(ss.phi),
      theta: Array.from(ss.theta),
      delta: lay.delta.slice(),
      a: Array.from(parts.a),
      P: Array.from(parts.P),
      n,
      xregNames: lay.xregNames.slice(),
      includeMean: lay.includeMean,
      includeDrift: lay.includeDrift,
      nUserXreg: lay.nUserXreg,
    },
  };
}

function identityOf(n: number): number[][] {
  return Array.from({length: n}, (_, i) =>
    Array.from({length: n}, (_, j) => (i === j ? 1 : 0)),
  );
}

/** Number of non-missing values. */
function countPresent(x: Float64Array): number {
  let c = 0;
  for (let t = 0; t < x.length; t++) if (x[t] === x[t]) c++;
  return c;
}

/** The ML stage of R's arima from `init` (untransformed coefficients). Null on failure. */
function runMl(
  prob: Problem,
  lay: ArimaLayout,
  initIn: number[],
  mask: boolean[],
  transform: boolean,
  scaleFree: number[],
  noOptim: boolean,
  wantHessian: boolean,
): MlResult | null {
  const {arma} = lay;
  let init = initIn.slice();
  if (transform) {
    init = invTrans(init, arma);
    if (arma[1] > 0) {
      const ma = maInvert(init.slice(arma[0], arma[0] + arma[1]));
      for (let i = 0; i < arma[1]; i++) init[arma[0] + i] = ma[i];
    }
    if (arma[3] > 0) {
      const o = arma[0] + arma[1] + arma[2];
      const sma = maInvert(init.slice(o, o + arma[3]));
      for (let i = 0; i < arma[3]; i++) init[o + i] = sma[i];
    }
  }
  if (!init.every(Number.isFinite)) return null;
  const fn = (v: ArrayLike<number>) => prob.armafn(v, transform);
  const opts = {parscale: scaleFree};
  try {
    if (noOptim) {
      const value = fn([]);
      if (!Number.isFinite(value) || value === DOUBLE_XMAX) return null;
      return {
        res: {par: [], value, convergence: 0, fnCount: 1, grCount: 0},
        hessian: null,
        coef: init,
      };
    }
    let res = restartIfStalled(fn, optimBFGS(fn, pick(init, mask), opts), opts);
    const coef = init.slice();
    let k = 0;
    for (let i = 0; i < coef.length; i++) if (mask[i]) coef[i] = res.par[k++];
    if (transform) {
      if (
        arma[1] > 0 &&
        mask.slice(arma[0], arma[0] + arma[1]).every(Boolean)
      ) {
        const ma = maInvert(coef.slice(arma[0], arma[0] + arma[1]));
        for (let i = 0; i < arma[1]; i++) coef[arma[0] + i] = ma[i];
      }
      const o = arma[0] + arma[1] + arma[2];
      if (arma[3] > 0 && mask.slice(o, o + arma[3]).every(Boolean)) {
        const sma = maInvert(coef.slice(o, o + arma[3]));
        for (let i = 0; i < arma[3]; i++) coef[o + i] = sma[i];
      }
      const freeNow = pick(coef, mask);
      if (freeNow.some((v, i) => v !== res.par[i])) {
        // Re-evaluate at the inverted point (R refits with maxit = 0).
        const code = res.convergence;
        res = optimBFGS(fn, freeNow, {...opts, maxit: 0});
        res.convergence = code;
      }
    }
    if (!Number.isFinite(res.value) || res.value === DOUBLE_XMAX) return null;
    if (!res.par.every(Number.isFinite)) return null;
    let hessian: number[][] | null = null;
    if (wantHessian) {
      hessian = optimHessian(fn, res.par, opts);
      if (!hessian.every(r => r.every(Number.isFinite))) return null;
    }
    return {res, hessian, coef};
  } catch (e) {
    if (e instanceof NonFiniteGradientError) return null;
    if (e instanceof Error && /not finite/.test(e.message)) return null;
    throw e;
  }
}

/**
 * When BFGS stops at R's iteration limit (100), one more run from where it stopped,
 * with a fresh metric; the better end point is kept and its convergence code reported.
 */
function restartIfStalled(
  fn: (v: ArrayLike<number>) => number,
  res: OptimResult,
  opts: {parscale?: number[]},
): OptimResult {
  if (res.convergence === 0) return res;
  const again = optimBFGS(fn, res.par, opts);
  return again.value <= res.value ? again : res;
}

/** Moves AR blocks to PACF coordinates and MA blocks to their invertible form. */
function toOptimiserCoordinates(init: number[], lay: ArimaLayout): number[] {
  const {arma} = lay;
  const out = invTrans(init, arma);
  if (arma[1] > 0) {
    const ma = maInvert(out.slice(arma[0], arma[0] + arma[1]));
    for (let i = 0; i < arma[1]; i++) out[arma[0] + i] = ma[i];
  }
  if (arma[3] > 0) {
    const o = arma[0] + arma[1] + arma[2];
    const sma = maInvert(out.slice(o, o + arma[3]));
    for (let i = 0; i < arma[3]; i++) out[o + i] = sma[i];
  }
  return out;
}

/** Flips free MA blocks to invertibility after the optimiser (R's maInvert step). */
function invertMaBlocks(
  coef: number[],
  lay: ArimaLayout,
  mask: boolean[],
): void {
  const {arma} = lay;
  if (arma[1] > 0 && mask.slice(arma[0], arma[0] + arma[1]).every(Boolean)) {
    const ma = maInvert(coef.slice(arma[0], arma[0] + arma[1]));
    for (let i = 0; i < arma[1]; i++) coef[arma[0] + i] = ma[i];
  }
  const o = arma[0] + arma[1] + arma[2];
  if (arma[3] > 0 && mask.slice(o, o + arma[3]).every(Boolean)) {
    const sma = maInvert(coef.slice(o, o + arma[3]));
    for (let i = 0; i < arma[3]; i++) coef[o + i] = sma[i];
  }
}

/**
 * The ML stage with the regression coefficients concentrated out: BFGS (R's settings)
 * over the free ARMA coordinates of the profile likelihood. Null on failure.
 */
function runMlProfile(
  prob: Problem,
  lay: ArimaLayout,
  initIn: number[],
  mask: boolean[],
  transform: boolean,
  wantHessian: boolean,
): MlResult | null {
  const {narma} = lay;
  const init = transform ? toOptimiserCoordinates(initIn, lay) : initIn.slice();
  if (!init.every(Number.isFinite)) return null;
  const armaMask = mask.slice(0, narma);
  const fn = (v: ArrayLike<number>) => prob.armafnProfile(v, transform);
  try {
    const res = restartIfStalled(
      fn,
      optimBFGS(fn, pick(init.slice(0, narma), armaMask)),
      {},
    );
    const coef = init.slice();
    let k = 0;
    for (let i = 0; i < narma; i++) if (mask[i]) coef[i] = res.par[k++];
    if (transform) invertMaBlocks(coef, lay, mask);
    const armaFree = pick(coef.slice(0, narma), armaMask);
    const value = fn(armaFree);
    if (!Number.isFinite(value) || value === DOUBLE_XMAX) return null;
    const beta = Array.from(prob.par.subarray(narma));
    for (let j = 0; j < beta.length; j++) coef[narma + j] = beta[j];
    let hessian: number[][] | null = null;
    if (wantHessian) {
      hessian = prob.profileHessian(armaFree, beta, transform);
      if (!hessian) return null;
    }
    return {
      res: {
        par: pick(coef, mask),
        value,
        convergence: res.convergence,
        fnCount: res.fnCount,
        grCount: res.grCount,
      },
      hessian,
      coef,
    };
  } catch (e) {
    if (e instanceof NonFiniteGradientError) return null;
    if (e instanceof Error && /not finite/.test(e.message)) return null;
    throw e;
  }
}

/** Retry of the ML stage from conditional-sum-of-squares estimates. */
function retryFromCss(
  prob: Problem,
  lay: ArimaLayout,
  init: number[],
  mask: boolean[],
  transform: boolean,
  scaleFree: number[],
  wantHessian: boolean,
): MlResult | null {
  const {arma} = lay;
  prob.ncond = lay.d + lay.D * lay.s + lay.p + lay.s * lay.P;
  try {
    const res = optimBFGS(v => prob.armaCSS(v), pick(init, mask), {
      parscale: scaleFree,
    });
    prob.ncond = 0;
    if (!res.par.every(Number.isFinite)) return null;
    const trial = init.slice();
    let k = 0;
    for (let i = 0; i < trial.length; i++) if (mask[i]) trial[i] = res.par[k++];
    if (
      !arCheck(trial.slice(0, arma[0])) ||
      !arCheck(trial.slice(arma[0] + arma[1], arma[0] + arma[1] + arma[2]))
    )
      return null;
    return runMl(
      prob,
      lay,
      trial,
      mask,
      transform,
      scaleFree,
      false,
      wantHessian,
    );
  } catch (e) {
    prob.ncond = 0;
    if (e instanceof NonFiniteGradientError) return null;
    throw e;
  }
}
