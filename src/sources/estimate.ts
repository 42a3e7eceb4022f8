/**
 * What a backfill through the API source will cost, before it starts (pure): service
 * calls by kind, Apps Script executions, trigger runtime and the days of nightly trigger
 * time it needs, following the API source's actual request pattern:
 *
 * - once per run: org units (1), users (500 per page), the usage report's classroom:role
 *   (1,000 users per page), courses (1,000 per page), each course's teachers and students
 *   (1 page each for courses under 1,000 members);
 * - the Classroom history, when the range reaches past the activity log (or every week for
 *   the consistency checks): each course's coursework, submissions and announcements;
 * - per day inside the activity log (180 days): the login and Classroom activities,
 *   1,000 records per page;
 * - per older day back to 450 days: the usage report, 1,000 users per page.
 *
 * Seconds per call are the offline runtime's production ballpark figures (AdminReports
 * 0.4 s, AdminDirectory 0.3 s, Classroom 0.25 s, plus 0.2 ms per record returned); the
 * in-script time per record is measured by scripts/bench-ingest.mjs. The API path is
 * judged too slow, and the Workspace BigQuery export recommended, when the backfill needs
 * more than one day of trigger runtime (6 hours a day on Workspace accounts) or when one
 * nightly run would not fit in it.
 */
import {dayNumber} from '../clean/dates';

/** What a backfill from startDate to endDate will cost, before it starts. */
export interface BackfillEstimate {
  startDate: string;
  endDate: string;
  days: number;
  schools: number;
  users: number;
  /** Service calls by kind and in total. */
  calls: Record<string, number>;
  totalCalls: number;
  /** Executions of up to budgetSeconds each. */
  executions: number;
  /** Minutes of trigger runtime (Apps Script allows 90 a day on consumer, 360 on Workspace). */
  runtimeMinutes: number;
  /** Days of nightly runs the backfill needs within the daily trigger runtime. */
  daysToComplete: number;
  recommendBigQuery: boolean;
  notes: string[];
}

export interface IngestEstimateInput {
  startDate: string;
  endDate: string;
  /** Days from endDate back to the start of the activity log (default 179). */
  activityDays?: number;
  /** Days from endDate back to the oldest usage report (default 448). */
  usageDays?: number;
  schools: number;
  /** Directory accounts. */
  users: number;
  /** Classroom courses (default users / 25). */
  courses?: number;
  /** Share of accounts active on a school day (default 0.6; 0.05 on other days). */
  activeShare?: number;
  /** Login-app records per active user and school day (default 1.5). */
  loginsPerActive?: number;
  /** Classroom records per active user and school day (default 6). */
  classroomPerActive?: number;
  /** Submissions per course and school day, for the Classroom history (default 10). */
  submissionsPerCourseDay?: number;
  /** School days per week (default 5). */
  schoolDaysPerWeek?: number;
  /**
   * Include the Classroom history sweep (default true; it is required when the range
   * reaches past the activity log, and otherwise runs weekly for the consistency checks).
   */
  classroomHistory?: boolean;
  /** In-script milliseconds per activity record (default 0.05, see bench-ingest). */
  cpuMsPerRecord?: number;
  /** Seconds of work per execution (the budget setting, default 300). */
  budgetSeconds?: number;
  /** Trigger runtime allowed per day, minutes (default 360: Workspace accounts). */
  dailyTriggerMinutes?: number;
}

export interface IngestEstimate extends BackfillEstimate {
  /** Seconds of API latency, record transfer and in-script work. */
  seconds: number;
  /** Minutes one nightly run (a day plus the trailing window) takes. */
  nightlyMinutes: number;
  /** Activity records per school day. */
  recordsPerSchoolDay: number;
}

export const SECONDS_PER_CALL = {reports: 0.4, directory: 0.3, classroom: 0.25};
export const SECONDS_PER_RECORD = 0.0002;
/** Seconds an execution keeps back for its checkpoint (as the ingest phase does). */
const RESERVE_SECONDS = 10;

export function estimateIngest(i: IngestEstimateInput): IngestEstimate {
  const days = Math.max(
    0,
    dayNumber(i.endDate, 'endDate') - dayNumber(i.startDate, 'startDate') + 1,
  );
  const activityDays = Math.min(days, i.activityDays ?? 179);
  const usageDays = Math.max(
    0,
    Math.min(days, i.usageDays ?? 448) - activityDays,
  );
  const lostDays = Math.max(0, days - activityDays - usageDays);
  const schoolShare = (i.schoolDaysPerWeek ?? 5) / 7;
  const activeShare = i.activeShare ?? 0.6;
  const activeMean =
    i.users * (activeShare * schoolShare + 0.05 * (1 - schoolShare));
  const loginRecords = activeMean * (i.loginsPerActive ?? 1.5);
  const roomRecords = activeMean * (i.classroomPerActive ?? 6);
  const courses = i.courses ?? Math.ceil(i.users / 25);
  const membersPerCourse = i.users / Math.max(1, courses);
  const pages = (n: number, size: number) => Math.max(1, Math.ceil(n / size));
  const subsPerCourse = (i.submissionsPerCourseDay ?? 10) * 180;
  const history = usageDays > 0 || (i.classroomHistory ?? true);
  const calls: Record<string, number> = {
    directory: 1 + pages(i.users, 500),
    usageRoles: pages(i.users, 1000),
    courses: pages(courses, 1000),
    rosters: courses * 2 * pages(membersPerCourse, 1000),
    classroomHistory: history
      ? courses * (2 + pages(subsPerCourse * (usageDays > 0 ? 2 : 1), 1000))
      : 0,
    loginActivities: Math.ceil(activityDays * pages(loginRecords, 1000)),
    classroomActivities: Math.ceil(activityDays * pages(roomRecords, 1000)),
    usageReports: usageDays * pages(i.users, 1000),
  };
  const totalCalls = Object.values(calls).reduce((a, b) => a + b, 0);
  const records =
    activityDays * (loginRecords + roomRecords) +
    usageDays * i.users +
    calls.rosters * Math.min(membersPerCourse, 1000) +
    (history ? courses * subsPerCourse : 0);
  const cpu = (i.cpuMsPerRecord ?? 0.05) / 1000;
  const seconds =
    calls.directory * SECONDS_PER_CALL.directory +
    (calls.usageRoles +
      calls.loginActivities +
      calls.classroomActivities +
      calls.usageReports) *
      SECONDS_PER_CALL.reports +
    (calls.courses + calls.rosters + calls.classroomHistory) *
      SECONDS_PER_CALL.classroom +
    records * (SECONDS_PER_RECORD + cpu);
  const budget = i.budgetSeconds ?? 300;
  const executions = Math.max(
    1,
    Math.ceil(seconds / Math.max(1, budget - RESERVE_SECONDS)),
  );
  const runtimeMinutes = Math.ceil(seconds / 60);
  const daily = i.dailyTriggerMinutes ?? 360;
  const daysToComplete = Math.max(1, Math.ceil(runtimeMinutes / daily));
  // A nightly run: yesterday plus a three-day trailing window, and the weekly roster refresh.
  const nightlyCalls =
    4 * (pages(loginRecords, 1000) + pages(roomRecords, 1000)) +
    calls.directory +
    calls.usageRoles;
  const nightlySeconds =
    nightlyCalls * SECONDS_PER_CALL.reports +
    4 * (loginRecords + roomRecords) * (SECONDS_PER_RECORD + cpu) +
    (calls.rosters / 7) * SECONDS_PER_CALL.classroom;
  const nightlyMinutes = Math.ceil(nightlySeconds / 60);
  const notes: string[] = [];
  if (usageDays > 0) {
    notes.push(
      `${usageDays} day(s) are past the activity log's 180 days: they come from usage reports and the Classroom history (active users, logins and coursework counts; flagged imputed).`,
    );
  }
  if (lostDays > 0) {
    notes.push(
      `${lostDays} day(s) are past the usage reports' 450 days and cannot be fetched from Google.`,
    );
  }
  const recommendBigQuery = runtimeMinutes > daily || nightlyMinutes > daily;
  if (nightlyMinutes > daily) {
    notes.push(
      `One nightly run needs about ${nightlyMinutes} minutes, more than the ${daily} minutes of trigger time a day: use the Workspace BigQuery export.`,
    );
  } else if (recommendBigQuery) {
    notes.push(
      `The backfill needs about ${runtimeMinutes} minutes of trigger time (${daysToComplete} days at ${daily} minutes a day); the Workspace BigQuery export reads the same history in minutes.`,
    );
  }
  return {
    startDate: i.startDate,
    endDate: i.endDate,
    days,
    schools: i.schools,
    users: i.users,
    calls,
    totalCalls,
    executions,
    runtimeMinutes,
    daysToComplete,
    recommendBigQuery,
    notes,
    seconds: Math.round(seconds),
    nightlyMinutes,
    recordsPerSchoolDay: Math.round(
      i.users *
        activeShare *
        ((i.loginsPerActive ?? 1.5) + (i.classroomPerActive ?? 6)),
    ),
  };
}
