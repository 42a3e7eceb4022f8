/**
 * The rows BigQuery returns -> canonical DailyFact and WeeklyFact rows, shaped exactly as
 * the API source's DayAccumulator.finalize shapes them: every enrolled school x role gets a
 * row per app (zeros when nobody was active), the same rounding, the same flags and the
 * same order.
 * Pure: no Apps Script or Node globals.
 */
import type {
  DailyFact,
  FactFlag,
  Role,
  SchoolCalendar,
  WeeklyFact,
} from '../../core/types';
import {isoWeek, weekDays} from '../../clean/dates';
import {
  NO_SCHOOL,
  WORKSPACE_APP,
  compareGroupKeys,
  groupKey,
  round4,
  sortFlags,
  type EnrolledGroup,
} from '../../metrics/facts';
import {compareWeekly, isSchoolDay} from '../../metrics/weekly';
import {DAILY_COLUMNS, WEEKLY_COLUMNS} from './sql';

const ROLES: ReadonlySet<string> = new Set([
  'student',
  'teacher',
  'staff',
  'unknown',
]);

interface Counts {
  active: number;
  events: number;
  logins: number;
  created: number;
  turnedIn: number;
  late: number;
  returned: number;
  grades: number;
  comments: number;
  announcements: number;
  session: number;
}

function zero(): Counts {
  return {
    active: 0,
    events: 0,
    logins: 0,
    created: 0,
    turnedIn: 0,
    late: 0,
    returned: 0,
    grades: 0,
    comments: 0,
    announcements: 0,
    session: 0,
  };
}

function num(v: string | null): number {
  if (v === null || v === '') return 0;
  const n = Number(v);
  if (!Number.isFinite(n))
    throw new Error(`BigQuery returned a non-number "${v}"`);
  return n;
}

function columnIndex(columns: string[], wanted: readonly string[]): number[] {
  return wanted.map(c => {
    const i = columns.indexOf(c);
    if (i < 0) throw new Error(`BigQuery result lacks column ${c}`);
    return i;
  });
}

export interface DailyBuildOptions {
  apps: string[];
  /** School org unit path -> school id. */
  schoolIds: Map<string, string>;
  groups: EnrolledGroup[];
  /** Flags of the day partition (partial). */
  flags: FactFlag[];
}

/** The daily query's rows, grouped by day, as facts. Days with no row get their zero rows. */
export function dailyFactsFromRows(
  columns: string[],
  rows: (string | null)[][],
  days: string[],
  opt: DailyBuildOptions,
): Map<string, DailyFact[]> {
  const ix = columnIndex(columns, DAILY_COLUMNS);
  const appsOut = [...opt.apps.filter(a => a !== WORKSPACE_APP), WORKSPACE_APP];
  const perDay = new Map<string, Map<string, Counts>>();
  for (const d of days) perDay.set(d, new Map());
  for (const r of rows) {
    const v = (k: (typeof DAILY_COLUMNS)[number]) =>
      r[ix[DAILY_COLUMNS.indexOf(k)]];
    const day = String(v('day'));
    const byGroup = perDay.get(day);
    if (!byGroup) continue; // outside the days asked for
    const path = v('school') ?? NO_SCHOOL;
    const school =
      path === NO_SCHOOL ? NO_SCHOOL : (opt.schoolIds.get(path) ?? NO_SCHOOL);
    const role = (ROLES.has(String(v('role'))) ? v('role') : 'unknown') as Role;
    const app = String(v('app'));
    if (!appsOut.includes(app)) continue;
    const k = groupKey(school, role, app);
    const c = byGroup.get(k) ?? zero();
    c.active += num(v('active_users'));
    c.events += num(v('events'));
    c.logins += num(v('logins'));
    c.created += num(v('assignments_created'));
    c.turnedIn += num(v('submissions_turned_in'));
    c.late += num(v('late_submissions'));
    c.returned += num(v('work_returned'));
    c.grades += num(v('grades_entered'));
    c.comments += num(v('comments'));
    c.announcements += num(v('announcements'));
    c.session += num(v('session_minutes'));
    byGroup.set(k, c);
  }
  const enrolled = new Map<string, number>();
  for (const g of opt.groups)
    enrolled.set(`${g.schoolId}\t${g.role}`, g.enrolled);
  const out = new Map<string, DailyFact[]>();
  for (const [day, byGroup] of perDay) {
    for (const g of opt.groups) {
      for (const app of appsOut) {
        const k = groupKey(g.schoolId, g.role, app);
        if (!byGroup.has(k)) byGroup.set(k, zero());
      }
    }
    // A group with activity always has its workspace row.
    for (const k of [...byGroup.keys()]) {
      const [s, r] = k.split('\t');
      const ws = groupKey(s, r, WORKSPACE_APP);
      if (!byGroup.has(ws)) byGroup.set(ws, zero());
    }
    const facts: DailyFact[] = [];
    for (const k of [...byGroup.keys()].sort(compareGroupKeys(appsOut))) {
      const c = byGroup.get(k)!;
      const [schoolId, role, app] = k.split('\t') as [string, Role, string];
      const enr = enrolled.get(`${schoolId}\t${role}`) ?? 0;
      const isLoginApp = app === 'login' || app === WORKSPACE_APP;
      const flags: FactFlag[] = [...opt.flags];
      let session: number | null = null;
      if (app === WORKSPACE_APP) {
        session = c.session;
        flags.push('estimated');
      }
      facts.push({
        date: day,
        schoolId,
        role,
        app,
        product: '',
        activeUsers: c.active,
        enrolledUsers: enr,
        pctAccess: enr > 0 ? round4((c.active / enr) * 100) : null,
        events: c.events,
        engagementIndex: enr > 0 ? round4((c.events / enr) * 1000) : null,
        logins: isLoginApp ? c.logins : 0,
        loginsPerActive:
          isLoginApp && c.active > 0 ? round4(c.logins / c.active) : null,
        sessionMinutes: session,
        assignmentsCreated: c.created,
        submissionsTurnedIn: c.turnedIn,
        lateSubmissions: c.late,
        workReturned: c.returned,
        gradesEntered: c.grades,
        comments: c.comments,
        announcements: c.announcements,
        flags: sortFlags(flags),
      });
    }
    out.set(day, facts);
  }
  return out;
}

export interface WeeklyBuildOptions {
  apps: string[];
  schoolIds: Map<string, string>;
  groups: EnrolledGroup[];
  weekStart: string;
  calendar: SchoolCalendar | null;
  /** The week is not final yet (some of its days are partial or still to come). */
  partial: boolean;
}

/** The weekly query's rows as WeeklyFacts, distinct users exact from BigQuery. */
export function weeklyFactsFromRows(
  columns: string[],
  rows: (string | null)[][],
  opt: WeeklyBuildOptions,
): WeeklyFact[] {
  const ix = columnIndex(columns, WEEKLY_COLUMNS);
  const appsOut = [...opt.apps.filter(a => a !== WORKSPACE_APP), WORKSPACE_APP];
  const byGroup = new Map<string, number[]>();
  for (const g of opt.groups) {
    for (const app of appsOut)
      byGroup.set(groupKey(g.schoolId, g.role, app), [0, 0, 0, 0, 0, 0]);
  }
  for (const r of rows) {
    const v = (k: (typeof WEEKLY_COLUMNS)[number]) =>
      r[ix[WEEKLY_COLUMNS.indexOf(k)]];
    const path = v('school') ?? NO_SCHOOL;
    const school =
      path === NO_SCHOOL ? NO_SCHOOL : (opt.schoolIds.get(path) ?? NO_SCHOOL);
    const role = ROLES.has(String(v('role'))) ? String(v('role')) : 'unknown';
    const app = String(v('app'));
    if (!appsOut.includes(app)) continue;
    const k = groupKey(school, role, app);
    const c = byGroup.get(k) ?? [0, 0, 0, 0, 0, 0];
    c[0] += num(v('active_users'));
    c[1] += num(v('events'));
    c[2] += num(v('logins'));
    c[3] += num(v('assignments_created'));
    c[4] += num(v('submissions_turned_in'));
    c[5] += num(v('grades_entered'));
    byGroup.set(k, c);
  }
  const enrolled = new Map<string, number>();
  for (const g of opt.groups)
    enrolled.set(`${g.schoolId}\t${g.role}`, g.enrolled);
  const {week} = isoWeek(opt.weekStart);
  const schoolDays = weekDays(opt.weekStart).filter(d =>
    isSchoolDay(d, opt.calendar),
  ).length;
  const out: WeeklyFact[] = [];
  for (const k of byGroup.keys()) {
    const c = byGroup.get(k)!;
    const [schoolId, role, app] = k.split('\t') as [string, Role, string];
    const enr = enrolled.get(`${schoolId}\t${role}`) ?? 0;
    const isLoginApp = app === 'login' || app === WORKSPACE_APP;
    out.push({
      week,
      weekStart: opt.weekStart,
      schoolId,
      role,
      app,
      product: '',
      activeUsers: c[0],
      enrolledUsers: enr,
      pctAccess: enr > 0 ? round4((c[0] / enr) * 100) : null,
      events: c[1],
      engagementIndex: enr > 0 ? round4((c[1] / enr) * 1000) : null,
      logins: isLoginApp ? c[2] : 0,
      submissionsTurnedIn: c[4],
      assignmentsCreated: c[3],
      gradesEntered: c[5],
      schoolDays,
      flags: opt.partial ? ['partial'] : [],
    });
  }
  // The order of the weekly facts built from user sets.
  return out.sort(compareWeekly);
}
