/**
 * The data behind the offline runtime's Google services. The fake AdminReports,
 * AdminDirectory and Classroom services page over whatever implements this interface;
 * the demo district (src/demo) is one implementation, fixtures in tests are others.
 * Shapes are those of Google's API descriptions.
 */
import type {admin_directory_v1, admin_reports_v1} from '@googleapis/admin';
import type {classroom_v1} from '@googleapis/classroom';

export type OrgUnit = admin_directory_v1.Schema$OrgUnit;
export type DirectoryUser = admin_directory_v1.Schema$User;
export type Activity = admin_reports_v1.Schema$Activity;
export type UsageReport = admin_reports_v1.Schema$UsageReport;
export type Course = classroom_v1.Schema$Course;
export type Teacher = classroom_v1.Schema$Teacher;
export type Student = classroom_v1.Schema$Student;
export type CourseWork = classroom_v1.Schema$CourseWork;
export type StudentSubmission = classroom_v1.Schema$StudentSubmission;
export type Announcement = classroom_v1.Schema$Announcement;

export interface WorkspaceData {
  customerId: string;
  primaryDomain: string;
  /** The district's IANA time zone. */
  timeZone: string;
  orgUnits(): OrgUnit[];
  users(): DirectoryUser[];
  /**
   * Activities of one application (`login`, `classroom`, ...) whose id.time lies in
   * [startMs, endMs), newest first as the Reports API returns them.
   */
  activities(
    applicationName: string,
    startMs: number,
    endMs: number,
  ): Activity[];
  /** Per-user usage reports for one date (`YYYY-MM-DD`, as the Reports API dates them). */
  userUsage(date: string): UsageReport[];
  /**
   * The customer-level usage report of a date, when the source has one; without
   * it the offline service sums the users' integer parameters.
   */
  customerUsage?(date: string): UsageReport | undefined;
  courses(): Course[];
  teachers(courseId: string): Teacher[];
  students(courseId: string): Student[];
  courseWork(courseId: string): CourseWork[];
  /** Submissions of every course work of a course (the API's courseWorkId '-'). */
  submissions(courseId: string): StudentSubmission[];
  announcements(courseId: string): Announcement[];
}
