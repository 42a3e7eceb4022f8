/**
 * Calendar-aware anomaly detection on daily and weekly engagement series.
 *
 * Method, per series:
 * 1. Non-school days (weekends, holidays, breaks, summer) and missing or partial days
 *    are "closed": they get zero weight in the decomposition (so they neither pull the
 *    trend nor the weekday pattern) and are never flagged.
 * 2. Counts are modelled on the log scale (log(y + c), c = 5% of the typical level), so
 *    seasonal effects are multiplicative and a remainder reads as a relative change.
 * 3. Robust STL (bisquare robustness iterations) splits the school-day values into trend,
 *    seasonal and remainder; outages get zero robustness weight and do not distort the fit.
 * 4. Each remainder is scored in robust units (MAD, per cycle position when there are
 *    enough values, so a noisy weekday does not inflate the others). A day is an anomaly
 *    when |score| >= threshold and the change is at least `minChangePct`.
 * 5. Sustained level shifts (disengagement) are found on the deseasonalized school-day
 *    values by comparing medians of the windows before and after each day; medians ignore
 *    short outages, and a shift must be abrupt (not a ramp) to count.
 * 6. The first school day after a break is never a surge, nor is a day in a testing window;
 *    the last day of the school year (a half day in many districts) is never a drop.
 */
import {InputError} from '../core/errors';
import type {
  DailyFact,
  Role,
  SchoolCalendar,
  Settings,
  WeeklyFact,
} from '../core/types';
import {addDays, dayNumber, weekday} from '../clean/dates';
import {
  median,
  medianDeviationOfRange,
  medianOfRange,
  medianOfSorted,
  quantile,
  robustScale,
  MAD_CONSTANT,
} from '../stats/robust';
import {loessPass} from '../stats/stl';

export type AnomalyKind = 'outage' | 'level_shift' | 'spike' | 'dip';
export type Severity = 'low' | 'medium' | 'high';

export interface SeriesAnomaly {
  /** Position in the input series (for a level shift: its first day). */
  index: number;
  date?: string;
  direction: 'drop' | 'surge';
  observed: number;
  expected: number;
  /** (observed - expected) / expected x 100; null when expected is 0. */
  changePct: number | null;
  /** Robust score: |remainder| in robust standard deviations (always >= 0). */
  score: number;
  severity: Severity;
  kind: AnomalyKind;
  /** Level shifts: the last day of the shifted period and its school-day count. */
  endIndex?: number;
  endDate?: string;
  days?: number;
}

export interface SeriesAnomalyOptions {
  /** Seasonal period in steps (7 for daily, 52 for weekly, 12 for monthly; 1 for none). */
  period: number;
  /** ISO dates of each value (optional; used for labels and break gaps). */
  dates?: ReadonlyArray<string>;
  /** True where the day is closed: not fitted, never flagged. */
  closed?: ReadonlyArray<boolean>;
  /** True inside windows with expected peaks (testing): no surges there. */
  expectedPeaks?: ReadonlyArray<boolean>;
  /** Robust score threshold. Default 3.5. */
  threshold?: number;
  /** Smallest relative change (percent) reported. Default 15. */
  minChangePct?: number;
  /** A run of at most `maxOutageDays` drops each falling this much is an outage. Default 30. */
  outageFallPct?: number;
  maxOutageDays?: number;
  /** Open values on each side compared for level shifts. Default 10 (daily), else 8. */
  levelShiftWindow?: number;
  /** Smallest level shift reported (percent). Default 20. */
  minShiftPct?: number;
  /**
   * Closed steps in a row that make a break (the next open day is "after a break").
   * Default 3 for period 7 (a weekend is not a break), else 1. With dates, a gap of
   * this many days or more between open dates is also a break.
   */
  breakMinClosedRun?: number;
  /** Seasonal window in cycles. Default 13 with 7 or more cycles, else "periodic". */
  sWindow?: number | 'periodic';
  /**
   * Scale of the model: 'log' (relative changes; needs non-negative values), 'additive',
   * or 'auto' (default): log unless the additive fit is clearly closer to the data.
   */
  mode?: 'auto' | 'log' | 'additive';
  /** Trend window in school days (open values). Default from STL's rule on the school-day cycle. */
  trendWindow?: number;
}

export interface SeriesAnomalyResult {
  anomalies: SeriesAnomaly[];
  /** Expected value per position (null where closed). */
  expected: Array<number | null>;
  /** Signed robust score per position (null where closed). */
  scores: Array<number | null>;
  /** 'log' when values are non-negative counts with a positive median, else 'additive'. */
  mode: 'log' | 'additive';
  /** The remainder's robust scale (model units). */
  scale: number;
  /** Whether a seasonal cycle was fitted (needs more than two full periods). */
  seasonal: boolean;
}

const DEFAULT_THRESHOLD = 3.5;

function checkBoolArray(
  v: unknown,
  n: number,
  field: string,
): ReadonlyArray<boolean> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.length !== n) {
    throw new InputError(field, `must be an array of ${n} booleans`);
  }
  return v.map(b => b === true);
}

function severityOf(
  absChange: number | null,
  score: number,
  threshold: number,
): Severity {
  const c = absChange ?? 0;
  if (c >= 50 || score >= 3 * threshold) return 'high';
  if (c >= 30 || score >= 2 * threshold) return 'medium';
  return 'low';
}

function oddAtLeast3(x: number): number {
  let r = Math.max(3, Math.round(x));
  if (r % 2 === 0) r++;
  return r;
}

/**
 * The diagonal of the loess smoother matrix (each point's weight in its own fitted
 * value) for positions 0..m-1 with span `span`, degree 0 or 1 and prior weights w,
 * computed with the same windows and weights as stl.f's loess (stless with jump 1).
 */
function loessLeverage(
  m: number,
  span: number,
  degree: number,
  w: number[],
): number[] {
  const out = new Array<number>(m).fill(0);
  const len = Math.max(3, span);
  const nsh = Math.trunc((len + 1) / 2);
  const range = m - 1;
  // One window's kernel weights, reused for every position.
  const ww = new Float64Array(Math.ceil(Math.min(len, m)) + 1);
  for (let k = 0; k < m; k++) {
    let l: number;
    let r: number;
    if (len >= m) {
      l = 0;
      r = m - 1;
    } else if (k + 1 <= nsh) {
      l = 0;
      r = len - 1;
    } else {
      l = Math.min(k - nsh + 1, m - len);
      r = l + len - 1;
    }
    let h = Math.max(k - l, r - k);
    if (len > m) h += Math.trunc((len - m) / 2);
    let a = 0;
    for (let j = l; j <= r; j++) {
      const d = Math.abs(j - k);
      let v = 0;
      if (d <= 0.999 * h) {
        const q = d / h;
        v = d <= 0.001 * h ? 1 : Math.pow(1 - q * q * q, 3);
        v *= w[j];
      }
      ww[j - l] = v;
      a += v;
    }
    if (a <= 0) continue;
    const self = ww[k - l] / a;
    if (degree > 0 && h > 0) {
      let mean = 0;
      for (let j = l; j <= r; j++) mean += (ww[j - l] / a) * j;
      let c = 0;
      for (let j = l; j <= r; j++)
        c += (ww[j - l] / a) * (j - mean) * (j - mean);
      out[k] =
        Math.sqrt(c) > 0.001 * range
          ? self * (1 + ((k - mean) * (k - mean)) / c)
          : self;
    } else {
      out[k] = self;
    }
  }
  return out;
}

/** Piecewise-linear interpolation of values known at sorted positions, flat beyond the ends. */
function interpolateAt(ix: number[], v: number[], m: number): number[] {
  const out = new Array<number>(m);
  let j = 0;
  for (let k = 0; k < m; k++) {
    while (j + 1 < ix.length && ix[j + 1] <= k) j++;
    if (k <= ix[0]) out[k] = v[0];
    else if (j + 1 >= ix.length) out[k] = v[ix.length - 1];
    else
      out[k] = v[j] + ((v[j + 1] - v[j]) * (k - ix[j])) / (ix[j + 1] - ix[j]);
  }
  return out;
}

/** Bisquare weights of residuals from phase medians and a running median of the rest. */
function initialWeights(
  z: number[],
  byPhase: Map<number, number[]>,
  window: number,
  prior: number[],
): number[] {
  const m = z.length;
  const fitPos = (k: number) => prior[k] > 0;
  const s0 = new Array<number>(m).fill(0);
  if (byPhase.size > 1) {
    for (const [, ix] of byPhase) {
      const vals = ix.filter(fitPos).map(k => z[k]);
      const med = vals.length > 0 ? median(vals) : 0;
      for (const k of ix) s0[k] = med;
    }
  }
  const d = z.map((v, k) => v - s0[k]);
  const half = Math.floor(window / 2);
  const r = new Array<number>(m).fill(0);
  // One buffer for every window's median (this loop runs per day of every series).
  const buf = new Float64Array(2 * half + 1);
  for (let k = 0; k < m; k++) {
    let n = 0;
    let finite = true;
    for (let j = Math.max(0, k - half); j <= Math.min(m - 1, k + half); j++) {
      if (fitPos(j)) {
        buf[n++] = d[j];
        if (!Number.isFinite(d[j])) finite = false;
      }
    }
    if (n === 0) continue;
    // A bad value goes through median, whose error names it.
    const med = finite
      ? medianOfSorted(buf.subarray(0, n).sort())
      : median(Array.from(buf.subarray(0, n)));
    r[k] = Math.abs(d[k] - med);
  }
  const cmad = 6 * median(r.filter((_, k) => fitPos(k)));
  return r.map((x, k) => {
    if (!(cmad > 0)) return prior[k];
    const q = x / cmad;
    return q >= 1 ? 0 : prior[k] * (1 - q * q) * (1 - q * q);
  });
}

/** Weighted mean, falling back to the plain mean when every weight is zero. */
function weightedMean(v: number[], w: number[]): number {
  let sw = 0;
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    sw += w[i];
    s += w[i] * v[i];
  }
  return sw > 0 ? s / sw : v.reduce((a, b) => a + b, 0) / v.length;
}

/**
 * STL on an irregular sequence: `z` holds the open values in time order and `phases`
 * their cycle positions, which need not repeat regularly (holidays remove days). As
 * STL: inner passes alternate a loess of each cycle-subseries (the seasonal), a
 * low-pass removal so the seasonal has no level, and a loess of the deseasonalized
 * values (the trend); outer passes compute bisquare robustness weights.
 */
function decomposeOpen(
  z: number[],
  phases: number[],
  period: number,
  perCycle: number,
  sWindowOpt: number | 'periodic' | undefined,
  trendWindowOpt: number | undefined,
  prior: number[],
): {
  trend: number[];
  seasonal: number[] | null;
  weights: number[];
  leverage: number[];
} {
  const m = z.length;
  const byPhase = new Map<number, number[]>();
  phases.forEach((p, k) => {
    const list = byPhase.get(p);
    if (list) list.push(k);
    else byPhase.set(p, [k]);
  });
  const cycles = m / Math.max(perCycle, 1);
  const seasonalOk =
    period >= 2 &&
    cycles >= 2 &&
    [...byPhase.values()].every(ix => ix.length >= 2);
  const sWindow = sWindowOpt ?? (cycles >= 7 ? 13 : 'periodic');
  const cycleLen = Math.max(2, Math.round(perCycle));
  const sw = sWindow === 'periodic' ? Infinity : sWindow;
  const tWindow = oddAtLeast3(
    trendWindowOpt ??
      (seasonalOk
        ? Math.max(15, Math.ceil((1.5 * cycleLen) / (1 - 1.5 / sw)))
        : Math.min(15, Math.max(7, m / 4))),
  );
  // Robust start: weights from a running-median fit, so an outage does not drag the
  // first (unweighted) loess towards itself before the robustness weights see it.
  let rw = initialWeights(z, byPhase, tWindow, prior);
  let trend = new Array<number>(m).fill(0);
  const subFit: number[] = [];
  let seasonal: number[] | null = seasonalOk
    ? new Array<number>(m).fill(0)
    : null;
  const outer = 4;
  for (let o = 0; o <= outer; o++) {
    for (let inner = 0; inner < 2; inner++) {
      if (seasonal) {
        const s = new Array<number>(m).fill(0);
        for (const [, ix] of byPhase) {
          const v = ix.map(k => z[k] - trend[k]);
          const w = ix.map(k => rw[k]);
          if (sWindow === 'periodic' || ix.length < 7) {
            const mean = weightedMean(v, w);
            ix.forEach(k => (s[k] = mean));
          } else if (w.filter(x => x > 0).length >= 3) {
            const fit = loessPass(v, sWindow, 0, w, subFit);
            ix.forEach((k, j) => (s[k] = fit[j]));
          } else {
            const mean = weightedMean(v, w);
            ix.forEach(k => (s[k] = mean));
          }
        }
        // Remove the seasonal's level: at each position, the mean over cycle positions
        // of each subseries' smooth (interpolated there). Unlike a moving average this is
        // exact when holidays make the cycle irregular.
        const level = new Array<number>(m).fill(0);
        for (const [, ix] of byPhase) {
          const f = interpolateAt(
            ix,
            ix.map(k => s[k]),
            m,
          );
          for (let k = 0; k < m; k++) level[k] += f[k] / byPhase.size;
        }
        seasonal = s.map((v, k) => v - level[k]);
      }
      const season = seasonal;
      const deseas = z.map((v, k) => v - (season ? season[k] : 0));
      const w = rw.some(x => x > 0) ? rw : rw.map(() => 1);
      trend = loessPass(deseas, tWindow, 1, w, []);
    }
    if (o === outer) break;
    const season = seasonal;
    const r = z.map((v, k) =>
      Math.abs(v - trend[k] - (season ? season[k] : 0)),
    );
    const cmad = 6 * median(r.filter((_, k) => prior[k] > 0));
    rw = r.map((x, k) => {
      if (cmad <= 0) return x === 0 ? prior[k] : 0;
      const q = x / cmad;
      return q >= 1 ? 0 : prior[k] * (1 - q * q) * (1 - q * q);
    });
  }
  // Each value's weight in its own fit: the trend's and the seasonal's self-weights.
  const hT = loessLeverage(m, tWindow, 1, rw);
  const hS = new Array<number>(m).fill(0);
  if (seasonal) {
    for (const [, ix] of byPhase) {
      const w = ix.map(k => rw[k]);
      const positive = w.filter(x => x > 0).length;
      if (sWindow === 'periodic' || ix.length < 7 || positive < 3) {
        const sw = w.reduce((a, b) => a + b, 0);
        ix.forEach((k, j) => (hS[k] = sw > 0 ? w[j] / sw : 1 / ix.length));
      } else {
        const h = loessLeverage(ix.length, sWindow, 0, w);
        ix.forEach((k, j) => (hS[k] = h[j]));
      }
    }
  }
  const leverage = hT.map((t, k) => Math.min(0.9, t + hS[k] - t * hS[k]));
  return {trend, seasonal, weights: rw, leverage};
}

/** For each position: is it the first open value after a break? */
function breaksBefore(
  openIdx: number[],
  closed: ReadonlyArray<boolean>,
  dates: ReadonlyArray<string> | undefined,
  period: number,
  breakMinClosedRun: number | undefined,
): boolean[] {
  const n = closed.length;
  const breakRun = breakMinClosedRun ?? (period === 7 ? 3 : 1);
  const afterBreak = new Array<boolean>(n).fill(false);
  const dayNums = dates ? dates.map(d => dayNumber(d)) : null;
  let step = 1;
  if (dayNums && n > 1) {
    const diffs: number[] = [];
    for (let i = 1; i < n; i++) diffs.push(dayNums[i] - dayNums[i - 1]);
    step = Math.max(1, median(diffs));
  }
  for (let k = 1; k < openIdx.length; k++) {
    const i = openIdx[k];
    let run = 0;
    for (let j = i - 1; j >= 0 && closed[j]; j--) run++;
    let brk = run >= breakRun;
    if (dayNums) {
      const prev = dayNums[openIdx[k - 1]];
      if (step >= 7) {
        brk = brk || Math.round((dayNums[i] - prev) / step) - 1 >= 1;
      } else {
        // Daily: any weekday (Mon-Fri) between two school days means a holiday or break.
        let weekdays = 0;
        for (let dn = prev + 1; dn < dayNums[i]; dn++) {
          const wd = (((dn + 4) % 7) + 7) % 7;
          if (wd >= 1 && wd <= 5) weekdays++;
        }
        brk = brk || weekdays >= 1;
      }
    }
    afterBreak[i] = brk;
  }
  return afterBreak;
}

interface LevelChange {
  /** Position in the open sequence where the new level starts. */
  k: number;
  /** Change of level (model units). */
  shift: number;
  score: number;
  /** True when the change returns to the level before the previous change. */
  recovery: boolean;
}

/**
 * Abrupt, sustained changes of level in `d` (deseasonalized open values): at each
 * position, the median of the next W values against the median of the previous W
 * (medians ignore short outages), scored against the standard error of a difference
 * of medians. A change must also be abrupt: most of it happens across the half
 * windows, so a gradual ramp does not count. Local maxima at least W apart are kept.
 */
function findLevelShifts(
  d: number[],
  W: number,
  scale: number,
  threshold: number,
  minShift: number,
  afterBreak: (k: number) => boolean,
  maxOutage: number,
): LevelChange[] {
  const m = d.length;
  if (m < 2 * W) return [];
  const h = Math.ceil(W / 2);
  const cands: Array<{k: number; shift: number; score: number}> = [];
  // Near either end the windows shrink to half their length.
  for (let k = h; k <= m - h; k++) {
    const aLen = Math.min(W, m - k);
    const bLen = Math.min(W, k);
    const before = medianOfRange(d, k - bLen, k);
    const after = medianOfRange(d, k, k + aLen);
    const shift = after - before;
    const se = 1.2533 * scale * Math.sqrt(1 / bLen + 1 / aLen);
    const score = shift / se;
    if (Math.abs(score) < threshold || Math.abs(shift) < minShift) continue;
    const shortShift =
      medianOfRange(d, k, k + Math.min(h, aLen)) - medianOfRange(d, k - h, k);
    if (
      Math.sign(shortShift) !== Math.sign(shift) ||
      Math.abs(shortShift) < 0.6 * Math.abs(shift)
    ) {
      continue;
    }
    cands.push({k, shift, score});
  }
  cands.sort((a, b) => Math.abs(b.score) - Math.abs(a.score));
  const accepted: Array<{k: number; shift: number; score: number}> = [];
  for (const c of cands) {
    if (accepted.some(a => Math.abs(a.k - c.k) < W)) continue;
    accepted.push(c);
  }
  // Refine each change to the split that best fits two flat levels (L1 cost).
  for (const c of accepted) {
    let bestK = c.k;
    let bestCost = Infinity;
    for (let k = Math.max(h, c.k - h); k <= Math.min(m - h, c.k + h); k++) {
      const pre = d.slice(Math.max(0, k - W), k);
      const post = d.slice(k, Math.min(m, k + W));
      const mb = median(pre);
      const ma = median(post);
      let cost = 0;
      for (const v of pre) cost += Math.abs(v - mb);
      for (const v of post) cost += Math.abs(v - ma);
      cost /= pre.length + post.length;
      if (cost < bestCost - 1e-12) {
        bestCost = cost;
        bestK = k;
      }
    }
    if (bestK !== c.k) {
      const aLen = Math.min(W, m - bestK);
      c.shift =
        medianOfRange(d, bestK, bestK + aLen) -
        medianOfRange(d, Math.max(0, bestK - W), bestK);
      c.k = bestK;
    }
  }
  // A step happens between two neighbouring values; a fast ramp spreads over several.
  const stepped = accepted.filter(c => {
    if (c.k < 2 || c.k + 2 > m) return true;
    const jump = (d[c.k] + d[c.k + 1]) / 2 - (d[c.k - 1] + d[c.k - 2]) / 2;
    // Rejected only when the two-value jump is clearly (beyond its noise) smaller.
    const ratio = jump / c.shift;
    return ratio >= 0.5 || Math.abs(c.shift - jump) <= 2.5 * scale;
  });
  stepped.sort((a, b) => a.k - b.k);
  const out: LevelChange[] = [];
  for (const c of stepped) {
    const prev = out.length > 0 ? out[out.length - 1] : null;
    const recovery =
      prev !== null &&
      !prev.recovery &&
      Math.sign(prev.shift) !== Math.sign(c.shift) &&
      Math.abs(prev.shift + c.shift) <= 0.5 * Math.abs(prev.shift);
    // A higher level within a window after a break is the normal return, not a surge.
    if (!recovery && c.shift > 0) {
      let nearBreak = false;
      for (
        let j = Math.max(0, c.k - W);
        j <= Math.min(m - 1, c.k + h - 1);
        j++
      ) {
        if (afterBreak(j)) nearBreak = true;
      }
      if (nearBreak) continue;
    }
    out.push({...c, recovery});
  }
  // A change undone within an outage's length is an outage (or a spike), not a shift.
  const keep = out.map(() => true);
  for (let i = 0; i + 1 < out.length; i++) {
    if (out[i + 1].recovery && out[i + 1].k - out[i].k <= maxOutage) {
      keep[i] = false;
      keep[i + 1] = false;
    }
  }
  return out.filter((_, i) => keep[i]);
}

/**
 * Finds anomalies in one series. Closed and missing (null) values are skipped.
 * Throws InputError naming the field for unusable input.
 */
export function detectSeriesAnomalies(
  y: ReadonlyArray<number | null>,
  options: SeriesAnomalyOptions,
): SeriesAnomalyResult {
  if (!Array.isArray(y))
    throw new InputError('y', 'must be an array of numbers');
  const n = y.length;
  y.forEach((v, i) => {
    if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) {
      throw new InputError(
        'y',
        `value at index ${i} is not a finite number or null`,
      );
    }
  });
  const opts = options ?? ({} as SeriesAnomalyOptions);
  const period = opts.period;
  if (typeof period !== 'number' || !Number.isInteger(period) || period < 1) {
    throw new InputError(
      'period',
      'must be a positive integer (1 for no seasonal cycle)',
    );
  }
  const threshold = opts.threshold ?? DEFAULT_THRESHOLD;
  if (typeof threshold !== 'number' || !(threshold > 0)) {
    throw new InputError('threshold', 'must be a positive number');
  }
  const minChangePct = opts.minChangePct ?? 15;
  const outageFallPct = opts.outageFallPct ?? 30;
  const maxOutageDays = opts.maxOutageDays ?? 3;
  const minShiftPct = opts.minShiftPct ?? 20;
  const closedIn = checkBoolArray(opts.closed, n, 'closed');
  const peaks = checkBoolArray(opts.expectedPeaks, n, 'expectedPeaks');
  const dates = opts.dates;
  if (dates !== undefined && dates !== null) {
    if (!Array.isArray(dates) || dates.length !== n) {
      throw new InputError(
        'dates',
        `must be an array of ${n} YYYY-MM-DD dates`,
      );
    }
    dates.forEach(d => dayNumber(d, 'dates'));
  }
  const closed = closedIn ?? new Array<boolean>(n).fill(false);
  const open = y.map((v, i) => v !== null && !closed[i]);
  const openIdx: number[] = [];
  open.forEach((o, i) => o && openIdx.push(i));
  const m = openIdx.length;
  if (m < 8) {
    throw new InputError(
      'y',
      `has ${m} usable values (not closed, not missing); anomaly detection needs at least 8`,
    );
  }
  const openVals = openIdx.map(i => y[i] as number);
  const positive = openVals.filter(v => v > 0);
  const logEligible =
    openVals.every(v => v >= 0) && positive.length > 0 && median(openVals) > 0;
  const mode = opts.mode ?? 'auto';
  if (mode !== 'auto' && mode !== 'log' && mode !== 'additive') {
    throw new InputError('mode', 'must be "auto", "log" or "additive"');
  }
  if (mode === 'log' && !logEligible) {
    throw new InputError(
      'mode',
      'the log scale needs non-negative values with a positive median',
    );
  }
  if (
    mode === 'auto' &&
    logEligible &&
    quantile(openVals, 0.05) < 0.25 * median(openVals)
  ) {
    // Counts usually vary in proportion to their level (log scale), but a series that
    // climbs from near zero may be fitted better as it is: with values that low, keep
    // the log scale unless the additive fit's typical error is clearly smaller.
    const asLog = detectSeriesAnomalies(y, {...opts, mode: 'log'});
    const asAdd = detectSeriesAnomalies(y, {...opts, mode: 'additive'});
    const err = (r: SeriesAnomalyResult) =>
      median(
        openIdx.map(i =>
          Math.abs((y[i] as number) - (r.expected[i] as number)),
        ),
      );
    return err(asAdd) < 0.8 * err(asLog) ? asAdd : asLog;
  }
  const logMode = mode === 'log' || (mode === 'auto' && logEligible);
  // The log offset grows with the low end of the data (up to a quarter of the median),
  // so a series climbing from near zero is not dominated by its first small counts.
  const offset = logMode
    ? Math.max(
        0.05 * median(positive),
        Math.min(quantile(openVals, 0.05), 0.25 * median(openVals)),
      )
    : 0;
  const toModel = (v: number) => (logMode ? Math.log(v + offset) : v);
  const fromModel = (v: number) =>
    logMode ? Math.max(0, Math.exp(v) - offset) : v;
  const z = y.map((v, i) => (open[i] ? toModel(v as number) : 0));

  // Breaks: closed runs (or date gaps) long enough before an open day.
  const afterBreak = breaksBefore(
    openIdx,
    closed,
    dates,
    period,
    opts.breakMinClosedRun,
  );
  if (closedIn || dates) afterBreak[openIdx[0]] = true;

  // Pass 1: decomposition on the school-day sequence (closed days removed, so a break
  // leaves no hole in the trend window); each value keeps its cycle position.
  const zOpen = openIdx.map(i => z[i]);
  const phases = openIdx.map(i => i % period);
  const perCycle = (m * period) / n;
  // Days with expected peaks (testing) are scored but do not shape the fit.
  // So are first days back after a break (a known calendar effect).
  const prior = openIdx.map(i =>
    (peaks && peaks[i]) || afterBreak[i] ? 0 : 1,
  );
  const fitK: number[] = [];
  prior.forEach((w, k) => w > 0 && fitK.push(k));
  if (fitK.length < 8) {
    throw new InputError('expectedPeaks', 'leave fewer than 8 values to fit');
  }
  const dec1 = decomposeOpen(
    zOpen,
    phases,
    period,
    perCycle,
    opts.sWindow,
    opts.trendWindow,
    prior,
  );
  const floor = logMode ? 0.01 : 1e-9 * Math.max(1, Math.abs(median(openVals)));
  const rem1 = fitK.map(
    k => zOpen[k] - dec1.trend[k] - (dec1.seasonal ? dec1.seasonal[k] : 0),
  );
  const scale1 = Math.max(robustScale(rem1, median(rem1)), floor);

  // A break just before each fitted value (the first day back itself is not fitted).
  const fitBreak = fitK.map((k, j) => {
    for (let q = j === 0 ? 0 : fitK[j - 1] + 1; q <= k; q++) {
      if (afterBreak[openIdx[q]]) return true;
    }
    return false;
  });
  // Level shifts on the deseasonalized school-day values.
  const W = Math.max(3, opts.levelShiftWindow ?? (period === 7 ? 10 : 8));
  const changes = findLevelShifts(
    fitK.map(k => zOpen[k] - (dec1.seasonal ? dec1.seasonal[k] : 0)),
    W,
    scale1,
    threshold,
    logMode
      ? Math.log(1 + minShiftPct / 100)
      : (minShiftPct / 100) * Math.abs(median(zOpen)),
    j => fitBreak[j],
    maxOutageDays,
  ).map(c => ({...c, k: fitK[c.k]}));
  // The level as a step function (every accepted change, recoveries included).
  const step = new Array<number>(m).fill(0);
  for (const c of changes) for (let k = c.k; k < m; k++) step[k] += c.shift;

  // Pass 2: decompose with the steps removed, so days around a shift are judged
  // against the right level and days inside it against the shifted level.
  const dec =
    changes.length > 0
      ? decomposeOpen(
          zOpen.map((v, k) => v - step[k]),
          phases,
          period,
          perCycle,
          opts.sWindow,
          opts.trendWindow,
          prior,
        )
      : dec1;
  const seasonal = dec.seasonal !== null;
  const seasonOpen = zOpen.map((_, k) => (dec.seasonal ? dec.seasonal[k] : 0));
  const baseOpen = zOpen.map((_, k) => dec.trend[k] + seasonOpen[k]);
  const fittedOpen = baseOpen.map((v, k) => v + step[k]);
  // Leave-one-out residuals: a value that shaped its own fit has its residual shrunk,
  // an outlier with no robustness weight does not; dividing by (1 - self-weight) puts
  // both on the same footing, so the scale is not underestimated.
  const remOpen = zOpen.map(
    (v, k) => (v - fittedOpen[k]) / (1 - dec.leverage[k]),
  );
  const looFitted = zOpen.map((v, k) => v - remOpen[k]);

  // Robust scale; a cycle position that is noisier than the rest (e.g. weekends in a
  // series without a calendar) gets its own, larger scale.
  const remFit = fitK.map(k => remOpen[k]);
  const globalScale = Math.max(robustScale(remFit, median(remFit)), floor);
  const scaleOpen = new Array<number>(m).fill(globalScale);
  if (seasonal) {
    const byPhase = new Map<number, number[]>();
    phases.forEach((p, k) => {
      const list = byPhase.get(p);
      if (list) list.push(k);
      else byPhase.set(p, [k]);
    });
    for (const [, ix] of byPhase) {
      const vals = ix.filter(k => prior[k] > 0).map(k => remOpen[k]);
      if (vals.length < 10) continue;
      const med = median(vals);
      const sc = MAD_CONSTANT * median(vals.map(v => Math.abs(v - med)));
      if (sc > 1.5 * globalScale) for (const k of ix) scaleOpen[k] = sc;
    }
  }
  // A stretch that is noisier than the series as a whole (small counts early in a
  // ramp-up, an unsettled term) is judged against its own, larger local scale.
  const half = 15;
  for (let j = 0; j < fitK.length; j++) {
    const lo = Math.max(0, j - half);
    const hi = Math.min(fitK.length, j + half + 1);
    if (hi - lo < 2 * half) continue;
    const med = medianOfRange(remFit, lo, hi);
    const local = MAD_CONSTANT * medianDeviationOfRange(remFit, lo, hi, med);
    const from = j === 0 ? 0 : fitK[j - 1] + 1;
    const to = j === fitK.length - 1 ? m - 1 : fitK[j];
    for (let k = from; k <= to; k++)
      scaleOpen[k] = Math.max(scaleOpen[k], local);
  }
  const scores: Array<number | null> = new Array<number | null>(n).fill(null);
  const expected: Array<number | null> = new Array<number | null>(n).fill(null);
  openIdx.forEach((i, k) => {
    scores[i] = remOpen[k] / scaleOpen[k];
    expected[i] = fromModel(looFitted[k]);
  });

  const changePctOf = (obs: number, exp: number): number | null =>
    exp > 0 ? ((obs - exp) / exp) * 100 : null;

  // Point anomalies.
  const points: SeriesAnomaly[] = [];
  for (let k = 0; k < m; k++) {
    const i = openIdx[k];
    const sc = scores[i] as number;
    if (Math.abs(sc) < threshold) continue;
    const obs = y[i] as number;
    const exp = expected[i] as number;
    const change = changePctOf(obs, exp);
    const direction = sc < 0 ? 'drop' : 'surge';
    if (change !== null && Math.abs(change) < minChangePct) continue;
    if (change === null && Math.abs(obs - exp) <= floor) continue;
    if (direction === 'surge' && (afterBreak[i] || (peaks && peaks[i])))
      continue;
    // The first value of a calendar-aware series (the first day or week of school)
    // has no history on its left: a ramp-up there is normal, not an anomaly.
    if (k === 0 && (closedIn || dates)) continue;
    points.push({
      index: i,
      direction,
      observed: obs,
      expected: exp,
      changePct: change,
      score: Math.abs(sc),
      severity: severityOf(
        change === null ? null : Math.abs(change),
        Math.abs(sc),
        threshold,
      ),
      kind: direction === 'surge' ? 'spike' : 'dip',
    });
  }
  // Outages: short runs of consecutive school-day drops.
  const posOf = new Map(openIdx.map((i, k) => [i, k]));
  const drops = points.filter(p => p.direction === 'drop');
  for (let a = 0; a < drops.length;) {
    let b = a;
    while (
      b + 1 < drops.length &&
      (posOf.get(drops[b + 1].index) as number) ===
        (posOf.get(drops[b].index) as number) + 1
    ) {
      b++;
    }
    if (b - a + 1 <= maxOutageDays) {
      for (let k = a; k <= b; k++) {
        const c = drops[k].changePct;
        if (c !== null && -c >= outageFallPct) drops[k].kind = 'outage';
      }
    }
    a = b + 1;
  }

  // One row per level shift (recoveries end a shift; they are not reported).
  const shifts: SeriesAnomaly[] = [];
  for (let ci = 0; ci < changes.length; ci++) {
    const c = changes[ci];
    if (c.recovery) continue;
    const endK = ci + 1 < changes.length ? changes[ci + 1].k - 1 : m - 1;
    const ks: number[] = [];
    for (let k = c.k; k <= endK; k++) ks.push(k);
    const obs = median(ks.map(k => y[openIdx[k]] as number));
    const exp = median(ks.map(k => fromModel(fittedOpen[k] - c.shift)));
    shifts.push(
      levelShift(
        openIdx[c.k],
        openIdx[endK],
        ks.length,
        c.shift < 0 ? 'drop' : 'surge',
        obs,
        exp,
        changePctOf(obs, exp),
        c.score,
        threshold,
      ),
    );
  }
  const anomalies = [...points, ...shifts].sort((a, b) => a.index - b.index);
  if (dates) {
    for (const a of anomalies) {
      a.date = dates[a.index];
      if (a.endIndex !== undefined) a.endDate = dates[a.endIndex];
    }
  }
  return {
    anomalies,
    expected,
    scores,
    mode: logMode ? 'log' : 'additive',
    scale: globalScale,
    seasonal,
  };
}

// ---------------------------------------------------------------------------------------
// Over facts: one series per school x role x app x product x metric.

/** One anomaly of one school's engagement series. */
export interface AnomalyRow {
  schoolId: string;
  /** The day, or the Monday of the week. */
  date: string;
  grain: 'day' | 'week';
  role: Role;
  app: string;
  product: string;
  metric: string;
  direction: 'drop' | 'surge';
  observed: number;
  expected: number;
  changePct: number | null;
  score: number;
  severity: Severity;
  kind: AnomalyKind;
  /** Level shifts: the last school day (or week) of the shifted period. */
  endDate?: string;
  days?: number;
}

export type DailyMetric =
  | 'activeUsers'
  | 'events'
  | 'logins'
  | 'pctAccess'
  | 'engagementIndex'
  | 'sessionMinutes'
  | 'assignmentsCreated'
  | 'submissionsTurnedIn';

export type WeeklyMetric =
  | 'activeUsers'
  | 'events'
  | 'logins'
  | 'pctAccess'
  | 'engagementIndex'
  | 'submissionsTurnedIn'
  | 'assignmentsCreated'
  | 'gradesEntered';

/** Distinct-user metrics do not scale with the number of school days in a week. */
const USER_METRICS = new Set(['activeUsers', 'pctAccess']);

export interface FactAnomalyOptions {
  metrics?: string[];
  /** Roles analysed. Default student and teacher. */
  roles?: Role[];
  /** Apps analysed. Default the totals (`workspace`, `learnplatform`) where present, else every app. */
  apps?: string[];
  /** Only anomalies on or after this date are returned (the whole history is still fitted). */
  since?: string;
  /** Overrides for the series detector. */
  series?: Partial<
    Omit<SeriesAnomalyOptions, 'period' | 'dates' | 'closed' | 'expectedPeaks'>
  >;
  /**
   * Smallest change (percent) of a day or week reported: of the district's median
   * school for a district-wide event, of the school (its roles together) otherwise.
   * Default 35.
   */
  minChangePct?: number;
  /** Schools of a role needed to judge district-wide events. Default 5. */
  minSchools?: number;
}

type AnomalySettings = Pick<Settings, 'anomalyThreshold' | 'minGroupSize'>;

function inPeriods(day: string, periods: SchoolCalendar['closures']): boolean {
  return periods.some(p => day >= p.start && day <= p.end);
}

function isSchoolDay(day: string, calendar: SchoolCalendar): boolean {
  return (
    calendar.schoolWeekdays.includes(weekday(day)) &&
    !inPeriods(day, calendar.closures)
  );
}

/**
 * The last school day before each summer closure. It is a half day in many districts
 * (New York City's last day is one) and attendance winds down into it: a calendar low,
 * like a testing window is a calendar high, so it neither shapes the fit nor is a drop.
 */
function yearEndDays(calendar: SchoolCalendar): Set<string> {
  const out = new Set<string>();
  for (const c of calendar.closures) {
    if (c.kind !== 'summer') continue;
    let d = addDays(c.start, -1);
    for (let k = 0; k < 14 && !isSchoolDay(d, calendar); k++)
      d = addDays(d, -1);
    if (isSchoolDay(d, calendar)) out.add(d);
  }
  return out;
}

function groupBy<T>(
  rows: ReadonlyArray<T>,
  key: (r: T) => string,
): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

function selectGroups<
  T extends {schoolId: string; role: Role; app: string; product: string},
>(facts: ReadonlyArray<T>, opts: FactAnomalyOptions): Map<string, T[]> {
  const roles = new Set<Role>(opts.roles ?? ['student', 'teacher']);
  const bySchool = groupBy(facts, f => f.schoolId);
  const out = new Map<string, T[]>();
  for (const [, rows] of bySchool) {
    // By default the school's total series: Workspace activity in any app, or the
    // LearnPlatform district total; other sources' apps are all analysed.
    const totals = ['workspace', 'learnplatform'].filter(a =>
      rows.some(r => r.app === a),
    );
    const apps = opts.apps
      ? new Set(opts.apps)
      : totals.length > 0
        ? new Set(totals)
        : null;
    for (const r of rows) {
      if (!roles.has(r.role)) continue;
      if (apps && !apps.has(r.app)) continue;
      const k = `${r.schoolId}\t${r.role}\t${r.app}\t${r.product ?? ''}`;
      const list = out.get(k);
      if (list) list.push(r);
      else out.set(k, [r]);
    }
  }
  return out;
}

function metricValue(f: object, metric: string): number | null {
  const v = (f as Record<string, unknown>)[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function checkMetrics(metrics: string[], allowed: ReadonlyArray<string>): void {
  for (const m of metrics) {
    if (!allowed.includes(m)) {
      throw new InputError(
        'metrics',
        `unknown metric "${m}" (use ${allowed.join(', ')})`,
      );
    }
  }
}

function toRows(
  found: SeriesAnomaly[],
  dates: string[],
  base: Omit<
    AnomalyRow,
    | 'date'
    | 'direction'
    | 'observed'
    | 'expected'
    | 'changePct'
    | 'score'
    | 'severity'
    | 'kind'
  >,
  since: string | undefined,
): AnomalyRow[] {
  const rows: AnomalyRow[] = [];
  for (const a of found) {
    const date = dates[a.index];
    const end = a.endIndex !== undefined ? dates[a.endIndex] : undefined;
    if (since && (end ?? date) < since) continue;
    const row: AnomalyRow = {
      ...base,
      date,
      direction: a.direction,
      observed: a.observed,
      expected: a.expected,
      changePct: a.changePct,
      score: a.score,
      severity: a.severity,
      kind: a.kind,
    };
    if (end !== undefined) {
      row.endDate = end;
      row.days = a.days;
    }
    rows.push(row);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------
// Point anomalies across schools. Each school's series is decomposed on its own (above);
// whether a day (or week) is an anomaly is then decided with a count-noise model and the
// other schools in view:
// - r = log((y + 1/2) / (expected + 1/2)) is the relative change. Its variance is the
//   Poisson part 1 / (expected + 1/2) plus the series' extra variance (day-to-day noise
//   beyond counting, estimated robustly): 10 -> 7 teachers is noise, 120 -> 45 students
//   is not.
// - The median r over the schools of a role is the district's change. A day on which it
//   moves by at least minChangePct, far beyond its usual variation, is one district-wide
//   event, and each school whose own change is nearer the district's than no change
//   is flagged (an outage hits schools unevenly; most single-school changes that day are
//   individually within noise).
// - Otherwise a school's day is an anomaly only when its roles agree: their combined
//   (Stouffer) score passes the threshold, their mean change is at least minChangePct
//   and each moved the same way by at least half that. A school-wide outage moves
//   students and teachers; one role's count swinging alone is usually day noise.
// - Surges on expected peaks (testing windows) and first days after a break are
//   calendar effects, not anomalies.

interface FittedSeries {
  schoolId: string;
  role: Role;
  app: string;
  product: string;
  metric: string;
  dates: ReadonlyArray<string>;
  /** Values as fitted (weekly counts scaled to a full week); null where not open. */
  y: ReadonlyArray<number | null>;
  expected: ReadonlyArray<number | null>;
  /** True where the calendar explains a surge. */
  noSurge: ReadonlyArray<boolean>;
  /** True where the calendar explains a drop (the last day of the school year). */
  noDrop: ReadonlyArray<boolean>;
  /** Counts get the Poisson part of the noise; rates and minutes do not. */
  count: boolean;
  /** Multiplier from fitted to reported values (weekly: partial weeks). Default 1. */
  report?: ReadonlyArray<number>;
  /** Open days that shape the fit (not testing windows, not first days back). */
  fitted: ReadonlyArray<boolean>;
  /** First open value after a break. */
  breakBefore: ReadonlyArray<boolean>;
  /** False for groups below minGroupSize: evidence for their school, never reported. */
  reported: boolean;
  /** The series' own level shifts (used where there are too few schools to compare). */
  shifts: SeriesAnomaly[];
}

const DEFAULT_MIN_CHANGE_PCT = 35;
const DEFAULT_MIN_SCHOOLS = 5;

interface PointFlag {
  series: FittedSeries;
  index: number;
  direction: 'drop' | 'surge';
  score: number;
  district: boolean;
}

interface SeriesNoise {
  r: Map<string, number>;
  z: Map<string, number>;
  index: Map<string, number>;
}

/** The offset of a series' log scale: half a count, or 5% of a rate's typical value. */
function logOffset(s: FittedSeries): number {
  if (s.count) return 0.5;
  const positive: number[] = [];
  s.y.forEach(v => v !== null && v > 0 && positive.push(v));
  return Math.max(positive.length ? 0.05 * median(positive) : 0, 1e-9);
}

function seriesNoise(s: FittedSeries): SeriesNoise {
  const offset = logOffset(s);
  const r = new Map<string, number>();
  const index = new Map<string, number>();
  const pois = new Map<string, number>();
  s.y.forEach((v, i) => {
    const raw = s.expected[i];
    if (v === null || raw === null || !Number.isFinite(raw)) return;
    // An additive fit can expect a little below zero on a near-empty series; counts can't.
    const e = Math.max(0, raw);
    const ratio = (Math.max(0, v) + offset) / (e + offset);
    if (!(ratio > 0) || !Number.isFinite(ratio)) return;
    const d = s.dates[i];
    r.set(d, Math.log(ratio));
    pois.set(d, s.count ? 1 / (e + offset) : 0);
    index.set(d, i);
  });
  const z = new Map<string, number>();
  if (r.size < 8) return {r, z, index};
  const rv = [...r.values()];
  // Extra-Poisson variance: what the residuals' robust variance leaves beyond counting.
  const extra = Math.max(
    0,
    robustScale(rv, median(rv)) ** 2 - median([...pois.values()]),
  );
  const sdFloor = 1e-3;
  for (const [d, x] of r) {
    z.set(d, x / Math.max(Math.sqrt(extra + (pois.get(d) as number)), sdFloor));
  }
  return {r, z, index};
}

function crossSectionPoints(
  series: ReadonlyArray<FittedSeries>,
  threshold: number,
  minChangePct: number,
  minSchools: number,
): PointFlag[] {
  const noise = series.map(seriesNoise);
  const minLog = Math.log(1 + minChangePct / 100);
  const minLogDrop = -Math.log(1 - Math.min(minChangePct, 95) / 100);
  const out: PointFlag[] = [];
  // District-wide events per role (and app, product, metric).
  const buckets = groupBy(
    series.map((s, k) => k),
    k =>
      [series[k].role, series[k].app, series[k].product, series[k].metric].join(
        '\t',
      ),
  );
  const districtDays = new Map<string, 'drop' | 'surge'>();
  for (const [, ks] of buckets) {
    if (ks.length < minSchools) continue;
    const byDate = new Map<string, number[]>();
    for (const k of ks) {
      for (const [d, x] of noise[k].r) {
        const list = byDate.get(d);
        if (list) list.push(x);
        else byDate.set(d, [x]);
      }
    }
    const level = new Map<string, number>();
    for (const [d, xs] of byDate) {
      if (xs.length >= minSchools) level.set(d, median(xs));
    }
    if (level.size < 8) continue;
    const lv = [...level.values()];
    const center = median(lv);
    const scale = robustScale(lv, center, 1e-3);
    for (const [d, c] of level) {
      const xs = byDate.get(d) as number[];
      const direction = c < 0 ? 'drop' : 'surge';
      const size = direction === 'drop' ? -c : c;
      if (size < (direction === 'drop' ? minLogDrop : minLog)) continue;
      if (Math.abs(c - center) / scale < threshold) continue;
      // Most schools must move the same way: a few extreme ones do not make the median.
      const agree = xs.filter(x => Math.sign(x) === Math.sign(c)).length;
      if (agree < (2 / 3) * xs.length) continue;
      const flagged = ks.filter(k => {
        const x = noise[k].r.get(d);
        if (x === undefined) return false;
        const i = noise[k].index.get(d) as number;
        if (direction === 'surge' && series[k].noSurge[i]) return false;
        if (direction === 'drop' && series[k].noDrop[i]) return false;
        // Nearer the district's change than no change: more likely hit than not.
        return direction === 'drop' ? x <= c / 2 : x >= c / 2;
      });
      for (const k of flagged) {
        const i = noise[k].index.get(d) as number;
        out.push({
          series: series[k],
          index: i,
          direction,
          score: Math.abs(noise[k].z.get(d) ?? (c - center) / scale),
          district: true,
        });
      }
      const s0 = series[ks[0]];
      districtDays.set(
        [s0.app, s0.product, s0.metric, d].join('\t'),
        direction,
      );
    }
  }
  // School events: the school's roles together.
  const schools = groupBy(
    series.map((s, k) => k),
    k =>
      [
        series[k].schoolId,
        series[k].app,
        series[k].product,
        series[k].metric,
      ].join('\t'),
  );
  for (const [, ks] of schools) {
    const dates = new Set<string>();
    for (const k of ks) for (const d of noise[k].z.keys()) dates.add(d);
    for (const d of dates) {
      const s0 = series[ks[0]];
      if (districtDays.has([s0.app, s0.product, s0.metric, d].join('\t')))
        continue;
      const here = ks.filter(k => noise[k].z.has(d));
      if (here.length === 0) continue;
      const rs = here.map(k => noise[k].r.get(d) as number);
      const zs = here.map(k => noise[k].z.get(d) as number);
      const combined = zs.reduce((a, b) => a + b, 0) / Math.sqrt(zs.length);
      if (Math.abs(combined) < threshold) continue;
      const direction = combined < 0 ? 'drop' : 'surge';
      const sign = direction === 'drop' ? -1 : 1;
      const need = direction === 'drop' ? minLogDrop : minLog;
      const mean = (sign * rs.reduce((a, b) => a + b, 0)) / rs.length;
      if (mean < need) continue;
      if (rs.some(x => sign * x < need / 2)) continue;
      if (zs.some(x => sign * x < 1)) continue;
      const explained = direction === 'surge' ? 'noSurge' : 'noDrop';
      if (
        here.some(k => series[k][explained][noise[k].index.get(d) as number])
      ) {
        continue;
      }
      for (const k of here) {
        out.push({
          series: series[k],
          index: noise[k].index.get(d) as number,
          direction,
          score: Math.abs(combined),
          district: false,
        });
      }
    }
  }
  return out;
}

const DAILY_METRICS: ReadonlyArray<DailyMetric> = [
  'activeUsers',
  'events',
  'logins',
  'pctAccess',
  'engagementIndex',
  'sessionMinutes',
  'assignmentsCreated',
  'submissionsTurnedIn',
];
const WEEKLY_METRICS: ReadonlyArray<WeeklyMetric> = [
  'activeUsers',
  'events',
  'logins',
  'pctAccess',
  'engagementIndex',
  'submissionsTurnedIn',
  'assignmentsCreated',
  'gradesEntered',
];

/**
 * Sustained drops (disengagement) of a school against the district: each series'
 * log values less the district's shared day effect (the median over schools of their
 * log values less each school's own median), so the weekday pattern, the calendar's
 * ramps and wind-downs and district-wide outages cancel and what is left is the
 * school's own level. Abrupt steps in it are found as in a single series
 * (findLevelShifts; noise from day-to-day differences, which a step barely moves).
 * Testing windows are left out (their uplift depends on the school's level).
 */
function crossSectionShifts(
  series: ReadonlyArray<FittedSeries>,
  threshold: number,
  minChangePct: number,
  minSchools: number,
  window: number,
): Array<{series: FittedSeries; found: SeriesAnomaly}> {
  const out: Array<{series: FittedSeries; found: SeriesAnomaly}> = [];
  const minShift = -Math.log(1 - Math.min(minChangePct, 95) / 100);
  const buckets = groupBy([...series], s =>
    [s.role, s.app, s.product, s.metric].join('\t'),
  );
  for (const [, group] of buckets) {
    if (group.length < minSchools) continue;
    const logs = group.map(s => {
      const off = logOffset(s);
      const m = new Map<string, number>();
      s.y.forEach((v, i) => {
        // Open, fitted days only (expected is null where closed), no testing days.
        if (v === null || s.fitted[i] !== true) return;
        m.set(s.dates[i], Math.log(v + off));
      });
      const own = m.size > 0 ? median([...m.values()]) : 0;
      return {m, own, off};
    });
    const byDate = new Map<string, number[]>();
    logs.forEach(({m, own}) => {
      for (const [d, x] of m) {
        const list = byDate.get(d);
        if (list) list.push(x - own);
        else byDate.set(d, [x - own]);
      }
    });
    const shared = new Map<string, number>();
    for (const [d, xs] of byDate)
      if (xs.length >= minSchools) shared.set(d, median(xs));
    group.forEach((s, g) => {
      const idx: number[] = [];
      const v: number[] = [];
      s.dates.forEach((d, i) => {
        const x = logs[g].m.get(d);
        const c = shared.get(d);
        if (x === undefined || c === undefined) return;
        idx.push(i);
        v.push(x - c);
      });
      if (v.length < 4 * window) return;
      const diffs: number[] = [];
      for (let k = 1; k < v.length; k++) diffs.push(v[k] - v[k - 1]);
      const scale = robustScale(diffs, 0, 1e-3) / Math.SQRT2;
      const changes = findLevelShifts(
        v,
        window,
        scale,
        threshold,
        minShift,
        k => s.breakBefore[idx[k]],
        3,
      );
      changes.forEach((c, ci) => {
        if (c.recovery || c.shift > 0) return;
        const next = ci + 1 < changes.length ? changes[ci + 1] : null;
        // A drop that never recovers is a new level (the trend's business), unless it
        // is still young: then it is the ongoing disengagement an alert is for.
        if (next ? !next.recovery : c.k < v.length - 2 * window) return;
        const endK = next ? next.k - 1 : v.length - 1;
        if (endK - c.k + 1 < Math.ceil(window / 2)) return;
        // The period starts at its first value that is nearer the new level than the old.
        let startK = c.k;
        const before = median(v.slice(Math.max(0, c.k - window), c.k));
        while (startK < endK && v[startK] > before + c.shift / 2) startK++;
        c.k = startK;
        const ys: number[] = [];
        const es: number[] = [];
        for (let k = c.k; k <= endK; k++) {
          const y = s.y[idx[k]] as number;
          ys.push(y);
          es.push(
            Math.max(0, (y + logs[g].off) * Math.exp(-c.shift) - logs[g].off),
          );
        }
        const observed = median(ys);
        const expected = median(es);
        const changePct =
          expected > 0 ? ((observed - expected) / expected) * 100 : null;
        if (changePct === null || -changePct < minChangePct) return;
        out.push({
          series: s,
          found: levelShift(
            idx[c.k],
            idx[endK],
            endK - c.k + 1,
            'drop',
            observed,
            expected,
            changePct,
            c.score,
            threshold,
          ),
        });
      });
    });
  }
  return out;
}

/** A level-shift row: its span, median observed and expected values, and severity. */
function levelShift(
  index: number,
  endIndex: number,
  days: number,
  direction: 'drop' | 'surge',
  observed: number,
  expected: number,
  changePct: number | null,
  score: number,
  threshold: number,
): SeriesAnomaly {
  return {
    index,
    direction,
    observed,
    expected,
    changePct,
    score: Math.abs(score),
    severity: severityOf(
      changePct === null ? null : Math.abs(changePct),
      Math.abs(score),
      threshold,
    ),
    kind: 'level_shift',
    endIndex,
    days,
  };
}

/** Calendar masks of one series: surges explained, fitted days, breaks between them. */
function calendarMasks(
  y: ReadonlyArray<number | null>,
  closed: ReadonlyArray<boolean>,
  peaks: ReadonlyArray<boolean>,
  dates: ReadonlyArray<string>,
  period: number,
  breakRun: number | undefined,
  lows?: ReadonlyArray<boolean>,
): Pick<FittedSeries, 'noSurge' | 'noDrop' | 'fitted' | 'breakBefore'> {
  const openIdx: number[] = [];
  y.forEach((v, i) => v !== null && !closed[i] && openIdx.push(i));
  const afterBreak = breaksBefore(openIdx, closed, dates, period, breakRun);
  if (openIdx.length > 0) afterBreak[openIdx[0]] = true;
  const fitted = y.map(
    (v, i) =>
      v !== null &&
      !closed[i] &&
      !peaks[i] &&
      !afterBreak[i] &&
      !(lows && lows[i]),
  );
  const breakBefore = new Array<boolean>(y.length).fill(false);
  let pending = false;
  for (const i of openIdx) {
    pending = pending || afterBreak[i];
    if (fitted[i]) {
      breakBefore[i] = pending;
      pending = false;
    }
  }
  return {
    noSurge: y.map((_, i) => peaks[i] || afterBreak[i]),
    noDrop: y.map((_, i) => !!(lows && lows[i])),
    fitted,
    breakBefore,
  };
}

/** Point anomalies and level shifts of fitted series, as rows of the reported groups. */
function judgeSeries(
  fitted: ReadonlyArray<FittedSeries>,
  grain: 'day' | 'week',
  threshold: number,
  opts: FactAnomalyOptions,
): AnomalyRow[] {
  const minChangePct = opts.minChangePct ?? DEFAULT_MIN_CHANGE_PCT;
  const minSchools = opts.minSchools ?? DEFAULT_MIN_SCHOOLS;
  const flags = crossSectionPoints(
    fitted,
    threshold,
    minChangePct,
    minSchools,
  ).filter(f => f.series.reported);
  const rows = pointRows(
    flags,
    grain,
    threshold,
    opts.series?.outageFallPct ?? 30,
    opts.since,
  );
  const bucketOf = (s: FittedSeries) =>
    [s.role, s.app, s.product, s.metric].join('\t');
  const sizes = new Map<string, number>();
  for (const s of fitted)
    sizes.set(bucketOf(s), (sizes.get(bucketOf(s)) ?? 0) + 1);
  const compared = (s: FittedSeries) =>
    grain === 'day' && (sizes.get(bucketOf(s)) as number) >= minSchools;
  const shifts = crossSectionShifts(
    fitted.filter(compared),
    threshold,
    minChangePct,
    minSchools,
    opts.series?.levelShiftWindow ?? 10,
  );
  for (const s of fitted) {
    if (compared(s)) continue;
    // Alone, a series' own sustained drops of at least minChangePct.
    for (const a of s.shifts) {
      if (a.direction !== 'drop' || a.changePct === null) continue;
      if (-a.changePct < minChangePct) continue;
      shifts.push({series: s, found: a});
    }
  }
  for (const {series: s, found} of shifts) {
    if (!s.reported) continue;
    rows.push(
      ...toRows(
        [found],
        [...s.dates],
        {
          schoolId: s.schoolId,
          grain,
          role: s.role,
          app: s.app,
          product: s.product,
          metric: s.metric,
        },
        opts.since,
      ),
    );
  }
  return sortRows(rows);
}

/** Rows of the point flags (observed and expected as reported for the grain). */
function pointRows(
  flags: ReadonlyArray<PointFlag>,
  grain: 'day' | 'week',
  threshold: number,
  outageFallPct: number,
  since: string | undefined,
): AnomalyRow[] {
  const rows: AnomalyRow[] = [];
  for (const f of flags) {
    const s = f.series;
    const date = s.dates[f.index];
    if (since && date < since) continue;
    const k = s.report ? s.report[f.index] : 1;
    const observed = (s.y[f.index] as number) * k;
    const expected = (s.expected[f.index] as number) * k;
    const changePct =
      expected > 0 ? ((observed - expected) / expected) * 100 : null;
    rows.push({
      schoolId: s.schoolId,
      date,
      grain,
      role: s.role,
      app: s.app,
      product: s.product,
      metric: s.metric,
      direction: f.direction,
      observed,
      expected,
      changePct,
      score: f.score,
      severity: severityOf(
        changePct === null ? null : Math.abs(changePct),
        f.score,
        threshold,
      ),
      kind:
        f.direction === 'surge'
          ? 'spike'
          : changePct !== null && -changePct >= outageFallPct
            ? 'outage'
            : 'dip',
    });
  }
  return rows;
}

/** Count metrics (Poisson noise); rates and minutes are not counts. */
const NON_COUNT_METRICS = new Set([
  'pctAccess',
  'engagementIndex',
  'sessionMinutes',
]);

/** The first open position of each series is never judged (it has no history). */
function withoutFirst(expected: Array<number | null>): Array<number | null> {
  const out = expected.slice();
  const first = out.findIndex(v => v !== null);
  if (first >= 0) out[first] = null;
  return out;
}

/**
 * Anomalies in each school's daily series (school x role x app x product x metric).
 * Days that are not school days by the calendar, and days flagged closed, partial or
 * imputed, are skipped; groups smaller than settings.minGroupSize are not analysed.
 * Each series is decomposed on its own (level shifts come from there); single days are
 * judged across roles and schools (see crossSectionPoints).
 */
export function detectDailyAnomalies(
  facts: ReadonlyArray<DailyFact>,
  calendar: SchoolCalendar,
  settings: AnomalySettings,
  opts: FactAnomalyOptions = {},
): AnomalyRow[] {
  const metrics = opts.metrics ?? ['activeUsers', 'events'];
  checkMetrics(metrics, DAILY_METRICS);
  const threshold = opts.series?.threshold ?? settings.anomalyThreshold;
  const yearEnd = yearEndDays(calendar);
  const fitted: FittedSeries[] = [];
  for (const [, group] of selectGroups(facts, opts)) {
    const enrolled = median(group.map(f => f.enrolledUsers));
    if (!(enrolled > 0)) continue;
    const byDate = new Map(group.map(f => [f.date, f]));
    const sortedDates = [...byDate.keys()].sort();
    const first = sortedDates[0];
    const span =
      dayNumber(sortedDates[sortedDates.length - 1]) - dayNumber(first) + 1;
    const dates: string[] = [];
    for (let i = 0; i < span; i++) dates.push(addDays(first, i));
    const closed = dates.map(d => {
      if (!isSchoolDay(d, calendar)) return true;
      const f = byDate.get(d);
      return (
        !!f &&
        (f.flags.includes('closed') ||
          f.flags.includes('partial') ||
          f.flags.includes('imputed'))
      );
    });
    const peaks = dates.map(d => inPeriods(d, calendar.events));
    const lows = dates.map(d => yearEnd.has(d));
    for (const metric of metrics) {
      const y = dates.map(d => {
        const f = byDate.get(d);
        return f ? metricValue(f, metric) : null;
      });
      if (y.filter((v, i) => v !== null && !closed[i]).length < 30) continue;
      const found = detectSeriesAnomalies(y, {
        ...opts.series,
        period: 7,
        dates,
        closed,
        // Calendar highs and lows alike stay out of the fit.
        expectedPeaks: peaks.map((p, i) => p || lows[i]),
        threshold,
      });
      const g = group[0];
      fitted.push({
        schoolId: g.schoolId,
        role: g.role,
        app: g.app,
        product: g.product,
        metric,
        dates,
        y,
        expected: withoutFirst(found.expected),
        count: !NON_COUNT_METRICS.has(metric),
        ...calendarMasks(y, closed, peaks, dates, 7, undefined, lows),
        // Groups too small to report still tell whether their school as a whole moved.
        reported: enrolled >= settings.minGroupSize,
        shifts: found.anomalies.filter(a => a.kind === 'level_shift'),
      });
    }
  }
  return judgeSeries(fitted, 'day', threshold, opts);
}

function sortRows(rows: AnomalyRow[]): AnomalyRow[] {
  return rows.sort(
    (a, b) =>
      (a.schoolId < b.schoolId ? -1 : a.schoolId > b.schoolId ? 1 : 0) ||
      (a.role < b.role ? -1 : a.role > b.role ? 1 : 0) ||
      (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0) ||
      (a.date < b.date ? -1 : a.date > b.date ? 1 : 0),
  );
}

/**
 * Anomalies in each school's weekly series. Weeks with no school days are closed;
 * weeks with fewer than 60% of the usual school days are skipped; in the others, count
 * metrics are scaled to a full week (distinct-user metrics are not). A seasonal cycle
 * of 52 weeks is fitted once more than two years are available. Single weeks are judged
 * across roles and schools, as days are.
 */
export function detectWeeklyAnomalies(
  facts: ReadonlyArray<WeeklyFact>,
  calendar: SchoolCalendar,
  settings: AnomalySettings,
  opts: FactAnomalyOptions = {},
): AnomalyRow[] {
  const metrics = opts.metrics ?? ['activeUsers', 'events'];
  checkMetrics(metrics, WEEKLY_METRICS);
  const threshold = opts.series?.threshold ?? settings.anomalyThreshold;
  const normalDays = Math.max(1, calendar.schoolWeekdays.length);
  const fitted: FittedSeries[] = [];
  for (const [, group] of selectGroups(facts, opts)) {
    const enrolled = median(group.map(f => f.enrolledUsers));
    if (!(enrolled > 0)) continue;
    const byWeek = new Map(group.map(f => [f.weekStart, f]));
    const starts = [...byWeek.keys()].sort();
    const weeks: string[] = [];
    for (let w = starts[0]; w <= starts[starts.length - 1]; w = addDays(w, 7))
      weeks.push(w);
    const closed = weeks.map(w => {
      const f = byWeek.get(w);
      return (
        !f || f.schoolDays < 0.6 * normalDays || f.flags.includes('partial')
      );
    });
    const peaks = weeks.map(w => {
      for (let i = 0; i < 7; i++)
        if (inPeriods(addDays(w, i), calendar.events)) return true;
      return false;
    });
    for (const metric of metrics) {
      // Reported values are the week's own totals, not the scaled ones.
      const report = weeks.map(w => {
        const f = byWeek.get(w);
        if (!f || USER_METRICS.has(metric) || f.schoolDays <= 0) return 1;
        return Math.min(f.schoolDays, normalDays) / normalDays;
      });
      const y = weeks.map((w, i) => {
        const f = byWeek.get(w);
        if (!f) return null;
        const v = metricValue(f, metric);
        return v === null ? v : v / report[i];
      });
      if (y.filter((v, i) => v !== null && !closed[i]).length < 12) continue;
      const found = detectSeriesAnomalies(y, {
        ...opts.series,
        period: weeks.length > 2 * 52 ? 52 : 1,
        dates: weeks,
        closed,
        expectedPeaks: peaks,
        breakMinClosedRun: 1,
        threshold,
      });
      const g = group[0];
      fitted.push({
        schoolId: g.schoolId,
        role: g.role,
        app: g.app,
        product: g.product,
        metric,
        dates: weeks,
        y,
        expected: withoutFirst(found.expected),
        count: !NON_COUNT_METRICS.has(metric),
        report,
        ...calendarMasks(y, closed, peaks, weeks, 1, 1),
        reported: enrolled >= settings.minGroupSize,
        shifts: found.anomalies.filter(a => a.kind === 'level_shift'),
      });
    }
  }
  return judgeSeries(fitted, 'week', threshold, opts);
}
