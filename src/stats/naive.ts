/**
 * Naive and seasonal naive forecasts with prediction intervals, as forecast::naive and
 * forecast::snaive (lagwalk): the forecast repeats the last value (or the last season),
 * and the interval at step h widens with the number of whole seasons ahead.
 */
import {qnorm} from './distributions';
import type {Forecast, Series} from './types';

/** Checks and normalises prediction-interval levels (percent, 0 < level < 100). */
export function checkLevels(
  levels: ReadonlyArray<number> | undefined,
): number[] {
  const out = levels === undefined ? [80, 95] : [...levels];
  if (out.length === 0) throw new Error('levels: at least one level is needed');
  for (const l of out) {
    if (!(typeof l === 'number' && l > 0 && l < 100)) {
      throw new Error(
        `levels: each level must lie strictly between 0 and 100 (got ${l})`,
      );
    }
  }
  return out.sort((a, b) => a - b);
}

/** Builds intervals mean +- z * se for every level. */
export function normalIntervals(
  mean: number[],
  se: number[],
  levels: ReadonlyArray<number>,
): Forecast {
  const lower: Record<string, number[]> = {};
  const upper: Record<string, number[]> = {};
  for (const level of levels) {
    const z = qnorm(0.5 + level / 200);
    lower[String(level)] = mean.map((m, i) => m - z * se[i]);
    upper[String(level)] = mean.map((m, i) => m + z * se[i]);
  }
  return {mean, lower, upper, levels: [...levels]};
}

export interface LagWalkFit {
  lag: number;
  /** The last `lag` values (missing ones filled from a season earlier). */
  future: number[];
  fitted: (number | null)[];
  residuals: (number | null)[];
  /** Residual variance: mean of squared residuals (forecast's sigma2). */
  sigma2: number;
  /** Sum of squared residuals over their count: the variance used for intervals. */
  mse: number;
}

/** forecast:::lagwalk without drift: y[t] = y[t - lag] + e[t]. */
export function lagWalk(y: Series, lag: number): LagWalkFit {
  if (!Number.isInteger(lag) || lag < 1)
    throw new Error('lag must be a positive integer');
  const n = y.length;
  if (n <= lag)
    throw new Error(`need more than ${lag} observations (got ${n})`);
  // Missing values are completed with the value a lag earlier, as lagwalk does.
  const filled: (number | null)[] = [...y];
  for (let i = lag; i < n; i++) {
    if (filled[i] === null) filled[i] = filled[i - lag];
  }
  const fitted: (number | null)[] = [];
  const residuals: (number | null)[] = [];
  let ss = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const f = i >= lag ? filled[i - lag] : null;
    fitted.push(f);
    const v = y[i];
    const r = v === null || f === null ? null : v - f;
    residuals.push(r);
    if (r !== null) {
      ss += r * r;
      count++;
    }
  }
  const future = filled.slice(n - lag);
  if (future.some(v => v === null)) {
    throw new Error(
      'the last season holds missing values that cannot be filled',
    );
  }
  if (count === 0) throw new Error('no residuals: too many missing values');
  return {
    lag,
    future: future as number[],
    fitted,
    residuals,
    sigma2: ss / count,
    mse: ss / count,
  };
}

/** Forecasts from a lag walk: forecast.lagwalk without drift. */
export function forecastLagWalk(
  fit: LagWalkFit,
  h: number,
  levels?: ReadonlyArray<number>,
): Forecast {
  const lv = checkLevels(levels);
  const mean: number[] = [];
  const se: number[] = [];
  for (let i = 0; i < h; i++) {
    const steps = Math.floor(i / fit.lag) + 1;
    mean.push(fit.future[i % fit.lag]);
    se.push(Math.sqrt(fit.mse * steps));
  }
  return normalIntervals(mean, se, lv);
}

/** forecast::naive: the last value, intervals widening with sqrt(h). */
export function naive(
  y: Series,
  h: number,
  levels?: ReadonlyArray<number>,
): Forecast {
  return forecastLagWalk(lagWalk(y, 1), h, levels);
}

/** forecast::snaive: the value one season earlier. */
export function snaive(
  y: Series,
  period: number,
  h: number,
  levels?: ReadonlyArray<number>,
): Forecast {
  return forecastLagWalk(lagWalk(y, Math.round(period)), h, levels);
}
