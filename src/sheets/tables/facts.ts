/**
 * The fact tabs: Daily facts and Weekly facts for the admin, and their Looker Studio
 * twins lk_daily and lk_weekly, where a small group's counts are withheld.
 */
import type {DailyFact, WeeklyFact} from '../../core/types';
import {
  adminTable,
  lookerTable,
  type LookerColumnDecl,
  type TableSchema,
} from '../schema';

const note = {
  schoolId:
    'School id: the Directory org unit id (or LearnPlatform district id).',
  role: 'student, teacher, staff or unknown.',
  app: 'classroom, login, workspace, or a LearnPlatform product family.',
  product: 'Product id or name; empty when the row is not product-specific.',
  flags: 'partial, imputed, estimated, suppressed, closed.',
};

/** Columns the daily and weekly tabs share. */
// prettier-ignore
const fact = {
  schoolId: ['schoolId', 'school_id', 'School', 'string', note.schoolId],
  role: ['role', 'role', 'Role', 'string', note.role, {width: 80}],
  app: ['app', 'app', 'App', 'string', note.app, {width: 90}],
  product: ['product', 'product', 'Product', 'string', note.product],
  enrolledUsers: ['enrolledUsers', 'enrolled_users', 'Enrolled users', 'integer', 'Users of the role in the school.'],
  pctAccess: ['pctAccess', 'pct_access', '% access', 'percent', 'Active / enrolled x 100.'],
  events: ['events', 'events', 'Events', 'integer', 'Activity events.'],
  engagementIndex: ['engagementIndex', 'engagement_index', 'Engagement index', 'number', 'Events per 1,000 enrolled users.'],
  logins: ['logins', 'logins', 'Logins', 'integer', 'Successful logins.'],
  assignmentsCreated: ['assignmentsCreated', 'assignments_created', 'Assignments created', 'integer', 'Course work created.'],
  submissionsTurnedIn: ['submissionsTurnedIn', 'submissions_turned_in', 'Submissions turned in', 'integer', 'Student submissions turned in.'],
  gradesEntered: ['gradesEntered', 'grades_entered', 'Grades entered', 'integer', 'Grades entered by teachers.'],
  flags: ['flags', 'flags', 'Flags', 'list', note.flags],
} as const;

// prettier-ignore
export const DAILY_FACTS = adminTable<DailyFact>({
  name: 'Daily facts',
  description: 'One row per day x school x role x app (x product).',
  partitionKey: 'date',
  columns: [
    ['date', 'date', 'Date', 'date', 'Day in the district time zone.'],
    fact.schoolId, fact.role, fact.app, fact.product,
    ['activeUsers', 'active_users', 'Active users', 'integer', 'Distinct users active on the day.'],
    fact.enrolledUsers, fact.pctAccess, fact.events, fact.engagementIndex, fact.logins,
    ['loginsPerActive', 'logins_per_active', 'Logins per active', 'number', 'Logins per active user.'],
    ['sessionMinutes', 'session_minutes', 'Session minutes (est.)', 'number', 'Estimated minutes from login and activity times.'],
    fact.assignmentsCreated, fact.submissionsTurnedIn,
    ['lateSubmissions', 'late_submissions', 'Late submissions', 'integer', 'Submissions turned in after the due time.'],
    ['workReturned', 'work_returned', 'Work returned', 'integer', 'Submissions returned by teachers.'],
    fact.gradesEntered,
    ['comments', 'comments', 'Comments', 'integer', 'Comments posted.'],
    ['announcements', 'announcements', 'Announcements', 'integer', 'Announcements posted.'],
    fact.flags,
  ],
});

// prettier-ignore
export const WEEKLY_FACTS = adminTable<WeeklyFact>({
  name: 'Weekly facts',
  description: 'One row per ISO week x school x role x app (x product).',
  partitionKey: 'week',
  columns: [
    ['week', 'week', 'Week', 'week', 'ISO week, YYYY-Www.'],
    ['weekStart', 'week_start', 'Week start', 'date', 'Monday of the ISO week.'],
    fact.schoolId, fact.role, fact.app, fact.product,
    ['activeUsers', 'active_users', 'Active users', 'integer', 'Distinct users active at least once in the week.'],
    fact.enrolledUsers, fact.pctAccess, fact.events, fact.engagementIndex, fact.logins,
    fact.submissionsTurnedIn, fact.assignmentsCreated, fact.gradesEntered,
    ['schoolDays', 'school_days', 'School days', 'integer', 'School days in the week by the calendar.'],
    fact.flags,
  ],
});

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

const suppressedNote = ' Empty when the group is suppressed.';

/** The columns of lk_daily and lk_weekly after their first two (the day or the week). */
// prettier-ignore
const lookerFactColumns: LookerColumnDecl<LookerFactRecord>[] = [
  ['schoolId', 'school_id', 'string', note.schoolId],
  ['role', 'role', 'string', note.role],
  ['app', 'app', 'string', note.app],
  ['product', 'product', 'string', note.product],
  ['activeUsers', 'active_users', 'integer', 'Distinct active users.' + suppressedNote],
  ['enrolledUsers', 'enrolled_users', 'integer', 'Enrolled users of the role.' + suppressedNote],
  ['pctAccess', 'pct_access', 'percent', 'Active / enrolled x 100.' + suppressedNote],
  ['events', 'events', 'integer', 'Activity events.' + suppressedNote],
  ['engagementIndex', 'engagement_index', 'number', 'Events per 1,000 enrolled users.' + suppressedNote],
  ['logins', 'logins', 'integer', 'Successful logins.' + suppressedNote],
  ['submissionsTurnedIn', 'submissions_turned_in', 'integer', 'Submissions turned in.' + suppressedNote],
  ['assignmentsCreated', 'assignments_created', 'integer', 'Course work created.' + suppressedNote],
  ['gradesEntered', 'grades_entered', 'integer', 'Grades entered.' + suppressedNote],
  ['partial', 'is_partial', 'boolean', 'TRUE when the source reported the data as incomplete.'],
  ['imputed', 'is_imputed', 'boolean', 'TRUE when values were filled in, not observed.'],
  ['suppressed', 'is_suppressed', 'boolean', 'TRUE when the group is smaller than the minimum group size.'],
];

// prettier-ignore
export const LK_DAILY: TableSchema<LookerFactRecord> = lookerTable({
  name: 'lk_daily',
  description: 'Daily engagement per school, role and app; small groups suppressed.',
  columns: [
    ['date', 'date', 'date', 'Day in the district time zone (YYYY-MM-DD).'],
    ['week', 'week', 'week', 'ISO week of the day (YYYY-Www).'],
    ...lookerFactColumns,
  ],
});

// prettier-ignore
export const LK_WEEKLY: TableSchema<LookerFactRecord> = lookerTable({
  name: 'lk_weekly',
  description: 'Weekly engagement per school, role and app; small groups suppressed.',
  columns: [
    ['date', 'week_start', 'date', 'Monday of the ISO week (YYYY-MM-DD).'],
    ['week', 'week', 'week', 'ISO week (YYYY-Www).'],
    ...lookerFactColumns,
  ],
});

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
  // Most facts carry no flag: skip the three lookups (one row per fact and day a run).
  const flags = f.flags;
  const flagged = flags.length > 0;
  const small =
    (flagged && flags.includes('suppressed')) ||
    (f.enrolledUsers > 0 && f.enrolledUsers < minGroupSize) ||
    (f.enrolledUsers === 0 &&
      f.activeUsers > 0 &&
      f.activeUsers < minGroupSize);
  return {
    date,
    week,
    schoolId: f.schoolId,
    role: f.role,
    app: f.app,
    product: f.product,
    activeUsers: small ? null : f.activeUsers,
    enrolledUsers: small ? null : f.enrolledUsers,
    pctAccess: small ? null : f.pctAccess,
    events: small ? null : f.events,
    engagementIndex: small ? null : f.engagementIndex,
    logins: small ? null : f.logins,
    submissionsTurnedIn: small ? null : f.submissionsTurnedIn,
    assignmentsCreated: small ? null : f.assignmentsCreated,
    gradesEntered: small ? null : f.gradesEntered,
    partial: flagged && flags.includes('partial'),
    imputed: flagged && flags.includes('imputed'),
    suppressed: small,
  };
}
