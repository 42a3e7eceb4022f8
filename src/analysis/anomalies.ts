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
 * 7. Days the calendar moves by an amount it does not say (the first and last ten school
 *    days of each school year, known half days, the first day back after a break): a
 *    change the whole district shares there is the calendar's, not an event, unless every
 *    role falls by the minimum change (an outage stops teachers too); a school is judged
 *    against the district's change that day; sustained drops leave these days out.
 * 8. A school's roles are combined (Stouffer) allowing for how much their day-to-day
 *    noise moves together (robust correlation), so shared noise is not double evidence.
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
export {calendarExplainsDrop} from './anomalies/calendar-masks';
