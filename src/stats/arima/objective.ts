/**
 * The objective functions the optimiser minimises (R's armafn and armaCSS), and the
 * likelihood profiled over the regression coefficients with its Hessian: one Kalman
 * filter run per distinct ARMA point, cached, with the GLS regression solved from it.
 */
import {InputError} from '../../core/errors';
import {solve} from '../linalg';
import {CssWork, cssDifference, cssRecursion, cssWork, diffSeries} from './css';
import {ArimaFilterCache} from './kalman';
import {ArimaLayout} from './spec';
import {ArimaStateSpace} from './statespace';
import {transPars} from './transforms';

/** What the objectives return for an invalid point (R's DOUBLE_XMAX). */
export const DOUBLE_XMAX = Number.MAX_VALUE;

/** What the exact likelihood filters: the (differenced) data and regressors, and their filter. */
interface LikelihoodData {
  filter: ArimaFilterCache;
  vectors: Float64Array[];
  present: Uint8Array;
}

/** Everything the objective functions need, allocated once per fit. */
export class Problem {
  readonly ss: ArimaStateSpace;
  readonly par: Float64Array;
  readonly params: Float64Array;
  readonly work: Float64Array;
  readonly css: CssWork;
  readonly cssPhi: Float64Array;
  readonly cssTheta: Float64Array;
  ncond = 0;
  /** The likelihood's data and filter, built on first use (a CSS fit never filters). */
  private likData: LikelihoodData | null = null;
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
    this.css = cssWork(n);
    this.cssLevel = [];
    for (let j = 0; j < xreg.length; j++)
      this.cssLevel.push(new Float64Array(n));
    this.cssBeta = new Float64Array(xreg.length);
    this.cssArma = new Float64Array(lay.narma);
    this.cssPhi = new Float64Array(p);
    this.cssTheta = new Float64Array(q);
    this.ssOpt = differenced ? new ArimaStateSpace(p, q, []) : this.ss;
    this.cachedPhi = new Float64Array(p);
    this.cachedTheta = new Float64Array(q);
    this.allFree = mask.every(m => m);
  }

  /** Every coefficient is free: fill copies the optimiser's point as it is. */
  private readonly allFree: boolean;

  private get lik(): LikelihoodData {
    if (this.likData) return this.likData;
    const {x, xreg, lay} = this;
    const n = x.length;
    let present = new Uint8Array(n);
    for (let t = 0; t < n; t++) {
      let ok = x[t] === x[t];
      for (const c of xreg) ok = ok && c[t] === c[t];
      present[t] = ok ? 1 : 0;
    }
    let vectors: Float64Array[];
    if (this.differenced) {
      const diffd = (v: Float64Array) => {
        let out = diffSeries(v, 1, lay.d);
        if (lay.D > 0) out = diffSeries(out, lay.s, lay.D);
        return out;
      };
      vectors = [diffd(x), ...xreg.map(diffd)];
      present = new Uint8Array(vectors[0].length).fill(1);
    } else {
      const clean = (v: Float64Array) => v.map(z => (z === z ? z : 0));
      vectors = [clean(x), ...xreg.map(clean)];
    }
    const filter = new ArimaFilterCache(
      vectors[0].length,
      vectors.length,
      this.ssOpt.rd,
      this.differenced ? [] : lay.delta,
    );
    this.likData = {filter, vectors, present};
    return this.likData;
  }

  private fill(free: ArrayLike<number>): void {
    const {par, coef, mask} = this;
    if (this.allFree && free.length === par.length) {
      for (let i = 0; i < par.length; i++) par[i] = free[i];
      return;
    }
    let k = 0;
    for (let i = 0; i < par.length; i++) par[i] = mask[i] ? free[k++] : coef[i];
  }

  /**
   * The regression residual x - sum_j xreg_j beta_j for the beta in par, subtracted column
   * by column in order. Level j holds the residual after the first j + 1 columns, kept for
   * the beta it was computed with: a point that shares the leading coefficients (every
   * coordinate of a numerical gradient but one) starts from the last level they share.
   * Returns the residual's array, and whether it differs from the last call's.
   */
  private cssResidual(): {w: Float64Array; changed: boolean} {
    const {x, xreg, par, cssLevel, cssBeta} = this;
    const narma = this.lay.narma;
    const k = xreg.length;
    let j = 0;
    while (j < this.cssLevels && par[narma + j] === cssBeta[j]) j++;
    const changed = j < k || this.cssLevels < k || !this.cssDiffValid;
    for (; j < k; j++) {
      const b = par[narma + j];
      const src = j === 0 ? x : cssLevel[j - 1];
      const dst = cssLevel[j];
      cssBeta[j] = b;
      if (b === 0) {
        dst.set(src);
        continue;
      }
      const col = xreg[j];
      for (let t = 0; t < dst.length; t++) dst[t] = src[t] - col[t] * b;
    }
    this.cssLevels = k;
    return {w: k === 0 ? x : cssLevel[k - 1], changed};
  }

  private readonly cssLevel: Float64Array[];
  private readonly cssBeta: Float64Array;
  /** Levels of cssLevel valid for cssBeta. */
  private cssLevels = 0;
  /** css.w holds the differenced residual of the valid levels. */
  private cssDiffValid = false;
  /** The ARMA coefficients cssPhi and cssTheta were expanded from. */
  private readonly cssArma: Float64Array;
  private cssArmaValid = false;

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
      const {filter, vectors, present} = this.lik;
      filter.run(ss, vectors, present);
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
    const f = this.lik.filter;
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
    const f = this.lik.filter;
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
    const f = this.lik.filter;
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
    const f = this.lik.filter;
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
    const f = this.lik.filter;
    const ssq = f.ssq(this.par, this.lay.narma);
    const s2 = ssq / f.nu;
    return 0.5 * (Math.log(s2) + f.sumlog / f.nu);
  }

  /** R's armaCSS. */
  armaCSS(free: ArrayLike<number>): number {
    this.fill(free);
    const {par, cssArma} = this;
    const narma = this.lay.narma;
    let same = this.cssArmaValid;
    for (let i = 0; same && i < narma; i++) same = par[i] === cssArma[i];
    if (!same) {
      transPars(
        par,
        this.lay.arma,
        false,
        this.cssPhi,
        this.cssTheta,
        this.params,
        this.work,
      );
      for (let i = 0; i < narma; i++) cssArma[i] = par[i];
      this.cssArmaValid = true;
    }
    const {w, changed} = this.cssResidual();
    if (changed) {
      cssDifference(w, this.lay.arma, this.css.w);
      this.cssDiffValid = true;
    }
    const ms = cssRecursion(
      this.css.w,
      this.cssPhi,
      this.cssTheta,
      this.ncond,
      this.css.resid,
    );
    return 0.5 * Math.log(ms);
  }
}
