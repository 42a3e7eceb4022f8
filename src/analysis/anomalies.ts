/**
 * Calendar-aware anomaly detection on daily and weekly engagement series.
 *
 * Method, per series:
 * 1. Non-school days (weekends, holidays, breaks, summer) and missing or partial days
 *    are "closed": they get zero weight in the decomposition (so they neither pull the
 *    trend nor the weekday pattern) and are never flagged.
 * 2. Counts are modelled on the log scale (log(y + c), c = 5% of the typical level), so
 *    seasonal effects are multiplicative and a remainder reads as a relative change.
 * 3. Robust STL (bisquare robustness iterations) splits the school-day values into trend,
 *    seasonal and remainder; outages get zero robustness weight and do not distort the fit.
 * 4. Each remainder is scored in robust units (MAD, per cycle position when there are
 *    enough values, so a noisy weekday does not inflate the others). A day is an anomaly
 *    when |score| >= threshold and the change is at least `minChangePct`.
 * 5. Sustained level shifts (disengagement) are found on the deseasonalized school-day
 *    values by comparing medians of the windows before and after each day; medians ignore
 *    short outages, and a shift must be abrupt (not a ramp) to count.
 * 6. The first school day after a break is never a surge, nor is a day in a testing window;
 *    the last day of the school year (a half day in many districts) is never a drop.
 */
export type {
  AnomalyKind,
  SeriesAnomaly,
  SeriesAnomalyOptions,
  SeriesAnomalyResult,
  Severity,
} from './anomalies/series-types';
export {detectSeriesAnomalies} from './anomalies/series';
export type {
  AnomalyRow,
  DailyMetric,
  FactAnomalyOptions,
  WeeklyMetric,
} from './anomalies/fact-rows';
export {
  detectDailyAnomalies,
  detectWeeklyAnomalies,
} from './anomalies/detectors';
