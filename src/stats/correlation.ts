/**
 * Correlation between two series with R's conventions: Pearson with its t-test and
 * Fisher-z interval (cor.test), Spearman with cor.test's p-value (AS 89 without
 * ties, the t approximation with ties or n >= 1290), cross-correlation by lag (ccf:
 * the value at lag k estimates cor(x[t+k], y[t])), and a regression of log y on
 * lagged log x whose slope is an elasticity.
 */
import {InputError} from '../core/errors';
import {pnorm, pt, qnorm, qt} from './distributions';

export interface PearsonResult {
  r: number;
  t: number;
  df: number;
  pValue: number;
  /** Fisher-z 95% interval; null when n < 4 (as R, which gives none). */
  ci95: [number, number] | null;
  n: number;
}

export interface SpearmanResult {
  rho: number;
  /** The S statistic (n^3 - n)(1 - rho) / 6. */
  s: number;
  pValue: number;
  /** 'exact' (enumeration, n <= 9), 'edgeworth' (AS 89) or 't' (ties or large n). */
  method: 'exact' | 'edgeworth' | 't';
  ties: boolean;
  n: number;
}

export interface CcfResult {
  lags: number[];
  values: number[];
  /** Approximate 95% white-noise band, 1.96 / sqrt(n) (R's plot.acf default). */
  band95: number;
}

function checkPair(x: unknown, y: unknown, minN: number): [number[], number[]] {
  const check = (v: unknown, field: string): number[] => {
    if (!Array.isArray(v))
      throw new InputError(field, 'must be an array of numbers');
    v.forEach((e, i) => {
      if (typeof e !== 'number' || !Number.isFinite(e)) {
        throw new InputError(
          field,
          `value at index ${i} is not a finite number`,
        );
      }
    });
    return v as number[];
  };
  const a = check(x, 'x');
  const b = check(y, 'y');
  if (a.length !== b.length) {
    throw new InputError('y', `has ${b.length} values but x has ${a.length}`);
  }
  if (a.length < minN) {
    throw new InputError(
      'x',
      `needs at least ${minN} paired values, got ${a.length}`,
    );
  }
  return [a, b];
}

function corr(x: ReadonlyArray<number>, y: ReadonlyArray<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0)
    throw new InputError('x', 'is constant; correlation is undefined');
  if (syy === 0)
    throw new InputError('y', 'is constant; correlation is undefined');
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Two-sided p-value of a t statistic, finite for infinite t. */
function twoSidedT(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return Math.min(1, 2 * Math.min(pt(t, df), pt(t, df, false)));
}

/** Pearson's r with cor.test's t-test and 95% Fisher-z interval. */
export function pearson(x: unknown, y: unknown): PearsonResult {
  const [a, b] = checkPair(x, y, 3);
  const n = a.length;
  const r = corr(a, b);
  const df = n - 2;
  const t =
    Math.abs(r) === 1
      ? Math.sign(r) * Number.MAX_VALUE
      : (Math.sqrt(df) * r) / Math.sqrt(1 - r * r);
  const pValue = Math.abs(r) === 1 ? 0 : twoSidedT(t, df);
  let ci95: [number, number] | null = null;
  if (n > 3) {
    if (Math.abs(r) === 1) ci95 = [r, r];
    else {
      const z = Math.atanh(r);
      const half = qnorm(0.975) / Math.sqrt(n - 3);
      ci95 = [Math.tanh(z - half), Math.tanh(z + half)];
    }
  }
  return {r, t, df, pValue, ci95, n};
}

/** Average ranks (R's rank with ties.method = "average"). */
export function rank(x: ReadonlyArray<number>): number[] {
  const idx = x.map((_, i) => i).sort((i, j) => x[i] - x[j]);
  const r = new Array<number>(x.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && x[idx[j + 1]] === x[idx[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k]] = avg;
    i = j + 1;
  }
  return r;
}

/**
 * P[S >= is] (upper) or P[S < is] (lower) for Spearman's S under independence:
 * exact enumeration for n <= 9, else the Edgeworth series of AS 89 (R's prho).
 */
function prho(n: number, is: number, lowerTail: boolean): number {
  if (is <= 0) return lowerTail ? 0 : 1;
  const n3 = (n * (n * n - 1)) / 3;
  if (is > n3) return lowerTail ? 1 : 0;
  if (n <= 9) {
    const perm = Array.from({length: n}, (_, i) => i + 1);
    let nfac = 0;
    let ifr = 0;
    // Heap's algorithm over all n! rank permutations.
    const c = new Array<number>(n).fill(0);
    const count = () => {
      nfac++;
      let ise = 0;
      for (let i = 0; i < n; i++) {
        const d = i + 1 - perm[i];
        ise += d * d;
      }
      if (is <= ise) ifr++;
    };
    count();
    for (let i = 0; i < n;) {
      if (c[i] < i) {
        const j = i % 2 === 0 ? 0 : c[i];
        const tmp = perm[j];
        perm[j] = perm[i];
        perm[i] = tmp;
        count();
        c[i]++;
        i = 0;
      } else {
        c[i] = 0;
        i++;
      }
    }
    return (lowerTail ? nfac - ifr : ifr) / nfac;
  }
  const b = 1 / n;
  const x = ((6 * (is - 1) * b) / (n * n - 1) - 1) * Math.sqrt(1 / b - 1);
  let y = x * x;
  const u =
    x *
    b *
    (0.2274 +
      b * (0.2531 + 0.1745 * b) +
      y *
        (-0.0758 +
          b * (0.1033 + 0.3932 * b) -
          y *
            b *
            (0.0879 +
              0.0151 * b -
              y * (0.0072 - 0.0831 * b + y * b * (0.0131 - 4.6e-4 * y)))));
  y = u / Math.exp(y / 2);
  // Each tail directly (R's prho), so a small lower tail keeps its precision.
  const pv = (lowerTail ? -y : y) + pnorm(x, 0, 1, lowerTail);
  return Math.max(0, Math.min(1, pv));
}

/** Spearman's rho with the two-sided p-value of R's cor.test(method = "spearman"). */
export function spearman(x: unknown, y: unknown): SpearmanResult {
  const [a, b] = checkPair(x, y, 3);
  const n = a.length;
  const ra = rank(a);
  const rb = rank(b);
  const ties = new Set(a).size < n || new Set(b).size < n;
  const rho = corr(ra, rb);
  const s = ((n * n * n - n) * (1 - rho)) / 6;
  const exact = n < 1290 && !ties;
  const p1 = (lowerTail: boolean): number => {
    if (exact) return prho(n, Math.round(s) + (lowerTail ? 2 : 0), lowerTail);
    const den = (n * (n * n - 1)) / 6;
    const r = 1 - s / den;
    if (Math.abs(r) >= 1) return r > 0 === lowerTail ? 1 : 0;
    return pt(r / Math.sqrt((1 - r * r) / (n - 2)), n - 2, !lowerTail);
  };
  const p = s > (n * n * n - n) / 6 ? p1(false) : p1(true);
  return {
    rho,
    s,
    pValue: Math.min(1, 2 * p),
    method: exact ? (n <= 9 ? 'exact' : 'edgeworth') : 't',
    ties,
    n,
  };
}

/** R's default ccf lag.max: floor(10 * log10(n / 2)), at most n - 1. */
export function defaultMaxLag(n: number): number {
  return Math.max(
    0,
    Math.min(n - 1, Math.floor(10 * (Math.log10(n) - Math.log10(2)))),
  );
}

/**
 * Cross-correlation as R's ccf(x, y): at lag k, sum over t of
 * (x[t+k] - mean x)(y[t] - mean y) / n, divided by sqrt(var0 x * var0 y).
 */
export function ccf(x: unknown, y: unknown, maxLag?: number): CcfResult {
  const [a, b] = checkPair(x, y, 3);
  const n = a.length;
  let L = defaultMaxLag(n);
  if (maxLag !== undefined && maxLag !== null) {
    if (typeof maxLag !== 'number' || !Number.isInteger(maxLag) || maxLag < 0) {
      throw new InputError('maxLag', 'must be a non-negative integer');
    }
    L = Math.min(maxLag, n - 1);
  }
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += a[i];
    my += b[i];
  }
  mx /= n;
  my /= n;
  let cxx = 0;
  let cyy = 0;
  for (let i = 0; i < n; i++) {
    cxx += (a[i] - mx) * (a[i] - mx);
    cyy += (b[i] - my) * (b[i] - my);
  }
  if (cxx === 0)
    throw new InputError('x', 'is constant; cross-correlation is undefined');
  if (cyy === 0)
    throw new InputError('y', 'is constant; cross-correlation is undefined');
  const denom = Math.sqrt(cxx * cyy);
  const lags: number[] = [];
  const values: number[] = [];
  for (let k = -L; k <= L; k++) {
    let s = 0;
    for (let t = Math.max(0, -k); t < n && t + k < n; t++) {
      s += (a[t + k] - mx) * (b[t] - my);
    }
    lags.push(k);
    values.push(s / denom);
  }
  return {lags, values, band95: qnorm(0.975) / Math.sqrt(n)};
}

/**
 * The lag with the strongest cross-correlation (largest |value|; on a tie the
 * smaller |lag|, then the negative one, i.e. x leading).
 */
export function bestLag(c: CcfResult): {lag: number; value: number} {
  let best = 0;
  for (let i = 1; i < c.lags.length; i++) {
    const d = Math.abs(c.values[i]) - Math.abs(c.values[best]);
    if (
      d > 1e-12 ||
      (Math.abs(d) <= 1e-12 && Math.abs(c.lags[i]) < Math.abs(c.lags[best]))
    ) {
      best = i;
    }
  }
  return {lag: c.lags[best], value: c.values[best]};
}

export interface ElasticityResult {
  /** x leads y by this many steps: y[t] is regressed on x[t - lag]. */
  lag: number;
  n: number;
  intercept: number;
  /** Slope of log y on log x: the elasticity. */
  slope: number;
  /** Newey-West (Bartlett kernel) standard error, robust to autocorrelation. */
  se: number;
  seOls: number;
  ci95: [number, number];
  pValue: number;
  r2: number;
  /** Percent change in y that goes with 10% more x: 100 (1.1^slope - 1), with its interval. */
  pctFor10Pct: number;
  pctFor10PctCi95: [number, number];
  /** Added to both series before the log when some values are zero (else 0). */
  offset: number;
}

/**
 * Regression of log(y[t]) on log(x[t - lag]): the slope is the elasticity of y
 * with respect to lagged x. Uses log(v + 1) for both series when any value is 0.
 * Intervals use Newey-West standard errors because daily activity residuals are
 * autocorrelated; OLS errors would overstate the precision.
 */
export function laggedElasticity(
  x: unknown,
  y: unknown,
  lag = 0,
): ElasticityResult {
  const [a, b] = checkPair(x, y, 5);
  if (!Number.isInteger(lag) || lag < 0) {
    throw new InputError('lag', 'must be a non-negative integer (x leading y)');
  }
  if (a.some(v => v < 0))
    throw new InputError('x', 'activity counts must not be negative');
  if (b.some(v => v < 0))
    throw new InputError('y', 'activity counts must not be negative');
  const offset = a.some(v => v === 0) || b.some(v => v === 0) ? 1 : 0;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let t = lag; t < a.length; t++) {
    xs.push(Math.log(a[t - lag] + offset));
    ys.push(Math.log(b[t] + offset));
  }
  const n = xs.length;
  if (n < 5)
    throw new InputError('lag', `leaves only ${n} pairs; need at least 5`);
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
    syy += (ys[i] - my) ** 2;
  }
  if (sxx === 0)
    throw new InputError('x', 'is constant; the slope is undefined');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const e = ys.map((v, i) => v - intercept - slope * xs[i]);
  const sse = e.reduce((s, v) => s + v * v, 0);
  const df = n - 2;
  const sigma2 = sse / df;
  const seOls = Math.sqrt(sigma2 / sxx);
  // Newey-West: long-run variance of (x - mean x) e with Bartlett weights.
  const L = Math.floor(4 * Math.pow(n / 100, 2 / 9));
  const u = xs.map((v, i) => (v - mx) * e[i]);
  let s = 0;
  for (let i = 0; i < n; i++) s += u[i] * u[i];
  for (let l = 1; l <= L; l++) {
    let g = 0;
    for (let i = l; i < n; i++) g += u[i] * u[i - l];
    s += 2 * (1 - l / (L + 1)) * g;
  }
  const seHac = Math.sqrt(Math.max(s, 0) * (n / df)) / sxx;
  const se = Math.max(seHac, Number.MIN_VALUE);
  const tq = qt(0.975, df);
  const ci95: [number, number] = [slope - tq * se, slope + tq * se];
  const tStat = slope / se;
  const pct = (b1: number) => 100 * (Math.pow(1.1, b1) - 1);
  return {
    lag,
    n,
    intercept,
    slope,
    se,
    seOls,
    ci95,
    pValue: sse === 0 ? 0 : twoSidedT(tStat, df),
    r2: syy > 0 ? Math.max(0, Math.min(1, 1 - sse / syy)) : 1,
    pctFor10Pct: pct(slope),
    pctFor10PctCi95: [pct(ci95[0]), pct(ci95[1])],
    offset,
  };
}
