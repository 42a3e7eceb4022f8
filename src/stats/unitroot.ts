/**
 * What auto.arima decides before it searches: the number of differences by the KPSS test
 * (forecast::ndiffs(test = "kpss") on urca::ur.kpss), the number of seasonal differences by
 * seasonal strength (forecast::nsdiffs(test = "seas") from an STL decomposition), and the
 * polynomial roots used to reject models near the unit circle.
 */
import type {Series} from './types';
import {polyroot} from './linalg';
import {stl} from './stl';

/**
 * forecast's is.constant: every value equals the first within all.equal's relative
 * tolerance (1.5e-8). Missing values are ignored.
 */
export function isConstant(y: Series): boolean {
  const v = y.filter((x): x is number => x !== null && Number.isFinite(x));
  if (v.length <= 1) return true;
  const first = v[0];
  let absDiff = 0;
  let absTarget = 0;
  for (const x of v) {
    absDiff += Math.abs(x - first);
    absTarget += Math.abs(x);
  }
  absDiff /= v.length;
  absTarget /= v.length;
  const tol = 1.5e-8;
  const rel = absTarget > tol ? absDiff / absTarget : absDiff;
  return rel <= tol;
}

/** Lag-`lag` differences, `times` times; missing values propagate. */
export function diff(
  y: ReadonlyArray<number | null>,
  lag = 1,
  times = 1,
): (number | null)[] {
  let x = [...y];
  for (let k = 0; k < times; k++) {
    const out: (number | null)[] = [];
    for (let i = lag; i < x.length; i++) {
      const a = x[i];
      const b = x[i - lag];
      out.push(a === null || b === null ? null : a - b);
    }
    x = out;
  }
  return x;
}

export type KpssType = 'mu' | 'tau';

/** Critical values of urca::ur.kpss at 10%, 5%, 2.5% and 1%. */
const KPSS_CVAL: Record<KpssType, number[]> = {
  mu: [0.347, 0.463, 0.574, 0.739],
  tau: [0.119, 0.146, 0.176, 0.216],
};
const KPSS_PCT = [0.1, 0.05, 0.025, 0.01];

export interface KpssResult {
  statistic: number;
  lags: number;
  type: KpssType;
  /** p-value interpolated in the critical-value table, clamped to [0.01, 0.1] (R's approx(rule = 2)). */
  pValue: number;
}

/** urca's lags = "short": trunc(4 (n/100)^(1/4)). */
export function kpssShortLags(n: number): number {
  return Math.trunc(4 * Math.pow(n / 100, 0.25));
}

/** The lag ndiffs passes to ur.kpss: trunc(3 sqrt(n) / 13). */
export function ndiffsKpssLags(n: number): number {
  return Math.trunc((3 * Math.sqrt(n)) / 13);
}

/**
 * KPSS statistic as urca::ur.kpss computes it: residuals from a regression on a constant
 * ("mu") or on a constant and trend ("tau"), partial sums, and a Bartlett-weighted
 * long-run variance with `lags` lags. Missing values are dropped first.
 */
export function kpss(
  y: Series,
  lags: number,
  type: KpssType = 'mu',
): KpssResult {
  const x = y.filter((v): v is number => v !== null && Number.isFinite(v));
  const n = x.length;
  if (n < 3) throw new Error('kpss: need at least 3 observations');
  if (!Number.isInteger(lags) || lags < 0)
    throw new Error('kpss: lags must be >= 0');
  const res = new Float64Array(n);
  if (type === 'mu') {
    let m = 0;
    for (const v of x) m += v;
    m /= n;
    for (let i = 0; i < n; i++) res[i] = x[i] - m;
  } else {
    // Least squares on 1..n.
    const tm = (n + 1) / 2;
    let ym = 0;
    for (const v of x) ym += v;
    ym /= n;
    let sxy = 0;
    let sxx = 0;
    for (let i = 0; i < n; i++) {
      const t = i + 1 - tm;
      sxy += t * (x[i] - ym);
      sxx += t * t;
    }
    const b = sxy / sxx;
    const a = ym - b * tm;
    for (let i = 0; i < n; i++) res[i] = x[i] - a - b * (i + 1);
  }
  let s = 0;
  let nom = 0;
  for (let i = 0; i < n; i++) {
    s += res[i];
    nom += s * s;
  }
  nom /= n * n;
  let s2 = 0;
  for (let i = 0; i < n; i++) s2 += res[i] * res[i];
  s2 /= n;
  let denom = s2;
  if (lags > 0) {
    let extra = 0;
    for (let k = 1; k <= lags; k++) {
      let cov = 0;
      for (let i = k; i < n; i++) cov += res[i] * res[i - k];
      extra += (1 - k / (lags + 1)) * cov;
    }
    denom = s2 + (2 / n) * extra;
  }
  const statistic = nom / denom;
  return {statistic, lags, type, pValue: kpssPValue(statistic, type)};
}

/** R's approx(cval, pct, xout = stat, rule = 2): linear interpolation, clamped. */
export function kpssPValue(stat: number, type: KpssType = 'mu'): number {
  const cv = KPSS_CVAL[type];
  if (!(stat > cv[0])) return KPSS_PCT[0];
  if (stat >= cv[cv.length - 1]) return KPSS_PCT[KPSS_PCT.length - 1];
  for (let i = 0; i + 1 < cv.length; i++) {
    if (stat >= cv[i] && stat <= cv[i + 1]) {
      const w = (stat - cv[i]) / (cv[i + 1] - cv[i]);
      return KPSS_PCT[i] + w * (KPSS_PCT[i + 1] - KPSS_PCT[i]);
    }
  }
  return KPSS_PCT[KPSS_PCT.length - 1];
}

export interface NdiffsOptions {
  /** Test level, clamped to [0.01, 0.1] as ndiffs does. Default 0.05. */
  alpha?: number;
  maxD?: number;
  /** "level" (KPSS mu) or "trend" (KPSS tau). */
  type?: 'level' | 'trend';
}

/** forecast::ndiffs(y, test = "kpss"): first differences until KPSS no longer rejects. */
export function ndiffs(y: Series, opts: NdiffsOptions = {}): number {
  const alpha = Math.min(0.1, Math.max(0.01, opts.alpha ?? 0.05));
  const maxD = opts.maxD ?? 2;
  const type: KpssType = opts.type === 'trend' ? 'tau' : 'mu';
  let x: (number | null)[] = y.filter(
    (v): v is number => v !== null && Number.isFinite(v),
  );
  let d = 0;
  if (isConstant(x)) return d;
  const reject = (v: (number | null)[]): boolean | null => {
    const n = v.length;
    if (n < 3) return null;
    const r = kpss(v, ndiffsKpssLags(n), type);
    if (!Number.isFinite(r.statistic)) return null;
    return r.pValue < alpha;
  };
  let dodiff = reject(x);
  if (dodiff === null) return d;
  while (dodiff && d < maxD) {
    d++;
    x = diff(x);
    if (isConstant(x)) return d;
    dodiff = reject(x);
    if (dodiff === null) return d - 1;
  }
  return d;
}

/** Missing values filled by linear interpolation (ends carried flat), for decompositions. */
export function interpolateMissing(y: Series): number[] {
  const n = y.length;
  const out = new Array<number>(n);
  let last = -1;
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (v !== null && Number.isFinite(v)) {
      if (last < 0) {
        for (let j = 0; j < i; j++) out[j] = v;
      } else {
        const a = y[last] as number;
        for (let j = last + 1; j < i; j++) {
          out[j] = a + ((v - a) * (j - last)) / (i - last);
        }
      }
      out[i] = v;
      last = i;
    }
  }
  if (last < 0) throw new Error('every value is missing');
  for (let j = last + 1; j < n; j++) out[j] = y[last] as number;
  return out;
}

function variance(x: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return 0;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i];
  m /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (x[i] - m) * (x[i] - m);
  return s / (n - 1);
}

/**
 * Seasonal strength max(0, 1 - var(R) / var(R + S)) from mstl(y) for one seasonal period,
 * which is stl(y, s.window = 11) (forecast's seas.heuristic). Null for non-seasonal data
 * or fewer than two full periods.
 */
export function seasonalStrength(y: Series, period: number): number | null {
  const m = Math.round(period);
  if (m <= 1) return null;
  const x = interpolateMissing(y);
  if (x.length < 2 * m + 1) return null;
  const fit = stl(x, m, {sWindow: 11});
  const n = x.length;
  const rem = new Float64Array(n);
  const rs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    rem[i] = fit.remainder[i];
    rs[i] = fit.remainder[i] + fit.seasonal[i];
  }
  const vrs = variance(rs);
  if (!(vrs > 0)) return 0;
  return Math.max(0, Math.min(1, 1 - variance(rem) / vrs));
}

export interface NsdiffsOptions {
  maxD?: number;
  /** Seasonal strength above which a seasonal difference is taken (forecast: 0.64). */
  threshold?: number;
}

/** forecast::nsdiffs(y, test = "seas"). */
export function nsdiffs(
  y: Series,
  period: number,
  opts: NsdiffsOptions = {},
): number {
  const maxD = opts.maxD ?? 1;
  const threshold = opts.threshold ?? 0.64;
  const m = Math.round(period);
  if (m <= 1) throw new Error('nsdiffs: non-seasonal data');
  let x: (number | null)[] = [...y];
  let D = 0;
  if (isConstant(x)) return D;
  const test = (v: (number | null)[]): boolean => {
    try {
      const s = seasonalStrength(v, m);
      return s !== null && s > threshold;
    } catch {
      // forecast warns and selects no seasonal difference when the test fails.
      return false;
    }
  };
  let dodiff = test(x);
  while (dodiff && D < maxD) {
    D++;
    x = diff(x, m);
    if (isConstant(x)) return D;
    dodiff = test(x);
  }
  return D;
}

/** Complex roots of c[0] + c[1] z + ... + c[k] z^k (R's polyroot order), as [re, im]. */
export {polyroot};

/** Smallest root modulus of 1 + c[0] z + c[1] z^2 + ...; Infinity when all c are zero. */
export function minRootModulus(coefFromLag1: ReadonlyArray<number>): number {
  let last = coefFromLag1.length - 1;
  while (last >= 0 && Math.abs(coefFromLag1[last]) <= 1e-8) last--;
  if (last < 0) return Infinity;
  const roots = polyroot([1, ...coefFromLag1.slice(0, last + 1)]);
  let m = Infinity;
  for (const [re, im] of roots) m = Math.min(m, Math.hypot(re, im));
  return m;
}

/**
 * Whether every root of c[0] + c[1] z + ... + c[k] z^k has modulus below `radius`, by the
 * Schur-Cohn recursion on the polynomial rescaled to the unit circle: far cheaper than
 * finding the roots, for tests run inside optimisers.
 */
export function rootsWithin(coef: ReadonlyArray<number>, radius = 1): boolean {
  let k = coef.length - 1;
  while (k > 0 && coef[k] === 0) k--;
  if (k <= 0) return true;
  let a = new Float64Array(k + 1);
  let b = new Float64Array(k + 1);
  let rp = 1;
  for (let i = 0; i <= k; i++) {
    a[i] = coef[i] * rp;
    rp *= radius;
  }
  for (let deg = k; deg >= 1; deg--) {
    const lead = a[deg];
    const c0 = a[0];
    if (!(Math.abs(c0) < Math.abs(lead))) return false;
    let maxAbs = 0;
    for (let i = 1; i <= deg; i++) {
      b[i - 1] = lead * a[i] - c0 * a[deg - i];
      maxAbs = Math.max(maxAbs, Math.abs(b[i - 1]));
    }
    if (!(maxAbs > 0) || !Number.isFinite(maxAbs)) return false;
    for (let i = 0; i < deg; i++) b[i] /= maxAbs;
    const t = a;
    a = b;
    b = t;
  }
  return true;
}
