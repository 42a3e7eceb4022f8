/**
 * The seeded demo district: a New York City-like district of schools whose Google
 * Workspace for Education data (Directory, Reports activities and usage, Classroom)
 * is generated on demand, with its school calendar, its ground truth, and the same
 * district in the LearnPlatform COVID-19 data set format.
 *
 * Same options and seed => identical output. Days are generated lazily, so districts
 * of hundreds or thousands of schools cost only the days that are read.
 */
import type {SchoolCalendar} from '../core/types';
import {InputError} from '../core/errors';
import {isoDate, mondayOf, parseIsoDate} from './dates';
import {TESTING_UPLIFT} from './calendar';
import {
  buildCalendarFromFile,
  CalendarFile,
  calendarFileSpan,
} from './calendar-file';
import {LOGOUT_SHARE} from './events';
import {
  DistrictModel,
  KIND_FACTOR,
  TEACHER_TO_STUDENT_ELASTICITY,
  TEACHER_TO_STUDENT_LAG_DAYS,
} from './model';
import {learnPlatformFiles, LearnPlatformOptions} from './learnplatform';
import {
  computeAggregates,
  correlationOf,
  CorrelationTruth,
  GroundTruth,
  SchoolTruth,
} from './truth';
import {DemoWorkspaceData, DUPLICATE_RATE} from './workspace';

export type {
  GroundTruth,
  SchoolTruth,
  DailyTruth,
  WeeklyTruth,
  CorrelationTruth,
} from './truth';
export type {InjectedAnomaly, DataIssue} from './model';
export {DemoWorkspaceData} from './workspace';
export {parseCalendarFile, type CalendarFile} from './calendar-file';

export interface DemoOptions {
  /** Number of schools (default 40). */
  schools?: number;
  /** Days in the period (default 700: two school years and their summers). */
  days?: number;
  seed?: number;
  /** First day, `YYYY-MM-DD` (default 2023-08-28, a Monday late in August). */
  start?: string;
  /** Multiplies school enrolment (default 1). */
  scale?: number;
  /**
   * The district's own calendar (see calendar-file.ts) instead of the New York-like
   * default; the default start is then the Monday two weeks before its first school day.
   */
  calendar?: CalendarFile;
}

/**
 * How far the period may run outside the file's school years: about a summer. Beyond
 * it the file says nothing (school may reopen), so such a period is refused.
 */
const MAX_DAYS_OUTSIDE_FILE = 100;

export interface DemoSchool extends SchoolTruth {
  enrolledUsers: number;
}

export interface DemoDistrict {
  data: DemoWorkspaceData;
  calendar: SchoolCalendar;
  readonly truth: GroundTruth;
  startDate: string;
  endDate: string;
  timeZone: string;
  seed: number;
  schools: DemoSchool[];
  /** Settings that fit this district's org unit layout. */
  settingsHints: {
    timeZone: string;
    schoolOuDepth: number;
    schoolOuPattern: string;
    studentOuPattern: string;
    teacherOuPattern: string;
    startDate: string;
  };
  learnPlatformCsv(opts?: LearnPlatformOptions): {
    files: Record<string, string>;
  };
}

export const DEFAULT_START = '2023-08-28';
export const DEFAULT_DAYS = 700;
export const DEFAULT_SCHOOLS = 40;
export const DEFAULT_SEED = 20240905;

function intOption(
  name: string,
  v: number | undefined,
  def: number,
  min: number,
  max: number,
): number {
  if (v === undefined) return def;
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new InputError(
      name,
      `must be an integer from ${min} to ${max} (got ${v})`,
    );
  }
  return v;
}

export function createDemoDistrict(opts: DemoOptions = {}): DemoDistrict {
  const schools = intOption('schools', opts.schools, DEFAULT_SCHOOLS, 1, 5000);
  const days = intOption('days', opts.days, DEFAULT_DAYS, 7, 4000);
  const seed = intOption('seed', opts.seed, DEFAULT_SEED, 0, 4294967295);
  const scale = opts.scale ?? 1;
  if (!(scale > 0 && scale <= 20)) {
    throw new InputError(
      'scale',
      `must be a number above 0 and at most 20 (got ${scale})`,
    );
  }
  const span = opts.calendar ? calendarFileSpan(opts.calendar) : null;
  const start =
    opts.start ?? (span ? isoDate(mondayOf(span[0] - 14)) : DEFAULT_START);
  const startDay = parseIsoDate(start);
  if (startDay === null)
    throw new InputError('start', `not a YYYY-MM-DD date: ${start}`);
  const endDay = startDay + days - 1;
  let calendar;
  if (opts.calendar && span) {
    if (startDay < span[0] - MAX_DAYS_OUTSIDE_FILE) {
      throw new InputError(
        'start',
        `${start} is more than ${MAX_DAYS_OUTSIDE_FILE} days before the calendar file's first school day (${isoDate(span[0])})`,
      );
    }
    if (endDay > span[1] + MAX_DAYS_OUTSIDE_FILE) {
      throw new InputError(
        'days',
        `the period ends ${isoDate(endDay)}, more than ${MAX_DAYS_OUTSIDE_FILE} days after the calendar file's last school day (${isoDate(span[1])}): add the next school year to the file or ask for fewer days`,
      );
    }
    calendar = buildCalendarFromFile(opts.calendar, startDay, endDay);
  }
  const model = new DistrictModel({
    schools,
    seed,
    startDay,
    endDay,
    scale,
    calendar,
  });
  const data = new DemoWorkspaceData(model);
  const schoolTruth: SchoolTruth[] = model.schools.map(s => ({
    schoolId: s.orgUnitId,
    name: s.name,
    orgUnitPath: s.orgUnitPath,
    learnPlatformDistrictId: s.lpDistrictId,
    level: s.level,
    borough: s.borough,
    locale: s.locale,
    enrolledStudents: s.students,
    enrolledTeachers: s.teachers,
    staff: s.staff,
    baselineUse: s.baseline,
    underusing: s.underusing,
    growthPerYear: Math.exp(s.growth) - 1,
    pctFreeReduced: s.pctFreeReduced,
    pctBlackHispanic: s.pctBlackHispanic,
  }));
  let aggregates: ReturnType<typeof computeAggregates> | null = null;
  let correlation: CorrelationTruth | null = null;
  const agg = () =>
    (aggregates ??= computeAggregates(
      model,
      data.gen,
      (s, i, e) => data.delivered(s, i, e),
      (s, i, seq) => data.duplicated(s, i, seq),
    ));
  const truth: GroundTruth = {
    seed,
    startDate: isoDate(startDay),
    endDate: isoDate(endDay),
    timeZone: data.timeZone,
    schools: schoolTruth,
    enrolment: Object.fromEntries(
      model.schools.map(s => [
        s.orgUnitId,
        {students: s.students, teachers: s.teachers, staff: s.staff},
      ]),
    ),
    underusingSchools: model.schools
      .filter(s => s.underusing)
      .map(s => s.orgUnitId),
    anomalies: model.anomalies,
    dataIssues: model.dataIssues,
    duplicateRate: DUPLICATE_RATE,
    effects: {
      annualGrowthMean:
        schoolTruth.reduce((a, s) => a + s.growthPerYear, 0) /
        Math.max(1, schoolTruth.length),
      testingUplift: TESTING_UPLIFT,
      weekendFactorStudents: KIND_FACTOR.weekend[0],
      teacherToStudentLagDays: TEACHER_TO_STUDENT_LAG_DAYS,
      teacherToStudentElasticity: TEACHER_TO_STUDENT_ELASTICITY,
      logoutShareStudents: LOGOUT_SHARE.student,
      logoutShareTeachers: LOGOUT_SHARE.teacher,
    },
    get correlation() {
      return (correlation ??= correlationOf(model, agg().weekly));
    },
    get daily() {
      return agg().daily;
    },
    get weekly() {
      return agg().weekly;
    },
    get activityCounts() {
      return agg().counts;
    },
  };
  return {
    data,
    calendar: model.cal.calendar,
    truth,
    startDate: isoDate(startDay),
    endDate: isoDate(endDay),
    timeZone: data.timeZone,
    seed,
    schools: schoolTruth.map(s => ({
      ...s,
      enrolledUsers: s.enrolledStudents + s.enrolledTeachers + s.staff,
    })),
    settingsHints: {
      timeZone: data.timeZone,
      schoolOuDepth: 3,
      schoolOuPattern: '^/Schools/[^/]+/[^/]+$',
      studentOuPattern: '/Students(/|$)',
      teacherOuPattern: '/Teachers$',
      startDate: isoDate(startDay),
    },
    learnPlatformCsv: (o?: LearnPlatformOptions) => ({
      files: learnPlatformFiles(model, agg().daily, o),
    }),
  };
}
