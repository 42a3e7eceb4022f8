/**
 * Per-school weekly forecasts of student activity (pure, over WeeklyFact rows).
 *
 * Model: a regression of the weekly student metric on
 *   - teacher activity in the same week (the engagement that drives student use),
 *   - the school calendar: a break dummy (no school day), a summer dummy (a week of a run
 *     of 4+ closed weeks), the log of the school days in a week with school, a
 *     testing-window dummy, a mid-break dummy and a year-edge dummy (see
 *     calendarRegressors),
 *   - Fourier terms of period 52.18 weeks for the rest of the annual cycle,
 * with short ARMA errors (chosen stepwise by AICc; a first difference with drift when the
 * KPSS test asks for it). The annual cycle is never a 52-lag seasonal state.
 *
 * Future teacher activity is not known, so it is forecast by its own model of the same form
 * (calendar + Fourier terms + ARMA errors, without the teacher term), and that forecast is
 * the regressor's future value. The backtest does the same from every origin, so the
 * reported accuracy includes the error of forecasting teacher activity. The intervals
 * treat the forecast teacher activity as known, so they are somewhat narrow.
 *
 * The regression is the forecast (the seasonal naive forecast, same week last year, is the
 * fallback); its rolling-origin backtest (see stats/auto) gives the school's MAPE, MASE and
 * accuracy percentage. Choosing among the regression, seasonal naive and their average by
 * backtest is available (select = 'backtest') but forecasts worse on school series.
 */
import type {SchoolCalendar, WeeklyFact} from '../core/types';
import {addDays, daysBetween} from '../clean/dates';
import {weekEnded} from '../metrics/weekly';
import {
  autoForecast,
  type AutoForecastRequest,
  fitLongPeriod,
  independentColumns,
  type ModelChoice,
} from '../stats/auto';
import type {LongPeriodModel} from '../stats/auto';
import {scoreWindows} from '../stats/backtest';
import {qnorm} from '../stats/distributions';
import type {Forecast} from '../stats/types';
import {interpolateMissing, isConstant} from '../stats/unitroot';
import {
  calendarWeeks,
  fitReachRate,
  varyingColumns,
  WEEKS_PER_YEAR,
  withReach,
} from './forecast-calendar';

export {
  calendarRegressors,
  calendarSchoolDays,
  fitReachRate,
  inTestingWindow,
  REACH_RATES,
  schoolDayReach,
  SUMMER_WEEKS,
  WEEKS_PER_YEAR,
} from './forecast-calendar';

export type ForecastMetric =
  'activeUsers' | 'events' | 'pctAccess' | 'engagementIndex';

/** The teacher activity used as a regressor (default: the forecast metric itself). */
export type TeacherMetric = ForecastMetric | 'logins';

export interface ForecastRow {
  schoolId: string;
  /** Monday of the ISO week. */
  weekStart: string;
  /** Observed value; null for future weeks (and missing weeks). */
  actual: number | null;
  forecast: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
  /** The model's name, e.g. "Regression with ARIMA(1,0,0) errors + Fourier(K=3, period 52.18)". */
  model: string;
  /** True for a rolling-origin backtest forecast of an observed week. */
  isBacktest: boolean;
}

export interface AccuracyRow {
  schoolId: string;
  model: string;
  mape: number | null;
  mase: number | null;
  /** max(0, 100 - MAPE). */
  accuracyPct: number | null;
  /** Backtest forecasts scored. */
  nBacktest: number;
  mae: number | null;
  rmse: number | null;
  smape: number | null;
  horizonWeeks: number;
}

export interface SchoolForecastOptions {
  /** Weeks ahead (default 8). */
  horizon?: number;
  /** The school calendar for breaks, testing windows and future school days; null = none. */
  calendar: SchoolCalendar | null;
  metric?: ForecastMetric;
  /**
   * Teacher activity as a regressor (default: the same metric as the students). Weekly
   * distinct teachers saturate at the roster where nearly every teacher signs in each
   * week; events (posts, grades, comments) keep the volume that moves students.
   */
  teacherMetric?: TeacherMetric;
  /** The app row to forecast (default `workspace`, which counts any app). */
  app?: string;
  levels?: [number, number];
  /** Rolling-origin windows per school (default 4). */
  backtestWindows?: number;
  /** Fewest observed weeks a school needs (default 26). */
  minWeeks?: number;
  /**
   * Selection rule passed to autoForecast. Default 'ic': on weekly school series the
   * regression model chosen by AICc forecasts better than picking among it, seasonal naive
   * and their average by backtest (calendars move between years, which misleads the
   * short backtest); scripts/bench-forecast.mjs measures both.
   */
  select?: 'backtest' | 'ic';
  /**
   * 'log' (default) models log(1 + value): calendar and teacher effects act
   * proportionally and noise scales with the level, so breaks and summers (low counts)
   * are forecast as well as school weeks. Forecasts are back-transformed (medians).
   */
  transform?: 'log' | 'none';
  /**
   * Models chosen for these series by an earlier run, by school id: refitted as they are
   * instead of searched again (see SchoolModel). The caller decides when to re-select.
   */
  reuse?: ReadonlyMap<string, SchoolModel>;
  /**
   * The last day the facts cover. A trailing week whose school weekdays run past it is
   * still under way: it is forecast, not fitted (its count so far reads as a collapse).
   */
  through?: string;
}

/** What a school's forecast chose: the student model's form and the teacher model's K. */
export interface SchoolModel {
  student: ModelChoice | null;
  teacherK: number | null;
}

export interface SchoolForecastResult {
  rows: ForecastRow[];
  accuracy: AccuracyRow[];
  /** The model each forecast school used, by school id. */
  models: Map<string, SchoolModel>;
  /** Schools skipped or forecast with a fallback, and why. */
  warnings: string[];
  /** District figures: the mean of the schools' backtest measures. */
  summary: {
    schools: number;
    accuracyPct: number | null;
    mape: number | null;
    mase: number | null;
    horizonWeeks: number;
  };
}

/** The inputs of one school's forecast, aligned on consecutive weeks. */
export interface SchoolSeries {
  schoolId: string;
  weekStarts: string[];
  /** The student metric (null = no row that week). */
  students: (number | null)[];
  /** The teacher metric, or null when the school has no teacher rows. */
  teachers: (number | null)[] | null;
  /** School days per week from the facts (null where no fact row). */
  schoolDays: (number | null)[];
}

function metricValue(
  f: WeeklyFact,
  metric: ForecastMetric | TeacherMetric,
): number | null {
  const v = f[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Groups the facts into one aligned weekly series per school. */
export function schoolSeries(
  facts: ReadonlyArray<WeeklyFact>,
  metric: ForecastMetric = 'activeUsers',
  app = 'workspace',
  teacherMetric: TeacherMetric = metric,
): SchoolSeries[] {
  const bySchool = new Map<
    string,
    {
      students: Map<string, number | null>;
      teachers: Map<string, number | null>;
      days: Map<string, number>;
    }
  >();
  for (const f of facts) {
    if (f.app !== app || f.product !== '') continue;
    if (f.role !== 'student' && f.role !== 'teacher') continue;
    let s = bySchool.get(f.schoolId);
    if (!s) {
      s = {students: new Map(), teachers: new Map(), days: new Map()};
      bySchool.set(f.schoolId, s);
    }
    if (f.role === 'student')
      s.students.set(f.weekStart, metricValue(f, metric));
    else s.teachers.set(f.weekStart, metricValue(f, teacherMetric));
    s.days.set(f.weekStart, f.schoolDays);
  }
  const out: SchoolSeries[] = [];
  for (const [schoolId, s] of [...bySchool.entries()].sort((a, b) =>
    a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0,
  )) {
    const weeks = [...s.students.keys()].sort();
    if (weeks.length === 0) continue;
    const first = weeks[0];
    const last = weeks[weeks.length - 1];
    const n = Math.floor(daysBetween(first, last) / 7) + 1;
    const weekStarts = Array.from({length: n}, (_, i) => addDays(first, 7 * i));
    const teachers =
      s.teachers.size > 0
        ? weekStarts.map(w => s.teachers.get(w) ?? null)
        : null;
    out.push({
      schoolId,
      weekStarts,
      students: weekStarts.map(w => s.students.get(w) ?? null),
      teachers,
      schoolDays: weekStarts.map(w => s.days.get(w) ?? null),
    });
  }
  return out;
}

/**
 * The series without its trailing weeks that are still under way on `through`: a week
 * counts once its last school weekday (by the calendar's weekdays, closures or not) is in.
 */
export function completeWeeksOf(
  series: SchoolSeries,
  through: string | undefined,
  calendar: SchoolCalendar | null,
): SchoolSeries {
  if (!through) return series;
  let n = series.weekStarts.length;
  while (n > 0 && !weekEnded(series.weekStarts[n - 1], through, calendar)) n--;
  if (n === series.weekStarts.length) return series;
  return {
    schoolId: series.schoolId,
    weekStarts: series.weekStarts.slice(0, n),
    students: series.students.slice(0, n),
    teachers: series.teachers ? series.teachers.slice(0, n) : null,
    schoolDays: series.schoolDays.slice(0, n),
  };
}

export interface SchoolForecast {
  rows: ForecastRow[];
  accuracy: AccuracyRow | null;
  warnings: string[];
  /** The model used (null when the school was not forecast). */
  model: SchoolModel | null;
}

/**
 * Everything one school's forecast is made of: the model's inputs on the modelling scale
 * and the request to autoForecast (without the backtest, which the caller adds).
 */
export interface SchoolModelInputs {
  horizon: number;
  levels: [number, number];
  futureWeeks: string[];
  /** True when the student and teacher series are modelled as log(1 + value). */
  useLog: boolean;
  /** From the original scale to the modelling scale, and back. */
  fwd: (v: number) => number;
  back: (v: number) => number;
  /** Teacher activity on the modelling scale (interpolated), or null when not a regressor. */
  teacher: number[] | null;
  /** Index of teacher activity among the regressors (-1 when not one). */
  teacherColumn: number;
  /** Forecast future teacher activity from an origin, on the modelling scale. */
  teacherFuture: (origin: number, h: number) => number[];
  /**
   * Standard deviation of the teacher forecast's error at each future week (modelling
   * scale): the uncertainty the student intervals leave out by taking it as known.
   */
  teacherFutureSd: number[] | null;
  request: AutoForecastRequest;
  /** The model chosen by an earlier run, when reused. */
  previous: SchoolModel | null;
  teacherK: number | null;
}

/**
 * The inputs of one school's forecast (see the module comment), or the reason it cannot
 * be forecast. Warnings go to `warnings`.
 */
export function schoolModelInputs(
  series: SchoolSeries,
  opts: SchoolForecastOptions,
  warnings: string[],
): SchoolModelInputs | null {
  const h = opts.horizon ?? 8;
  const levels = opts.levels ?? [80, 95];
  const id = series.schoolId;
  const previous = opts.reuse?.get(id) ?? null;
  const n = series.weekStarts.length;
  const observed = series.students.filter(v => v !== null).length;
  if (observed < (opts.minWeeks ?? 26)) {
    warnings.push(
      `${id}: ${observed} observed weeks, fewer than ${opts.minWeeks ?? 26}: not forecast`,
    );
    return null;
  }
  const lastWeek = series.weekStarts[n - 1];
  const futureWeeks = Array.from({length: h}, (_, i) =>
    addDays(lastWeek, 7 * (i + 1)),
  );
  if (!opts.calendar) {
    warnings.push(
      `${id}: no school calendar: future weeks treated as full school weeks`,
    );
  }
  const useLog =
    (opts.transform ?? 'log') === 'log' &&
    series.students.every(v => v === null || v >= 0);
  const fwd = (v: number) => (useLog ? Math.log1p(Math.max(0, v)) : v);
  const back = (v: number) => (useLog ? Math.expm1(v) : v);
  const y = series.students.map(v => (v === null ? null : fwd(v)));

  // Calendar columns over the history and the future together: whether a closed week is
  // part of a summer depends on the weeks after it. The school-day response is fitted to
  // each series (students and teachers reach their weekly level at different rates).
  const weeksAll = [...series.weekStarts, ...futureWeeks];
  const weeksCal = calendarWeeks(weeksAll, opts.calendar, series.schoolDays);
  const calendarFor = (reach: number) => {
    const all = withReach(weeksCal, reach);
    const c = varyingColumns(
      all.columns.map(col => col.slice(0, n)),
      all.names,
    );
    return {
      ...c,
      future: c.keep.map(j => all.columns[j].slice(n)),
      at: (origin: number, hh: number) =>
        c.cols.map(col => col.slice(origin, origin + hh)),
      days: all.days.slice(0, n),
      columns: all.columns.map(col => col.slice(0, n)),
    };
  };
  const cal0 = calendarFor(0);

  // Teacher activity and its own forecast.
  let teacherModel: LongPeriodModel | null = null;
  let teacher: number[] | null = null;
  let calT = cal0;
  if (
    series.teachers &&
    series.teachers.filter(v => v !== null).length >= observed / 2
  ) {
    teacher = interpolateMissing(series.teachers).map(v =>
      useLog ? Math.log1p(Math.max(0, v)) : v,
    );
    if (isConstant(teacher)) {
      teacher = null;
    } else {
      calT = calendarFor(fitReachRate(teacher, cal0.columns, cal0.days));
      // Regression with AR(1) errors: the teacher forecast only has to carry the calendar
      // and the school's level, so the stepwise search is not worth its time here.
      teacherModel = fitLongPeriod(
        teacher,
        WEEKS_PER_YEAR,
        calT.cols,
        calT.names,
        previous?.teacherK ?? 'auto',
        false,
      );
      if (!teacherModel) {
        warnings.push(
          `${id}: teacher activity could not be modelled: not used as a regressor`,
        );
        teacher = null;
      }
    }
  } else {
    warnings.push(
      `${id}: too little teacher activity data: forecast without it`,
    );
  }
  const cal = calendarFor(
    fitReachRate(y, cal0.columns, cal0.days, teacher ? [teacher] : []),
  );
  if (
    teacher &&
    independentColumns([...cal.cols, teacher]).length <= cal.cols.length
  ) {
    warnings.push(
      `${id}: teacher activity only repeats the calendar: not used as a regressor`,
    );
    teacher = null;
  }
  const xreg = teacher ? [teacher, ...cal.cols] : cal.cols;
  const xregNames = teacher ? ['teacherActivity', ...cal.names] : cal.names;
  const teacherFuture = (origin: number, hh: number): number[] => {
    const tm = teacherModel as LongPeriodModel;
    const f =
      origin === n
        ? tm.forecast(
            hh,
            [80],
            calT.future.map(c => c.slice(0, hh)),
          )
        : tm.refit(origin, hh, [80], calT.at(origin, hh));
    return f.mean;
  };
  const xregFuture = teacher
    ? [teacherFuture(n, h), ...cal.future]
    : cal.future;
  let teacherFutureSd: number[] | null = null;
  if (teacher && teacherModel) {
    const f = teacherModel.forecast(
      h,
      [80],
      calT.future.map(c => c.slice(0, h)),
    );
    const z80 = qnorm(0.9);
    teacherFutureSd = f.mean.map((m, i) => (f.upper['80'][i] - m) / z80);
  }
  return {
    horizon: h,
    levels,
    futureWeeks,
    useLog,
    fwd,
    back,
    teacher,
    teacherColumn: teacher ? 0 : -1,
    teacherFuture,
    teacherFutureSd,
    previous,
    teacherK: teacherModel?.K ?? null,
    request: {
      y,
      period: WEEKS_PER_YEAR,
      horizon: h,
      xreg,
      xregNames,
      xregFuture,
      levels: [...levels],
      select: opts.select ?? 'ic',
      candidates: ['arima', 'snaive', 'combination'],
      backtestXreg: (origin, hh) =>
        teacher
          ? [teacherFuture(origin, hh), ...cal.at(origin, hh)]
          : cal.at(origin, hh),
      reuse: previous?.student ?? null,
    },
  };
}

/** Forecasts one school; see the module comment for the model. */
export function forecastSchool(
  allWeeks: SchoolSeries,
  opts: SchoolForecastOptions,
): SchoolForecast {
  const series = completeWeeksOf(allWeeks, opts.through, opts.calendar);
  const warnings: string[] = [];
  const id = series.schoolId;
  const inputs = schoolModelInputs(series, opts, warnings);
  if (!inputs) return {rows: [], accuracy: null, warnings, model: null};
  const {horizon: h, levels, futureWeeks, back} = inputs;
  const backForecast = (f: Forecast): Forecast => ({
    mean: f.mean.map(back),
    lower: Object.fromEntries(
      Object.entries(f.lower).map(([k, v]) => [k, v.map(back)]),
    ),
    upper: Object.fromEntries(
      Object.entries(f.upper).map(([k, v]) => [k, v.map(back)]),
    ),
    levels: f.levels,
  });

  let res;
  try {
    res = autoForecast({
      ...inputs.request,
      scoreChoice: true,
      backtestWindows: opts.backtestWindows ?? 4,
      backtestHorizon: h,
    });
  } catch (e) {
    warnings.push(`${id}: not forecast: ${(e as Error).message}`);
    return {rows: [], accuracy: null, warnings, model: null};
  }
  for (const note of res.notes) warnings.push(`${id}: ${note}`);
  const [l1, l2] = levels.map(String);
  const model = res.label;
  const rows: ForecastRow[] = [];
  const backtest = res.backtest.map(w => ({
    origin: w.origin,
    forecast: backForecast(w.forecast),
  }));
  const future = backForecast(res.forecast);
  for (const w of backtest) {
    w.forecast.mean.forEach((f, i) => {
      const t = w.origin + i;
      rows.push({
        schoolId: id,
        weekStart: series.weekStarts[t],
        actual: series.students[t],
        forecast: f,
        lo80: w.forecast.lower[l1][i],
        hi80: w.forecast.upper[l1][i],
        lo95: w.forecast.lower[l2][i],
        hi95: w.forecast.upper[l2][i],
        model,
        isBacktest: true,
      });
    });
  }
  future.mean.forEach((f, i) => {
    rows.push({
      schoolId: id,
      weekStart: futureWeeks[i],
      actual: null,
      forecast: f,
      lo80: future.lower[l1][i],
      hi80: future.upper[l1][i],
      lo95: future.lower[l2][i],
      hi95: future.upper[l2][i],
      model,
      isBacktest: false,
    });
  });
  // Scored on the original scale, over the chosen method's backtest windows.
  const sc =
    backtest.length > 0
      ? scoreWindows(
          series.students,
          backtest.map(w => ({
            origin: w.origin,
            forecast: w.forecast.mean,
            actual: series.students.slice(
              w.origin,
              w.origin + w.forecast.mean.length,
            ),
          })),
          WEEKS_PER_YEAR,
        )
      : undefined;
  const accuracy: AccuracyRow = {
    schoolId: id,
    model,
    mape: sc?.mape ?? null,
    mase: sc?.mase ?? null,
    accuracyPct: sc?.accuracyPct ?? null,
    nBacktest: sc?.n ?? 0,
    mae: sc?.mae ?? null,
    rmse: sc?.rmse ?? null,
    smape: sc?.smape ?? null,
    horizonWeeks: h,
  };
  return {
    rows,
    accuracy,
    warnings,
    model: {student: res.choice, teacherK: inputs.teacherK},
  };
}

function meanOf(values: Array<number | null>): number | null {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

/** Forecasts every school in the facts. */
export function forecastSchools(
  facts: ReadonlyArray<WeeklyFact>,
  opts: SchoolForecastOptions,
): SchoolForecastResult {
  const rows: ForecastRow[] = [];
  const accuracy: AccuracyRow[] = [];
  const warnings: string[] = [];
  const models = new Map<string, SchoolModel>();
  for (const s of schoolSeries(
    facts,
    opts.metric,
    opts.app,
    opts.teacherMetric,
  )) {
    const r = forecastSchool(s, opts);
    rows.push(...r.rows);
    if (r.accuracy) accuracy.push(r.accuracy);
    if (r.model) models.set(s.schoolId, r.model);
    warnings.push(...r.warnings);
  }
  return {
    rows,
    accuracy,
    models,
    warnings,
    summary: {
      schools: accuracy.length,
      accuracyPct: meanOf(accuracy.map(a => a.accuracyPct)),
      mape: meanOf(accuracy.map(a => a.mape)),
      mase: meanOf(accuracy.map(a => a.mase)),
      horizonWeeks: opts.horizon ?? 8,
    },
  };
}
