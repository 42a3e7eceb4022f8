/**
 * Rolling-origin evaluation (time-series cross-validation): the model is re-estimated on
 * the data up to each origin and forecasts the next h values, which are then compared with
 * what happened. Scores pool every (origin, step) error; MASE scales each error by the
 * in-sample seasonal naive MAE of its own training window, as forecast::accuracy would for
 * that window.
 */
import {accuracyPct, maseScale} from './accuracy';
import type {Series} from './types';

export interface OriginOptions {
  /** Steps ahead forecast from each origin. */
  horizon: number;
  /** Number of origins (test windows). Default 4. */
  windows?: number;
  /** Distance between consecutive origins. Default: the horizon (non-overlapping windows). */
  step?: number;
  /** Smallest training length allowed. */
  minTrain: number;
}

/**
 * Origins (training lengths) ending with the last full test window: n - h, n - h - step, ...
 * Fewer than requested when the series is too short; empty when none fits.
 */
export function rollingOrigins(n: number, opts: OriginOptions): number[] {
  const h = opts.horizon;
  const step = opts.step ?? h;
  const windows = opts.windows ?? 4;
  if (!Number.isInteger(h) || h < 1)
    throw new Error('horizon must be a positive integer');
  if (!Number.isInteger(step) || step < 1)
    throw new Error('step must be a positive integer');
  const out: number[] = [];
  for (let k = 0; k < windows; k++) {
    const origin = n - h - k * step;
    if (origin < opts.minTrain) break;
    out.push(origin);
  }
  return out.reverse();
}

export interface BacktestScore {
  /** Mean absolute scaled error over every forecast (null without a usable scale). */
  mase: number | null;
  /** Mean absolute percentage error over forecasts of non-zero actuals. */
  mape: number | null;
  smape: number | null;
  mae: number | null;
  rmse: number | null;
  /** max(0, 100 - MAPE). */
  accuracyPct: number | null;
  /** Forecast errors scored. */
  n: number;
  windows: number;
}

export interface WindowForecast {
  /** Training length (the origin). */
  origin: number;
  forecast: number[];
  actual: (number | null)[];
}

/** Pools the errors of several windows into one score. */
export function scoreWindows(
  y: Series,
  windows: ReadonlyArray<WindowForecast>,
  period: number,
  include?: (index: number) => boolean,
): BacktestScore {
  let sae = 0;
  let sse = 0;
  let nAbs = 0;
  let sScaled = 0;
  let nScaled = 0;
  let sPct = 0;
  let nPct = 0;
  let sSym = 0;
  let nSym = 0;
  const m = period > 1 ? Math.round(period) : 1;
  for (const w of windows) {
    const train = y.slice(0, w.origin);
    const useSeasonal = m > 1 && train.length > m;
    const scale = useSeasonal
      ? maseScale(train, m, 0, 1)
      : maseScale(train, 1, 1, 0);
    w.forecast.forEach((f, i) => {
      const a = w.actual[i];
      if (
        a === null ||
        a === undefined ||
        !Number.isFinite(a) ||
        !Number.isFinite(f)
      )
        return;
      if (include && !include(w.origin + i)) return;
      const e = a - f;
      sae += Math.abs(e);
      sse += e * e;
      nAbs++;
      if (scale !== null) {
        sScaled += Math.abs(e) / scale;
        nScaled++;
      }
      if (a !== 0) {
        sPct += Math.abs(e / a) * 100;
        nPct++;
      }
      const den = Math.abs(a) + Math.abs(f);
      sSym += den > 0 ? (200 * Math.abs(e)) / den : 0;
      nSym++;
    });
  }
  const mape = nPct > 0 ? sPct / nPct : null;
  return {
    mase: nScaled > 0 ? sScaled / nScaled : null,
    mape,
    smape: nSym > 0 ? sSym / nSym : null,
    mae: nAbs > 0 ? sae / nAbs : null,
    rmse: nAbs > 0 ? Math.sqrt(sse / nAbs) : null,
    accuracyPct: accuracyPct(mape),
    n: nAbs,
    windows: windows.length,
  };
}

/**
 * Runs `forecaster(origin, h)` (which must only use data before `origin`) at every origin
 * and scores the forecasts. A forecaster that throws at an origin skips that window.
 */
export function rollingOrigin(
  y: Series,
  forecaster: (origin: number, h: number) => number[],
  opts: OriginOptions & {period?: number},
): {windows: WindowForecast[]; score: BacktestScore; failed: number} {
  const origins = rollingOrigins(y.length, opts);
  const windows: WindowForecast[] = [];
  let failed = 0;
  for (const origin of origins) {
    const h = Math.min(opts.horizon, y.length - origin);
    try {
      const f = forecaster(origin, h);
      if (f.length < h || f.slice(0, h).some(v => !Number.isFinite(v))) {
        failed++;
        continue;
      }
      windows.push({
        origin,
        forecast: f.slice(0, h),
        actual: y.slice(origin, origin + h),
      });
    } catch {
      failed++;
    }
  }
  return {windows, score: scoreWindows(y, windows, opts.period ?? 1), failed};
}
