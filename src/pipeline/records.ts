/**
 * Maps the analyses' rows onto the records of the output tabs, adding school names and the
 * district-wide series (the sum over schools) that capacity planning reads.
 */
import {
  forecastSchool,
  forecastSchools,
  schoolSeries,
  type AccuracyRow,
  type ForecastRow,
  type SchoolModel,
} from '../analysis/forecasting';
import {
  DISTRICT_ID as CORRELATION_DISTRICT,
  teacherStudentCorrelations,
} from '../analysis/correlation';
import {underuse} from '../analysis/underuse';
import type {School, Settings, WeeklyFact} from '../core/types';
import {NO_SCHOOL} from '../metrics/facts';
import type {AnomalyRow} from '../analysis/anomalies';
import {anomalyId} from '../sheets/tables';
import type {
  AccuracyRecord,
  AnomalyRecord,
  CorrelationRecord,
  ForecastRecord,
  UnderuseRecord,
} from '../sheets/tables';
import {DISTRICT_ID} from '../sheets/views';

export type SchoolNames = Map<string, string>;

/** How accounts under no school are named where a district total includes them. */
export const UNASSIGNED_NAME = 'Unassigned accounts';

/** The metric every forecast and correlation of the Google source is about. */
export const FORECAST_METRIC = 'activeUsers';
/**
 * The forecast's teacher regressor: weekly teacher events (posts, grades, comments).
 * Weekly distinct teachers sit at the roster in most school weeks, so they carry little
 * beyond the calendar; events keep the volume that moves students (and forecast a little
 * better on the demo district: MAPE 20.2% against 21.2%).
 */
export const FORECAST_TEACHER_METRIC = 'events';
const METRIC_LABEL = 'active_students';

function isoWeekLabel(weekStart: string): string {
  const [y, m, d] = weekStart.split('-').map(Number);
  const t = Date.UTC(y, m - 1, d);
  const thursday = t + 3 * 86_400_000;
  const ty = new Date(thursday).getUTCFullYear();
  const week =
    Math.floor((thursday - Date.UTC(ty, 0, 1)) / (7 * 86_400_000)) + 1;
  return `${ty}-W${String(week).padStart(2, '0')}`;
}

/**
 * The district as one more "school": weekly facts summed over schools per week, role and
 * app. Distinct users add up exactly because every user belongs to one school.
 */
export function districtWeekly(
  weekly: ReadonlyArray<WeeklyFact>,
): WeeklyFact[] {
  const byKey = new Map<string, WeeklyFact>();
  for (const f of weekly) {
    if (f.schoolId === DISTRICT_ID) continue;
    const k = [f.weekStart, f.role, f.app, f.product].join('\t');
    const a = byKey.get(k);
    if (!a) {
      byKey.set(k, {...f, schoolId: DISTRICT_ID, flags: [...f.flags]});
      continue;
    }
    a.activeUsers += f.activeUsers;
    a.enrolledUsers += f.enrolledUsers;
    a.events += f.events;
    a.logins += f.logins;
    a.submissionsTurnedIn += f.submissionsTurnedIn;
    a.assignmentsCreated += f.assignmentsCreated;
    a.gradesEntered += f.gradesEntered;
    a.schoolDays = Math.max(a.schoolDays, f.schoolDays);
    for (const fl of f.flags) if (!a.flags.includes(fl)) a.flags.push(fl);
  }
  const out = [...byKey.values()];
  for (const a of out) {
    a.pctAccess =
      a.enrolledUsers > 0 ? (a.activeUsers / a.enrolledUsers) * 100 : null;
    a.engagementIndex =
      a.enrolledUsers > 0 ? (a.events / a.enrolledUsers) * 1000 : null;
  }
  return out;
}

function forecastRecord(r: ForecastRow, names: SchoolNames): ForecastRecord {
  return {
    schoolId: r.schoolId,
    schoolName: names.get(r.schoolId) ?? r.schoolId,
    metric: METRIC_LABEL,
    week: isoWeekLabel(r.weekStart),
    weekStart: r.weekStart,
    actual: r.actual,
    forecast: r.forecast,
    lo80: r.lo80,
    hi80: r.hi80,
    lo95: r.lo95,
    hi95: r.hi95,
    model: r.model,
    backtest: r.isBacktest,
  };
}

function accuracyRecord(a: AccuracyRow, names: SchoolNames): AccuracyRecord {
  return {
    schoolId: a.schoolId,
    schoolName: names.get(a.schoolId) ?? a.schoolId,
    metric: METRIC_LABEL,
    model: a.model,
    horizonWeeks: a.horizonWeeks,
    points: a.nBacktest,
    mae: a.mae,
    rmse: a.rmse,
    mape: a.mape,
    smape: a.smape,
    mase: a.mase,
    accuracyPct: a.accuracyPct,
  };
}

/**
 * The app whose rows carry a school's totals: `workspace` (any Google app) for the API and
 * BigQuery sources, otherwise the most common app (e.g. `learnplatform`).
 */
export function mainApp(weekly: ReadonlyArray<WeeklyFact>): string {
  const counts = new Map<string, number>();
  for (const f of weekly) {
    if (f.product) continue;
    if (f.app === 'workspace') return 'workspace';
    counts.set(f.app, (counts.get(f.app) ?? 0) + 1);
  }
  let best = 'workspace';
  let n = 0;
  for (const [app, c] of counts) if (c > n) [best, n] = [app, c];
  return best;
}

export interface ForecastOutput {
  forecasts: ForecastRecord[];
  accuracy: AccuracyRecord[];
  warnings: string[];
  /** The model each series used (the district under DISTRICT_ID). */
  models: Map<string, SchoolModel>;
}

/**
 * Weekly forecasts of active students per school and for the district, with backtests.
 * `through` is the last day the facts cover: a week still under way is forecast, not fitted.
 */
export function forecastRecords(
  weekly: ReadonlyArray<WeeklyFact>,
  settings: Settings,
  names: SchoolNames,
  reuse?: ReadonlyMap<string, SchoolModel>,
  through?: string,
): ForecastOutput {
  const app = mainApp(weekly);
  const opts = {
    calendar: settings.calendar,
    horizon: settings.forecastHorizonWeeks,
    metric: FORECAST_METRIC,
    teacherMetric: FORECAST_TEACHER_METRIC,
    app,
    reuse,
    through,
  } as const;
  // Accounts under no school count in the district's total, never as a school of their own.
  const schools = forecastSchools(
    weekly.filter(f => f.schoolId !== NO_SCHOOL),
    opts,
  );
  const rows = [...schools.rows];
  const accuracy = [...schools.accuracy];
  const warnings = [...schools.warnings];
  const models = new Map(schools.models);
  const districtNames = new Map(names).set(DISTRICT_ID, 'District');
  for (const series of schoolSeries(
    districtWeekly(weekly),
    FORECAST_METRIC,
    app,
    FORECAST_TEACHER_METRIC,
  )) {
    const r = forecastSchool(series, opts);
    rows.push(...r.rows);
    if (r.accuracy) accuracy.push(r.accuracy);
    if (r.model) models.set(series.schoolId, r.model);
    warnings.push(...r.warnings);
  }
  return {
    forecasts: rows.map(r => forecastRecord(r, districtNames)),
    accuracy: accuracy.map(a => accuracyRecord(a, districtNames)),
    warnings,
    models,
  };
}

/** Teacher-student correlation per school and for the district (weekly events). */
export function correlationRecords(
  weekly: ReadonlyArray<WeeklyFact>,
  settings: Settings,
  names: SchoolNames,
): CorrelationRecord[] {
  const rows = teacherStudentCorrelations(weekly, {
    teacherMetric: 'events',
    studentMetric: 'events',
    minGroupSize: settings.minGroupSize,
  });
  return rows
    .filter(r => r.schoolId !== NO_SCHOOL)
    .map(r => {
      const schoolId =
        r.schoolId === CORRELATION_DISTRICT ? DISTRICT_ID : r.schoolId;
      return {
        schoolId,
        schoolName:
          schoolId === DISTRICT_ID
            ? 'District'
            : (names.get(schoolId) ?? schoolId),
        teacherMetric: r.teacherMetric,
        studentMetric: r.studentMetric,
        n: r.n,
        pearsonR: r.pearsonR,
        pValue: r.pValue,
        ci95Low: r.ci95Low,
        ci95High: r.ci95High,
        spearmanRho: r.spearmanRho,
        bestLag: r.bestLag,
        bestLagR: r.bestLagR,
        effectPer10Pct: r.effectPer10Pct,
        effectLow: r.effectLow,
        effectHigh: r.effectHigh,
        note: r.note,
      };
    });
}

/** Schools (and products) against their peer benchmark, over the last school year. */
export function underuseRecords(
  weekly: ReadonlyArray<WeeklyFact>,
  settings: Settings,
  names: SchoolNames,
  schools: ReadonlyArray<School>,
): UnderuseRecord[] {
  const last = weekly.reduce((m, f) => (f.weekStart > m ? f.weekStart : m), '');
  const since = last ? addDays(last, -52 * 7) : undefined;
  return underuse(weekly, schools, settings, {since})
    .filter(r => !r.suppressed)
    .map((r, i) => ({
      rank: r.rank ?? i + 1,
      schoolId: r.schoolId,
      schoolName: names.get(r.schoolId) ?? r.schoolId,
      product: r.product,
      metric: r.metric,
      value: r.value,
      benchmark: r.benchmark,
      benchmarkKind: r.benchmarkKind,
      peers: r.peers,
      gapPct: r.gapPct,
      flagged: r.flagged,
    }));
}

function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) + n * 86_400_000)
    .toISOString()
    .slice(0, 10);
}

/** A new flag as a row of the Anomalies tab: its stable id, its school's name, no status yet. */
export function anomalyRecord(
  a: AnomalyRow,
  names: SchoolNames,
): AnomalyRecord {
  return {
    id: anomalyId({
      schoolId: a.schoolId,
      role: a.role,
      metric: a.metric,
      grain: a.grain,
      date: a.date,
    }),
    date: a.date,
    endDate: a.endDate ?? '',
    grain: a.grain,
    schoolId: a.schoolId,
    schoolName: names.get(a.schoolId) ?? a.schoolId,
    role: a.role,
    metric: a.metric,
    direction: a.direction,
    observed: a.observed,
    expected: a.expected,
    changePct: a.changePct,
    score: a.score,
    severity: a.severity,
    incidentId: '',
    status: 'new',
    note: '',
    firstFlagged: '',
    statusChanged: '',
  };
}
