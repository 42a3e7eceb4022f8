/**
 * The cost of a backfill through the Google APIs, estimated before it starts (pure), and
 * the advice to use the Workspace BigQuery export where the API path would take too long.
 *
 * Calls are pages: Reports activities come 1,000 per page, usage reports 1,000 users per
 * page per day, Classroom lists 500 per page. Activity volumes per active user and day are
 * typical of Classroom districts; they are inputs so a measured district can refine them.
 */
import type {BackfillEstimate} from '../sheets/view-types';

export interface BackfillInput {
  startDate: string;
  endDate: string;
  schools: number;
  users: number;
  /** Share of users active on a school day (default 0.6). */
  activeShare?: number;
  /** Login and Classroom events per active user per school day (defaults 2 and 8). */
  loginsPerActive?: number;
  classroomEventsPerActive?: number;
  /** Students per course (default 25). */
  usersPerCourse?: number;
  /** Mean seconds per service call, paging and parsing included (default 0.35). */
  secondsPerCall?: number;
  /** Seconds of work per execution before a checkpoint (the budget setting). */
  budgetSeconds?: number;
  /** Trigger runtime per day: 6 hours on Workspace for Education, 90 minutes on consumer accounts. */
  dailyTriggerMinutes?: number;
}

/** Days of activity Google keeps; older days come from usage reports only (450 days). */
export const ACTIVITY_DAYS = 180;
export const USAGE_DAYS = 450;

function dayNumber(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number);
  return Math.floor(Date.UTC(y, m - 1, d) / 86400000);
}

export function estimateBackfillCost(i: BackfillInput): BackfillEstimate {
  const days = Math.max(0, dayNumber(i.endDate) - dayNumber(i.startDate) + 1);
  const notes: string[] = [];
  const activityDays = Math.min(days, ACTIVITY_DAYS);
  const usageDays = Math.min(days, USAGE_DAYS);
  if (days > ACTIVITY_DAYS) {
    notes.push(
      `Google keeps activity events for ${ACTIVITY_DAYS} days: the ${days - ACTIVITY_DAYS} older days come from usage reports only (daily totals, no event detail).`,
    );
  }
  if (days > USAGE_DAYS) {
    notes.push(
      `Usage reports go back ${USAGE_DAYS} days: the ${days - USAGE_DAYS} oldest days cannot be fetched from Google at all.`,
    );
  }
  const schoolDayShare = 5 / 7;
  const active = i.users * (i.activeShare ?? 0.6);
  const perDayLogins = active * (i.loginsPerActive ?? 2) * schoolDayShare;
  const perDayClassroom =
    active * (i.classroomEventsPerActive ?? 8) * schoolDayShare;
  const courses = Math.ceil(i.users / (i.usersPerCourse ?? 25));
  const calls: Record<string, number> = {
    loginActivities: Math.ceil(activityDays * Math.max(1, perDayLogins / 1000)),
    classroomActivities: Math.ceil(
      activityDays * Math.max(1, perDayClassroom / 1000),
    ),
    usageReports: usageDays * Math.max(1, Math.ceil(i.users / 1000)),
    directory: Math.max(1, Math.ceil(i.users / 500)) + 1,
    classroom: Math.max(1, Math.ceil(courses / 500)) + courses * 5,
  };
  const totalCalls = Object.values(calls).reduce((a, b) => a + b, 0);
  const seconds = totalCalls * (i.secondsPerCall ?? 0.35);
  const budget = i.budgetSeconds ?? 300;
  const executions = Math.max(1, Math.ceil(seconds / budget));
  const runtimeMinutes = Math.ceil(seconds / 60);
  const daily = i.dailyTriggerMinutes ?? 360;
  const daysToComplete = Math.max(1, Math.ceil(runtimeMinutes / daily));
  const recommendBigQuery = daysToComplete > 2;
  if (recommendBigQuery) {
    notes.push(
      `The API path needs about ${daysToComplete} days of trigger runtime; the Workspace BigQuery log export reads the same history in minutes.`,
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
  };
}
