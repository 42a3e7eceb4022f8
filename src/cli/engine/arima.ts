/**
 * `node dist/cli.cjs fit`: fits a regression with seasonal ARIMA errors and forecasts.
 * Request {y, period, order, seasonal?, includeMean?, includeDrift?, xreg?, xregNames?,
 * fixed?, method?, horizon?, xregFuture?, levels?}; response {coef, se, sigma2, loglik,
 * aic, aicc, bic, nobs, converged, warnings, forecast?}.
 */
import {InputError} from '../../core/errors';
import {
  ArimaSpec,
  fitArima,
  forecastArima,
  normaliseLevels,
} from '../../stats/arima';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function orderField(v: unknown, field: string, fallback?: number[]): number[] {
  if (v === undefined && fallback) return fallback;
  if (
    !Array.isArray(v) ||
    v.length !== 3 ||
    v.some(x => typeof x !== 'number' || !Number.isInteger(x) || x < 0)
  )
    throw new InputError(field, 'must be three non-negative integers');
  return v as number[];
}

function booleanField(v: unknown, field: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean')
    throw new InputError(field, 'must be true or false');
  return v;
}

function columnsField(v: unknown, field: string): number[][] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some(c => !Array.isArray(c)))
    throw new InputError(
      field,
      'must be an array of columns (one array of numbers per regressor)',
    );
  return v as number[][];
}

/** R's default forecast horizon: two seasonal cycles, or 10 steps. */
function defaultHorizon(period: number, seasonal: number[]): number {
  return period > 1 && seasonal.some(v => v > 0) ? 2 * period : 10;
}

export function fitCommand(request: unknown): unknown {
  if (!isRecord(request))
    throw new InputError('request', 'must be a JSON object');
  const r = request;
  if (r.y === undefined) throw new InputError('y', 'is required');
  const period = r.period === undefined ? 1 : r.period;
  if (typeof period !== 'number' || !Number.isFinite(period) || period < 1)
    throw new InputError('period', 'must be a number >= 1');
  const order = orderField(r.order, 'order');
  const seasonal = orderField(r.seasonal, 'seasonal', [0, 0, 0]);
  const xreg = columnsField(r.xreg, 'xreg');
  const xregFuture = columnsField(r.xregFuture, 'xregFuture');
  let xregNames: string[] | undefined;
  if (r.xregNames !== undefined) {
    if (
      !Array.isArray(r.xregNames) ||
      r.xregNames.some(n => typeof n !== 'string')
    )
      throw new InputError('xregNames', 'must be an array of strings');
    xregNames = r.xregNames as string[];
  }
  let fixed: Record<string, number> | undefined;
  if (r.fixed !== undefined) {
    if (!isRecord(r.fixed))
      throw new InputError('fixed', 'must map coefficient names to numbers');
    fixed = r.fixed as Record<string, number>;
  }
  const method = r.method;
  if (
    method !== undefined &&
    method !== 'ML' &&
    method !== 'CSS-ML' &&
    method !== 'CSS'
  )
    throw new InputError('method', "must be 'ML', 'CSS-ML' or 'CSS'");
  const levels = normaliseLevels(r.levels);

  const spec: ArimaSpec = {
    order: order as [number, number, number],
    seasonal: seasonal as [number, number, number],
    period,
    includeMean: booleanField(r.includeMean, 'includeMean'),
    includeDrift: booleanField(r.includeDrift, 'includeDrift'),
    xreg,
    xregNames,
    fixed,
    method: method as ArimaSpec['method'],
  };

  const nXreg = xreg?.length ?? 0;
  let horizon: number;
  if (r.horizon !== undefined) {
    if (
      typeof r.horizon !== 'number' ||
      !Number.isInteger(r.horizon) ||
      r.horizon < 0
    )
      throw new InputError('horizon', 'must be a non-negative integer');
    horizon = r.horizon;
  } else if (xregFuture && xregFuture.length > 0) {
    horizon = xregFuture[0].length;
  } else {
    horizon = nXreg > 0 ? 0 : defaultHorizon(period, seasonal);
  }
  if (horizon > 0 && nXreg > 0 && !xregFuture)
    throw new InputError(
      'xregFuture',
      `forecasting ${horizon} steps needs the future values of the ${nXreg} regressor(s)`,
    );

  const fit = fitArima(y(r.y), spec);
  const response: Record<string, unknown> = {
    coef: fit.coef,
    se: fit.se,
    sigma2: fit.sigma2,
    loglik: fit.loglik,
    aic: fit.aic,
    aicc: fit.aicc,
    bic: fit.bic,
    nobs: fit.nobs,
    converged: fit.converged,
    warnings: fit.warnings,
  };
  if (horizon > 0) {
    const fc = forecastArima(fit, horizon, {xregFuture, levels});
    response.forecast = {mean: fc.mean, lower: fc.lower, upper: fc.upper};
  }
  return response;
}

function y(v: unknown): ReadonlyArray<number | null> {
  if (!Array.isArray(v))
    throw new InputError('y', 'must be an array of numbers (null for missing)');
  return v as ReadonlyArray<number | null>;
}
