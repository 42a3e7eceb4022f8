/** Anomaly rows over facts: their shape, metrics and options, and grouping facts into series. */
import {InputError} from '../../core/errors';
import type {Role, Settings} from '../../core/types';
import type {
  AnomalyKind,
  SeriesAnomaly,
  SeriesAnomalyOptions,
  Severity,
} from './series-types';

// ---------------------------------------------------------------------------------------
// Over facts: one series per school x role x app x product x metric.

/** One anomaly of one school's engagement series. */
export interface AnomalyRow {
  schoolId: string;
  /** The day, or the Monday of the week. */
  date: string;
  grain: 'day' | 'week';
  role: Role;
  app: string;
  product: string;
  metric: string;
  direction: 'drop' | 'surge';
  observed: number;
  expected: number;
  changePct: number | null;
  score: number;
  severity: Severity;
  kind: AnomalyKind;
  /** Level shifts: the last school day (or week) of the shifted period. */
  endDate?: string;
  days?: number;
}

export type DailyMetric =
  | 'activeUsers'
  | 'events'
  | 'logins'
  | 'pctAccess'
  | 'engagementIndex'
  | 'sessionMinutes'
  | 'assignmentsCreated'
  | 'submissionsTurnedIn';

export type WeeklyMetric =
  | 'activeUsers'
  | 'events'
  | 'logins'
  | 'pctAccess'
  | 'engagementIndex'
  | 'submissionsTurnedIn'
  | 'assignmentsCreated'
  | 'gradesEntered';

/** Distinct-user metrics do not scale with the number of school days in a week. */
export const USER_METRICS = new Set(['activeUsers', 'pctAccess']);

export interface FactAnomalyOptions {
  metrics?: string[];
  /** Roles analysed. Default student and teacher. */
  roles?: Role[];
  /** Apps analysed. Default the totals (`workspace`, `learnplatform`) where present, else every app. */
  apps?: string[];
  /** Only anomalies on or after this date are returned (the whole history is still fitted). */
  since?: string;
  /** Overrides for the series detector. */
  series?: Partial<
    Omit<SeriesAnomalyOptions, 'period' | 'dates' | 'closed' | 'expectedPeaks'>
  >;
  /**
   * Smallest change (percent) of a day or week reported: of the district's median
   * school for a district-wide event, of the school (its roles together) otherwise.
   * Default 35.
   */
  minChangePct?: number;
  /** Schools of a role needed to judge district-wide events. Default 5. */
  minSchools?: number;
}

export type AnomalySettings = Pick<
  Settings,
  'anomalyThreshold' | 'minGroupSize'
>;

export function groupBy<T>(
  rows: ReadonlyArray<T>,
  key: (r: T) => string,
): Map<string, T[]> {
  const out = new Map<string, T[]>();
  // Facts come sorted, so runs of one key are common: a run costs one map lookup.
  let lastKey: string | null = null;
  let lastList: T[] = [];
  for (const r of rows) {
    const k = key(r);
    if (k === lastKey) {
      lastList.push(r);
      continue;
    }
    let list = out.get(k);
    if (list) list.push(r);
    else out.set(k, (list = [r]));
    lastKey = k;
    lastList = list;
  }
  return out;
}

export function selectGroups<
  T extends {schoolId: string; role: Role; app: string; product: string},
>(facts: ReadonlyArray<T>, opts: FactAnomalyOptions): Map<string, T[]> {
  const roles = new Set<Role>(opts.roles ?? ['student', 'teacher']);
  const bySchool = groupBy(facts, f => f.schoolId);
  const out = new Map<string, T[]>();
  for (const [, rows] of bySchool) {
    // By default the school's total series: Workspace activity in any app, or the
    // LearnPlatform district total; other sources' apps are all analysed.
    const totals = ['workspace', 'learnplatform'].filter(a =>
      rows.some(r => r.app === a),
    );
    const apps = opts.apps
      ? new Set(opts.apps)
      : totals.length > 0
        ? new Set(totals)
        : null;
    // The school's groups by role, app and product: found without building a key per row.
    const byRole = new Map<Role, Map<string, Map<string, T[]>>>();
    for (const r of rows) {
      if (!roles.has(r.role)) continue;
      if (apps && !apps.has(r.app)) continue;
      let byApp = byRole.get(r.role);
      if (!byApp) byRole.set(r.role, (byApp = new Map()));
      let byProduct = byApp.get(r.app);
      if (!byProduct) byApp.set(r.app, (byProduct = new Map()));
      const product = r.product ?? '';
      const list = byProduct.get(product);
      if (list) list.push(r);
      else {
        const k = `${r.schoolId}\t${r.role}\t${r.app}\t${product}`;
        const first = [r];
        byProduct.set(product, first);
        out.set(k, first);
      }
    }
  }
  return out;
}

export function metricValue(f: object, metric: string): number | null {
  const v = (f as Record<string, unknown>)[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function checkMetrics(
  metrics: string[],
  allowed: ReadonlyArray<string>,
): void {
  for (const m of metrics) {
    if (!allowed.includes(m)) {
      throw new InputError(
        'metrics',
        `unknown metric "${m}" (use ${allowed.join(', ')})`,
      );
    }
  }
}

export function toRows(
  found: SeriesAnomaly[],
  dates: string[],
  base: Omit<
    AnomalyRow,
    | 'date'
    | 'direction'
    | 'observed'
    | 'expected'
    | 'changePct'
    | 'score'
    | 'severity'
    | 'kind'
  >,
  since: string | undefined,
): AnomalyRow[] {
  const rows: AnomalyRow[] = [];
  for (const a of found) {
    const date = dates[a.index];
    const end = a.endIndex !== undefined ? dates[a.endIndex] : undefined;
    if (since && (end ?? date) < since) continue;
    const row: AnomalyRow = {
      ...base,
      date,
      direction: a.direction,
      observed: a.observed,
      expected: a.expected,
      changePct: a.changePct,
      score: a.score,
      severity: a.severity,
      kind: a.kind,
    };
    if (end !== undefined) {
      row.endDate = end;
      row.days = a.days;
    }
    rows.push(row);
  }
  return rows;
}

export const DAILY_METRICS: ReadonlyArray<DailyMetric> = [
  'activeUsers',
  'events',
  'logins',
  'pctAccess',
  'engagementIndex',
  'sessionMinutes',
  'assignmentsCreated',
  'submissionsTurnedIn',
];
export const WEEKLY_METRICS: ReadonlyArray<WeeklyMetric> = [
  'activeUsers',
  'events',
  'logins',
  'pctAccess',
  'engagementIndex',
  'submissionsTurnedIn',
  'assignmentsCreated',
  'gradesEntered',
];
