/**
 * The Google APIs the API source reads, behind one narrow interface. In Apps Script they
 * are the advanced services AdminReports, AdminDirectory and Classroom; the interface lets
 * the pure parts of the source be exercised against any implementation of it.
 * Pages come back as plain objects; nothing is assumed about their validity here.
 */

export interface Page<T> {
  items: T[];
  nextPageToken: string | null;
  /** What was wrong with the response when its list was not a list (items is then empty). */
  malformed?: string;
}

export interface UsagePage extends Page<unknown> {
  warnings: Array<{code: string; message: string}>;
}

export interface ApiServices {
  orgUnits(): unknown[];
  users(pageToken: string | null): Page<unknown>;
  activities(
    app: string,
    startIso: string,
    endIso: string,
    pageToken: string | null,
  ): Page<unknown>;
  userUsage(
    date: string,
    parameters: string,
    pageToken: string | null,
  ): UsagePage;
  courses(pageToken: string | null): Page<unknown>;
  teachers(courseId: string, pageToken: string | null): Page<unknown>;
  students(courseId: string, pageToken: string | null): Page<unknown>;
  courseWork(courseId: string, pageToken: string | null): Page<unknown>;
  submissions(courseId: string, pageToken: string | null): Page<unknown>;
  announcements(courseId: string, pageToken: string | null): Page<unknown>;
}

export const PAGE_SIZES = {
  users: 500,
  activities: 1000,
  usage: 1000,
  courses: 1000,
  roster: 1000,
  courseWork: 1000,
  submissions: 1000,
  announcements: 1000,
};

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function tok(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** A page of a list response; a response that is not an object or whose list is not a list is flagged. */
export function page(resp: unknown, field: string): Page<unknown> {
  if (typeof resp !== 'object' || resp === null || Array.isArray(resp)) {
    return {
      items: [],
      nextPageToken: null,
      malformed: 'response is not an object',
    };
  }
  const r = resp as Record<string, unknown>;
  const list = r[field];
  const out: Page<unknown> = {
    items: arr(list),
    nextPageToken: tok(r.nextPageToken),
  };
  if (list !== undefined && !Array.isArray(list))
    out.malformed = `${field} is not a list`;
  if (
    r.nextPageToken !== undefined &&
    r.nextPageToken !== null &&
    typeof r.nextPageToken !== 'string'
  ) {
    out.malformed = 'nextPageToken is not a string';
  }
  return out;
}

function need<T>(svc: T | undefined, name: string): T {
  if (!svc) {
    throw new Error(
      `the ${name} advanced service is not enabled (appsscript.json enabledAdvancedServices)`,
    );
  }
  return svc;
}

/** The advanced services of Apps Script. */
export function appsScriptServices(): ApiServices {
  const reports = () =>
    need(
      typeof AdminReports === 'undefined' ? undefined : AdminReports,
      'AdminReports',
    );
  const directory = () =>
    need(
      typeof AdminDirectory === 'undefined' ? undefined : AdminDirectory,
      'AdminDirectory',
    );
  const classroom = () =>
    need(typeof Classroom === 'undefined' ? undefined : Classroom, 'Classroom');
  const opt = (pageToken: string | null, extra: Record<string, unknown>) =>
    pageToken ? {...extra, pageToken} : extra;
  return {
    orgUnits: () =>
      arr(
        (
          directory().Orgunits.list('my_customer', {type: 'all'}) as {
            organizationUnits?: unknown;
          }
        ).organizationUnits,
      ),
    users: pageToken =>
      page(
        directory().Users.list(
          opt(pageToken, {
            customer: 'my_customer',
            maxResults: PAGE_SIZES.users,
            projection: 'basic',
            viewType: 'admin_view',
          }),
        ),
        'users',
      ),
    activities: (app, startIso, endIso, pageToken) =>
      page(
        reports().Activities.list(
          'all',
          app,
          opt(pageToken, {
            startTime: startIso,
            endTime: endIso,
            maxResults: PAGE_SIZES.activities,
          }),
        ),
        'items',
      ),
    userUsage: (date, parameters, pageToken) => {
      const r = reports().UserUsageReport.get(
        'all',
        date,
        opt(pageToken, {parameters, maxResults: PAGE_SIZES.usage}),
      ) as {
        usageReports?: unknown;
        nextPageToken?: unknown;
        warnings?: unknown;
      };
      return {
        items: arr(r.usageReports),
        nextPageToken: tok(r.nextPageToken),
        warnings: arr(r.warnings).map(w => {
          const o = (w ?? {}) as Record<string, unknown>;
          return {
            code: typeof o.code === 'string' ? o.code : '',
            message: typeof o.message === 'string' ? o.message : '',
          };
        }),
      };
    },
    courses: pageToken =>
      page(
        classroom().Courses.list(
          opt(pageToken, {
            pageSize: PAGE_SIZES.courses,
            courseStates: ['ACTIVE', 'ARCHIVED'],
          }),
        ),
        'courses',
      ),
    teachers: (courseId, pageToken) =>
      page(
        classroom().Courses.Teachers.list(
          courseId,
          opt(pageToken, {pageSize: PAGE_SIZES.roster}),
        ),
        'teachers',
      ),
    students: (courseId, pageToken) =>
      page(
        classroom().Courses.Students.list(
          courseId,
          opt(pageToken, {pageSize: PAGE_SIZES.roster}),
        ),
        'students',
      ),
    courseWork: (courseId, pageToken) =>
      page(
        classroom().Courses.CourseWork.list(
          courseId,
          opt(pageToken, {pageSize: PAGE_SIZES.courseWork}),
        ),
        'courseWork',
      ),
    submissions: (courseId, pageToken) =>
      page(
        classroom().Courses.CourseWork.StudentSubmissions!.list(
          courseId,
          '-',
          opt(pageToken, {pageSize: PAGE_SIZES.submissions}),
        ),
        'studentSubmissions',
      ),
    announcements: (courseId, pageToken) =>
      page(
        classroom().Courses.Announcements.list(
          courseId,
          opt(pageToken, {pageSize: PAGE_SIZES.announcements}),
        ),
        'announcements',
      ),
  };
}
