/**
 * STL: Seasonal-Trend decomposition by Loess (Cleveland, Cleveland, McRae and
 * Terpenning, 1990), with the semantics and defaults of R's stats::stl and the
 * arithmetic of its Fortran routine (stl.f), so results agree with R to rounding.
 */
import {InputError} from '../core/errors';

export interface StlOptions {
  /** Seasonal smoothing span (odd, >= 3) or 'periodic' (seasonal = mean cycle). */
  sWindow: number | 'periodic';
  /** Degree of the seasonal loess (0 or 1). Default 0. */
  sDegree?: number;
  /** Trend span. Default nextodd(ceiling(1.5 * period / (1 - 1.5 / sWindow))). */
  tWindow?: number;
  /** Degree of the trend loess. Default 1. */
  tDegree?: number;
  /** Span of the low-pass filter. Default nextodd(period). */
  lWindow?: number;
  /** Degree of the low-pass loess. Default tDegree. */
  lDegree?: number;
  /** Evaluate each loess every `jump` points and interpolate. Default ceiling(window / 10). */
  sJump?: number;
  tJump?: number;
  lJump?: number;
  /** Robust fitting: downweights outliers through bisquare weights. Default false. */
  robust?: boolean;
  /**
   * Extension beyond R: prior weights in [0, 1] per observation (0 = missing or
   * not to be fitted, e.g. a school closure). Every loess then multiplies its
   * tricube weights by them, and robustness weights are computed from the
   * observations with positive prior weight only. Values at zero-weight positions
   * are still needed as placeholders where a whole cycle position has no data.
   */
  priorWeights?: ReadonlyArray<number>;
  /** Inner loop passes. Default robust ? 1 : 2. */
  inner?: number;
  /** Outer (robustness) iterations. Default robust ? 15 : 0. */
  outer?: number;
}

export interface StlResult {
  seasonal: number[];
  trend: number[];
  remainder: number[];
  /** Final robustness weights (all 1 without robust fitting). */
  weights: number[];
  /** The parameters actually used, after defaults. */
  params: {
    period: number;
    sWindow: number;
    sDegree: number;
    tWindow: number;
    tDegree: number;
    lWindow: number;
    lDegree: number;
    sJump: number;
    tJump: number;
    lJump: number;
    inner: number;
    outer: number;
    periodic: boolean;
  };
}

// R's stl.f writes these cut-offs as single-precision literals (.999, .001).
const F999 = Math.fround(0.999);
const F001 = Math.fround(0.001);

/** R's nextodd: round, then bump an even number up by one. */
function nextOdd(x: number): number {
  let r = roundHalfEven(x);
  if (r % 2 === 0) r += 1;
  return r;
}

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** The tricube weight at distance r (within 0.999 h) of a window of half-width h. */
function tricube(r: number, h: number, h1: number): number {
  if (r <= h1) return 1;
  const q = r / h;
  const t = 1 - q * q * q;
  return t * t * t;
}

/** Widest half-window whose tricube weights are kept (the anomaly loesses span 15 or less). */
const KERNEL_MAX_H = 256;
/** Tricube weights by half-width h and distance r, -1 beyond 0.999 h (no weight). */
const kernels: Array<Float64Array | undefined> = [];

/**
 * est's tricube weights for half-width h at distances 0..h, computed once: every interior
 * point of a loess shares one h, and the weights depend on nothing else.
 */
function kernelFor(h: number): Float64Array | null {
  if (h > KERNEL_MAX_H || !Number.isInteger(h)) return null;
  let k = kernels[h];
  if (k === undefined) {
    k = new Float64Array(h + 1);
    const h9 = F999 * h;
    const h1 = F001 * h;
    for (let r = 0; r <= h; r++) k[r] = r <= h9 ? tricube(r, h, h1) : -1;
    kernels[h] = k;
  }
  return k;
}

/**
 * Local (degree 0 or 1) tricube-weighted fit at abscissa xs over y[nleft..nright]
 * (1-based, as stl.f's stlest). Returns null when every weight is zero.
 */
function est(
  y: Float64Array,
  yo: number,
  n: number,
  len: number,
  ideg: number,
  xs: number,
  nleft: number,
  nright: number,
  w: Float64Array,
  userw: boolean,
  rw: Float64Array,
  rwo: number,
): number | null {
  const range = n - 1;
  let h = Math.max(xs - nleft, nright - xs);
  if (len > n) h += Math.trunc((len - n) / 2);
  let a = 0;
  const kern = kernelFor(h);
  if (kern !== null) {
    for (let j = nleft; j <= nright; j++) {
      const kv = kern[Math.abs(j - xs)];
      if (kv < 0) {
        w[j] = 0;
        continue;
      }
      w[j] = userw ? rw[rwo + j] * kv : kv;
      a += w[j];
    }
  } else {
    const h9 = F999 * h;
    const h1 = F001 * h;
    for (let j = nleft; j <= nright; j++) {
      w[j] = 0;
      const r = Math.abs(j - xs);
      if (r <= h9) {
        w[j] = tricube(r, h, h1);
        if (userw) w[j] = rw[rwo + j] * w[j];
        a += w[j];
      }
    }
  }
  if (a <= 0) return null;
  // The passes below are stl.f's, fused where one reads what the previous wrote: each
  // weight and each sum gets the same operations in the same order.
  let ys = 0;
  if (h > 0 && ideg > 0) {
    const sw = a;
    a = 0;
    for (let j = nleft; j <= nright; j++) {
      w[j] /= sw;
      a += w[j] * j;
    }
    let b = xs - a;
    let c = 0;
    for (let j = nleft; j <= nright; j++) c += w[j] * (j - a) * (j - a);
    if (Math.sqrt(c) > 0.001 * range) {
      b /= c;
      for (let j = nleft; j <= nright; j++) {
        w[j] *= b * (j - a) + 1;
        ys += w[j] * y[yo + j];
      }
      return ys;
    }
  } else {
    for (let j = nleft; j <= nright; j++) {
      w[j] /= a;
      ys += w[j] * y[yo + j];
    }
    return ys;
  }
  for (let j = nleft; j <= nright; j++) ys += w[j] * y[yo + j];
  return ys;
}

/**
 * Loess smoothing of y[1..n] into ys[1..n] with span len, evaluated every njump
 * points and linearly interpolated between (stl.f's stless).
 */
function ess(
  y: Float64Array,
  yo: number,
  n: number,
  len: number,
  ideg: number,
  njump: number,
  userw: boolean,
  rw: Float64Array,
  rwo: number,
  ys: Float64Array,
  yso: number,
  res: Float64Array,
): void {
  if (n < 2) {
    ys[yso + 1] = y[yo + 1];
    return;
  }
  const newnj = Math.min(njump, n - 1);
  let nleft = 0;
  let nright = 0;
  const fit = (i: number) => {
    const v = est(y, yo, n, len, ideg, i, nleft, nright, res, userw, rw, rwo);
    ys[yso + i] = v === null ? y[yo + i] : v;
  };
  if (len >= n) {
    nleft = 1;
    nright = n;
    for (let i = 1; i <= n; i += newnj) fit(i);
  } else if (newnj === 1) {
    const nsh = Math.trunc((len + 1) / 2);
    nleft = 1;
    nright = len;
    for (let i = 1; i <= n; i++) {
      if (i > nsh && nright !== n) {
        nleft++;
        nright++;
      }
      fit(i);
    }
  } else {
    const nsh = Math.trunc((len + 1) / 2);
    for (let i = 1; i <= n; i += newnj) {
      if (i < nsh) {
        nleft = 1;
        nright = len;
      } else if (i >= n - nsh + 1) {
        nleft = n - len + 1;
        nright = n;
      } else {
        nleft = i - nsh + 1;
        nright = len + i - nsh;
      }
      fit(i);
    }
  }
  if (newnj !== 1) {
    for (let i = 1; i <= n - newnj; i += newnj) {
      const delta = (ys[yso + i + newnj] - ys[yso + i]) / newnj;
      for (let j = i + 1; j <= i + newnj - 1; j++) {
        ys[yso + j] = ys[yso + i] + delta * (j - i);
      }
    }
    const k = Math.trunc((n - 1) / newnj) * newnj + 1;
    if (k !== n) {
      fit(n);
      if (k !== n - 1) {
        const delta = (ys[yso + n] - ys[yso + k]) / (n - k);
        for (let j = k + 1; j <= n - 1; j++) {
          ys[yso + j] = ys[yso + k] + delta * (j - k);
        }
      }
    }
  }
}

/** Moving average of length len over x[1..n] into ave[1..n-len+1]. */
function ma(x: Float64Array, n: number, len: number, ave: Float64Array): void {
  const newn = n - len + 1;
  let v = 0;
  for (let i = 1; i <= len; i++) v += x[i];
  ave[1] = v / len;
  let k = len;
  let m = 0;
  for (let j = 2; j <= newn; j++) {
    k++;
    m++;
    v = v - x[m] + x[k];
    ave[j] = v / len;
  }
}

interface Work {
  w1: Float64Array;
  w2: Float64Array;
  w3: Float64Array;
  w4: Float64Array;
  w5: Float64Array;
}

/** Seasonal smoothing of each cycle-subseries, extended one period at both ends (stlss). */
function ss(
  y: Float64Array,
  n: number,
  np: number,
  ns: number,
  isdeg: number,
  nsjump: number,
  userw: boolean,
  rw: Float64Array,
  season: Float64Array,
  work1: Float64Array,
  work2: Float64Array,
  work3: Float64Array,
  work4: Float64Array,
): void {
  for (let j = 1; j <= np; j++) {
    const k = Math.trunc((n - j) / np) + 1;
    for (let i = 1; i <= k; i++) work1[i] = y[(i - 1) * np + j];
    if (userw) {
      for (let i = 1; i <= k; i++) work3[i] = rw[(i - 1) * np + j];
    }
    // work2(2..k+1) holds the smoothed subseries; work2(1) and work2(k+2) the extensions.
    ess(work1, 0, k, ns, isdeg, nsjump, userw, work3, 0, work2, 1, work4);
    const nright = Math.min(ns, k);
    const first = est(
      work1,
      0,
      k,
      ns,
      isdeg,
      0,
      1,
      nright,
      work4,
      userw,
      work3,
      0,
    );
    work2[1] = first === null ? work2[2] : first;
    const nleft = Math.max(1, k - ns + 1);
    const last = est(
      work1,
      0,
      k,
      ns,
      isdeg,
      k + 1,
      nleft,
      k,
      work4,
      userw,
      work3,
      0,
    );
    work2[k + 2] = last === null ? work2[k + 1] : last;
    for (let m = 1; m <= k + 2; m++) season[(m - 1) * np + j] = work2[m];
  }
}

/** One pass of the inner loop (stlstp), repeated ni times. */
function stp(
  y: Float64Array,
  n: number,
  np: number,
  ns: number,
  nt: number,
  nl: number,
  isdeg: number,
  itdeg: number,
  ildeg: number,
  nsjump: number,
  ntjump: number,
  nljump: number,
  ni: number,
  userw: boolean,
  rw: Float64Array,
  season: Float64Array,
  trend: Float64Array,
  work: Work,
): void {
  const {w1, w2, w3, w4, w5} = work;
  for (let it = 0; it < ni; it++) {
    for (let i = 1; i <= n; i++) w1[i] = y[i] - trend[i];
    ss(w1, n, np, ns, isdeg, nsjump, userw, rw, w2, w3, w4, w5, season);
    // Low-pass filter of the cycle-subseries: three moving averages, then loess.
    ma(w2, n + 2 * np, np, w3);
    ma(w3, n + np + 1, np, w1);
    ma(w1, n + 2, 3, w3);
    ess(w3, 0, n, nl, ildeg, nljump, false, w4, 0, w1, 0, w5);
    for (let i = 1; i <= n; i++) season[i] = w2[np + i] - w1[i];
    for (let i = 1; i <= n; i++) w1[i] = y[i] - season[i];
    ess(w1, 0, n, nt, itdeg, ntjump, userw, rw, 0, trend, 0, w3);
  }
}

/**
 * Singleton's partial quicksort as in stl.f's psort: rearranges a[1..n] so that the
 * positions listed in ind hold their order statistics. stl.f passes the two middle
 * positions in decreasing order, which this algorithm does not expect, so the
 * "median" it yields can differ from the true one; it is ported step by step so the
 * robustness weights are exactly R's.
 */
function psort(a: Float64Array, n: number, ind: number[], ni: number): void {
  if (n < 2 || ni === 0) return;
  const indu = new Array<number>(17).fill(0);
  const indl = new Array<number>(17).fill(0);
  const iu = new Array<number>(17).fill(0);
  const il = new Array<number>(17).fill(0);
  let jl = 1;
  let ju = ni;
  indl[1] = 1;
  indu[1] = ni;
  let i = 1;
  let j = n;
  let m = 1;
  let k = 0;
  let l = 0;
  let p = 0;
  let t = 0;
  let tt = 0;
  type Label = 'top' | 'pop' | 'while' | 'partition' | 'insertion';
  let at: Label = 'top';
  for (;;) {
    switch (at) {
      case 'top':
        at = i < j ? 'partition' : 'pop';
        break;
      case 'pop':
        m--;
        if (m === 0) return;
        i = il[m];
        j = iu[m];
        jl = indl[m];
        ju = indu[m];
        at = jl <= ju ? 'while' : 'pop';
        break;
      case 'while':
        at = j - i > 10 ? 'partition' : 'insertion';
        break;
      case 'partition': {
        k = i;
        const ij = Math.trunc((i + j) / 2);
        t = a[ij];
        if (a[i] > t) {
          a[ij] = a[i];
          a[i] = t;
          t = a[ij];
        }
        l = j;
        if (a[j] < t) {
          a[ij] = a[j];
          a[j] = t;
          t = a[ij];
          if (a[i] > t) {
            a[ij] = a[i];
            a[i] = t;
            t = a[ij];
          }
        }
        for (;;) {
          l--;
          if (a[l] <= t) {
            tt = a[l];
            do {
              k++;
            } while (!(a[k] >= t));
            if (k > l) break;
            a[l] = a[k];
            a[k] = tt;
          }
        }
        indl[m] = jl;
        indu[m] = ju;
        p = m;
        m++;
        at = 'while';
        if (l - i <= j - k) {
          il[p] = k;
          iu[p] = j;
          j = l;
          for (;;) {
            if (jl > ju) {
              at = 'pop';
              break;
            }
            if (ind[ju] <= j) break;
            ju--;
          }
          if (at !== 'pop') indl[p] = ju + 1;
        } else {
          il[p] = i;
          iu[p] = l;
          i = k;
          for (;;) {
            if (jl > ju) {
              at = 'pop';
              break;
            }
            if (ind[jl] >= i) break;
            jl++;
          }
          if (at !== 'pop') indu[p] = jl - 1;
        }
        break;
      }
      case 'insertion':
        if (i === 1) {
          at = 'top';
          break;
        }
        i--;
        for (;;) {
          i++;
          if (i === j) break;
          t = a[i + 1];
          if (a[i] > t) {
            k = i;
            do {
              a[k + 1] = a[k];
              k--;
            } while (!(t >= a[k]));
            a[k + 1] = t;
          }
        }
        at = 'pop';
        break;
    }
  }
}

/** Bisquare robustness weights from the residuals: 6 "MADs" (stlrwt). */
function rwts(
  y: Float64Array,
  n: number,
  fit: Float64Array,
  rw: Float64Array,
): void {
  for (let i = 1; i <= n; i++) rw[i] = Math.abs(y[i] - fit[i]);
  const mid1 = Math.trunc(n / 2) + 1;
  const mid2 = n - mid1 + 1;
  psort(rw, n, [0, mid1, mid2], 2);
  const cmad = 3 * (rw[mid1] + rw[mid2]);
  const c9 = F999 * cmad;
  const c1 = F001 * cmad;
  for (let i = 1; i <= n; i++) {
    const ri = Math.abs(y[i] - fit[i]);
    if (ri <= c1) rw[i] = 1;
    else if (ri <= c9) {
      const q = ri / cmad;
      const t = 1 - q * q;
      rw[i] = t * t;
    } else rw[i] = 0;
  }
}

/** Robustness weights over the observations with positive prior weight (true median). */
function priorRwts(
  y: Float64Array,
  n: number,
  fit: Float64Array,
  prior: Float64Array,
  rw: Float64Array,
): void {
  const r: number[] = [];
  for (let i = 1; i <= n; i++)
    if (prior[i] > 0) r.push(Math.abs(y[i] - fit[i]));
  r.sort((a, b) => a - b);
  const m = r.length;
  const med = m % 2 === 1 ? r[(m - 1) / 2] : (r[m / 2 - 1] + r[m / 2]) / 2;
  const cmad = 6 * med;
  for (let i = 1; i <= n; i++) {
    const ri = Math.abs(y[i] - fit[i]);
    let w: number;
    if (ri <= F001 * cmad) w = 1;
    else if (ri <= F999 * cmad) {
      const q = ri / cmad;
      w = (1 - q * q) * (1 - q * q);
    } else w = 0;
    rw[i] = prior[i] * w;
  }
}

/** Work arrays of loessPass, grown as needed (one pass runs at a time). */
let passBuffers: {
  yy: Float64Array;
  rw: Float64Array;
  fit: Float64Array;
  res: Float64Array;
} | null = null;

/**
 * One weighted loess pass of y on its index: exactly robustLoess(y, span, {degree,
 * iterations: 0, priorWeights: weights}).fitted, written into `out`, without the input
 * checks or fresh arrays (the anomaly decomposition runs thousands per series, on values
 * it has already checked).
 */
export function loessPass(
  y: ArrayLike<number>,
  span: number,
  degree: 0 | 1,
  weights: ArrayLike<number>,
  out: number[],
): number[] {
  const n = y.length;
  if (n < 2) throw new InputError('y', 'needs at least 2 values');
  if (!passBuffers || passBuffers.yy.length < n + 1) {
    const size = Math.max(n + 1, 2 * (passBuffers?.yy.length ?? 0));
    passBuffers = {
      yy: new Float64Array(size),
      rw: new Float64Array(size),
      fit: new Float64Array(size),
      res: new Float64Array(size),
    };
  }
  const {yy, rw, fit, res} = passBuffers;
  rw[0] = 1;
  for (let i = 0; i < n; i++) {
    yy[i + 1] = y[i];
    rw[i + 1] = weights[i];
  }
  ess(
    yy,
    0,
    n,
    Math.max(3, Math.trunc(span)),
    degree,
    1,
    true,
    rw,
    0,
    fit,
    0,
    res,
  );
  out.length = n;
  for (let i = 0; i < n; i++) out[i] = fit[i + 1];
  return out;
}

/**
 * Robust local regression of y on its index (loess with span `span` points,
 * degree 0 or 1, bisquare robustness iterations), skipping zero-weight points:
 * the trend of a series without a seasonal cycle.
 */
export function robustLoess(
  y: ReadonlyArray<number>,
  span: number,
  opts: {
    degree?: number;
    iterations?: number;
    priorWeights?: ReadonlyArray<number>;
  } = {},
): {fitted: number[]; weights: number[]} {
  const n = y.length;
  if (n < 2) throw new InputError('y', 'needs at least 2 values');
  y.forEach((v, i) => {
    if (!Number.isFinite(v))
      throw new InputError('y', `value at index ${i} is not finite`);
  });
  const len = Math.max(3, Math.trunc(span));
  const deg = checkDegree('degree', opts.degree ?? 1);
  const iterations = Math.max(0, Math.trunc(opts.iterations ?? 4));
  const yy = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) yy[i + 1] = y[i];
  const prior = new Float64Array(n + 1).fill(1);
  if (opts.priorWeights) {
    if (opts.priorWeights.length !== n) {
      throw new InputError('priorWeights', `must be an array of ${n} weights`);
    }
    for (let i = 0; i < n; i++) prior[i + 1] = opts.priorWeights[i];
  }
  const rw = new Float64Array(prior);
  const fit = new Float64Array(n + 1);
  const res = new Float64Array(n + 1);
  for (let it = 0; it <= iterations; it++) {
    ess(yy, 0, n, len, deg, 1, true, rw, 0, fit, 0, res);
    if (it < iterations) priorRwts(yy, n, fit, prior, rw);
  }
  return {
    fitted: Array.from(fit.subarray(1)),
    weights: Array.from(rw.subarray(1)),
  };
}

function checkInteger(field: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InputError(field, 'must be a finite number');
  }
  if (value < min) throw new InputError(field, `must be at least ${min}`);
  return value;
}

function checkDegree(field: string, value: unknown): number {
  if (value !== 0 && value !== 1) {
    throw new InputError(field, 'degree must be 0 or 1');
  }
  return value;
}

/**
 * Decomposes y (no missing values) with seasonal period `period` into seasonal,
 * trend and remainder, as R's stl(ts(y, frequency = period), ...).
 */
export function stl(
  y: ReadonlyArray<number>,
  period: number,
  opts: StlOptions,
): StlResult {
  if (!Array.isArray(y))
    throw new InputError('y', 'must be an array of numbers');
  for (let i = 0; i < y.length; i++) {
    if (typeof y[i] !== 'number' || !Number.isFinite(y[i])) {
      throw new InputError(
        'y',
        `value at index ${i} is not a finite number (STL needs a complete series)`,
      );
    }
  }
  if (typeof period !== 'number' || !Number.isFinite(period) || period < 2) {
    throw new InputError('period', 'must be a number of at least 2');
  }
  const n = y.length;
  if (n <= 2 * period) {
    throw new InputError(
      'y',
      `series has ${n} values; STL needs more than two periods (${2 * period})`,
    );
  }
  if (!opts || opts.sWindow === undefined || opts.sWindow === null) {
    throw new InputError('sWindow', 'is required: an odd span or "periodic"');
  }
  let periodic = false;
  let sWindow: number;
  let sDegree = opts.sDegree ?? 0;
  if (typeof opts.sWindow === 'string') {
    if (opts.sWindow !== 'periodic') {
      throw new InputError('sWindow', 'must be a number or "periodic"');
    }
    periodic = true;
    sWindow = 10 * n + 1;
    sDegree = 0;
  } else {
    sWindow = checkInteger('sWindow', opts.sWindow, 1);
  }
  sDegree = checkDegree('sDegree', sDegree);
  const tDegree = checkDegree('tDegree', opts.tDegree ?? 1);
  const lDegree = checkDegree('lDegree', opts.lDegree ?? tDegree);
  const tWindow =
    opts.tWindow === undefined || opts.tWindow === null
      ? nextOdd(Math.ceil((1.5 * period) / (1 - 1.5 / sWindow)))
      : checkInteger('tWindow', opts.tWindow, 1);
  const lWindow =
    opts.lWindow === undefined || opts.lWindow === null
      ? nextOdd(period)
      : checkInteger('lWindow', opts.lWindow, 1);
  const sJump = checkInteger('sJump', opts.sJump ?? Math.ceil(sWindow / 10), 1);
  const tJump = checkInteger('tJump', opts.tJump ?? Math.ceil(tWindow / 10), 1);
  const lJump = checkInteger('lJump', opts.lJump ?? Math.ceil(lWindow / 10), 1);
  const robust = opts.robust === true;
  const inner = checkInteger('inner', opts.inner ?? (robust ? 1 : 2), 1);
  const outer = checkInteger('outer', opts.outer ?? (robust ? 15 : 0), 0);

  // The Fortran receives integers (as.integer truncates) and forces odd spans >= 3.
  const makeOdd = (v: number) => {
    let r = Math.max(3, Math.trunc(v));
    if (r % 2 === 0) r++;
    return r;
  };
  const np = Math.max(2, Math.trunc(period));
  const ns = makeOdd(sWindow);
  const nt = makeOdd(tWindow);
  const nl = makeOdd(lWindow);
  const nsjump = Math.trunc(sJump);
  const ntjump = Math.trunc(tJump);
  const nljump = Math.trunc(lJump);

  const yy = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) yy[i + 1] = y[i];
  const size = n + 2 * np + 1;
  const work: Work = {
    w1: new Float64Array(size),
    w2: new Float64Array(size),
    w3: new Float64Array(size),
    w4: new Float64Array(size),
    w5: new Float64Array(size),
  };
  const rw = new Float64Array(n + 1);
  const season = new Float64Array(size);
  const trend = new Float64Array(n + 1);
  const fit = new Float64Array(n + 1);
  let prior: Float64Array | null = null;
  if (opts.priorWeights !== undefined && opts.priorWeights !== null) {
    const pw = opts.priorWeights;
    if (!Array.isArray(pw) || pw.length !== n) {
      throw new InputError('priorWeights', `must be an array of ${n} weights`);
    }
    prior = new Float64Array(n + 1);
    let positive = 0;
    for (let i = 0; i < n; i++) {
      const w = pw[i];
      if (typeof w !== 'number' || !(w >= 0 && w <= 1)) {
        throw new InputError(
          'priorWeights',
          `weight at index ${i} is not in [0, 1]`,
        );
      }
      prior[i + 1] = w;
      if (w > 0) positive++;
    }
    if (positive < 3) {
      throw new InputError(
        'priorWeights',
        'fewer than 3 observations have weight',
      );
    }
    rw.set(prior);
  }
  let userw = prior !== null;
  for (let k = 0; ;) {
    stp(
      yy,
      n,
      np,
      ns,
      nt,
      nl,
      sDegree,
      tDegree,
      lDegree,
      nsjump,
      ntjump,
      nljump,
      inner,
      userw,
      rw,
      season,
      trend,
      work,
    );
    k++;
    if (k > outer) break;
    for (let i = 1; i <= n; i++) fit[i] = trend[i] + season[i];
    if (prior) priorRwts(yy, n, fit, prior, rw);
    else rwts(yy, n, fit, rw);
    userw = true;
  }
  if (outer <= 0) {
    if (prior) rw.set(prior);
    else rw.fill(1);
  }

  const seasonal = new Array<number>(n);
  for (let i = 0; i < n; i++) seasonal[i] = season[i + 1];
  if (periodic) {
    // R makes the periodic seasonal exactly periodic: the mean of each cycle position.
    const sums = new Array<number>(np).fill(0);
    const counts = new Array<number>(np).fill(0);
    for (let i = 0; i < n; i++) {
      sums[i % np] += seasonal[i];
      counts[i % np]++;
    }
    for (let i = 0; i < n; i++) seasonal[i] = sums[i % np] / counts[i % np];
  }
  const trendOut = new Array<number>(n);
  const remainder = new Array<number>(n);
  const weights = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    trendOut[i] = trend[i + 1];
    remainder[i] = y[i] - seasonal[i] - trendOut[i];
    weights[i] = rw[i + 1];
  }
  return {
    seasonal,
    trend: trendOut,
    remainder,
    weights,
    params: {
      period,
      sWindow,
      sDegree,
      tWindow,
      tDegree,
      lWindow,
      lDegree,
      sJump,
      tJump,
      lJump,
      inner,
      outer,
      periodic,
    },
  };
}
