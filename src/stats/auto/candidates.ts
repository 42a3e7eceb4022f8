/** Candidate forecasts: input checks, the fallbacks, the combination and model summaries. */
import {InputError} from '../../core/errors';
import type {RegArmaFit} from './regarma';
import {normalIntervals} from '../naive';
import type {Forecast} from '../types';
import type {AutoArimaResult} from './arima-search';
import type {ArimaSummary, CandidateMethod} from './forecast-types';

/** A fitted candidate: forecasts from the full data, and refits at a backtest origin. */
export interface Candidate {
  method: CandidateMethod;
  label: string;
  forecast: (h: number, levels: number[]) => Forecast;
  /** Forecasts from data before `origin` (same model form, re-estimated). */
  refit: (origin: number, h: number, levels: number[]) => Forecast;
}

export function validateY(y: unknown): (number | null)[] {
  if (!Array.isArray(y))
    throw new InputError('y', 'must be an array of numbers or nulls');
  if (y.length === 0) throw new InputError('y', 'is empty');
  const out = y.map((v, i) => {
    if (v === null) return null;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InputError(
        'y',
        `value at index ${i} is not a finite number or null`,
      );
    }
    return v;
  });
  if (out.every(v => v === null))
    throw new InputError('y', 'every value is missing');
  return out;
}

export function validateFuture(f: unknown, k: number, h: number): number[][] {
  if (k === 0) {
    if (
      f !== undefined &&
      f !== null &&
      !(Array.isArray(f) && f.length === 0)
    ) {
      throw new InputError('xregFuture', 'given without xreg');
    }
    return [];
  }
  if (!Array.isArray(f) || f.length !== k) {
    throw new InputError(
      'xregFuture',
      `needs ${k} column(s), one per regressor, of ${h} values`,
    );
  }
  return f.map((c, j) => {
    if (!Array.isArray(c) || c.length !== h) {
      throw new InputError(
        'xregFuture',
        `column ${j + 1} must hold ${h} values (the horizon)`,
      );
    }
    return c.map((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new InputError(
          'xregFuture',
          `column ${j + 1}, row ${i + 1} is not a finite number`,
        );
      }
      return v;
    });
  });
}

export function finiteForecast(f: Forecast): boolean {
  const all = [f.mean, ...Object.values(f.lower), ...Object.values(f.upper)];
  return all.every(a => a.every(v => Number.isFinite(v)));
}

/** A flat forecast with zero-width intervals: the documented fallback for constant data. */
export function constantForecast(
  value: number,
  h: number,
  levels: number[],
): Forecast {
  return normalIntervals(
    new Array<number>(h).fill(value),
    new Array<number>(h).fill(0),
    levels,
  );
}

/** Averages point forecasts and interval bounds (errors treated as perfectly correlated). */
export function combine(forecasts: Forecast[]): Forecast {
  const k = forecasts.length;
  const avg = (arrs: number[][]) =>
    arrs[0].map((_, i) => arrs.reduce((s, a) => s + a[i], 0) / k);
  const levels = forecasts[0].levels;
  const lower: Record<string, number[]> = {};
  const upper: Record<string, number[]> = {};
  for (const l of levels) {
    lower[String(l)] = avg(forecasts.map(f => f.lower[String(l)]));
    upper[String(l)] = avg(forecasts.map(f => f.upper[String(l)]));
  }
  return {
    mean: avg(forecasts.map(f => f.mean)),
    lower,
    upper,
    levels: [...levels],
  };
}

export function summariseArima(res: AutoArimaResult): ArimaSummary {
  const f = res.fit;
  return {
    order: res.order,
    seasonal: res.seasonal,
    period: res.period,
    includeMean: res.includeMean,
    includeDrift: res.includeDrift,
    coef: {...f.coef},
    se: {...f.se},
    sigma2: f.sigma2,
    loglik: f.loglik,
    aic: f.aic,
    aicc: f.aicc,
    bic: f.bic,
    nobs: f.nobs,
    label: res.label,
    estimation: 'ML',
    approximation: res.approximation,
  };
}

export function summariseRegArma(fit: RegArmaFit, label: string): ArimaSummary {
  const coef: Record<string, number> = {};
  const se: Record<string, number> = {};
  const names = [
    ...fit.ar.map((_, i) => `ar${i + 1}`),
    ...fit.ma.map((_, i) => `ma${i + 1}`),
    ...fit.betaNames,
  ];
  const values = [...fit.ar, ...fit.ma, ...fit.beta];
  names.forEach((nm, i) => {
    coef[nm] = values[i];
    const s = fit.se[i];
    if (s !== null) se[nm] = s;
  });
  return {
    order: [fit.spec.p, fit.spec.d, fit.spec.q],
    seasonal: [0, 0, 0],
    period: 1,
    includeMean: fit.spec.constant && fit.spec.d === 0,
    includeDrift: fit.spec.constant && fit.spec.d === 1,
    coef,
    se,
    sigma2: fit.sigma2,
    loglik: -0.5 * fit.twoNll,
    aic: fit.aic,
    aicc: fit.aicc,
    bic: fit.bic,
    nobs: fit.nUsed,
    label,
    estimation: 'CSS',
    approximation: true,
  };
}
