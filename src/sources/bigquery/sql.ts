/**
 * SQL over the Workspace log export to BigQuery (tables `activity` and `usage`, see
 * docs/bigquery.md), generated so that BigQuery does the grouping and only daily facts come
 * back into Apps Script.
 *
 * Every value that comes from the settings or the run (time zone, patterns, depth, day
 * bounds, event names) travels as a query parameter (`@name` with queryParameters); the
 * table names are unqualified and resolved through the request's defaultDataset, so the
 * SQL text never contains a setting. Every scan of a table filters `_PARTITIONTIME` to the
 * partitions the days need: the export partitions by ingestion time, so an event sits in
 * the partition of its UTC day or a later one (by the export's latency).
 *
 * The definitions are those of the API source (src/metrics/facts.ts and
 * src/clean/activities.ts): the same counted events, the same kinds, the same session
 * estimate, the same school and role rules (src/clean/attribution.ts), except that the
 * export carries no Classroom rosters, so a role the org unit rules leave open comes from
 * the usage report's classroom:role directly.
 * Pure: no Apps Script or Node globals.
 */
import {InputError} from '../../core/errors';
import {effectiveRolePatterns} from '../../core/settings';
import type {Settings} from '../../core/types';
import {eventTable} from '../../clean/activities';
import {
  SESSION_GAP_MINUTES,
  SESSION_TAIL_MINUTES,
  NO_SCHOOL,
} from '../../metrics/facts';

export interface QueryParameter {
  name: string;
  parameterType: {type: string; arrayType?: {type: string}};
  parameterValue: {value?: string; arrayValues?: {value: string}[]};
}

export interface SqlQuery {
  query: string;
  parameters: QueryParameter[];
}

export type ScalarType = 'STRING' | 'INT64' | 'BOOL' | 'DATE' | 'TIMESTAMP';

export function scalar(
  name: string,
  type: ScalarType,
  value: string | number | boolean,
): QueryParameter {
  return {
    name,
    parameterType: {type},
    parameterValue: {value: String(value)},
  };
}

export function array(
  name: string,
  type: ScalarType,
  values: (string | number)[],
): QueryParameter {
  return {
    name,
    parameterType: {type: 'ARRAY', arrayType: {type}},
    parameterValue: {arrayValues: values.map(v => ({value: String(v)}))},
  };
}

/** `2025-03-01 00:00:00+00:00`: a TIMESTAMP parameter value both engines read. */
export function timestampValue(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2025-03-01T00:00:00.000Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}+00:00`;
}

const DAY_MS = 86_400_000;

/** UTC midnight at or before `ms`: the start of the ingestion-time partition holding it. */
export function partitionStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/* ------------------------------------------------------------ validation -- */

const PROJECT_RE =
  /^(?:[a-z][a-z0-9.-]*[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const DATASET_RE = /^[A-Za-z0-9_]{1,1024}$/;

export interface DatasetRef {
  /** Project that runs (and pays for) the jobs. */
  projectId: string;
  /** Project and dataset holding the export's tables. */
  dataProjectId: string;
  datasetId: string;
}

/**
 * The project and dataset of the settings, validated. `bigQueryDataset` may name another
 * project's dataset as `project.dataset` (the export often lives in a logging project).
 */
export function datasetRef(settings: Settings): DatasetRef {
  const projectId = (settings.bigQueryProject ?? '').trim();
  const ds = (settings.bigQueryDataset ?? '').trim();
  if (!projectId) {
    throw new InputError(
      'bigQueryProject',
      'no Google Cloud project is set for BigQuery',
    );
  }
  if (!PROJECT_RE.test(projectId)) {
    throw new InputError(
      'bigQueryProject',
      `"${projectId}" is not a Google Cloud project id`,
    );
  }
  if (!ds) {
    throw new InputError(
      'bigQueryDataset',
      'no dataset is set (the dataset the Workspace log export writes to)',
    );
  }
  const dot = ds.lastIndexOf('.');
  const dataProjectId = dot >= 0 ? ds.slice(0, dot) : projectId;
  const datasetId = dot >= 0 ? ds.slice(dot + 1) : ds;
  if (!PROJECT_RE.test(dataProjectId)) {
    throw new InputError(
      'bigQueryDataset',
      `"${dataProjectId}" is not a Google Cloud project id`,
    );
  }
  if (!DATASET_RE.test(datasetId)) {
    throw new InputError(
      'bigQueryDataset',
      `"${datasetId}" is not a dataset name (letters, digits and _)`,
    );
  }
  return {projectId, dataProjectId, datasetId};
}

/** JavaScript regular-expression features RE2 (BigQuery's engine) does not have. */
const NOT_RE2: [RegExp, string][] = [
  [/\(\?<?[=!]/, 'lookaround'],
  [/\\[1-9]/, 'backreferences'],
  [/\\k</, 'named backreferences'],
];

/**
 * A settings pattern as an RE2 pattern: `(?i)` is native to RE2, so the text is the same;
 * features RE2 lacks are refused with the field named. '' when unset.
 */
export function re2Pattern(pattern: string, field: string): string {
  const p = (pattern ?? '').trim();
  if (!p) return '';
  for (const [re, what] of NOT_RE2) {
    if (re.test(p)) {
      throw new InputError(
        field,
        `uses ${what}, which BigQuery's regular expressions (RE2) do not support`,
      );
    }
  }
  return p;
}

/* ------------------------------------------------------------ event kinds -- */

export interface KindLists {
  login: string[];
  logout: string[];
  created: string[];
  grade: string[];
  comment: string[];
  announcement: string[];
  /** Every other counted Classroom event (changed_submission_state is refined in SQL). */
  activity: string[];
}

/** The API source's event tables, split by kind, for the SQL's IN UNNEST(@...) tests. */
export function kindLists(): KindLists {
  const out: KindLists = {
    login: [],
    logout: [],
    created: [],
    grade: [],
    comment: [],
    announcement: [],
    activity: [],
  };
  for (const [name, kind] of Object.entries(eventTable('login')!)) {
    if (kind === 'login') out.login.push(name);
    else if (kind === 'logout') out.logout.push(name);
  }
  for (const [name, kind] of Object.entries(eventTable('classroom')!)) {
    if (kind in out && kind !== 'login' && kind !== 'logout') {
      (out[kind as keyof KindLists] as string[]).push(name);
    }
  }
  for (const k of Object.keys(out) as (keyof KindLists)[]) out[k].sort();
  return out;
}

/* ------------------------------------------------------------ the queries -- */

export interface AttributionParams {
  /** The settings' school depth and role patterns (the school pattern picks schoolPaths). */
  schoolDepth: number;
  studentPattern: string;
  teacherPattern: string;
}

export function attributionParams(settings: Settings): AttributionParams {
  const depth = settings.schoolOuDepth;
  if (!Number.isInteger(depth) || depth < 1) {
    throw new InputError(
      'schoolOuDepth',
      `must be a whole number of at least 1, got ${depth}`,
    );
  }
  const roles = effectiveRolePatterns(settings);
  const units = settings.orgUnitRules === 'units';
  return {
    schoolDepth: depth,
    studentPattern: re2Pattern(
      roles.student,
      units ? 'studentUnits' : 'studentOuPattern',
    ),
    teacherPattern: re2Pattern(
      roles.teacher,
      units ? 'teacherUnits' : 'teacherOuPattern',
    ),
  };
}

export interface DailyQueryInput {
  attribution: AttributionParams;
  /** Org unit paths of the schools (the Directory's org units the school rule accepts). */
  schoolPaths: string[];
  timeZone: string;
  /** UTC ms of local midnight starting the first day, and of the one ending the last day. */
  startMs: number;
  endMs: number;
  /** Reports applications (record_type values) counted: login, classroom. */
  apps: string[];
  /** Days after an event's UTC day within which the export ingests it. */
  partitionLagDays: number;
  /** The usage date roles are read from; null: no usage roles. */
  usageDate: string | null;
  usageLagDays: number;
}

function addDaysIso(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

function usagePartitionParams(
  usageDate: string | null,
  lagDays: number,
): QueryParameter[] {
  const d = usageDate ?? '1970-01-01';
  const [y, m, dd] = d.split('-').map(Number);
  const from = Date.UTC(y, m - 1, dd) - DAY_MS;
  return [
    scalar('usageDate', 'DATE', d),
    scalar('usagePartStart', 'TIMESTAMP', timestampValue(from)),
    scalar(
      'usagePartEnd',
      'TIMESTAMP',
      timestampValue(from + (lagDays + 2) * DAY_MS),
    ),
  ];
}

/**
 * The shared head of the daily and weekly queries: one row per counted event with its
 * local day, user, app, kind, school path and role.
 */
function eventsCte(depths: number[]): string {
  return `roles AS (
  SELECT LOWER(user_email) AS user, MAX(LOWER(classroom.role)) AS role
  FROM usage
  WHERE _PARTITIONTIME >= @usagePartStart AND _PARTITIONTIME < @usagePartEnd
    AND date = @usageDate
    AND user_email IS NOT NULL
    AND classroom.role IS NOT NULL
  GROUP BY user
),
raw AS (
  SELECT
    DATE(TIMESTAMP_MICROS(time_usec), @tz) AS day,
    time_usec,
    LOWER(email) AS user,
    record_type AS app,
    CASE
      WHEN record_type = 'login' AND event_name IN UNNEST(@loginEvents) THEN 'login'
      WHEN record_type = 'login' AND event_name IN UNNEST(@logoutEvents) THEN 'logout'
      WHEN record_type = 'login' THEN NULL
      WHEN event_name = 'changed_submission_state'
        AND LOWER(classroom.submission_state) = 'turned_in' THEN 'turned_in'
      WHEN event_name = 'changed_submission_state'
        AND LOWER(classroom.submission_state) = 'returned' THEN 'returned'
      WHEN event_name IN UNNEST(@createdEvents) THEN 'created'
      WHEN event_name IN UNNEST(@gradeEvents) THEN 'grade'
      WHEN event_name IN UNNEST(@commentEvents) THEN 'comment'
      WHEN event_name IN UNNEST(@announcementEvents) THEN 'announcement'
      WHEN event_name IN UNNEST(@activityEvents) THEN 'activity'
      ELSE NULL
    END AS kind,
    COALESCE(classroom.is_late, FALSE) AS late,
    CASE
      WHEN org_unit_name_path IS NULL OR ARRAY_LENGTH(org_unit_name_path) = 0 THEN NULL
      WHEN ARRAY_LENGTH(org_unit_name_path) = 1 THEN '/'
      ELSE REGEXP_REPLACE(ARRAY_TO_STRING(org_unit_name_path, '/'), '^[^/]*', '')
    END AS ou_path
  FROM activity
  WHERE _PARTITIONTIME >= @partStart AND _PARTITIONTIME < @partEnd
    AND time_usec >= @startUsec AND time_usec < @endUsec
    AND record_type IN UNNEST(@apps)
    AND email IS NOT NULL
),
events AS (
  SELECT
    raw.day,
    raw.user,
    raw.app,
    raw.kind,
    raw.late,
    DIV(raw.time_usec - UNIX_MICROS(TIMESTAMP(raw.day, @tz)), 60000000) AS minute,
    CASE
      WHEN raw.ou_path IS NULL THEN @noSchool
${depths
  .map(
    (
      _d,
      k,
    ) => `      WHEN REGEXP_EXTRACT(raw.ou_path, @${prefixParam(k)}) IN UNNEST(@schoolPaths)
        THEN REGEXP_EXTRACT(raw.ou_path, @${prefixParam(k)})`,
  )
  .join('\n')}
      ELSE @noSchool
    END AS school,
    CASE
      WHEN raw.ou_path IS NULL THEN 'unknown'
      WHEN @teacherPattern != '' AND REGEXP_CONTAINS(raw.ou_path, @teacherPattern) THEN 'teacher'
      WHEN @studentPattern != '' AND REGEXP_CONTAINS(raw.ou_path, @studentPattern) THEN 'student'
      WHEN roles.role IN ('teacher', 'student') THEN roles.role
      WHEN @teacherPattern != '' OR @studentPattern != '' THEN 'staff'
      ELSE 'unknown'
    END AS role
  FROM raw
  LEFT JOIN roles ON roles.user = raw.user
  WHERE raw.kind IS NOT NULL
)`;
}

/**
 * Depths at which a user's path may name its school, deepest first (the nearest school
 * wins): the school depth setting, or with picked units every depth a picked school has.
 */
export function schoolDepths(i: DailyQueryInput): number[] {
  const ds = new Set(
    i.schoolPaths.map(p => p.split('/').filter(x => x !== '').length),
  );
  if (ds.size === 0) ds.add(i.attribution.schoolDepth);
  return [...ds].sort((a, b) => b - a);
}

function prefixParam(k: number): string {
  return k === 0 ? 'schoolPrefix' : `schoolPrefix${k + 1}`;
}

/** `^((?:/[^/]+){depth})(?:/|$)`: the school's path as the first group of the user's path. */
export function schoolPrefixPattern(depth: number): string {
  return `^((?:/[^/]+){${depth}})(?:/|$)`;
}

function commonParams(i: DailyQueryInput): QueryParameter[] {
  const k = kindLists();
  const a = i.attribution;
  const partStart = partitionStart(i.startMs);
  const partEnd =
    partitionStart(i.endMs - 1) + (1 + i.partitionLagDays) * DAY_MS;
  return [
    scalar('tz', 'STRING', i.timeZone),
    scalar('startUsec', 'INT64', i.startMs * 1000),
    scalar('endUsec', 'INT64', i.endMs * 1000),
    scalar('partStart', 'TIMESTAMP', timestampValue(partStart)),
    scalar('partEnd', 'TIMESTAMP', timestampValue(partEnd)),
    array('apps', 'STRING', i.apps),
    array('loginEvents', 'STRING', k.login),
    array('logoutEvents', 'STRING', k.logout),
    array('createdEvents', 'STRING', k.created),
    array('gradeEvents', 'STRING', k.grade),
    array('commentEvents', 'STRING', k.comment),
    array('announcementEvents', 'STRING', k.announcement),
    array('activityEvents', 'STRING', k.activity),
    ...schoolDepths(i).map((d, k) =>
      scalar(prefixParam(k), 'STRING', schoolPrefixPattern(d)),
    ),
    array('schoolPaths', 'STRING', i.schoolPaths),
    scalar('studentPattern', 'STRING', a.studentPattern),
    scalar('teacherPattern', 'STRING', a.teacherPattern),
    scalar('noSchool', 'STRING', NO_SCHOOL),
    ...usagePartitionParams(i.usageDate, i.usageLagDays),
  ];
}

/** Columns of the daily query's rows, in order. */
export const DAILY_COLUMNS = [
  'day',
  'school',
  'role',
  'app',
  'active_users',
  'events',
  'logins',
  'assignments_created',
  'submissions_turned_in',
  'late_submissions',
  'work_returned',
  'grades_entered',
  'comments',
  'announcements',
  'session_minutes',
] as const;

const COUNTERS = `COUNT(DISTINCT user) AS active_users,
    COUNT(*) AS events,
    COUNTIF(kind = 'login') AS logins,
    COUNTIF(kind = 'created') AS assignments_created,
    COUNTIF(kind = 'turned_in') AS submissions_turned_in,
    COUNTIF(kind = 'turned_in' AND late) AS late_submissions,
    COUNTIF(kind = 'returned') AS work_returned,
    COUNTIF(kind = 'grade') AS grades_entered,
    COUNTIF(kind = 'comment') AS comments,
    COUNTIF(kind = 'announcement') AS announcements`;

/**
 * Daily facts per local day x school x role x app, plus the `workspace` row (users active
 * in any app, with the estimated session minutes), for the days in [startMs, endMs).
 */
export function dailyFactsQuery(i: DailyQueryInput): SqlQuery {
  const query = `WITH ${eventsCte(schoolDepths(i))},
minutes AS (
  SELECT DISTINCT day, school, role, user, minute FROM events
),
gaps AS (
  SELECT day, school, role, user, minute,
    LAG(minute) OVER (PARTITION BY day, school, role, user ORDER BY minute) AS previous
  FROM minutes
),
numbered AS (
  SELECT day, school, role, user, minute,
    SUM(CASE WHEN previous IS NULL OR minute - previous > @sessionGap THEN 1 ELSE 0 END)
      OVER (PARTITION BY day, school, role, user ORDER BY minute
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS session
  FROM gaps
),
sessions AS (
  SELECT day, school, role, MAX(minute) - MIN(minute) + @sessionTail AS length
  FROM numbered
  GROUP BY day, school, role, user, session
),
session_totals AS (
  SELECT day, school, role, SUM(length) AS session_minutes
  FROM sessions
  GROUP BY day, school, role
),
per_app AS (
  SELECT day, school, role, app,
    ${COUNTERS}
  FROM events
  GROUP BY day, school, role, app
),
per_user AS (
  SELECT day, school, role, 'workspace' AS app,
    ${COUNTERS}
  FROM events
  GROUP BY day, school, role
)
SELECT per_app.day, per_app.school, per_app.role, per_app.app, active_users, events, logins,
  assignments_created, submissions_turned_in, late_submissions, work_returned,
  grades_entered, comments, announcements, CAST(NULL AS INT64) AS session_minutes
FROM per_app
UNION ALL
SELECT per_user.day, per_user.school, per_user.role, per_user.app, active_users, events, logins,
  assignments_created, submissions_turned_in, late_submissions, work_returned,
  grades_entered, comments, announcements, session_totals.session_minutes
FROM per_user
JOIN session_totals
  ON session_totals.day = per_user.day AND session_totals.school = per_user.school
  AND session_totals.role = per_user.role
ORDER BY 1, 2, 3, 4`;
  return {
    query,
    parameters: [
      ...commonParams(i),
      scalar('sessionGap', 'INT64', SESSION_GAP_MINUTES),
      scalar('sessionTail', 'INT64', SESSION_TAIL_MINUTES),
    ],
  };
}

/** Columns of the weekly query's rows, in order. */
export const WEEKLY_COLUMNS = [
  'school',
  'role',
  'app',
  'active_users',
  'events',
  'logins',
  'assignments_created',
  'submissions_turned_in',
  'grades_entered',
  'days',
] as const;

/**
 * Weekly facts: distinct users over the given days (a week's school days), counted in
 * BigQuery so they are exact at any size, with the week's sums.
 */
export function weeklyFactsQuery(i: DailyQueryInput, days: string[]): SqlQuery {
  const query = `WITH ${eventsCte(schoolDepths(i))},
kept AS (
  SELECT * FROM events WHERE CAST(day AS STRING) IN UNNEST(@days)
)
SELECT school, role, app,
  COUNT(DISTINCT user) AS active_users,
  COUNT(*) AS events,
  COUNTIF(kind = 'login') AS logins,
  COUNTIF(kind = 'created') AS assignments_created,
  COUNTIF(kind = 'turned_in') AS submissions_turned_in,
  COUNTIF(kind = 'grade') AS grades_entered,
  COUNT(DISTINCT day) AS days
FROM kept
GROUP BY school, role, app
UNION ALL
SELECT school, role, 'workspace' AS app,
  COUNT(DISTINCT user) AS active_users,
  COUNT(*) AS events,
  COUNTIF(kind = 'login') AS logins,
  COUNTIF(kind = 'created') AS assignments_created,
  COUNTIF(kind = 'turned_in') AS submissions_turned_in,
  COUNTIF(kind = 'grade') AS grades_entered,
  COUNT(DISTINCT day) AS days
FROM kept
GROUP BY school, role
ORDER BY 1, 2, 3`;
  return {
    query,
    parameters: [...commonParams(i), array('days', 'STRING', days)],
  };
}

/** The latest usage date at or before @usageDate that carries classroom roles. */
export function latestUsageDateQuery(
  usageDate: string,
  searchDays: number,
  usageLagDays: number,
): SqlQuery {
  const from = addDaysIso(usageDate, -searchDays);
  const [y, m, d] = from.split('-').map(Number);
  const [y2, m2, d2] = usageDate.split('-').map(Number);
  return {
    query: `SELECT CAST(MAX(date) AS STRING) AS usage_date
FROM usage
WHERE _PARTITIONTIME >= @partStart AND _PARTITIONTIME < @partEnd
  AND date >= @fromDate AND date <= @usageDate
  AND classroom.role IS NOT NULL`,
    parameters: [
      scalar(
        'partStart',
        'TIMESTAMP',
        timestampValue(Date.UTC(y, m - 1, d) - DAY_MS),
      ),
      scalar(
        'partEnd',
        'TIMESTAMP',
        timestampValue(Date.UTC(y2, m2 - 1, d2) + (usageLagDays + 2) * DAY_MS),
      ),
      scalar('fromDate', 'DATE', from),
      scalar('usageDate', 'DATE', usageDate),
    ],
  };
}

/** classroom:role of the given users on the usage date (for the enrolment counts). */
export function usageRolesQuery(
  usageDate: string | null,
  usageLagDays: number,
  emails: string[],
): SqlQuery {
  return {
    query: `SELECT LOWER(user_email) AS user, MAX(LOWER(classroom.role)) AS role
FROM usage
WHERE _PARTITIONTIME >= @usagePartStart AND _PARTITIONTIME < @usagePartEnd
  AND date = @usageDate
  AND LOWER(user_email) IN UNNEST(@emails)
  AND classroom.role IS NOT NULL
GROUP BY user
ORDER BY user`,
    parameters: [
      ...usagePartitionParams(usageDate, usageLagDays),
      array(
        'emails',
        'STRING',
        emails.map(e => e.toLowerCase()),
      ),
    ],
  };
}
