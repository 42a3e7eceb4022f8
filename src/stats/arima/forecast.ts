/**
 * Forecasts from a fitted ARIMA model as R's predict.Arima / forecast.Arima: the Kalman
 * forecast of the ARIMA errors plus the regression part on future regressors (intercept,
 * drift continuing n + 1, n + 2, ..., then the user's columns), with normal prediction
 * intervals mean +- z * sqrt(v * sigma2) using forecast::Arima's sigma2.
 */
import {InputError} from '../../core/errors';
import {qnorm} from '../distributions';
import {Forecast} from '../types';
import {ArimaFit} from './result';
import {arimaForecastState} from './kalman';
import {ArimaStateSpace} from './statespace';

export interface ArimaForecastOptions {
  /** Future values of the user's regressors, as columns of length h. */
  xregFuture?: number[][];
  /** Interval levels in percent (a value below 1 is read as a fraction). Default [80, 95]. */
  levels?: number[];
}

/** Checks and normalises interval levels (R's forecast accepts fractions too). */
export function normaliseLevels(levels: unknown): number[] {
  if (levels === undefined) return [80, 95];
  if (!Array.isArray(levels) || levels.length === 0)
    throw new InputError('levels', 'must be a non-empty array of percentages');
  const out = levels.map(v => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v >= 100)
      throw new InputError('levels', 'each level must be a number in (0, 100)');
    return v;
  });
  if (out.every(v => v < 1)) return out.map(v => 100 * v);
  if (out.some(v => v < 1))
    throw new InputError('levels', 'mixes fractions and percentages');
  return out;
}

/** Forecasts h steps ahead with prediction intervals. */
export function forecastArima(
  fit: ArimaFit,
  h: number,
  opts: ArimaForecastOptions = {},
): Forecast {
  if (typeof h !== 'number' || !Number.isInteger(h) || h < 1)
    throw new InputError('horizon', 'must be a positive integer');
  const levels = normaliseLevels(opts.levels);
  const st = fit.state;
  const nUser = st.nUserXreg;
  const future = opts.xregFuture ?? [];
  if (nUser > 0 || future.length > 0) {
    if (!Array.isArray(future) || future.length !== nUser)
      throw new InputError(
        'xregFuture',
        `needs ${nUser} column(s) of future regressor values, one per regressor (got ${Array.isArray(future) ? future.length : 'none'})`,
      );
    future.forEach((col, j) => {
      if (!Array.isArray(col) || col.length !== h)
        throw new InputError(
          'xregFuture',
          `column ${j + 1} must hold ${h} values (one per forecast step)`,
        );
      col.forEach((v, i) => {
        if (typeof v !== 'number' || !Number.isFinite(v))
          throw new InputError(
            'xregFuture',
            `column ${j + 1} row ${i + 1} is not a finite number`,
          );
      });
    });
  }

  const ss = new ArimaStateSpace(st.phi.length, st.theta.length, st.delta);
  ss.phi.set(st.phi);
  ss.theta.set(st.theta);
  ss.a.set(st.a);
  ss.P.set(st.P);
  const {mean: errMean, variance} = arimaForecastState(ss, h);

  const regMean = new Array<number>(h).fill(0);
  let col = 0;
  if (st.includeMean) {
    const b = fit.coef[st.xregNames[col++]];
    for (let i = 0; i < h; i++) regMean[i] += b;
  }
  if (st.includeDrift) {
    const b = fit.coef[st.xregNames[col++]];
    for (let i = 0; i < h; i++) regMean[i] += b * (st.n + i + 1);
  }
  for (let j = 0; j < nUser; j++) {
    const b = fit.coef[st.xregNames[col++]];
    for (let i = 0; i < h; i++) regMean[i] += b * future[j][i];
  }

  const mean = errMean.map((m, i) => m + regMean[i]);
  const se = variance.map(v => Math.sqrt(Math.max(0, v) * fit.sigma2));
  const lower: Record<string, number[]> = {};
  const upper: Record<string, number[]> = {};
  for (const level of levels) {
    const z = qnorm(0.5 * (1 + level / 100));
    const key = String(level);
    lower[key] = mean.map((m, i) => m - z * se[i]);
    upper[key] = mean.map((m, i) => m + z * se[i]);
  }
  return {mean, lower, upper, levels};
}
