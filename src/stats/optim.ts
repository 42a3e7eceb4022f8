/**
 * Quasi-Newton minimisation as R's optim(method = "BFGS"): the variable-metric method of
 * Nash (vmmin) with R's defaults (maxit 100, reltol sqrt(eps), backtracking by 0.2 with an
 * Armijo test), central-difference gradients on the parscale-d coordinates (ndeps 1e-3),
 * and optimhess's finite-difference Hessian. Following R step for step matters: the
 * engine's results are compared with R's to a few parts in a thousand, and where the
 * likelihood is flat the stopping point depends on the path.
 */

export type Objective = (x: Float64Array) => number;

export interface OptimOptions {
  /** Scale of each parameter: the optimiser works on x / parscale. Default 1. */
  parscale?: ArrayLike<number>;
  /** Finite-difference step per parameter on the scaled coordinates. Default 1e-3. */
  ndeps?: ArrayLike<number>;
  maxit?: number;
  reltol?: number;
  abstol?: number;
  /** Analytic gradient on the unscaled parameters; numeric when absent. */
  gradient?: (x: Float64Array, out: Float64Array) => void;
}

export interface OptimResult {
  par: number[];
  value: number;
  /** 0 converged, 1 iteration limit reached (as R's convergence code). */
  convergence: number;
  /** Objective evaluations outside gradients, as R's counts["function"]. */
  fnCount: number;
  grCount: number;
}

/** Raised when a finite-difference gradient is not finite (R stops with an error there). */
export class NonFiniteGradientError extends Error {
  constructor(readonly index: number) {
    super(`non-finite finite-difference value [${index + 1}]`);
    this.name = 'NonFiniteGradientError';
  }
}

const SQRT_EPS = 1.4901161193847656e-8;

/** The scaled problem optim works on, with R's fminfn/fmingr. */
class Scaled {
  readonly n: number;
  readonly parscale: Float64Array;
  readonly ndeps: Float64Array;
  private readonly x: Float64Array;
  private readonly gUnscaled: Float64Array;
  fnCount = 0;
  constructor(
    private readonly fn: Objective,
    n: number,
    opts: OptimOptions,
  ) {
    this.n = n;
    this.parscale = new Float64Array(n).fill(1);
    this.ndeps = new Float64Array(n).fill(1e-3);
    if (opts.parscale)
      for (let i = 0; i < n; i++) this.parscale[i] = opts.parscale[i];
    if (opts.ndeps) for (let i = 0; i < n; i++) this.ndeps[i] = opts.ndeps[i];
    this.x = new Float64Array(n);
    this.gUnscaled = new Float64Array(n);
    this.gradient = opts.gradient;
  }
  private readonly gradient?: (x: Float64Array, out: Float64Array) => void;

  f(p: Float64Array): number {
    for (let i = 0; i < this.n; i++) this.x[i] = p[i] * this.parscale[i];
    this.fnCount++;
    return this.fn(this.x);
  }

  grad(p: Float64Array, df: Float64Array): void {
    const {n, x, parscale, ndeps} = this;
    for (let i = 0; i < n; i++) x[i] = p[i] * parscale[i];
    if (this.gradient) {
      this.gradient(x, this.gUnscaled);
      for (let i = 0; i < n; i++) df[i] = this.gUnscaled[i] * parscale[i];
      return;
    }
    for (let i = 0; i < n; i++) {
      const eps = ndeps[i];
      x[i] = (p[i] + eps) * parscale[i];
      const val1 = this.fn(x);
      x[i] = (p[i] - eps) * parscale[i];
      const val2 = this.fn(x);
      this.fnCount += 2;
      df[i] = (val1 - val2) / (2 * eps);
      if (!Number.isFinite(df[i])) throw new NonFiniteGradientError(i);
      x[i] = p[i] * parscale[i];
    }
  }
}

const STEPREDN = 0.2;
const ACCTOL = 0.0001;
const RELTEST = 10.0;

/** Minimises fn from init by R's BFGS (vmmin). */
export function optimBFGS(
  fn: Objective,
  init: ArrayLike<number>,
  opts: OptimOptions = {},
): OptimResult {
  const n = init.length;
  const sc = new Scaled(fn, n, opts);
  const maxit = opts.maxit ?? 100;
  const reltol = opts.reltol ?? SQRT_EPS;
  const abstol = opts.abstol ?? -Infinity;
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) b[i] = init[i] / sc.parscale[i];
  const unscale = () => Array.from(b, (v, i) => v * sc.parscale[i]);

  if (maxit <= 0 || n === 0) {
    const value = sc.f(b);
    return {par: unscale(), value, convergence: 0, fnCount: 0, grCount: 0};
  }
  const g = new Float64Array(n);
  const t = new Float64Array(n);
  const X = new Float64Array(n);
  const c = new Float64Array(n);
  // Lower triangle of the inverse Hessian approximation, B[i][j] for j <= i.
  const B: Float64Array[] = [];
  for (let i = 0; i < n; i++) B.push(new Float64Array(i + 1));

  let f = sc.f(b);
  if (!Number.isFinite(f))
    throw new Error("initial value in 'vmmin' is not finite");
  let Fmin = f;
  let gradcount = 1;
  let funcount = 1;
  sc.grad(b, g);
  let iter = 1;
  let ilast = gradcount;
  let count = 0;
  do {
    if (ilast === gradcount) {
      for (let i = 0; i < n; i++) {
        B[i].fill(0);
        B[i][i] = 1;
      }
    }
    for (let i = 0; i < n; i++) {
      X[i] = b[i];
      c[i] = g[i];
    }
    let gradproj = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j <= i; j++) s -= B[i][j] * g[j];
      for (let j = i + 1; j < n; j++) s -= B[j][i] * g[j];
      t[i] = s;
      gradproj += s * g[i];
    }
    if (gradproj < 0) {
      let steplength = 1.0;
      let accpoint = false;
      do {
        count = 0;
        for (let i = 0; i < n; i++) {
          b[i] = X[i] + steplength * t[i];
          if (RELTEST + X[i] === RELTEST + b[i]) count++;
        }
        if (count < n) {
          f = sc.f(b);
          funcount++;
          accpoint =
            Number.isFinite(f) && f <= Fmin + gradproj * steplength * ACCTOL;
          if (!accpoint) steplength *= STEPREDN;
        }
      } while (!(count === n || accpoint));
      const enough =
        f > abstol && Math.abs(f - Fmin) > reltol * (Math.abs(Fmin) + reltol);
      if (!enough) {
        count = n;
        Fmin = f;
      }
      if (count < n) {
        Fmin = f;
        sc.grad(b, g);
        gradcount++;
        iter++;
        let D1 = 0;
        for (let i = 0; i < n; i++) {
          t[i] = steplength * t[i];
          c[i] = g[i] - c[i];
          D1 += t[i] * c[i];
        }
        if (D1 > 0) {
          let D2 = 0;
          for (let i = 0; i < n; i++) {
            let s = 0;
            for (let j = 0; j <= i; j++) s += B[i][j] * c[j];
            for (let j = i + 1; j < n; j++) s += B[j][i] * c[j];
            X[i] = s;
            D2 += s * c[i];
          }
          D2 = 1.0 + D2 / D1;
          for (let i = 0; i < n; i++)
            for (let j = 0; j <= i; j++)
              B[i][j] += (D2 * t[i] * t[j] - X[i] * t[j] - t[i] * X[j]) / D1;
        } else {
          ilast = gradcount;
        }
      } else if (ilast < gradcount) {
        count = 0;
        ilast = gradcount;
      }
    } else {
      count = 0;
      if (ilast === gradcount) count = n;
      else ilast = gradcount;
    }
    if (iter >= maxit) break;
    if (gradcount - ilast > 2 * n) ilast = gradcount;
  } while (count !== n || ilast !== gradcount);
  return {
    par: unscale(),
    value: Fmin,
    convergence: iter < maxit ? 0 : 1,
    fnCount: funcount,
    grCount: gradcount,
  };
}

/**
 * The Hessian at par by central differences of the (numeric) gradient, as R's optimhess:
 * step ndeps[i] on parameter i, gradients on the parscale-d coordinates, symmetrised.
 */
export function optimHessian(
  fn: Objective,
  par: ArrayLike<number>,
  opts: OptimOptions = {},
): number[][] {
  const n = par.length;
  const sc = new Scaled(fn, n, opts);
  const dpar = new Float64Array(n);
  for (let i = 0; i < n; i++) dpar[i] = par[i] / sc.parscale[i];
  const df1 = new Float64Array(n);
  const df2 = new Float64Array(n);
  const h: number[][] = [];
  for (let i = 0; i < n; i++) h.push(new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const eps = sc.ndeps[i] / sc.parscale[i];
    dpar[i] = dpar[i] + eps;
    sc.grad(dpar, df1);
    dpar[i] = dpar[i] - 2 * eps;
    sc.grad(dpar, df2);
    for (let j = 0; j < n; j++)
      h[i][j] = (df1[j] - df2[j]) / (2 * eps * sc.parscale[i] * sc.parscale[j]);
    dpar[i] = dpar[i] + eps;
  }
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++) {
      const tmp = 0.5 * (h[i][j] + h[j][i]);
      h[i][j] = h[j][i] = tmp;
    }
  return h;
}
