/** Shapes shared by every forecasting model of the engine. */

/** A series with possible gaps: null marks a missing observation. */
export type Series = ReadonlyArray<number | null>;

/** Point forecasts with prediction intervals, keyed by level as a string ("80", "95"). */
export interface Forecast {
  mean: number[];
  lower: Record<string, number[]>;
  upper: Record<string, number[]>;
  levels: number[];
}

/** Information criteria with R's conventions (forecast::Arima, forecast::ets). */
export interface InformationCriteria {
  loglik: number;
  aic: number;
  aicc: number;
  bic: number;
  nobs: number;
}
