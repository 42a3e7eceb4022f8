/**
 * What a fit of a regression with seasonal ARIMA errors returns (R's Arima object):
 * coefficients, their covariance, criteria, residuals and the state for forecasting.
 */
import {ArimaSpec} from './spec';

export interface ArimaFit {
  spec: ArimaSpec;
  coef: Record<string, number>;
  coefNames: string[];
  /** Standard errors of the estimated (not fixed) coefficients. */
  se: Record<string, number>;
  /** Residual variance as forecast::Arima reports it: sum of squared residuals / (n* - k). */
  sigma2: number;
  /** Maximum-likelihood estimate of the innovation variance (R's stats::arima sigma2). */
  sigma2ML: number;
  loglik: number;
  aic: number;
  aicc: number;
  bic: number;
  /** Observations used by the likelihood: non-missing values less d + D s. */
  nobs: number;
  /** Standardised one-step innovations (null where y is missing). */
  residuals: (number | null)[];
  /** y minus residuals (null where y is missing). */
  fitted: (number | null)[];
  converged: boolean;
  method: 'ML' | 'CSS-ML' | 'CSS';
  /** Covariance matrix of the estimated coefficients, in coefNames order of `se`. */
  varCoef: number[][];
  /** Notes on fallbacks taken (non-convergence, dropped drift, ...). */
  warnings: string[];
  /** What forecasting needs: the filtered state at the end of the series. */
  state: ArimaFinalState;
}

/** The model and filtered state after the last observation (R's fit$model). */
export interface ArimaFinalState {
  phi: number[];
  theta: number[];
  delta: number[];
  a: number[];
  P: number[];
  /** Length of the fitted series (drift continues from n + 1). */
  n: number;
  /** Names of the regression coefficients in order (intercept, drift, user regressors). */
  xregNames: string[];
  includeMean: boolean;
  includeDrift: boolean;
  nUserXreg: number;
}
