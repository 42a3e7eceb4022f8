/**
 * SARIMAX: regression with seasonal ARIMA errors, fitted by exact maximum likelihood
 * (Kalman filter on R's state-space form) and forecast with prediction intervals.
 */
export type {ArimaSpec, ArimaLayout} from './spec';
export {resolveSpec} from './spec';
export type {ArimaFit, ArimaFinalState} from './result';
export type {ArimaFitOptions} from './fit';
export {fitArima} from './fit';
export {validateSeries} from './series';
export type {ArimaForecastOptions} from './forecast';
export {forecastArima, normaliseLevels} from './forecast';
export type {Forecast} from '../types';
