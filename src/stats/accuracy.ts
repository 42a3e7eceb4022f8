/**
 * Forecast accuracy measures exactly as R's forecast::accuracy (test set) defines them
 * (Hyndman & Koehler 2006), plus sMAPE and the accuracy percentage used in reports.
 */
import type {Series} from './types';

export interface AccuracyMeasures {
  /** Mean error (actual - forecast). */
  me: number;
  rmse: number;
  mae: number;
  /** Mean percentage error, in percent. Null when every actual is zero. */
  mpe: number | null;
  /** Mean absolute percentage error, in percent. Null when every actual is zero. */
  mape: number | null;
  /** Mean absolute scaled error; null without training data or when the scale is zero. */
  mase: number | null;
  /** Symmetric MAPE: mean of 200|e| / (|actual| + |forecast|), in percent. */
  smape: number | null;
  /** Lag-1 autocorrelation of the errors; null for fewer than two errors. */
  acf1: number | null;
  /** Theil's U statistic as forecast::accuracy computes it; null when undefined. */
  theilsU: number | null;
  /** Number of (actual, forecast) pairs used. */
  n: number;
}

export interface AccuracyOptions {
  /** The in-sample series the forecasts were made from: needed for MASE. */
  train?: Series;
  /** Seasonal period of the data; 1 for non-seasonal. */
  period?: number;
  /** Lag-1 differences for the MASE scale (R: 1 for non-seasonal data, else 0). */
  d?: number;
  /** Seasonal differences for the MASE scale (R: 1 for seasonal data, else 0). */
  D?: number;
}

function mean(values: number[]): number | null {
  if (values.length === 0) return null;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

function diffSeries(
  x: ReadonlyArray<number | null>,
  lag: number,
): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = lag; i < x.length; i++) {
    const a = x[i];
    const b = x[i - lag];
    out.push(a === null || b === null ? null : a - b);
  }
  return out;
}

/**
 * The MASE denominator: mean absolute value of the D-times seasonally and d-times
 * differenced training series (forecast::accuracy's `scale`). Null when it cannot be formed.
 */
export function maseScale(
  train: Series,
  period = 1,
  d = period > 1 ? 0 : 1,
  D = period > 1 ? 1 : 0,
): number | null {
  let x: (number | null)[] = train.map(v =>
    v === null || !Number.isFinite(v) ? null : v,
  );
  const m = Math.round(period);
  for (let i = 0; i < D; i++) x = diffSeries(x, m);
  for (let i = 0; i < d; i++) x = diffSeries(x, 1);
  const abs = x.filter((v): v is number => v !== null).map(Math.abs);
  const s = mean(abs);
  return s === null || s === 0 ? null : s;
}

/** Lag-1 autocorrelation as R's acf computes it (mean removed, NA pairs skipped). */
function acf1(e: (number | null)[]): number | null {
  const vals = e.filter((v): v is number => v !== null);
  if (vals.length < 2) return null;
  const mu = mean(vals) as number;
  let c0 = 0;
  for (const v of vals) c0 += (v - mu) * (v - mu);
  let c1 = 0;
  for (let i = 0; i + 1 < e.length; i++) {
    const a = e[i];
    const b = e[i + 1];
    if (a !== null && b !== null) c1 += (a - mu) * (b - mu);
  }
  if (c0 === 0) return null;
  // R's acf divides both sums by the full length n, so the ratio is unaffected.
  return c1 / c0;
}

/**
 * Test-set accuracy of `forecast` against `actual` (same length, aligned).
 * Pairs with a missing or non-finite actual are skipped, as R's na.rm does. Percentage
 * measures skip zero actuals (R would return Inf).
 */
export function accuracy(
  forecast: ReadonlyArray<number>,
  actual: Series,
  opts: AccuracyOptions = {},
): AccuracyMeasures {
  const n = actual.length;
  if (forecast.length < n) {
    throw new Error(
      `accuracy: ${forecast.length} forecasts for ${n} actual values`,
    );
  }
  const err: (number | null)[] = [];
  const e: number[] = [];
  const pe: number[] = [];
  const spe: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = actual[i];
    const f = forecast[i];
    if (a === null || !Number.isFinite(a) || !Number.isFinite(f)) {
      err.push(null);
      continue;
    }
    const ei = a - f;
    err.push(ei);
    e.push(ei);
    if (a !== 0) pe.push((ei / a) * 100);
    const den = Math.abs(a) + Math.abs(f);
    if (den > 0) spe.push((200 * Math.abs(ei)) / den);
    else spe.push(0);
  }
  const me = mean(e) ?? 0;
  const mse = mean(e.map(v => v * v)) ?? 0;
  const mae = mean(e.map(Math.abs)) ?? 0;
  let mase: number | null = null;
  if (opts.train) {
    const scale = maseScale(opts.train, opts.period ?? 1, opts.d, opts.D);
    if (scale !== null && e.length > 0) mase = mae / scale;
  }
  // Theil's U over consecutive pairs, as testaccuracy() forms fpe and ape.
  let num = 0;
  let den = 0;
  let pairs = 0;
  for (let i = 1; i < n; i++) {
    const prev = actual[i - 1];
    const a = actual[i];
    const f = forecast[i];
    if (prev === null || a === null || prev === 0) continue;
    const fpe = f / prev - 1;
    const ape = a / prev - 1;
    if (!Number.isFinite(fpe) || !Number.isFinite(ape)) continue;
    num += (fpe - ape) * (fpe - ape);
    den += ape * ape;
    pairs++;
  }
  return {
    me,
    rmse: Math.sqrt(mse),
    mae,
    mpe: mean(pe),
    mape: mean(pe.map(Math.abs)),
    mase,
    smape: mean(spe),
    acf1: acf1(err),
    theilsU: pairs > 0 && den > 0 ? Math.sqrt(num / den) : null,
    n: e.length,
  };
}

/** Accuracy percentage used in reports: max(0, 100 - MAPE). */
export function accuracyPct(mape: number | null): number | null {
  if (mape === null || !Number.isFinite(mape)) return null;
  return Math.max(0, 100 - mape);
}
