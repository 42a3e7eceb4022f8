/**
 * `node dist/cli.cjs auto`: automatic forecasting of one series.
 *
 * Request: {y, period, horizon, xreg?, xregNames?, xregFuture?, levels?, select?, candidates?}.
 * Response: the automatically selected ARIMA model as `fit` reports one (coef, se, sigma2,
 * loglik, aic, aicc, bic, nobs; R's names and conventions), the forecast of the method the
 * selection chose, and `model` naming that method and the ARIMA orders. When the chosen
 * method is not the ARIMA model, `model.arimaForecast` still carries the ARIMA forecast.
 * Values that do not exist for a model are null, never NaN.
 */
import {InputError} from '../../core/errors';
import {autoForecast} from '../../stats/auto';
import type {AutoForecastRequest, CandidateMethod} from '../../stats/auto';
import type {Forecast} from '../../stats/types';

const CANDIDATES: CandidateMethod[] = [
  'arima',
  'ets',
  'snaive',
  'naive',
  'combination',
];

function asObject(request: unknown): Record<string, unknown> {
  if (
    typeof request !== 'object' ||
    request === null ||
    Array.isArray(request)
  ) {
    throw new InputError('request', 'must be a JSON object');
  }
  return request as Record<string, unknown>;
}

function finiteOrNull(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function forecastJson(f: Forecast): {
  mean: number[];
  lower: Record<string, number[]>;
  upper: Record<string, number[]>;
} {
  return {mean: f.mean, lower: f.lower, upper: f.upper};
}

/** Parses and checks an `auto` request; unknown fields are refused to catch typos. */
export function parseAutoRequest(request: unknown): AutoForecastRequest {
  const r = asObject(request);
  const known = new Set([
    'y',
    'period',
    'horizon',
    'xreg',
    'xregNames',
    'xregFuture',
    'levels',
    'select',
    'candidates',
    'fourierK',
  ]);
  for (const k of Object.keys(r)) {
    if (!known.has(k))
      throw new InputError(k, 'is not a field of the auto request');
  }
  if (r.y === undefined) throw new InputError('y', 'is required');
  if (r.horizon === undefined) throw new InputError('horizon', 'is required');
  const period = r.period === undefined || r.period === null ? 1 : r.period;
  if (typeof period !== 'number' || !Number.isFinite(period) || period < 1) {
    throw new InputError('period', 'must be a number >= 1');
  }
  let candidates: CandidateMethod[] | undefined;
  if (r.candidates !== undefined) {
    if (!Array.isArray(r.candidates) || r.candidates.length === 0) {
      throw new InputError(
        'candidates',
        `must be a non-empty array of ${CANDIDATES.join(', ')}`,
      );
    }
    candidates = r.candidates.map(c => {
      if (!CANDIDATES.includes(c as CandidateMethod)) {
        throw new InputError(
          'candidates',
          `unknown method ${JSON.stringify(c)}`,
        );
      }
      return c as CandidateMethod;
    });
  }
  let fourierK: number | 'auto' | undefined;
  if (r.fourierK !== undefined) {
    if (
      r.fourierK !== 'auto' &&
      !(
        typeof r.fourierK === 'number' &&
        Number.isInteger(r.fourierK) &&
        r.fourierK >= 0
      )
    ) {
      throw new InputError(
        'fourierK',
        "must be a non-negative integer or 'auto'",
      );
    }
    fourierK = r.fourierK as number | 'auto';
  }
  return {
    y: r.y as AutoForecastRequest['y'],
    period,
    horizon: r.horizon as number,
    xreg: r.xreg as number[][] | undefined,
    xregNames: r.xregNames as string[] | undefined,
    xregFuture: r.xregFuture as number[][] | undefined,
    levels: r.levels as number[] | undefined,
    select: r.select as AutoForecastRequest['select'],
    candidates,
    fourierK,
  };
}

export function autoCommand(request: unknown): unknown {
  const req = parseAutoRequest(request);
  const res = autoForecast(req);
  const a = res.arima;
  const arimaForecast = res.arimaForecast
    ? forecastJson(res.arimaForecast)
    : null;
  const e = res.ets;
  const scores: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(res.scores)) {
    if (!v) continue;
    scores[k] = {
      mase: finiteOrNull(v.mase),
      mape: finiteOrNull(v.mape),
      accuracyPct: finiteOrNull(v.accuracyPct),
      n: v.n,
    };
  }
  return {
    coef: a ? a.coef : e ? e.par : {},
    se: a ? a.se : {},
    sigma2: finiteOrNull(a ? a.sigma2 : e?.sigma2),
    loglik: finiteOrNull(a ? a.loglik : e?.loglik),
    aic: finiteOrNull(a ? a.aic : e?.aic),
    aicc: finiteOrNull(a ? a.aicc : e?.aicc),
    bic: finiteOrNull(a ? a.bic : e?.bic),
    nobs: a ? a.nobs : null,
    forecast: forecastJson(res.forecast),
    model: {
      method: res.method,
      label: res.label,
      selectedBy: res.selectedBy,
      order: a ? a.order : null,
      seasonal: a ? a.seasonal : null,
      period: a ? a.period : null,
      includeMean: a ? a.includeMean : null,
      includeDrift: a ? a.includeDrift : null,
      arimaLabel: a ? a.label : null,
      estimation: a ? a.estimation : null,
      ets: e
        ? {method: e.method, par: e.par, aicc: finiteOrNull(e.aicc)}
        : null,
      fourier: res.fourier,
      scores,
      arimaForecast,
      notes: res.notes,
    },
  };
}
