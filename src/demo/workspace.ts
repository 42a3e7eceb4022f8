/**
 * The demo district served as WorkspaceData: Reports activities and usage reports,
 * Directory org units and users, Classroom courses, rosters, coursework, submissions
 * and announcements, in the shapes of Google's API descriptions. Each part lives in a
 * file of its own (directory, activities, usage, classroom); this class joins them.
 *
 * Activities are generated per day on demand and kept in a bounded cache. Returned
 * objects share frozen sub-objects (actors, course parameters); treat them as
 * read-only.
 */
import type {
  Activity,
  Announcement,
  Course,
  CourseWork,
  DirectoryUser,
  OrgUnit,
  Student,
  StudentSubmission,
  Teacher,
  UsageReport,
  WorkspaceData,
} from '../offline/workspace-data';
import {DemoActivities} from './activities';
import {DemoClassroom} from './classroom';
import {isoDate} from './dates';
import {DemoDirectory} from './directory';
import {EventGenerator, RawEvent} from './events';
import {DistrictModel, UserSpec} from './model';
import {DemoUsage} from './usage';

export {DUPLICATE_RATE} from './activities';

export class DemoWorkspaceData implements WorkspaceData {
  readonly customerId: string;
  readonly primaryDomain: string;
  readonly timeZone = 'America/New_York';
  readonly gen: EventGenerator;
  private readonly directory: DemoDirectory;
  private readonly activityLog: DemoActivities;
  private readonly usage: DemoUsage;
  private readonly classroom: DemoClassroom;

  constructor(
    readonly m: DistrictModel,
    opts: {cacheActivities?: number} = {},
  ) {
    this.customerId = m.customerId;
    this.primaryDomain = m.domain;
    this.gen = new EventGenerator(m);
    this.directory = new DemoDirectory(m);
    this.activityLog = new DemoActivities(m, this.gen, opts.cacheActivities);
    this.usage = new DemoUsage(m, this.gen, this.directory);
    this.classroom = new DemoClassroom(m, this.gen);
  }

  // --- Directory ------------------------------------------------------------------

  orgUnits(): OrgUnit[] {
    return this.directory.orgUnits();
  }

  users(): DirectoryUser[] {
    return this.directory.users();
  }

  /** UTC ms of a user's last login on or before period day i (0 when never). */
  lastLogin(u: UserSpec, i: number, scan = false): number {
    return this.directory.lastLogin(u, i, scan);
  }

  // --- Reports ----------------------------------------------------------------------

  activities(
    applicationName: string,
    startMs: number,
    endMs: number,
  ): Activity[] {
    return this.activityLog.activities(applicationName, startMs, endMs);
  }

  /** Raw events of a period day per school slot, before delivery faults (cached). */
  rawDay(i: number): RawEvent[][] {
    return this.activityLog.rawDay(i);
  }

  /** Whether a raw event reaches the Reports API (missing and partial days drop some). */
  delivered(school: number, i: number, e: {app: number; ms: number}): boolean {
    return this.activityLog.delivered(school, i, e);
  }

  /** Whether the Reports API delivers this delivered event a second time. */
  duplicated(school: number, i: number, seq: number): boolean {
    return this.activityLog.duplicated(school, i, seq);
  }

  userUsage(date: string): UsageReport[] {
    return this.usage.userUsage(date);
  }

  // --- Classroom ----------------------------------------------------------------------

  courses(): Course[] {
    return this.classroom.courses();
  }

  teachers(courseId: string): Teacher[] {
    return this.classroom.teachers(courseId);
  }

  students(courseId: string): Student[] {
    return this.classroom.students(courseId);
  }

  courseWork(courseId: string): CourseWork[] {
    return this.classroom.courseWork(courseId);
  }

  submissions(courseId: string): StudentSubmission[] {
    return this.classroom.submissions(courseId);
  }

  announcements(courseId: string): Announcement[] {
    return this.classroom.announcements(courseId);
  }

  /** The date (YYYY-MM-DD) of a period day. */
  date(i: number): string {
    return isoDate(this.m.startDay + i);
  }
}
