/**
 * The canonical shapes that flow between the stages of the pipeline:
 * sources -> clean -> metrics -> analysis -> sheets.
 * Pure data: no Apps Script or Node globals here.
 */

/** A user's role in a school. `staff` covers admins and other non-teaching accounts. */
export type Role = 'student' | 'teacher' | 'staff' | 'unknown';

/** A school: an org unit chosen by the school rule in the settings. */
export interface School {
  /** Stable key: the Directory orgUnitId (or a LearnPlatform district id). */
  id: string;
  name: string;
  orgUnitPath: string;
  /** Students and teachers enrolled, from the Directory (null where unknown). */
  enrolledStudents: number | null;
  enrolledTeachers: number | null;
  /** Optional peer-group attributes used by the under-utilisation benchmark. */
  locale?: string;
  state?: string;
}

/** Flags that qualify a fact; they travel to every output that uses it. */
export type FactFlag =
  | 'partial' // the source reported the day as incomplete
  | 'imputed' // the value was filled in, not observed
  | 'estimated' // the value is a model estimate (e.g. session minutes)
  | 'suppressed' // group below the minimum size; counts withheld in shared outputs
  | 'closed'; // a non-school day by the calendar

/**
 * One day of activity for one school x role x app (x product).
 * Dates are ISO `YYYY-MM-DD` in the district's time zone.
 * Counts are integers; rates are null where their denominator is zero.
 */
export interface DailyFact {
  date: string;
  schoolId: string;
  role: Role;
  /** `classroom`, `login`, `workspace`, or a LearnPlatform product family. */
  app: string;
  /** Product (LearnPlatform lp_id or name); '' when the row is not product-specific. */
  product: string;
  activeUsers: number;
  enrolledUsers: number;
  /** activeUsers / enrolledUsers x 100, as LearnPlatform defines pct_access. */
  pctAccess: number | null;
  events: number;
  /** events per 1,000 enrolled users (LearnPlatform's engagement_index). */
  engagementIndex: number | null;
  logins: number;
  loginsPerActive: number | null;
  /** Estimated from login and activity timestamps; flagged `estimated`. */
  sessionMinutes: number | null;
  assignmentsCreated: number;
  submissionsTurnedIn: number;
  lateSubmissions: number;
  workReturned: number;
  gradesEntered: number;
  comments: number;
  announcements: number;
  flags: FactFlag[];
}

/** One ISO week for one school x role x app (x product). Distinct users are exact over the week. */
export interface WeeklyFact {
  /** ISO week, e.g. `2025-W07`. */
  week: string;
  /** Monday of the ISO week, `YYYY-MM-DD`. */
  weekStart: string;
  schoolId: string;
  role: Role;
  app: string;
  product: string;
  /** Distinct users active at least once in the week. */
  activeUsers: number;
  enrolledUsers: number;
  pctAccess: number | null;
  events: number;
  engagementIndex: number | null;
  logins: number;
  submissionsTurnedIn: number;
  assignmentsCreated: number;
  gradesEntered: number;
  /** School days in the week by the calendar (0 for a full break week). */
  schoolDays: number;
  flags: FactFlag[];
}

/** A closed period of the school calendar. */
export interface CalendarPeriod {
  name: string;
  start: string; // inclusive YYYY-MM-DD
  end: string; // inclusive YYYY-MM-DD
  kind: 'holiday' | 'break' | 'summer' | 'testing' | 'other';
}

/** The school calendar: which days are school days, and the windows that matter for analysis. */
export interface SchoolCalendar {
  /** Days of the week that are school days, 0 = Sunday. Default Monday to Friday. */
  schoolWeekdays: number[];
  /** Holidays, breaks and summer: days with no school. */
  closures: CalendarPeriod[];
  /** State testing and midterm windows: school days with expected peaks (kind 'testing'). */
  events: CalendarPeriod[];
}

/** The settings an admin edits in the sidebar; stored in document properties. */
export interface Settings {
  /** IANA time zone of the district; every day partition uses it. */
  timeZone: string;
  /** Which org units are schools: the depth below the root (e.g. 2 for /Schools/PS 001). */
  schoolOuDepth: number;
  /** Optional regular expression an org unit path must match to be a school. */
  schoolOuPattern: string;
  /** Regular expressions on the user's org unit path that make a student or a teacher. */
  studentOuPattern: string;
  teacherOuPattern: string;
  /**
   * How schools and roles come from org units: `patterns` (the depth and the regular
   * expressions above, the advanced option) or `units` (the units an admin picked in Setup).
   */
  orgUnitRules: 'patterns' | 'units';
  /**
   * Picked schools: `/path` (this unit is a school), `/path/*` (each child of it is one,
   * including children created later), `!/path` (this unit is not one).
   */
  schoolUnits: string[];
  /**
   * Picked role units: `/path` (this unit and everything below it), or a unit name such as
   * `Students` (every unit of that name, and below it; case-insensitive).
   */
  studentUnits: string[];
  teacherUnits: string[];
  /** First day to ingest (`YYYY-MM-DD`). */
  startDate: string;
  /** Days after its end a day settles (late events no longer expected); see needsFetch. */
  trailingDays: number;
  /** Seconds an execution may run before it checkpoints (Apps Script stops at 360). */
  budgetSeconds: number;
  /** Groups smaller than this are suppressed in shared outputs. */
  minGroupSize: number;
  /** Gap below the peer benchmark (percent) that flags a school as under-using. */
  underuseGapPct: number;
  /** Robust score above which a residual is an anomaly. */
  anomalyThreshold: number;
  /** Forecast horizon in weeks. */
  forecastHorizonWeeks: number;
  alertRecipients: string[];
  /** Off by default: outputs carry pseudonymous keys, never emails or names. */
  showIdentities: boolean;
  source: 'api' | 'bigquery' | 'learnplatform';
  bigQueryProject: string;
  bigQueryDataset: string;
  /** Drive folder holding a LearnPlatform export. */
  learnPlatformFolderId: string;
  calendar: SchoolCalendar;
}
