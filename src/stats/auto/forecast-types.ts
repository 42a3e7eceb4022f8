/** What autoForecast is asked for and what it returns. */
import type {BacktestScore} from '../backtest';
import type {Forecast, Series} from '../types';

// ---------------------------------------------------------------------------------------
// Automatic forecasting across model families.
// ---------------------------------------------------------------------------------------

export type CandidateMethod =
  'arima' | 'ets' | 'snaive' | 'naive' | 'combination';

export interface AutoForecastRequest {
  y: Series;
  /** Seasonal period; periods above 24 (e.g. 52.18 weeks) are modelled with Fourier terms. */
  period?: number;
  horizon: number;
  /** Regressor columns, each as long as y. */
  xreg?: number[][];
  xregNames?: string[];
  /** Future regressor columns, each of length horizon. */
  xregFuture?: number[][];
  levels?: number[];
  /**
   * 'backtest' (default): the candidate with the lowest rolling-origin MASE;
   * 'ic': the ARIMA model chosen by AICc (auto.arima), other families only as fallbacks.
   */
  select?: 'backtest' | 'ic';
  candidates?: CandidateMethod[];
  /** Rolling-origin windows for the backtest (default 4). */
  backtestWindows?: number;
  /** Backtest horizon (default: min(horizon, period > 1 ? period : 8)). */
  backtestHorizon?: number;
  /**
   * The regressor values to forecast with from a backtest origin (columns of length h).
   * Default: the observed values, right for regressors known in advance (calendars);
   * regressors that are themselves forecast in production should be forecast here too.
   */
  backtestXreg?: (origin: number, h: number) => number[][];
  /** Fourier pairs for long periods: a number, or 'auto' (chosen by AICc up to 6). */
  fourierK?: number | 'auto';
  /** With select = 'ic', still backtest the chosen model to report its accuracy. */
  scoreChoice?: boolean;
  /**
   * The ARIMA form chosen by an earlier call on the same series (its `choice`): refitted
   * as it is instead of searched, unless it no longer applies or cannot be estimated.
   */
  reuse?: ModelChoice | null;
}

/** The ARIMA form autoForecast chose, enough to refit it without the search. */
export type ModelChoice =
  | {
      kind: 'arima';
      p: number;
      d: number;
      q: number;
      P: number;
      D: number;
      Q: number;
      constant: boolean;
    }
  | {
      kind: 'regarma';
      K: number;
      p: number;
      d: number;
      q: number;
      constant: boolean;
    };

export interface ArimaSummary {
  order: [number, number, number];
  seasonal: [number, number, number];
  period: number;
  includeMean: boolean;
  includeDrift: boolean;
  /** Coefficients by R's names: ar1.., ma1.., sar1.., sma1.., intercept, drift, regressors. */
  coef: Record<string, number>;
  se: Record<string, number>;
  sigma2: number;
  loglik: number;
  aic: number;
  aicc: number;
  bic: number;
  nobs: number;
  label: string;
  /** 'ML' for the exact-likelihood fit; 'CSS' for the fast long-period path. */
  estimation: 'ML' | 'CSS';
  /** The order search ranked models by conditional sum of squares (auto.arima's approximation). */
  approximation: boolean;
}

export interface BacktestWindowForecast {
  /** Training length: the forecast covers y[origin .. origin + h - 1]. */
  origin: number;
  forecast: Forecast;
}

export interface AutoForecastResult {
  /** What produced the forecast. */
  method: CandidateMethod | 'mean';
  /** Human-readable model name, e.g. "ARIMA(2,1,1)(0,1,0)[12]" or "ETS(M,Ad,M)". */
  label: string;
  selectedBy: 'backtest' | 'ic' | 'fallback';
  forecast: Forecast;
  arima: ArimaSummary | null;
  ets: {
    method: string;
    par: Record<string, number>;
    loglik: number;
    aic: number;
    aicc: number;
    bic: number;
    sigma2: number;
  } | null;
  /** Backtest scores of every candidate evaluated (empty with select = 'ic'). */
  scores: Partial<Record<CandidateMethod, BacktestScore>>;
  /** The chosen method's backtest forecasts (empty without a backtest). */
  backtest: BacktestWindowForecast[];
  /** Fourier terms added for a long seasonal period. */
  fourier: {K: number; period: number; names: string[]} | null;
  /** The ARIMA model's own forecast when another method was chosen. */
  arimaForecast: Forecast | null;
  /** Fallbacks taken and other notes. */
  notes: string[];
  /** The ARIMA form fitted (pass it as `reuse` to skip the search next time). */
  choice: ModelChoice | null;
  /**
   * The fitted ARIMA model's forecast with other future regressor values (columns of
   * length h): the code path of `forecast` itself, so the same columns give the same
   * numbers. Null when no ARIMA model was fitted.
   */
  forecastWith:
    ((xregFuture: number[][], h: number, levels: number[]) => Forecast) | null;
}
