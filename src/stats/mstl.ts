/**
 * MSTL: decomposition with several seasonal periods (e.g. weekly and annual cycles
 * of a daily series), as forecast::mstl: each seasonal component is re-estimated by
 * STL on the series with the other components removed, `iterate` times; the trend
 * comes from the last STL fit. Also the seasonal strength measure forecast uses to
 * decide on seasonal differencing.
 */
import {InputError} from '../core/errors';
import {stl, StlOptions} from './stl';

export interface MstlOptions {
  /** Seasonal spans per period (recycled), default forecast's 7 + 4 * (1..6). */
  sWindow?: Array<number | 'periodic'> | number | 'periodic';
  /** Passes over the seasonal components. Default 2. */
  iterate?: number;
  /** Box-Cox parameter; the decomposition is of the transformed series. */
  lambda?: number | null;
  /** Passed to every STL fit. */
  robust?: boolean;
  tWindow?: number;
  lWindow?: number;
  sDegree?: number;
  tDegree?: number;
}

export interface MstlResult {
  /** The series decomposed (after interpolation and any Box-Cox transform). */
  data: number[];
  trend: number[];
  /** One component per period kept, ordered by increasing period. */
  seasonals: Array<{period: number; values: number[]}>;
  remainder: number[];
  /** Periods dropped because the series holds fewer than two full cycles. */
  droppedPeriods: number[];
  /** Indices of missing values that were filled by interpolation. */
  interpolated: number[];
}

const DEFAULT_S_WINDOWS = [11, 15, 19, 23, 27, 31];

/** Box-Cox transform with forecast's conventions (log at 0; sign-preserving for negative values). */
export function boxCox(y: ReadonlyArray<number>, lambda: number): number[] {
  return y.map(v => {
    if (lambda === 0) return Math.log(v);
    return (Math.sign(v) * Math.pow(Math.abs(v), lambda) - 1) / lambda;
  });
}

function linearFill(y: ReadonlyArray<number | null>): number[] {
  const n = y.length;
  const known: number[] = [];
  for (let i = 0; i < n; i++) if (y[i] !== null) known.push(i);
  const out = new Array<number>(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (v !== null) {
      out[i] = v;
      continue;
    }
    while (k < known.length - 1 && known[k + 1] < i) k++;
    const a = known[k];
    const b = known.find(j => j > i);
    if (a === undefined || a > i) out[i] = y[known[0]] as number;
    else if (b === undefined) out[i] = y[known[known.length - 1]] as number;
    else {
      const ya = y[a] as number;
      const yb = y[b] as number;
      out[i] = ya + ((yb - ya) * (i - a)) / (b - a);
    }
  }
  return out;
}

function validate(
  y: ReadonlyArray<number | null>,
  periods: ReadonlyArray<number>,
): void {
  if (!Array.isArray(y)) throw new InputError('y', 'must be an array');
  let present = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InputError(
        'y',
        `value at index ${i} is not a finite number or null`,
      );
    }
    present++;
  }
  if (present < 3)
    throw new InputError('y', 'needs at least 3 observed values');
  if (!Array.isArray(periods) || periods.length === 0) {
    throw new InputError(
      'periods',
      'must be a non-empty array of seasonal periods',
    );
  }
  for (const p of periods) {
    if (typeof p !== 'number' || !Number.isFinite(p) || p < 1) {
      throw new InputError(
        'periods',
        `period ${String(p)} is not a number >= 1`,
      );
    }
  }
}

function core(
  x: number[],
  periods: number[],
  opts: MstlOptions,
): {trend: number[]; seas: number[][]; deseas: number[]} {
  const n = x.length;
  const iterate = Math.max(1, Math.trunc(opts.iterate ?? 2));
  const sw = opts.sWindow ?? DEFAULT_S_WINDOWS;
  const windows = Array.isArray(sw) ? sw : [sw];
  const seas = periods.map(() => new Array<number>(n).fill(0));
  const deseas = x.slice();
  let trend: number[] = [];
  for (let it = 0; it < iterate; it++) {
    for (let i = 0; i < periods.length; i++) {
      for (let t = 0; t < n; t++) deseas[t] += seas[i][t];
      const stlOpts: StlOptions = {
        sWindow: windows[i % windows.length],
        robust: opts.robust,
        tWindow: opts.tWindow,
        lWindow: opts.lWindow,
        sDegree: opts.sDegree,
        tDegree: opts.tDegree,
      };
      const fit = stl(deseas, periods[i], stlOpts);
      seas[i] = fit.seasonal;
      trend = fit.trend;
      for (let t = 0; t < n; t++) deseas[t] -= seas[i][t];
    }
  }
  return {trend, seas, deseas};
}

/**
 * Decomposes y into trend + one seasonal per period + remainder. Missing values
 * (null) are filled first as forecast::na.interp does for seasonal series: a
 * robust decomposition of the linearly filled series, then linear interpolation of
 * the seasonally adjusted values with the seasonal component added back.
 */
export function mstl(
  y: ReadonlyArray<number | null>,
  periods: ReadonlyArray<number>,
  opts: MstlOptions = {},
): MstlResult {
  validate(y, periods);
  const n = y.length;
  const sorted = [...new Set(periods)].filter(p => p > 1).sort((a, b) => a - b);
  const kept = sorted.filter(p => p < n / 2);
  const droppedPeriods = sorted.filter(p => p >= n / 2);
  if (kept.length === 0) {
    throw new InputError(
      'periods',
      `no seasonal period fits two full cycles in ${n} values`,
    );
  }
  const interpolated: number[] = [];
  for (let i = 0; i < n; i++) if (y[i] === null) interpolated.push(i);
  let x = linearFill(y);
  if (interpolated.length > 0 && n - interpolated.length > 2 * kept[0]) {
    const rough = core(x, kept, {...opts, robust: true});
    const sa = x.map((v, t) => v - rough.seas.reduce((s, c) => s + c[t], 0));
    const saFilled = linearFill(sa.map((v, t) => (y[t] === null ? null : v)));
    x = x.map((v, t) =>
      y[t] === null
        ? saFilled[t] + rough.seas.reduce((s, c) => s + c[t], 0)
        : v,
    );
  }
  if (opts.lambda !== undefined && opts.lambda !== null) {
    if (!Number.isFinite(opts.lambda)) {
      throw new InputError('lambda', 'must be a finite number');
    }
    if (x.some(v => v <= 0) && opts.lambda <= 0) {
      throw new InputError(
        'lambda',
        'a log or negative-power transform needs positive data',
      );
    }
    x = boxCox(x, opts.lambda);
  }
  const {trend, seas, deseas} = core(x, kept, opts);
  const remainder = deseas.map((v, t) => v - trend[t]);
  return {
    data: x,
    trend,
    seasonals: kept.map((period, i) => ({period, values: seas[i]})),
    remainder,
    droppedPeriods,
    interpolated,
  };
}

function variance(v: ReadonlyArray<number>): number {
  const n = v.length;
  if (n < 2) return 0;
  let mean = 0;
  for (const x of v) mean += x;
  mean /= n;
  let ss = 0;
  for (const x of v) ss += (x - mean) * (x - mean);
  return ss / (n - 1);
}

/**
 * Seasonal strength per period, max(0, min(1, 1 - var(R) / var(R + S))) from the
 * MSTL decomposition (Wang, Smith and Hyndman 2006; forecast's nsdiffs 'seas' test).
 */
export function seasonalStrength(
  y: ReadonlyArray<number | null>,
  periods: number | ReadonlyArray<number>,
  opts: MstlOptions = {},
): Array<{period: number; strength: number}> {
  const fit = mstl(y, typeof periods === 'number' ? [periods] : periods, opts);
  return seasonalStrengthOf(fit);
}

/** Seasonal strength of each component of an existing decomposition. */
export function seasonalStrengthOf(
  fit: MstlResult,
): Array<{period: number; strength: number}> {
  const varR = variance(fit.remainder);
  return fit.seasonals.map(({period, values}) => {
    const denom = variance(values.map((s, t) => s + fit.remainder[t]));
    const strength = denom > 0 ? Math.max(0, Math.min(1, 1 - varR / denom)) : 0;
    return {period, strength};
  });
}
