/**
 * The schemas of every output tab (pure): columns, types, number formats, descriptions,
 * and the conversions between records and sheet rows.
 *
 * Admin tabs carry readable headers; the Looker Studio tabs (prefix `lk_`) carry stable
 * snake_case headers, one type per column, ISO dates as text, no personal data, and small
 * groups suppressed. Both are described by the same column specs, so the data dictionary
 * can never drift from the tabs it describes.
 */
import type {DataQualityRow} from '../clean/quality';
import type {DailyFact, Role, Settings, WeeklyFact} from '../core/types';
import {feedLabel} from '../core/settings';
import {METRIC_NAMES, type ValueNames} from '../core/labels';

export {METRIC_NAMES, metricLabel, type ValueNames} from '../core/labels';

/** Cell types. Dates, weeks and timestamps are ISO text so every reader sees the same value. */
export type ColumnType =
  | 'string'
  | 'date' // YYYY-MM-DD
  | 'week' // ISO week, YYYY-Www
  | 'timestamp' // YYYY-MM-DDTHH:MM:SSZ (UTC)
  | 'integer'
  | 'number'
  | 'percent' // a number on the 0-100 scale
  | 'boolean'
  | 'list'; // string[] joined with '; '

export type CellValue = string | number | boolean | null;

export interface ColumnSpec<R> {
  field: keyof R & string;
  /** snake_case header of the Looker tab (also the stable key of the column). */
  key: string;
  /** Header of the admin tab. */
  label: string;
  type: ColumnType;
  description: string;
  /** Number format override. */
  format?: string;
  /** Column width in pixels. */
  width?: number;
  /**
   * Readable names of the column's values (metric ids): the admin tab shows the label,
   * the Looker tab the snake_case key; both read back to the id.
   */
  names?: ValueNames;
}

function shownValue(v: unknown, names: ValueNames, looker: boolean): unknown {
  if (Array.isArray(v)) return v.map(x => shownValue(x, names, looker));
  if (typeof v !== 'string') return v;
  const n = names[v];
  return n ? (looker ? n.key : n.label) : v;
}

function readValue(v: unknown, names: ValueNames): unknown {
  if (Array.isArray(v)) return v.map(x => readValue(x, names));
  if (typeof v !== 'string' || v === '') return v;
  if (names[v]) return v;
  for (const [id, n] of Object.entries(names)) {
    if (n.key === v || n.label === v) return id;
  }
  return v;
}

export interface TableSchema<R> {
  /** Tab name. */
  name: string;
  description: string;
  columns: ReadonlyArray<ColumnSpec<R>>;
  /** Looker tab: snake_case headers, in the data dictionary. */
  looker: boolean;
  /** Column key whose value is a partition replaced as a whole on re-runs (a day). */
  partitionKey?: string;
  /** Internal store: hidden from the admin. */
  hidden?: boolean;
}

/** The prefix of every Looker Studio tab. */
export const LOOKER_PREFIX = 'lk_';

const DEFAULT_FORMATS: Record<ColumnType, string> = {
  string: '@',
  date: '@',
  week: '@',
  timestamp: '@',
  integer: '#,##0',
  number: '#,##0.00',
  percent: '0.0',
  boolean: 'General',
  list: '@',
};

const DEFAULT_WIDTHS: Record<ColumnType, number> = {
  string: 140,
  date: 95,
  week: 80,
  timestamp: 165,
  integer: 80,
  number: 90,
  percent: 80,
  boolean: 70,
  list: 140,
};

/** Turns one field value into the cell value its column type calls for. */
export function toCell(v: unknown, type: ColumnType): CellValue {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'integer':
    case 'number':
    case 'percent': {
      const n = typeof v === 'number' ? v : Number(v);
      if (!Number.isFinite(n)) return null;
      return type === 'integer' ? Math.round(n) : n;
    }
    case 'boolean':
      return v === true || v === 'TRUE' || v === 'true';
    case 'list':
      return Array.isArray(v) ? v.map(String).join('; ') : String(v);
    case 'timestamp':
      if (v instanceof Date) return v.toISOString().replace(/\.\d{3}Z$/, 'Z');
      return String(v);
    case 'date':
      if (v instanceof Date) return v.toISOString().slice(0, 10);
      return String(v);
    default:
      return String(v);
  }
}

/** Reads one cell back into a field value. Blank numbers are null, not zero. */
export function fromCell(v: unknown, type: ColumnType): unknown {
  switch (type) {
    case 'integer':
    case 'number':
    case 'percent': {
      if (v === '' || v === null || v === undefined) return null;
      const n = typeof v === 'number' ? v : Number(v);
      return Number.isFinite(n) ? n : null;
    }
    case 'boolean':
      return v === true || v === 'TRUE' || v === 'true';
    case 'list':
      return v === '' || v === null || v === undefined
        ? []
        : String(v)
            .split(';')
            .map(s => s.trim())
            .filter(s => s);
    default: {
      if (v === null || v === undefined) return '';
      const s = String(v);
      // A plain-text cell keeps the apostrophe the writer put before a formula-like value.
      return /^'[=+\-@\t\r\n]/.test(s) ? s.slice(1) : s;
    }
  }
}

/** Header row of a tab. */
export function headersOf<R>(schema: TableSchema<R>): string[] {
  return schema.columns.map(c => (schema.looker ? c.key : c.label));
}

/** Records to rows, in column order. */
export function toRows<R>(
  schema: TableSchema<R>,
  records: ReadonlyArray<R>,
): CellValue[][] {
  const cols = schema.columns;
  return records.map(r =>
    cols.map(c =>
      toCell(
        c.names ? shownValue(r[c.field], c.names, schema.looker) : r[c.field],
        c.type,
      ),
    ),
  );
}

/** Everything replaceTab needs for a schema and its records. */
export function tabArgs<R>(
  schema: TableSchema<R>,
  records: ReadonlyArray<R>,
): {
  name: string;
  headers: string[];
  rows: CellValue[][];
  numberFormats: string[];
  columnWidths: number[];
} {
  return {
    name: schema.name,
    headers: headersOf(schema),
    rows: toRows(schema, records),
    numberFormats: schema.columns.map(c => c.format ?? DEFAULT_FORMATS[c.type]),
    columnWidths: schema.columns.map(c => c.width ?? DEFAULT_WIDTHS[c.type]),
  };
}

/**
 * Rows read from a tab back to records. Columns are matched by header (label or key), so a
 * column moved by hand is still found; a missing column yields its type's blank.
 */
export function fromRows<R>(
  schema: TableSchema<R>,
  headers: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<unknown>>,
): R[] {
  const idx = schema.columns.map(c => {
    const i = headers.indexOf(c.label);
    return i >= 0 ? i : headers.indexOf(c.key);
  });
  return rows.map(row => {
    const rec: Record<string, unknown> = {};
    schema.columns.forEach((c, j) => {
      const v = fromCell(idx[j] >= 0 ? row[idx[j]] : null, c.type);
      rec[c.field] = c.names ? readValue(v, c.names) : v;
    });
    return rec as R;
  });
}

// ---------------------------------------------------------------------------------------
// Records of the admin tabs.

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

export type AnomalyStatus = 'new' | 'acknowledged' | 'explained';
export const ANOMALY_STATUSES: ReadonlyArray<AnomalyStatus> = [
  'new',
  'acknowledged',
  'explained',
];

export interface AnomalyRecord {
  /** Stable across runs: the same school, role, metric, grain and date give the same id. */
  id: string;
  /** Day (`YYYY-MM-DD`) or the Monday of the week. */
  date: string;
  /** A sustained drop: its last day (or week); '' for a single day or week. */
  endDate: string;
  grain: 'day' | 'week';
  schoolId: string;
  schoolName: string;
  role: Role | 'all';
  metric: string;
  direction: 'drop' | 'surge';
  observed: number;
  expected: number;
  /** (observed - expected) / expected x 100. */
  changePct: number | null;
  score: number;
  severity: 'low' | 'medium' | 'high';
  /** The incident the flag belongs to (see src/analysis/incidents.ts). */
  incidentId: string;
  /** Set by the admin; survives re-runs. */
  status: AnomalyStatus;
  /** The admin's explanation (may name people: kept out of the Looker tabs). */
  note: string;
  /** When the anomaly was first flagged (run time, ISO UTC). */
  firstFlagged: string;
  /** When the admin last changed the status. */
  statusChanged: string;
}

/** One incident: the flags of one real-world event (see src/analysis/incidents.ts). */
export interface IncidentRecord {
  /** Stable across runs (kept from the previous run's incident it continues). */
  id: string;
  /** district-wide, several schools, one school or one role. */
  kind: string;
  direction: 'drop' | 'surge';
  start: string;
  end: string;
  schoolDays: number;
  /** The line an admin reads first. */
  summary: string;
  schools: number;
  schoolsInView: number;
  schoolIds: string[];
  schoolNames: string[];
  roles: string[];
  metrics: string[];
  /** Users below (drop) or above (surge) expected on the worst day. */
  users: number | null;
  worstDay: string;
  changePct: number | null;
  severity: 'low' | 'medium' | 'high';
  /** outage, disengagement, or '' when the evidence names none. */
  cause: string;
  ongoing: boolean;
  flags: number;
  status: AnomalyStatus;
  note: string;
  firstFlagged: string;
  statusChanged: string;
}

export interface CorrelationRecord {
  schoolId: string;
  schoolName: string;
  teacherMetric: string;
  studentMetric: string;
  /** Weeks (or days) in the series. */
  n: number;
  pearsonR: number | null;
  pValue: number | null;
  ci95Low: number | null;
  ci95High: number | null;
  spearmanRho: number | null;
  /** Lag (in series steps) at which teacher activity best leads student activity. */
  bestLag: number | null;
  bestLagR: number | null;
  /** Percent change in student activity that goes with 10% more teacher activity. */
  effectPer10Pct: number | null;
  effectLow: number | null;
  effectHigh: number | null;
  /** Why the values are blank (suppressed for a small group, too few weeks); else ''. */
  note: string;
}

export interface UnderuseRecord {
  rank: number;
  schoolId: string;
  schoolName: string;
  /** '' for the school as a whole. */
  product: string;
  metric: string;
  value: number | null;
  benchmark: number | null;
  /** `district median` or `peer median (size, locale)`. */
  benchmarkKind: string;
  peers: number;
  /** (value - benchmark) / benchmark x 100: negative below the benchmark. */
  gapPct: number | null;
  flagged: boolean;
}

export interface EquityRecord {
  /** The breakdown: `state`, `locale`, `pct_black_hispanic`, `pct_free_reduced`, ... */
  dimension: string;
  band: string;
  bandLow: number | null;
  bandHigh: number | null;
  districts: number;
  pctAccess: number | null;
  engagementIndex: number | null;
  /** Too few districts in the band: values withheld. */
  suppressed: boolean;
}

export interface EquityTestRecord {
  dimension: string;
  metric: string;
  /** `Welch t` or `Kruskal-Wallis`. */
  test: string;
  statistic: number | null;
  df: number | null;
  pValue: number | null;
  groups: number;
  significant: boolean;
}

export interface RunLogRecord {
  runId: string;
  /** `manual`, `nightly`, `weekly`, `continuation`. */
  trigger: string;
  started: string;
  finished: string;
  /** `running`, `ok`, `partial`, `failed`. */
  status: string;
  phase: string;
  executions: number;
  daysProcessed: number;
  rowsWritten: number;
  serviceCalls: number;
  message: string;
  /** The run's service calls by service: 'Reports 120, Directory 4'. */
  callsByService: string;
  /** Service calls and rows written by the run's latest execution. */
  lastExecution: string;
}

export interface SettingRecord {
  setting: string;
  value: string;
  description: string;
}

// ---------------------------------------------------------------------------------------
// Column specs.

function col<R>(
  field: keyof R & string,
  key: string,
  label: string,
  type: ColumnType,
  description: string,
  extra?: {format?: string; width?: number; names?: ValueNames},
): ColumnSpec<R> {
  return {field, key, label, type, description, ...extra};
}

const factCommon = {
  schoolId:
    'School id: the Directory org unit id (or LearnPlatform district id).',
  role: 'student, teacher, staff or unknown.',
  app: 'classroom, login, workspace, or a LearnPlatform product family.',
  product: 'Product id or name; empty when the row is not product-specific.',
};

export const DAILY_FACTS: TableSchema<DailyFact> = {
  name: 'Daily facts',
  description: 'One row per day x school x role x app (x product).',
  looker: false,
  partitionKey: 'date',
  columns: [
    col('date', 'date', 'Date', 'date', 'Day in the district time zone.'),
    col('schoolId', 'school_id', 'School', 'string', factCommon.schoolId),
    col('role', 'role', 'Role', 'string', factCommon.role, {width: 80}),
    col('app', 'app', 'App', 'string', factCommon.app, {width: 90}),
    col('product', 'product', 'Product', 'string', factCommon.product),
    col(
      'activeUsers',
      'active_users',
      'Active users',
      'integer',
      'Distinct users active on the day.',
    ),
    col(
      'enrolledUsers',
      'enrolled_users',
      'Enrolled users',
      'integer',
      'Users of the role in the school.',
    ),
    col(
      'pctAccess',
      'pct_access',
      '% access',
      'percent',
      'Active / enrolled x 100.',
    ),
    col('events', 'events', 'Events', 'integer', 'Activity events.'),
    col(
      'engagementIndex',
      'engagement_index',
      'Engagement index',
      'number',
      'Events per 1,000 enrolled users.',
    ),
    col('logins', 'logins', 'Logins', 'integer', 'Successful logins.'),
    col(
      'loginsPerActive',
      'logins_per_active',
      'Logins per active',
      'number',
      'Logins per active user.',
    ),
    col(
      'sessionMinutes',
      'session_minutes',
      'Session minutes (est.)',
      'number',
      'Estimated minutes from login and activity times.',
    ),
    col(
      'assignmentsCreated',
      'assignments_created',
      'Assignments created',
      'integer',
      'Course work created.',
    ),
    col(
      'submissionsTurnedIn',
      'submissions_turned_in',
      'Submissions turned in',
      'integer',
      'Student submissions turned in.',
    ),
    col(
      'lateSubmissions',
      'late_submissions',
      'Late submissions',
      'integer',
      'Submissions turned in after the due time.',
    ),
    col(
      'workReturned',
      'work_returned',
      'Work returned',
      'integer',
      'Submissions returned by teachers.',
    ),
    col(
      'gradesEntered',
      'grades_entered',
      'Grades entered',
      'integer',
      'Grades entered by teachers.',
    ),
    col('comments', 'comments', 'Comments', 'integer', 'Comments posted.'),
    col(
      'announcements',
      'announcements',
      'Announcements',
      'integer',
      'Announcements posted.',
    ),
    col(
      'flags',
      'flags',
      'Flags',
      'list',
      'partial, imputed, estimated, suppressed, closed.',
    ),
  ],
};

export const WEEKLY_FACTS: TableSchema<WeeklyFact> = {
  name: 'Weekly facts',
  description: 'One row per ISO week x school x role x app (x product).',
  looker: false,
  partitionKey: 'week',
  columns: [
    col('week', 'week', 'Week', 'week', 'ISO week, YYYY-Www.'),
    col(
      'weekStart',
      'week_start',
      'Week start',
      'date',
      'Monday of the ISO week.',
    ),
    col('schoolId', 'school_id', 'School', 'string', factCommon.schoolId),
    col('role', 'role', 'Role', 'string', factCommon.role, {width: 80}),
    col('app', 'app', 'App', 'string', factCommon.app, {width: 90}),
    col('product', 'product', 'Product', 'string', factCommon.product),
    col(
      'activeUsers',
      'active_users',
      'Active users',
      'integer',
      'Distinct users active at least once in the week.',
    ),
    col(
      'enrolledUsers',
      'enrolled_users',
      'Enrolled users',
      'integer',
      'Users of the role in the school.',
    ),
    col(
      'pctAccess',
      'pct_access',
      '% access',
      'percent',
      'Active / enrolled x 100.',
    ),
    col('events', 'events', 'Events', 'integer', 'Activity events.'),
    col(
      'engagementIndex',
      'engagement_index',
      'Engagement index',
      'number',
      'Events per 1,000 enrolled users.',
    ),
    col('logins', 'logins', 'Logins', 'integer', 'Successful logins.'),
    col(
      'submissionsTurnedIn',
      'submissions_turned_in',
      'Submissions turned in',
      'integer',
      'Student submissions turned in.',
    ),
    col(
      'assignmentsCreated',
      'assignments_created',
      'Assignments created',
      'integer',
      'Course work created.',
    ),
    col(
      'gradesEntered',
      'grades_entered',
      'Grades entered',
      'integer',
      'Grades entered by teachers.',
    ),
    col(
      'schoolDays',
      'school_days',
      'School days',
      'integer',
      'School days in the week by the calendar.',
    ),
    col(
      'flags',
      'flags',
      'Flags',
      'list',
      'partial, imputed, estimated, suppressed, closed.',
    ),
  ],
};

const forecastColumns: ColumnSpec<ForecastRecord>[] = [
  col(
    'schoolId',
    'school_id',
    'School id',
    'string',
    "School id, or 'district' for the district total.",
  ),
  col('schoolName', 'school_name', 'School', 'string', 'School name.', {
    width: 180,
  }),
  col(
    'metric',
    'metric',
    'Metric',
    'string',
    'The forecast series, e.g. active_students.',
    {names: METRIC_NAMES},
  ),
  col('week', 'week', 'Week', 'week', 'ISO week.'),
  col('weekStart', 'week_start', 'Week start', 'date', 'Monday of the week.'),
  col(
    'actual',
    'actual',
    'Actual',
    'number',
    'Observed value; empty for future weeks.',
  ),
  col(
    'forecast',
    'forecast',
    'Forecast',
    'number',
    'Point forecast; empty for history not forecast.',
  ),
  col(
    'lo80',
    'lo80',
    '80% low',
    'number',
    'Lower bound of the 80% prediction interval.',
  ),
  col(
    'hi80',
    'hi80',
    '80% high',
    'number',
    'Upper bound of the 80% prediction interval.',
  ),
  col(
    'lo95',
    'lo95',
    '95% low',
    'number',
    'Lower bound of the 95% prediction interval.',
  ),
  col(
    'hi95',
    'hi95',
    '95% high',
    'number',
    'Upper bound of the 95% prediction interval.',
  ),
  col(
    'model',
    'model',
    'Model',
    'string',
    'The model that produced the forecast.',
    {width: 200},
  ),
  col(
    'backtest',
    'backtest',
    'Backtest',
    'boolean',
    'TRUE for a rolling-origin backtest point (actual held out).',
  ),
];

export const FORECASTS: TableSchema<ForecastRecord> = {
  name: 'Forecasts',
  description:
    'Weekly actuals, backtest and future forecasts with 80% and 95% intervals.',
  looker: false,
  columns: forecastColumns,
};

const accuracyColumns: ColumnSpec<AccuracyRecord>[] = [
  col(
    'schoolId',
    'school_id',
    'School id',
    'string',
    "School id, or 'district'.",
  ),
  col('schoolName', 'school_name', 'School', 'string', 'School name.', {
    width: 180,
  }),
  col('metric', 'metric', 'Metric', 'string', 'The forecast series.', {
    names: METRIC_NAMES,
  }),
  col('model', 'model', 'Model', 'string', 'The model chosen for the school.', {
    width: 200,
  }),
  col(
    'horizonWeeks',
    'horizon_weeks',
    'Horizon (weeks)',
    'integer',
    'Forecast horizon of the backtest.',
  ),
  col('points', 'points', 'Points', 'integer', 'Backtest forecasts scored.'),
  col('mae', 'mae', 'MAE', 'number', 'Mean absolute error.'),
  col('rmse', 'rmse', 'RMSE', 'number', 'Root mean squared error.'),
  col('mape', 'mape', 'MAPE %', 'percent', 'Mean absolute percentage error.'),
  col('smape', 'smape', 'sMAPE %', 'percent', 'Symmetric MAPE.'),
  col(
    'mase',
    'mase',
    'MASE',
    'number',
    'Mean absolute scaled error (seasonal naive scale).',
    {format: '0.000'},
  ),
  col(
    'accuracyPct',
    'accuracy_pct',
    'Accuracy %',
    'percent',
    'max(0, 100 - MAPE).',
  ),
];

export const FORECAST_ACCURACY: TableSchema<AccuracyRecord> = {
  name: 'Forecast accuracy',
  description:
    'Rolling-origin backtest accuracy of the weekly forecast per school.',
  looker: false,
  columns: accuracyColumns,
};

const anomalyCore: ColumnSpec<AnomalyRecord>[] = [
  col(
    'id',
    'anomaly_id',
    'Id',
    'string',
    'Stable anomaly id (same school, role, metric, grain and date).',
    {width: 110},
  ),
  col('date', 'date', 'Date', 'date', 'Day, or Monday of the week.'),
  col(
    'endDate',
    'end_date',
    'Until',
    'date',
    'Last day (or week) of a sustained drop; empty for a single day or week.',
  ),
  col('grain', 'grain', 'Grain', 'string', 'day or week.', {width: 60}),
  col('schoolId', 'school_id', 'School id', 'string', 'School id.'),
  col('schoolName', 'school_name', 'School', 'string', 'School name.', {
    width: 180,
  }),
  col('role', 'role', 'Role', 'string', 'student, teacher or all.', {
    width: 80,
  }),
  col('metric', 'metric', 'Metric', 'string', 'The series that moved.', {
    names: METRIC_NAMES,
  }),
  col('direction', 'direction', 'Direction', 'string', 'drop or surge.', {
    width: 70,
  }),
  col('observed', 'observed', 'Observed', 'number', 'Observed value.'),
  col(
    'expected',
    'expected',
    'Expected',
    'number',
    'Value expected by the seasonal decomposition.',
  ),
  col(
    'changePct',
    'change_pct',
    'Change %',
    'percent',
    '(observed - expected) / expected x 100.',
  ),
  col('score', 'score', 'Score', 'number', 'Robust score of the remainder.'),
  col('severity', 'severity', 'Severity', 'string', 'low, medium or high.', {
    width: 70,
  }),
  col(
    'incidentId',
    'incident_id',
    'Incident',
    'string',
    'The incident the flag belongs to (Incidents tab).',
    {width: 110},
  ),
  col(
    'status',
    'status',
    'Status',
    'string',
    'new, acknowledged or explained (set by the admin).',
    {width: 100},
  ),
];

export const ANOMALIES: TableSchema<AnomalyRecord> = {
  name: 'Anomalies',
  description:
    "Unexpected drops and surges; the status column is the admin's and survives re-runs.",
  looker: false,
  columns: [
    ...anomalyCore,
    col('note', 'note', 'Note', 'string', "The admin's explanation.", {
      width: 220,
    }),
    col(
      'firstFlagged',
      'first_flagged',
      'First flagged',
      'timestamp',
      'When the anomaly was first flagged (UTC).',
    ),
    col(
      'statusChanged',
      'status_changed',
      'Status changed',
      'timestamp',
      'When the status last changed (UTC).',
    ),
  ],
};

const incidentCore: ColumnSpec<IncidentRecord>[] = [
  col(
    'id',
    'incident_id',
    'Id',
    'string',
    'Stable incident id; each flag of the Anomalies tab names its incident.',
    {width: 110},
  ),
  col(
    'summary',
    'summary',
    'Summary',
    'string',
    'What happened, in one line.',
    {width: 460},
  ),
  col(
    'kind',
    'kind',
    'Kind',
    'string',
    'district-wide, several schools, one school or one role.',
    {width: 110},
  ),
  col('direction', 'direction', 'Direction', 'string', 'drop or surge.', {
    width: 70,
  }),
  col('start', 'start_date', 'From', 'date', 'First day of the incident.'),
  col('end', 'end_date', 'Until', 'date', 'Last day of the incident.'),
  col(
    'schoolDays',
    'school_days',
    'School days',
    'integer',
    'School days from the first to the last day.',
  ),
  col('schools', 'schools', 'Schools', 'integer', 'Schools touched.'),
  col(
    'schoolsInView',
    'schools_in_view',
    'Of schools',
    'integer',
    'Schools analysed (unassigned accounts are not a school).',
  ),
  col('roles', 'roles', 'Roles', 'list', 'Roles flagged (student, teacher).', {
    width: 120,
  }),
  col('metrics', 'metrics', 'Metrics', 'list', 'Metrics flagged.', {
    width: 120,
    names: METRIC_NAMES,
  }),
  col(
    'users',
    'users',
    'Users below expected',
    'integer',
    'Users below expected (above, for a surge) on the worst day, summed over the schools and roles flagged.',
    {width: 110},
  ),
  col('worstDay', 'worst_day', 'Worst day', 'date', 'The day of that count.'),
  col(
    'changePct',
    'change_pct',
    'Change %',
    'percent',
    'Change against expected on the worst day, over the schools and roles flagged.',
  ),
  col('severity', 'severity', 'Severity', 'string', 'Highest flag severity.', {
    width: 70,
  }),
  col(
    'cause',
    'likely_cause',
    'Likely cause',
    'string',
    'outage (broad, abrupt, over within days) or disengagement (sustained, one school or group); empty when the evidence names none.',
    {width: 110},
  ),
  col(
    'ongoing',
    'ongoing',
    'Ongoing',
    'boolean',
    'TRUE when the incident reaches the last analysed school day.',
  ),
  col('flags', 'flags', 'Flags', 'integer', 'Anomaly flags grouped here.'),
  col(
    'status',
    'status',
    'Status',
    'string',
    'new, acknowledged or explained (set by the admin; kept across runs).',
    {width: 100},
  ),
];

export const INCIDENTS: TableSchema<IncidentRecord> = {
  name: 'Incidents',
  description:
    "One row per real-world event (the anomaly flags it groups are in the Anomalies tab); the status is the admin's and survives re-runs.",
  looker: false,
  columns: [
    ...incidentCore.slice(0, 9),
    col('schoolNames', 'school_names', 'School names', 'list', 'Schools.', {
      width: 260,
    }),
    ...incidentCore.slice(9),
    col('note', 'note', 'Note', 'string', "The admin's explanation.", {
      width: 220,
    }),
    col(
      'firstFlagged',
      'first_flagged',
      'First flagged',
      'timestamp',
      'When the incident was first seen (UTC).',
    ),
    col(
      'statusChanged',
      'status_changed',
      'Status changed',
      'timestamp',
      'When the status last changed (UTC).',
    ),
    col('schoolIds', 'school_ids', 'School ids', 'list', 'School ids.', {
      width: 160,
    }),
  ],
};

const correlationColumns: ColumnSpec<CorrelationRecord>[] = [
  col(
    'schoolId',
    'school_id',
    'School id',
    'string',
    "School id, or 'district'.",
  ),
  col('schoolName', 'school_name', 'School', 'string', 'School name.', {
    width: 180,
  }),
  col(
    'teacherMetric',
    'teacher_metric',
    'Teacher metric',
    'string',
    'Teacher activity series.',
    {names: METRIC_NAMES},
  ),
  col(
    'studentMetric',
    'student_metric',
    'Student metric',
    'string',
    'Student activity series.',
    {names: METRIC_NAMES},
  ),
  col('n', 'n', 'N', 'integer', 'Paired observations.'),
  col('pearsonR', 'pearson_r', 'Pearson r', 'number', 'Pearson correlation.', {
    format: '0.000',
  }),
  col(
    'pValue',
    'p_value',
    'p-value',
    'number',
    'Two-sided p-value of the t-test.',
    {format: '0.0000'},
  ),
  col(
    'ci95Low',
    'ci95_low',
    '95% CI low',
    'number',
    'Fisher 95% interval, low.',
    {format: '0.000'},
  ),
  col(
    'ci95High',
    'ci95_high',
    '95% CI high',
    'number',
    'Fisher 95% interval, high.',
    {format: '0.000'},
  ),
  col(
    'spearmanRho',
    'spearman_rho',
    'Spearman rho',
    'number',
    'Spearman rank correlation.',
    {format: '0.000'},
  ),
  col(
    'bestLag',
    'best_lag',
    'Best lag',
    'integer',
    'Lag at which teacher activity best leads student activity.',
  ),
  col(
    'bestLagR',
    'best_lag_r',
    'r at best lag',
    'number',
    'Cross-correlation at the best lag.',
    {format: '0.000'},
  ),
  col(
    'effectPer10Pct',
    'effect_per_10pct',
    'Student % per +10% teacher',
    'percent',
    'Change in student activity (%) with 10% more teacher activity.',
  ),
  col(
    'effectLow',
    'effect_low',
    'Effect 95% low',
    'percent',
    '95% interval of the effect, low.',
  ),
  col(
    'effectHigh',
    'effect_high',
    'Effect 95% high',
    'percent',
    '95% interval of the effect, high.',
  ),
  col(
    'note',
    'blank_reason',
    'Why blank',
    'string',
    'Why values are blank: suppressed for a small group (fewer teachers or students than the minimum group size) or too few school weeks; empty otherwise.',
    {width: 240},
  ),
];

export const CORRELATIONS: TableSchema<CorrelationRecord> = {
  name: 'Correlations',
  description:
    'Teacher-student lagged correlation per school and district-wide.',
  looker: false,
  columns: correlationColumns,
};

const underuseColumns: ColumnSpec<UnderuseRecord>[] = [
  col(
    'rank',
    'rank',
    'Rank',
    'integer',
    'Rank by gap, largest shortfall first.',
    {width: 50},
  ),
  col('schoolId', 'school_id', 'School id', 'string', 'School id.'),
  col('schoolName', 'school_name', 'School', 'string', 'School name.', {
    width: 180,
  }),
  col(
    'product',
    'product',
    'Product',
    'string',
    'Product; empty for the school as a whole.',
  ),
  col('metric', 'metric', 'Metric', 'string', 'Compared metric.', {
    names: METRIC_NAMES,
  }),
  col('value', 'value', 'Value', 'number', "The school's value."),
  col('benchmark', 'benchmark', 'Benchmark', 'number', 'Peer benchmark value.'),
  col(
    'benchmarkKind',
    'benchmark_kind',
    'Benchmark kind',
    'string',
    'district median or peer median.',
    {width: 160},
  ),
  col('peers', 'peers', 'Peers', 'integer', 'Schools in the benchmark.'),
  col(
    'gapPct',
    'gap_pct',
    'Gap %',
    'percent',
    '(value - benchmark) / benchmark x 100.',
  ),
  col(
    'flagged',
    'flagged',
    'Under-using',
    'boolean',
    'Gap beyond the threshold in the settings.',
  ),
];

export const UNDERUSE: TableSchema<UnderuseRecord> = {
  name: 'Under-utilisation',
  description:
    'Schools (and products) ranked by their gap to the peer benchmark.',
  looker: false,
  columns: underuseColumns,
};

const equityColumns: ColumnSpec<EquityRecord>[] = [
  col(
    'dimension',
    'dimension',
    'Breakdown',
    'string',
    'state, locale, pct_black_hispanic, pct_free_reduced, pp_total_raw, county_connections_ratio.',
    {width: 170},
  ),
  col(
    'band',
    'band',
    'Band',
    'string',
    'Band label as published, e.g. [0.2, 0.4[.',
    {width: 120},
  ),
  col('bandLow', 'band_low', 'Band low', 'number', 'Lower bound of the band.', {
    format: '0.###',
  }),
  col(
    'bandHigh',
    'band_high',
    'Band high',
    'number',
    'Upper bound of the band.',
    {format: '0.###'},
  ),
  col(
    'districts',
    'districts',
    'Districts',
    'integer',
    'Districts in the band.',
  ),
  col('pctAccess', 'pct_access', '% access', 'percent', 'Mean pct_access.'),
  col(
    'engagementIndex',
    'engagement_index',
    'Engagement index',
    'number',
    'Mean engagement index.',
  ),
  col(
    'suppressed',
    'suppressed',
    'Suppressed',
    'boolean',
    'Too few districts: values withheld.',
  ),
];

export const EQUITY: TableSchema<EquityRecord> = {
  name: 'Equity',
  description: 'Access and engagement by state, locale and demographic band.',
  looker: false,
  columns: equityColumns,
};

const equityTestColumns: ColumnSpec<EquityTestRecord>[] = [
  col('dimension', 'dimension', 'Breakdown', 'string', 'Breakdown tested.', {
    width: 170,
  }),
  col(
    'metric',
    'metric',
    'Metric',
    'string',
    'pct_access or engagement_index.',
  ),
  col('test', 'test', 'Test', 'string', 'Welch t or Kruskal-Wallis.'),
  col('statistic', 'statistic', 'Statistic', 'number', 'Test statistic.', {
    format: '0.000',
  }),
  col('df', 'df', 'df', 'number', 'Degrees of freedom.'),
  col('pValue', 'p_value', 'p-value', 'number', 'p-value.', {format: '0.0000'}),
  col('groups', 'groups', 'Groups', 'integer', 'Bands compared.'),
  col('significant', 'significant', 'Significant', 'boolean', 'p < 0.05.'),
];

export const EQUITY_TESTS: TableSchema<EquityTestRecord> = {
  name: 'Equity tests',
  description: 'Whether gaps between bands are larger than chance.',
  looker: false,
  columns: equityTestColumns,
};

const qualityColumns: ColumnSpec<DataQualityRow>[] = [
  col(
    'date',
    'date',
    'Date',
    'date',
    'Day concerned; empty for a district-wide finding.',
  ),
  col('check', 'check', 'Check', 'string', 'The data-quality check.', {
    width: 190,
  }),
  col('severity', 'severity', 'Severity', 'string', 'info, warning or error.', {
    width: 70,
  }),
  col('count', 'count', 'Count', 'integer', 'Records concerned.'),
  col(
    'source',
    'source',
    'Source',
    'string',
    'api:login, api:classroom, bigquery, ...',
    {width: 110},
  ),
  col(
    'detail',
    'detail',
    'Detail',
    'string',
    'What was found, with a few examples (never an email or a name).',
    {width: 320},
  ),
];

export const DATA_QUALITY: TableSchema<DataQualityRow> = {
  name: 'Data quality',
  description:
    'Duplicates dropped, partial days, imputed values and consistency checks.',
  looker: false,
  columns: qualityColumns,
};

export const RUN_LOG: TableSchema<RunLogRecord> = {
  name: 'Run log',
  description: 'One row per run of the job.',
  looker: false,
  columns: [
    col('runId', 'run_id', 'Run', 'string', 'Run id.', {width: 120}),
    col(
      'trigger',
      'trigger',
      'Trigger',
      'string',
      'manual, nightly, weekly or continuation.',
      {width: 90},
    ),
    col('started', 'started', 'Started', 'timestamp', 'Start (UTC).'),
    col(
      'finished',
      'finished',
      'Finished',
      'timestamp',
      'End (UTC); empty while running.',
    ),
    col(
      'status',
      'status',
      'Status',
      'string',
      'running, ok, partial or failed.',
      {width: 70},
    ),
    col('phase', 'phase', 'Phase', 'string', 'Last phase reached.', {
      width: 90,
    }),
    col(
      'executions',
      'executions',
      'Executions',
      'integer',
      'Executions used (continuations included).',
    ),
    col(
      'daysProcessed',
      'days_processed',
      'Days',
      'integer',
      'Day partitions processed.',
    ),
    col(
      'rowsWritten',
      'rows_written',
      'Rows written',
      'integer',
      'Fact rows stored by the ingest, and rows written to tabs by the analysis.',
    ),
    col(
      'serviceCalls',
      'service_calls',
      'Service calls',
      'integer',
      'Google service calls made.',
    ),
    col('message', 'message', 'Message', 'string', 'Summary or error.', {
      width: 320,
    }),
    // After the message so a Run log tab of an earlier version only gains columns.
    col(
      'callsByService',
      'calls_by_service',
      'Calls by service',
      'string',
      'Google service calls of the run by service (Reports, Directory, Classroom, BigQuery, Calendar, UrlFetch).',
      {width: 240},
    ),
    col(
      'lastExecution',
      'last_execution',
      'Last execution',
      'string',
      "Service calls by service and rows written by the run's latest execution.",
      {width: 280},
    ),
  ],
};

export const SETTINGS_TAB: TableSchema<SettingRecord> = {
  name: 'Settings',
  description: 'The current settings (edit them in the sidebar).',
  looker: false,
  columns: [
    col('setting', 'setting', 'Setting', 'string', 'Setting name.', {
      width: 180,
    }),
    col('value', 'value', 'Value', 'string', 'Current value.', {width: 260}),
    col(
      'description',
      'description',
      'Description',
      'string',
      'What it does.',
      {width: 380},
    ),
  ],
};

// ---------------------------------------------------------------------------------------
// Looker Studio tabs.

/** A fact row as shared with Looker Studio: small groups suppressed. */
export interface LookerFactRecord {
  date: string;
  week: string;
  schoolId: string;
  role: string;
  app: string;
  product: string;
  activeUsers: number | null;
  enrolledUsers: number | null;
  pctAccess: number | null;
  events: number | null;
  engagementIndex: number | null;
  logins: number | null;
  submissionsTurnedIn: number | null;
  assignmentsCreated: number | null;
  gradesEntered: number | null;
  partial: boolean;
  imputed: boolean;
  suppressed: boolean;
}

export interface LookerAnomalyRecord {
  id: string;
  date: string;
  endDate: string;
  grain: string;
  schoolId: string;
  schoolName: string;
  role: string;
  metric: string;
  direction: string;
  observed: number;
  expected: number;
  changePct: number | null;
  score: number;
  severity: string;
  incidentId: string;
  status: string;
}

export interface DictionaryRecord {
  table: string;
  column: string;
  type: string;
  description: string;
}

function lookerFactColumns(
  grain: 'day' | 'week',
): ColumnSpec<LookerFactRecord>[] {
  const first: ColumnSpec<LookerFactRecord>[] =
    grain === 'day'
      ? [
          col(
            'date',
            'date',
            'date',
            'date',
            'Day in the district time zone (YYYY-MM-DD).',
          ),
          col(
            'week',
            'week',
            'week',
            'week',
            'ISO week of the day (YYYY-Www).',
          ),
        ]
      : [
          col(
            'date',
            'week_start',
            'week_start',
            'date',
            'Monday of the ISO week (YYYY-MM-DD).',
          ),
          col('week', 'week', 'week', 'week', 'ISO week (YYYY-Www).'),
        ];
  const suppressedNote = ' Empty when the group is suppressed.';
  return [
    ...first,
    col('schoolId', 'school_id', 'school_id', 'string', factCommon.schoolId),
    col('role', 'role', 'role', 'string', factCommon.role),
    col('app', 'app', 'app', 'string', factCommon.app),
    col('product', 'product', 'product', 'string', factCommon.product),
    col(
      'activeUsers',
      'active_users',
      'active_users',
      'integer',
      'Distinct active users.' + suppressedNote,
    ),
    col(
      'enrolledUsers',
      'enrolled_users',
      'enrolled_users',
      'integer',
      'Enrolled users of the role.' + suppressedNote,
    ),
    col(
      'pctAccess',
      'pct_access',
      'pct_access',
      'percent',
      'Active / enrolled x 100.' + suppressedNote,
    ),
    col(
      'events',
      'events',
      'events',
      'integer',
      'Activity events.' + suppressedNote,
    ),
    col(
      'engagementIndex',
      'engagement_index',
      'engagement_index',
      'number',
      'Events per 1,000 enrolled users.' + suppressedNote,
    ),
    col(
      'logins',
      'logins',
      'logins',
      'integer',
      'Successful logins.' + suppressedNote,
    ),
    col(
      'submissionsTurnedIn',
      'submissions_turned_in',
      'submissions_turned_in',
      'integer',
      'Submissions turned in.' + suppressedNote,
    ),
    col(
      'assignmentsCreated',
      'assignments_created',
      'assignments_created',
      'integer',
      'Course work created.' + suppressedNote,
    ),
    col(
      'gradesEntered',
      'grades_entered',
      'grades_entered',
      'integer',
      'Grades entered.' + suppressedNote,
    ),
    col(
      'partial',
      'is_partial',
      'is_partial',
      'boolean',
      'TRUE when the source reported the data as incomplete.',
    ),
    col(
      'imputed',
      'is_imputed',
      'is_imputed',
      'boolean',
      'TRUE when values were filled in, not observed.',
    ),
    col(
      'suppressed',
      'is_suppressed',
      'is_suppressed',
      'boolean',
      'TRUE when the group is smaller than the minimum group size.',
    ),
  ];
}

function lookerOf<R>(
  schema: TableSchema<R>,
  name: string,
  description: string,
): TableSchema<R> {
  return {name, description, looker: true, columns: schema.columns};
}

export const LK_DAILY: TableSchema<LookerFactRecord> = {
  name: 'lk_daily',
  description:
    'Daily engagement per school, role and app; small groups suppressed.',
  looker: true,
  columns: lookerFactColumns('day'),
};

export const LK_WEEKLY: TableSchema<LookerFactRecord> = {
  name: 'lk_weekly',
  description:
    'Weekly engagement per school, role and app; small groups suppressed.',
  looker: true,
  columns: lookerFactColumns('week'),
};

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
export const LK_ANOMALIES: TableSchema<LookerAnomalyRecord> = {
  name: 'lk_anomalies',
  description:
    "Flagged drops and surges with the admin's status (notes excluded).",
  looker: true,
  columns: anomalyCore as unknown as ColumnSpec<LookerAnomalyRecord>[],
};
/** An incident as shared with Looker Studio: school ids, no names or notes. */
export type LookerIncidentRecord = Omit<
  IncidentRecord,
  'schoolNames' | 'note' | 'firstFlagged' | 'statusChanged'
>;
export const LK_INCIDENTS: TableSchema<LookerIncidentRecord> = {
  name: 'lk_incidents',
  description:
    "Incidents (anomaly flags grouped by event) with the admin's status (notes excluded).",
  looker: true,
  columns: [
    ...incidentCore.slice(0, 9),
    col(
      'schoolIds',
      'school_ids',
      'school_ids',
      'list',
      'School ids touched, separated by "; ".',
    ),
    ...incidentCore.slice(9),
  ] as unknown as ColumnSpec<LookerIncidentRecord>[],
};

export function lookerIncident(i: IncidentRecord): LookerIncidentRecord {
  const out: Partial<IncidentRecord> = {...i};
  delete out.schoolNames;
  delete out.note;
  delete out.firstFlagged;
  delete out.statusChanged;
  return out as LookerIncidentRecord;
}

export const LK_CORRELATION = lookerOf(
  CORRELATIONS,
  'lk_correlation',
  'Teacher-student correlation per school and district-wide.',
);
export const LK_UNDERUSE = lookerOf(
  UNDERUSE,
  'lk_underuse',
  'Under-utilisation ranking against the peer benchmark.',
);
export const LK_EQUITY = lookerOf(
  EQUITY,
  'lk_equity',
  'Access and engagement by demographic band; small bands suppressed.',
);
export const LK_DATA_QUALITY = lookerOf(
  DATA_QUALITY,
  'lk_data_quality',
  'Data-quality findings per day and check.',
);

export const LK_DATA_DICTIONARY: TableSchema<DictionaryRecord> = {
  name: 'lk_data_dictionary',
  description: 'Every column of every Looker Studio tab.',
  looker: true,
  columns: [
    col('table', 'table_name', 'table_name', 'string', 'Tab name.', {
      width: 160,
    }),
    col('column', 'column_name', 'column_name', 'string', 'Column header.', {
      width: 170,
    }),
    col(
      'type',
      'data_type',
      'data_type',
      'string',
      'TEXT, DATE, WEEK, TIMESTAMP, INTEGER, NUMBER, PERCENT or BOOLEAN.',
      {width: 100},
    ),
    col(
      'description',
      'description',
      'description',
      'string',
      'What the column holds.',
      {width: 420},
    ),
  ],
};

// ---------------------------------------------------------------------------------------
// The What-if tab and lk_whatif (written on demand; rows in whatif-table.ts).

export interface WhatIfRecord {
  schoolId: string;
  schoolName: string;
  weekStart: string;
  scenario: string;
  inScenario: boolean;
  schoolDays: number;
  teacherBaseline: number | null;
  teacherScenario: number | null;
  outsideRange: boolean;
  baseline: number;
  baselineLo80: number | null;
  baselineHi80: number | null;
  baselineLo95: number | null;
  baselineHi95: number | null;
  scenarioValue: number;
  scenarioLo80: number | null;
  scenarioHi80: number | null;
  scenarioLo95: number | null;
  scenarioHi95: number | null;
  difference: number;
  differenceLo95: number;
  differenceHi95: number;
  coefficient: number | null;
  coefficientSe: number | null;
  significant: boolean | null;
  caveats: string;
}

/** The id of the district's rows (the sum of the schools in the scenario). */
export const WHATIF_DISTRICT = 'district';

function c(
  field: keyof WhatIfRecord & string,
  key: string,
  label: string,
  type: ColumnType,
  description: string,
  width?: number,
): ColumnSpec<WhatIfRecord> {
  return col(field, key, label, type, description, width ? {width} : undefined);
}

const blankForDistrict =
  ' Blank on district rows: the schools’ intervals do not add up to one.';

const whatIfColumns: ColumnSpec<WhatIfRecord>[] = [
  c(
    'schoolId',
    'school_id',
    'School id',
    'string',
    `School id, or '${WHATIF_DISTRICT}' for the sum of the schools in the scenario.`,
  ),
  c('schoolName', 'school_name', 'School', 'string', 'School name.', 180),
  c(
    'weekStart',
    'week_start',
    'Week start',
    'date',
    'Monday of the forecast week.',
  ),
  c(
    'scenario',
    'scenario',
    'Scenario',
    'string',
    'The teacher-activity scenario.',
    200,
  ),
  c(
    'inScenario',
    'in_scenario',
    'In scenario',
    'boolean',
    'TRUE in the weeks the scenario applies.',
  ),
  c(
    'schoolDays',
    'school_days',
    'School days',
    'integer',
    'School days in the week by the calendar.',
  ),
  c(
    'teacherBaseline',
    'teacher_baseline',
    'Teacher activity (forecast)',
    'number',
    'Forecast weekly teacher activity (events), the regressor of the baseline.' +
      blankForDistrict,
  ),
  c(
    'teacherScenario',
    'teacher_scenario',
    'Teacher activity (scenario)',
    'number',
    'Weekly teacher activity under the scenario.' + blankForDistrict,
  ),
  c(
    'outsideRange',
    'outside_range',
    'Outside range',
    'boolean',
    'TRUE when scenario teacher activity lies outside what the school has shown: an extrapolation.',
  ),
  c(
    'baseline',
    'baseline',
    'Baseline',
    'number',
    'Forecast weekly active students (the weekly forecast).',
  ),
  c(
    'baselineLo80',
    'baseline_lo80',
    'Baseline lo 80',
    'number',
    'Lower bound of the baseline 80% prediction interval.' + blankForDistrict,
  ),
  c(
    'baselineHi80',
    'baseline_hi80',
    'Baseline hi 80',
    'number',
    'Upper bound of the baseline 80% prediction interval.' + blankForDistrict,
  ),
  c(
    'baselineLo95',
    'baseline_lo95',
    'Baseline lo 95',
    'number',
    'Lower bound of the baseline 95% prediction interval.' + blankForDistrict,
  ),
  c(
    'baselineHi95',
    'baseline_hi95',
    'Baseline hi 95',
    'number',
    'Upper bound of the baseline 95% prediction interval.' + blankForDistrict,
  ),
  c(
    'scenarioValue',
    'scenario_forecast',
    'Scenario',
    'number',
    'Forecast weekly active students under the scenario.',
  ),
  c(
    'scenarioLo80',
    'scenario_lo80',
    'Scenario lo 80',
    'number',
    'Lower bound of the scenario 80% interval (forecast noise and the coefficient’s uncertainty).' +
      blankForDistrict,
  ),
  c(
    'scenarioHi80',
    'scenario_hi80',
    'Scenario hi 80',
    'number',
    'Upper bound of the scenario 80% interval.' + blankForDistrict,
  ),
  c(
    'scenarioLo95',
    'scenario_lo95',
    'Scenario lo 95',
    'number',
    'Lower bound of the scenario 95% interval.' + blankForDistrict,
  ),
  c(
    'scenarioHi95',
    'scenario_hi95',
    'Scenario hi 95',
    'number',
    'Upper bound of the scenario 95% interval.' + blankForDistrict,
  ),
  c(
    'difference',
    'difference',
    'Difference',
    'number',
    'Scenario minus baseline, students per week.',
  ),
  c(
    'differenceLo95',
    'difference_lo95',
    'Difference lo 95',
    'number',
    'Lower bound of the 95% interval of the difference (the teacher coefficient’s s.e. and the baseline’s level).',
  ),
  c(
    'differenceHi95',
    'difference_hi95',
    'Difference hi 95',
    'number',
    'Upper bound of the 95% interval of the difference.',
  ),
  c(
    'coefficient',
    'teacher_coefficient',
    'Teacher coefficient',
    'number',
    'Elasticity of weekly students on teacher activity in the school’s model (log scale).' +
      blankForDistrict,
  ),
  c(
    'coefficientSe',
    'teacher_coefficient_se',
    'Coefficient s.e.',
    'number',
    'Standard error of the teacher coefficient.' + blankForDistrict,
  ),
  c(
    'significant',
    'significant',
    'Distinguishable from zero',
    'boolean',
    'TRUE when the coefficient is at least 1.96 standard errors from zero.',
  ),
  c(
    'caveats',
    'caveats',
    'Caveats',
    'string',
    'Why the result is uncertain or missing, in plain words.',
    320,
  ),
];

export const WHATIF: TableSchema<WhatIfRecord> = {
  name: 'What-if',
  description:
    'Weekly active students forecast under a teacher-activity scenario, beside the baseline.',
  looker: false,
  columns: whatIfColumns,
};

export const LK_WHATIF: TableSchema<WhatIfRecord> = {
  name: 'lk_whatif',
  description:
    'The last what-if scenario: baseline and scenario forecasts per school and week.',
  looker: true,
  columns: whatIfColumns,
};

/** Every Looker tab, in the order they are written and linked into a report. */
export const LOOKER_TABLES: ReadonlyArray<TableSchema<never>> = [
  LK_DAILY,
  LK_WEEKLY,
  LK_FORECAST,
  LK_FORECAST_ACCURACY,
  LK_ANOMALIES,
  LK_INCIDENTS,
  LK_CORRELATION,
  LK_UNDERUSE,
  LK_EQUITY,
  LK_DATA_QUALITY,
  LK_WHATIF,
  LK_DATA_DICTIONARY,
] as unknown as ReadonlyArray<TableSchema<never>>;

/** Every admin tab. */
export const ADMIN_TABLES: ReadonlyArray<TableSchema<never>> = [
  DAILY_FACTS,
  WEEKLY_FACTS,
  FORECASTS,
  FORECAST_ACCURACY,
  INCIDENTS,
  ANOMALIES,
  CORRELATIONS,
  UNDERUSE,
  EQUITY,
  EQUITY_TESTS,
  DATA_QUALITY,
  RUN_LOG,
  SETTINGS_TAB,
  WHATIF,
] as unknown as ReadonlyArray<TableSchema<never>>;

const TYPE_NAMES: Record<ColumnType, string> = {
  string: 'TEXT',
  date: 'DATE',
  week: 'WEEK',
  timestamp: 'TIMESTAMP',
  integer: 'INTEGER',
  number: 'NUMBER',
  percent: 'PERCENT',
  boolean: 'BOOLEAN',
  list: 'TEXT',
};

/** The data dictionary: one row per column of every Looker tab (itself included). */
export function dataDictionary(): DictionaryRecord[] {
  const out: DictionaryRecord[] = [];
  for (const t of LOOKER_TABLES) {
    for (const c of t.columns) {
      let description = c.description;
      if (c.type === 'date')
        description += ' Text in ISO 8601 form YYYY-MM-DD.';
      if (c.type === 'timestamp') description += ' Text in ISO 8601 UTC form.';
      if (c.type === 'percent') description += ' On a 0-100 scale.';
      out.push({
        table: t.name,
        column: c.key,
        type: TYPE_NAMES[c.type],
        description,
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Shaping records for the Looker tabs.

/**
 * A fact shared with Looker Studio. A group with fewer enrolled users than `minGroupSize`
 * has every count and rate withheld (blank, never zero), so a small group's activity cannot
 * be read off or subtracted out.
 */
export function lookerFact(
  f: DailyFact | WeeklyFact,
  minGroupSize: number,
  isoWeekOf: (date: string) => string,
): LookerFactRecord {
  const isDaily = 'date' in f;
  const date = isDaily ? (f as DailyFact).date : (f as WeeklyFact).weekStart;
  const week = isDaily ? isoWeekOf(date) : (f as WeeklyFact).week;
  const small =
    f.flags.includes('suppressed') ||
    (f.enrolledUsers > 0 && f.enrolledUsers < minGroupSize) ||
    (f.enrolledUsers === 0 &&
      f.activeUsers > 0 &&
      f.activeUsers < minGroupSize);
  const w = (v: number | null): number | null => (small ? null : v);
  return {
    date,
    week,
    schoolId: f.schoolId,
    role: f.role,
    app: f.app,
    product: f.product,
    activeUsers: w(f.activeUsers),
    enrolledUsers: w(f.enrolledUsers),
    pctAccess: w(f.pctAccess),
    events: w(f.events),
    engagementIndex: w(f.engagementIndex),
    logins: w(f.logins),
    submissionsTurnedIn: w(f.submissionsTurnedIn),
    assignmentsCreated: w(f.assignmentsCreated),
    gradesEntered: w(f.gradesEntered),
    partial: f.flags.includes('partial'),
    imputed: f.flags.includes('imputed'),
    suppressed: small,
  };
}

/** An anomaly as shared with Looker Studio: the admin's free-text note stays out. */
export function lookerAnomaly(a: AnomalyRecord): LookerAnomalyRecord {
  return {
    id: a.id,
    date: a.date,
    endDate: a.endDate,
    grain: a.grain,
    schoolId: a.schoolId,
    schoolName: a.schoolName,
    role: a.role,
    metric: a.metric,
    direction: a.direction,
    observed: a.observed,
    expected: a.expected,
    changePct: a.changePct,
    score: a.score,
    severity: a.severity,
    incidentId: a.incidentId,
    status: a.status,
  };
}

/** Equity rows for sharing: a suppressed band keeps its count of districts, not its values. */
export function lookerEquity(e: EquityRecord): EquityRecord {
  return e.suppressed ? {...e, pctAccess: null, engagementIndex: null} : e;
}

// ---------------------------------------------------------------------------------------
// Anomaly ids and the merge that keeps the admin's status across runs.

/** FNV-1a over UTF-16 code units, two seeds: 64 bits rendered as 16 hex digits. */
export function hash64(s: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193 + 0x2a) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/** The stable id of an anomaly: the same school, role, metric, grain and date give the same id. */
export function anomalyId(a: {
  schoolId: string;
  role: string;
  metric: string;
  grain: string;
  date: string;
}): string {
  return (
    'A' + hash64([a.schoolId, a.role, a.metric, a.grain, a.date].join('\u0001'))
  );
}

/**
 * Merges this run's anomalies with the tab's previous rows by id: the admin's status, note
 * and change time survive, and so does the first time the anomaly was flagged. Anomalies no
 * longer flagged are kept when the admin has acknowledged or explained them (their record of
 * what happened) and dropped when still `new`. Newest first.
 */
export function mergeAnomalies(
  fresh: ReadonlyArray<AnomalyRecord>,
  previous: ReadonlyArray<AnomalyRecord>,
  now: string,
  /** Previous flags dated before this day are settled: kept as they are. */
  keepBefore = '',
): AnomalyRecord[] {
  const prev = new Map(previous.map(p => [p.id, p]));
  const seen = new Set<string>();
  const out: AnomalyRecord[] = [];
  for (const f of fresh) {
    if (seen.has(f.id)) continue;
    seen.add(f.id);
    const p = prev.get(f.id);
    out.push(
      p
        ? {
            ...f,
            status: isStatus(p.status) ? p.status : 'new',
            note: p.note,
            firstFlagged: p.firstFlagged || now,
            statusChanged: p.statusChanged,
          }
        : {...f, status: 'new', note: '', firstFlagged: now, statusChanged: ''},
    );
  }
  for (const p of previous) {
    const settled = keepBefore !== '' && String(p.date) < keepBefore;
    const reviewed = p.status !== 'new' && isStatus(p.status);
    if (!seen.has(p.id) && (settled || reviewed)) {
      seen.add(p.id);
      out.push(p);
    }
  }
  out.sort(
    (x, y) =>
      (x.date < y.date ? 1 : x.date > y.date ? -1 : 0) ||
      (x.schoolName < y.schoolName
        ? -1
        : x.schoolName > y.schoolName
          ? 1
          : 0) ||
      (x.id < y.id ? -1 : 1),
  );
  return out;
}

export function isStatus(s: unknown): s is AnomalyStatus {
  return s === 'new' || s === 'acknowledged' || s === 'explained';
}

// ---------------------------------------------------------------------------------------
// The settings tab.

const SETTING_DESCRIPTIONS: Record<keyof Settings, string> = {
  timeZone: 'Time zone of the district; days are cut at its midnight.',
  schoolOuDepth:
    'Depth of the org units that are schools (2 = /Schools/PS 001).',
  schoolOuPattern:
    'Regular expression a school org unit path must match (optional).',
  studentOuPattern: 'Org unit paths of students.',
  teacherOuPattern: 'Org unit paths of teachers.',
  orgUnitRules:
    'units: schools and roles from the org units picked in Setup; patterns: from the depth and patterns.',
  schoolUnits:
    'Org units picked as schools (/path/* = each child of /path; !/path = not a school).',
  studentUnits: 'Org units (paths or unit names) picked as students.',
  teacherUnits: 'Org units (paths or unit names) picked as teachers.',
  startDate:
    'First day to ingest; empty = as far back as Google keeps activity (180 days).',
  trailingDays:
    'Days after its end a day settles; it is re-fetched once then, for late data.',
  budgetSeconds:
    'Seconds an execution runs before it saves a checkpoint and continues.',
  minGroupSize:
    'Groups smaller than this are suppressed in shared (Looker) tabs.',
  underuseGapPct: 'Gap below the peer benchmark (%) that flags under-use.',
  anomalyThreshold: 'Robust score above which a change is an anomaly.',
  forecastHorizonWeeks: 'Weeks forecast ahead.',
  alertRecipients: 'Who receives the anomaly digest.',
  showIdentities:
    'Show emails and names in admin tabs (off: pseudonymous keys only).',
  source: 'Where data comes from: api, bigquery or learnplatform.',
  bigQueryProject: 'Google Cloud project of the Workspace BigQuery export.',
  bigQueryDataset: 'Dataset of the Workspace BigQuery export.',
  learnPlatformFolderId: 'Drive folder holding a LearnPlatform export.',
  calendar: 'School weekdays, closures and testing windows.',
  calendarId: 'Google Calendar imported into the Calendar tab.',
  calendarFeedUrl: 'iCalendar (.ics) feed imported into the Calendar tab.',
};

/** The settings as rows for the Settings tab. */
export function settingsRecords(s: Settings): SettingRecord[] {
  return (Object.keys(SETTING_DESCRIPTIONS) as (keyof Settings)[]).map(k => {
    const v = s[k];
    let value: string;
    if (k === 'calendar') {
      const c = s.calendar;
      value = `weekdays ${c.schoolWeekdays.join(',')}; ${c.closures.length} closures; ${c.events.length} events`;
    } else if (k === 'calendarFeedUrl' && s.calendarFeedUrl) {
      // A private feed's address carries its secret: show only where it points.
      value = feedLabel(s.calendarFeedUrl);
    } else if (Array.isArray(v)) {
      value = v.join(', ');
    } else {
      value = String(v);
    }
    return {setting: k, value, description: SETTING_DESCRIPTIONS[k]};
  });
}
