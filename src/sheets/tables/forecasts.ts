/**
 * The forecast tabs: weekly actuals and forecasts with their intervals, the backtest
 * accuracy per school, and their Looker Studio twins.
 */
import {METRIC_NAMES} from '../../core/labels';
import {adminTable, lookerOf, SCHOOL_NAME_COLUMN} from '../schema';

/** One week of a forecast series: history (actual and fitted), backtest points, the future. */
export interface ForecastRecord {
  /** School id, or 'district' for the district total. */
  schoolId: string;
  schoolName: string;
  /** What is forecast, e.g. `active_students`. */
  metric: string;
  week: string;
  weekStart: string;
  actual: number | null;
  forecast: number | null;
  lo80: number | null;
  hi80: number | null;
  lo95: number | null;
  hi95: number | null;
  /** The model's name, e.g. `ARIMA(1,0,0) + Fourier(2) + xreg` or `ETS(A,Ad,N)`. */
  model: string;
  /** True for a point forecast from a rolling-origin backtest (the actual was held out). */
  backtest: boolean;
}

export interface AccuracyRecord {
  schoolId: string;
  schoolName: string;
  metric: string;
  model: string;
  horizonWeeks: number;
  /** Backtest forecasts scored. */
  points: number;
  mae: number | null;
  rmse: number | null;
  mape: number | null;
  smape: number | null;
  mase: number | null;
  /** max(0, 100 - MAPE). */
  accuracyPct: number | null;
}

// prettier-ignore
export const FORECASTS = adminTable<ForecastRecord>({
  name: 'Forecasts',
  description: 'Weekly actuals, backtest and future forecasts with 80% and 95% intervals.',
  columns: [
    ['schoolId', 'school_id', 'School id', 'string', "School id, or 'district' for the district total."],
    SCHOOL_NAME_COLUMN,
    ['metric', 'metric', 'Metric', 'string', 'The forecast series, e.g. active_students.', {names: METRIC_NAMES}],
    ['week', 'week', 'Week', 'week', 'ISO week.'],
    ['weekStart', 'week_start', 'Week start', 'date', 'Monday of the week.'],
    ['actual', 'actual', 'Actual', 'number', 'Observed value; empty for future weeks.'],
    ['forecast', 'forecast', 'Forecast', 'number', 'Point forecast; empty for history not forecast.'],
    ['lo80', 'lo80', '80% low', 'number', 'Lower bound of the 80% prediction interval.'],
    ['hi80', 'hi80', '80% high', 'number', 'Upper bound of the 80% prediction interval.'],
    ['lo95', 'lo95', '95% low', 'number', 'Lower bound of the 95% prediction interval.'],
    ['hi95', 'hi95', '95% high', 'number', 'Upper bound of the 95% prediction interval.'],
    ['model', 'model', 'Model', 'string', 'The model that produced the forecast.', {width: 200}],
    ['backtest', 'backtest', 'Backtest', 'boolean', 'TRUE for a rolling-origin backtest point (actual held out).'],
  ],
});

// prettier-ignore
export const FORECAST_ACCURACY = adminTable<AccuracyRecord>({
  name: 'Forecast accuracy',
  description: 'Rolling-origin backtest accuracy of the weekly forecast per school.',
  columns: [
    ['schoolId', 'school_id', 'School id', 'string', "School id, or 'district'."],
    SCHOOL_NAME_COLUMN,
    ['metric', 'metric', 'Metric', 'string', 'The forecast series.', {names: METRIC_NAMES}],
    ['model', 'model', 'Model', 'string', 'The model chosen for the school.', {width: 200}],
    ['horizonWeeks', 'horizon_weeks', 'Horizon (weeks)', 'integer', 'Forecast horizon of the backtest.'],
    ['points', 'points', 'Points', 'integer', 'Backtest forecasts scored.'],
    ['mae', 'mae', 'MAE', 'number', 'Mean absolute error.'],
    ['rmse', 'rmse', 'RMSE', 'number', 'Root mean squared error.'],
    ['mape', 'mape', 'MAPE %', 'percent', 'Mean absolute percentage error.'],
    ['smape', 'smape', 'sMAPE %', 'percent', 'Symmetric MAPE.'],
    ['mase', 'mase', 'MASE', 'number', 'Mean absolute scaled error (seasonal naive scale).', {format: '0.000'}],
    ['accuracyPct', 'accuracy_pct', 'Accuracy %', 'percent', 'max(0, 100 - MAPE).'],
  ],
});

export const LK_FORECAST = lookerOf(
  FORECASTS,
  'lk_forecast',
  'Weekly actuals and forecasts with 80% and 95% intervals.',
);

export const LK_FORECAST_ACCURACY = lookerOf(
  FORECAST_ACCURACY,
  'lk_forecast_accuracy',
  'Backtest accuracy of the weekly forecast per school.',
);
