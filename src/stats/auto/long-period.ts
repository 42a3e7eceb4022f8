/** Long seasonal periods: regressors and Fourier terms with ARMA errors. */
import {autoRegArma, errorsLag1, fitRegArma, forecastRegArma} from './regarma';
import type {RegArmaFit} from './regarma';
import {fourier, fourierFuture} from '../fourier';
import type {Forecast, Series} from '../types';
import {interpolateMissing, ndiffs} from '../unitroot';
import {summariseRegArma} from './candidates';
import type {ArimaSummary} from './forecast-types';

/** A regression on regressors and Fourier terms with ARMA errors, for long periods. */
export interface LongPeriodModel {
  fit: RegArmaFit;
  /** Fourier pairs used. */
  K: number;
  period: number;
  /** Names of all regressors: the given ones, then the Fourier terms. */
  names: string[];
  label: string;
  summary: ArimaSummary;
  /** Forecast from the full data; `xregFuture` holds the given regressors' future values. */
  forecast: (h: number, levels: number[], xregFuture: number[][]) => Forecast;
  /** Same specification re-estimated on y[0 .. origin - 1], then forecast. */
  refit: (
    origin: number,
    h: number,
    levels: number[],
    xregFuture: number[][],
  ) => Forecast;
}

/**
 * Regression with ARMA errors on the given regressors plus Fourier terms of `period`,
 * searched stepwise by conditional least squares (auto.arima's approximation, which it
 * also uses for series this long or this seasonal): d by KPSS on the regression
 * residuals (at most 1), K by AICc with AR(1) errors when 'auto', then (p, q) and the
 * constant stepwise. With `stepwise` false the errors are AR(1) with rho from the OLS
 * residuals (one Cochrane-Orcutt step): a quick model for auxiliary forecasts such as a
 * regressor's own future. Missing values are interpolated for the fit. Null when nothing fits.
 */
export function fitLongPeriod(
  y: Series,
  period: number,
  xreg: number[][],
  xregNames: string[],
  fourierK: number | 'auto' = 'auto',
  stepwise = true,
  fixed: {p: number; d: number; q: number; constant: boolean} | null = null,
): LongPeriodModel | null {
  const n = y.length;
  const yy = interpolateMissing(y);
  const maxK = Math.max(0, Math.min(6, Math.floor(period / 2)));
  const build = (K: number) => {
    const f = K > 0 ? fourier(n, period, K) : {columns: [], names: []};
    return {cols: [...xreg, ...f.columns], names: [...xregNames, ...f.names]};
  };
  if (fixed && stepwise && typeof fourierK === 'number') {
    // An earlier choice: its K and ARMA orders refitted, no differencing test or search.
    const K = Math.max(0, Math.min(maxK, Math.floor(fourierK)));
    const chosen = build(K);
    const fit = fitRegArma(
      yy,
      chosen.cols,
      {p: fixed.p, q: fixed.q, d: fixed.d, constant: fixed.constant},
      chosen.names,
      true,
    );
    if (fit) return longPeriodModel(y, period, K, chosen, fit, stepwise);
  }
  const base = build(Math.min(3, maxK));
  let d = 0;
  const ols = fitRegArma(
    yy,
    base.cols,
    {p: 0, q: 0, d: 0, constant: true},
    base.names,
  );
  if (ols) d = Math.min(1, ndiffs(Array.from(ols.errors)));
  // AR(1) errors with rho from the OLS residuals (one Cochrane-Orcutt step): cheap enough
  // to compare every K, and close to the fitted AR(1) likelihood.
  const ar1 = (k: number): RegArmaFit | null => {
    const b = build(k);
    const o = fitRegArma(yy, b.cols, {p: 0, q: 0, d, constant: true}, b.names);
    if (!o) return null;
    return fitRegArma(
      yy,
      b.cols,
      {p: 1, q: 0, d, constant: true},
      b.names,
      false,
      [errorsLag1(o)],
    );
  };
  let K: number;
  let kFit: RegArmaFit | null = null;
  if (fourierK === 'auto') {
    let bestK = 0;
    let bestIc = Infinity;
    let worse = 0;
    // Harmonics are added in order; two in a row that do not improve AICc end the scan.
    for (let k = 0; k <= maxK && worse < 2; k++) {
      const f = ar1(k);
      if (f && f.aicc < bestIc) {
        bestIc = f.aicc;
        bestK = k;
        kFit = f;
        worse = 0;
      } else {
        worse++;
      }
    }
    K = bestK;
  } else {
    K = Math.max(0, Math.min(maxK, Math.floor(fourierK)));
  }
  const chosen = build(K);
  let fit: RegArmaFit | null;
  if (stepwise) {
    const res = autoRegArma(yy, chosen.cols, d, chosen.names);
    fit = res ? res.fit : null;
  } else {
    fit = kFit ?? ar1(K);
  }
  if (!fit) return null;
  // Standard errors for the reported model (the quick AR(1) model is an auxiliary one).
  if (stepwise)
    fit = fitRegArma(yy, chosen.cols, fit.spec, chosen.names, true) ?? fit;
  return longPeriodModel(y, period, K, chosen, fit, stepwise);
}

/** The fitted regression on regressors and Fourier terms, with its forecast and refit. */
function longPeriodModel(
  y: Series,
  period: number,
  K: number,
  chosen: {cols: number[][]; names: string[]},
  fit: RegArmaFit,
  stepwise: boolean,
): LongPeriodModel {
  const n = y.length;
  const spec = fit.spec;
  const core = `ARIMA(${spec.p},${spec.d},${spec.q})`;
  const label =
    chosen.cols.length > 0
      ? `Regression with ${core} errors` +
        (K > 0 ? ` + Fourier(K=${K}, period ${period})` : '')
      : spec.constant
        ? `${core} with ${spec.d === 0 ? 'non-zero mean' : 'drift'}`
        : core;
  const fourierAtEnd = (origin: number, h: number) =>
    K > 0 ? fourierFuture(origin, period, K, h).columns : [];
  return {
    fit,
    K,
    period,
    names: chosen.names,
    label,
    summary: summariseRegArma(fit, label),
    forecast: (h, levels, xf) =>
      forecastRegArma(
        fit,
        h,
        [...xf, ...fourierAtEnd(n, h)],
        levels,
        chosen.cols.map(c => c[n - 1]),
      ),
    refit: (origin, h, levels, xf) => {
      const cols = chosen.cols.map(c => c.slice(0, origin));
      const yo = interpolateMissing(y.slice(0, origin));
      let f: RegArmaFit | null;
      if (stepwise) {
        f = fitRegArma(yo, cols, spec, chosen.names);
      } else {
        // The quick model is re-estimated the way it was chosen: OLS, then AR(1) at rho.
        const o = fitRegArma(yo, cols, {...spec, p: 0}, chosen.names);
        f = o
          ? fitRegArma(yo, cols, spec, chosen.names, false, [errorsLag1(o)])
          : null;
      }
      if (!f)
        throw new Error(
          `${label} could not be re-estimated at origin ${origin}`,
        );
      return forecastRegArma(
        f,
        h,
        [...xf, ...fourierAtEnd(origin, h)],
        levels,
        cols.map(c => c[origin - 1]),
      );
    },
  };
}
