/**
 * Automatic model selection: auto.arima's search (auto/arima-search) and forecasting
 * across model families with backtests (auto/forecast).
 */
export type {
  AutoArimaOptions,
  AutoArimaResult,
  SearchedModel,
} from './auto/arima-search';
export {
  autoArima,
  forecastAutoArima,
  independentColumns,
} from './auto/arima-search';
export type {
  ArimaSummary,
  AutoForecastRequest,
  AutoForecastResult,
  BacktestWindowForecast,
  CandidateMethod,
  ModelChoice,
} from './auto/forecast-types';
export type {LongPeriodModel} from './auto/long-period';
export {fitLongPeriod} from './auto/long-period';
export {autoForecast} from './auto/forecast';
