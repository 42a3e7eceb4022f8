/**
 * Robust location and scale, and outlier tests that do not let the outliers
 * themselves inflate the yardstick: median, quantiles (R type 7), MAD, robust
 * z-scores and Rosner's generalized extreme Studentized deviate (ESD) test.
 */
import {InputError} from '../core/errors';
import {qnorm, qt} from './distributions';

/** Consistency constant making the MAD estimate the normal standard deviation (R's mad). */
export const MAD_CONSTANT = 1.4826;

/** Throws InputError naming `field` unless `x` is a non-empty array of finite numbers. */
function checkFinite(x: ReadonlyArray<number>, field: string): void {
  if (!Array.isArray(x))
    throw new InputError(field, 'must be an array of numbers');
  for (let i = 0; i < x.length; i++) {
    if (typeof x[i] !== 'number' || !Number.isFinite(x[i])) {
      throw new InputError(field, `value at index ${i} is not a finite number`);
    }
  }
  if (x.length === 0) throw new InputError(field, 'is empty');
}

function finiteValues(x: ReadonlyArray<number>, field: string): number[] {
  checkFinite(x, field);
  return x.slice();
}

/**
 * The values, checked finite, sorted ascending. A Float64Array sorts numerically in native
 * code with no comparator calls: medians run inside the anomaly decomposition's loops.
 */
function sortedFinite(x: ReadonlyArray<number>, field: string): Float64Array {
  checkFinite(x, field);
  // An indexed copy: Float64Array.from goes through the array's iterator.
  const n = x.length;
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = x[i];
  return v.sort();
}

/** Median of values already sorted ascending (non-empty). */
export function medianOfSorted(v: Float64Array): number {
  const n = v.length;
  const h = n >> 1;
  // `+ 0`: -0 sorts before 0, the value is the same number either way.
  return (n % 2 === 1 ? v[h] : (v[h - 1] + v[h]) / 2) + 0;
}

/**
 * Rearranges a[lo..hi] so that a[k] holds the value sorting would put there, every value
 * before it is no larger and every value after it no smaller (quickselect; sorts what is
 * left should the partitions keep coming out lopsided).
 */
function selectInPlace(
  a: Float64Array,
  k: number,
  lo: number,
  hi: number,
): void {
  for (let rounds = 0; hi > lo; rounds++) {
    if (hi - lo < 16 || rounds > 48) {
      a.subarray(lo, hi + 1).sort();
      return;
    }
    const mid = (lo + hi) >> 1;
    let t: number;
    if (a[mid] < a[lo]) {
      t = a[mid];
      a[mid] = a[lo];
      a[lo] = t;
    }
    if (a[hi] < a[lo]) {
      t = a[hi];
      a[hi] = a[lo];
      a[lo] = t;
    }
    if (a[hi] < a[mid]) {
      t = a[hi];
      a[hi] = a[mid];
      a[mid] = t;
    }
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/**
 * The median of a[0..n) (finite values), reordering them: the middle order statistics
 * found by selection, the same values (and arithmetic) as medianOfSorted of the sorted copy.
 */
function selectMedian(a: Float64Array, n: number): number {
  const h = n >> 1;
  selectInPlace(a, h, 0, n - 1);
  if (n % 2 === 1) return a[h] + 0;
  let below = a[0];
  for (let i = 1; i < h; i++) if (a[i] > below) below = a[i];
  return (below + a[h]) / 2 + 0;
}

/** Scratch of median(), grown as needed. */
let medianBuffer = new Float64Array(256);

/** Median (mean of the two middle values for an even count). */
export function median(x: ReadonlyArray<number>, field = 'x'): number {
  checkFinite(x, field);
  const n = x.length;
  if (medianBuffer.length < n) medianBuffer = new Float64Array(2 * n);
  const v = medianBuffer;
  for (let i = 0; i < n; i++) v[i] = x[i];
  return selectMedian(v, n);
}

/** Sort buffer of medianOfRange, grown as needed. */
let rangeBuffer = new Float64Array(64);

/**
 * median(x.slice(from, to)) without the copy: the values are selected in a reused buffer
 * (the level-shift search re-measures its best shift this way).
 */
export function medianOfRange(
  x: ReadonlyArray<number>,
  from: number,
  to: number,
  field = 'x',
): number {
  const a = Math.max(0, from);
  const b = Math.min(x.length, to);
  const n = b - a;
  if (n <= 0) throw new InputError(field, 'is empty');
  if (rangeBuffer.length < n) rangeBuffer = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const y = x[a + i];
    if (typeof y !== 'number' || !Number.isFinite(y)) {
      throw new InputError(field, `value at index ${i} is not a finite number`);
    }
    rangeBuffer[i] = y;
  }
  return selectMedian(rangeBuffer, n);
}

/**
 * A window of values kept sorted as it slides: each step inserts and removes one value
 * instead of sorting the window again. Its median and median deviation are those of
 * median() over the same values (the same order statistics, the same arithmetic).
 */
export class SortedWindow {
  private buf: Float64Array;
  private count = 0;

  constructor(capacity: number) {
    this.buf = new Float64Array(Math.max(1, Math.ceil(capacity)));
  }

  get size(): number {
    return this.count;
  }

  /** Positions [from, to) of `x` held after slide(). */
  private from = 0;
  private to = 0;

  /**
   * Holds x[from..to) (clamped to the array) after holding an earlier range of the same
   * array: both ends move forward only, the values that leave are removed and those that
   * enter added.
   */
  slide(x: ArrayLike<number>, from: number, to: number, field = 'x'): void {
    const a = Math.max(0, from);
    const b = Math.min(x.length, to);
    if (a < this.from || b < this.to) {
      throw new Error('SortedWindow: a window only slides forward');
    }
    for (let i = this.from; i < Math.min(a, this.to); i++) this.remove(x[i]);
    for (let i = Math.max(this.to, a); i < b; i++) this.add(x[i], field, i);
    this.from = a;
    this.to = Math.max(a, b);
  }

  /** Adds a finite value (InputError naming `field` otherwise). */
  add(v: number, field = 'x', index = 0): void {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InputError(
        field,
        `value at index ${index} is not a finite number`,
      );
    }
    if (this.count === this.buf.length) {
      const grown = new Float64Array(2 * this.buf.length);
      grown.set(this.buf);
      this.buf = grown;
    }
    const b = this.buf;
    let i = this.count++;
    while (i > 0 && b[i - 1] > v) {
      b[i] = b[i - 1];
      i--;
    }
    b[i] = v;
  }

  /** Removes one value equal to v (one that was added). */
  remove(v: number): void {
    const b = this.buf;
    const n = this.count;
    const lo = this.firstNotBelow(v);
    if (lo >= n || b[lo] !== v) throw new Error('SortedWindow: value not held');
    b.copyWithin(lo, lo + 1, n);
    this.count--;
  }

  /** Position of the first value held that is not below v (binary search). */
  private firstNotBelow(v: number): number {
    const b = this.buf;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (b[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Median of the values held (non-empty). */
  median(): number {
    const b = this.buf;
    const n = this.count;
    const h = n >> 1;
    return (n % 2 === 1 ? b[h] : (b[h - 1] + b[h]) / 2) + 0;
  }

  /**
   * median(|v - center|) over the values held (non-empty): the distances below and above
   * center are each already in order, so their merge yields the middle ones.
   */
  medianDeviation(center: number, field = 'x'): number {
    const b = this.buf;
    const n = this.count;
    if (n === 0) throw new InputError(field, 'is empty');
    if (
      !Number.isFinite(Math.abs(b[0] - center)) ||
      !Number.isFinite(Math.abs(b[n - 1] - center))
    ) {
      throw new InputError(field, 'a distance from the center is not finite');
    }
    const lo = this.firstNotBelow(center);
    let i = lo - 1;
    let j = lo;
    const h = n >> 1;
    let prev = 0;
    let cur = 0;
    for (let t = 0; t <= h; t++) {
      prev = cur;
      if (
        j >= n ||
        (i >= 0 && Math.abs(b[i] - center) <= Math.abs(b[j] - center))
      ) {
        cur = Math.abs(b[i] - center);
        i--;
      } else {
        cur = Math.abs(b[j] - center);
        j++;
      }
    }
    return (n % 2 === 1 ? cur : (prev + cur) / 2) + 0;
  }
}

/**
 * For each position k, median() of the values x[j] with |j - k| <= half (inside the
 * array) that `include` keeps, NaN where it keeps none.
 */
export function rollingMedian(
  x: ArrayLike<number>,
  half: number,
  include: ((j: number) => boolean) | null = null,
  field = 'x',
): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  const win = new SortedWindow(2 * half + 1);
  // The window of position -1: [0, half - 1].
  for (let j = 0; j < Math.min(n, half); j++) {
    if (include === null || include(j)) win.add(x[j], field, j);
  }
  for (let k = 0; k < n; k++) {
    const drop = k - half - 1;
    if (drop >= 0 && (include === null || include(drop))) win.remove(x[drop]);
    const add = k + half;
    if (add < n && (include === null || include(add)))
      win.add(x[add], field, add);
    out[k] = win.size > 0 ? win.median() : NaN;
  }
  return out;
}

/** Sample quantile by R's default definition (type 7: linear interpolation). */
export function quantile(
  x: ReadonlyArray<number>,
  p: number,
  field = 'x',
): number {
  if (!(p >= 0 && p <= 1)) throw new InputError('p', 'must be in [0, 1]');
  const v = sortedFinite(x, field);
  const h = (v.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, v.length - 1);
  return v[lo] + (h - lo) * (v[hi] - v[lo]);
}

/** Median absolute deviation, scaled (by default) to estimate sigma under normality. */
export function mad(
  x: ReadonlyArray<number>,
  constant = MAD_CONSTANT,
  center?: number,
  field = 'x',
): number {
  const c = center ?? median(x, field);
  return (
    constant *
    median(
      x.map(v => Math.abs(v - c)),
      field,
    )
  );
}

/**
 * A scale that stays positive when more than half the values are equal (MAD = 0):
 * falls back to the scaled mean absolute deviation, then to a floor relative to
 * the level, so scores are always finite.
 */
export function robustScale(
  x: ReadonlyArray<number>,
  center?: number,
  floor = 0,
): number {
  const c = center ?? median(x);
  const m = mad(x, MAD_CONSTANT, c);
  if (m > floor && m > 0) return m;
  let sum = 0;
  for (const v of x) sum += Math.abs(v - c);
  // 1.2533 = sqrt(pi/2): mean absolute deviation to sigma under normality.
  const meanAbs = (1.2533 * sum) / x.length;
  const s = Math.max(meanAbs, floor);
  return s > 0 ? s : 1;
}

/**
 * Robust correlation of paired values (Gnanadesikan and Kettenring): from the robust
 * scales of the standardised sum and difference, (s(u)^2 - s(v)^2) / (s(u)^2 + s(v)^2),
 * so a few outlying pairs (the very events a detector looks for) do not set it.
 * 0 when there are fewer than 3 pairs or either side has no spread.
 */
export function robustCorrelation(
  x: ReadonlyArray<number>,
  y: ReadonlyArray<number>,
): number {
  if (x.length !== y.length) {
    throw new InputError('y', `must have the ${x.length} values of x`);
  }
  if (x.length < 3) return 0;
  const cx = median(x);
  const cy = median(y);
  const sx = robustScale(x, cx);
  const sy = robustScale(y, cy);
  if (!(sx > 0 && sy > 0)) return 0;
  const u = x.map((v, i) => (v - cx) / sx + (y[i] - cy) / sy);
  const w = x.map((v, i) => (v - cx) / sx - (y[i] - cy) / sy);
  const su = robustScale(u, median(u)) ** 2;
  const sw = robustScale(w, median(w)) ** 2;
  return su + sw > 0 ? (su - sw) / (su + sw) : 0;
}

/** (x - median) / MAD scores. */
export function robustZ(
  x: ReadonlyArray<number>,
  floor = 0,
): {center: number; scale: number; z: number[]} {
  const center = median(x);
  const scale = robustScale(x, center, floor);
  return {center, scale, z: x.map(v => (v - center) / scale)};
}

export interface EsdResult {
  /** Indices of the outliers found, in the order they were removed. */
  outliers: number[];
  /** Test statistic R_i and critical value lambda_i for each step i = 1..maxOutliers. */
  steps: Array<{
    index: number;
    value: number;
    statistic: number;
    critical: number;
  }>;
}

/**
 * Rosner's (1983) generalized ESD test for up to maxOutliers outliers at level alpha.
 * With `robust`, each step measures deviation from the median in MAD units
 * (the variant used for seasonal-remainder anomaly detection), else from the mean
 * in standard deviations as Rosner defines it. The number of outliers is the
 * largest i with R_i > lambda_i.
 */
export function generalizedEsd(
  x: ReadonlyArray<number>,
  maxOutliers: number,
  alpha = 0.05,
  robust = false,
): EsdResult {
  const values = finiteValues(x, 'x');
  const n = values.length;
  if (!Number.isInteger(maxOutliers) || maxOutliers < 1) {
    throw new InputError('maxOutliers', 'must be a positive integer');
  }
  if (!(alpha > 0 && alpha < 1))
    throw new InputError('alpha', 'must be in (0, 1)');
  const k = Math.min(maxOutliers, n - 3);
  const active = values.map((v, i) => ({v, i}));
  const steps: EsdResult['steps'] = [];
  let found = 0;
  for (let step = 1; step <= k; step++) {
    const m = active.length;
    let center: number;
    let scale: number;
    if (robust) {
      const vs = active.map(a => a.v);
      center = median(vs);
      scale = robustScale(vs, center);
    } else {
      let s = 0;
      for (const a of active) s += a.v;
      center = s / m;
      let ss = 0;
      for (const a of active) ss += (a.v - center) * (a.v - center);
      scale = Math.sqrt(ss / (m - 1));
    }
    if (!(scale > 0)) break;
    let best = 0;
    for (let j = 1; j < m; j++) {
      if (Math.abs(active[j].v - center) > Math.abs(active[best].v - center)) {
        best = j;
      }
    }
    const statistic = Math.abs(active[best].v - center) / scale;
    const p = 1 - alpha / (2 * m);
    const t = qt(p, m - 2);
    const critical = ((m - 1) * t) / Math.sqrt((m - 2 + t * t) * m);
    steps.push({
      index: active[best].i,
      value: active[best].v,
      statistic,
      critical,
    });
    if (statistic > critical) found = step;
    active.splice(best, 1);
  }
  return {outliers: steps.slice(0, found).map(s => s.index), steps};
}

/**
 * How far one tail of a set of scores reaches, as a multiple of the standard normal's:
 * (median - q-quantile) / (0 - qnorm(q)) for the lower tail (q < 0.5), (q-quantile -
 * median) / qnorm(q) for the upper (q > 0.5). 1 for scores that are standard normal; above
 * 1 where the tail is heavier than the scores' model says (a school whose ordinary bad
 * days reach -3.5 more often than one day in four thousand). NaN with fewer than 1 / min(q,
 * 1 - q) values, too few to see that quantile.
 */
export function tailReach(x: ReadonlyArray<number>, q: number): number {
  if (!(q > 0 && q < 1 && q !== 0.5)) {
    throw new InputError('q', 'must be in (0, 1), not 0.5');
  }
  const v = x.filter(Number.isFinite);
  if (v.length < 1 / Math.min(q, 1 - q)) return NaN;
  const m = median(v);
  return (quantile(v, q) - m) / qnorm(q);
}
