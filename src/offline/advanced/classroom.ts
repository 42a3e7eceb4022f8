/**
 * The Classroom fake: courses, course work, student submissions (as of a time, from
 * their history) and announcements over a WorkspaceData, with Classroom's page sizes,
 * error shapes and rate limit.
 */
import type {Engine} from '../engine';
import type {StudentSubmission, WorkspaceData} from '../workspace-data';
import {
  Api,
  DEFAULT_API_LIMITS,
  fingerprint,
  type ApiLimits,
  type Args,
} from './api';

/* --------------------------------------------------------------- Classroom */

const CLASSROOM_MAX_PAGE = 1000;

/**
 * Whether an object created at `t` exists at `now` (both RFC 3339; none: always). The
 * Classroom data covers a whole period; the service shows it as of the simulated clock.
 */
function existed(t: string | null | undefined, now: string): boolean {
  if (!t) return true;
  if (t.length === 24 && t.endsWith('Z')) return t <= now;
  const ms = Date.parse(t);
  return !(ms > Date.parse(now));
}

type HistoryEntry = NonNullable<StudentSubmission['submissionHistory']>[number];

function entryTime(h: HistoryEntry): string {
  return h.stateHistory?.stateTimestamp ?? h.gradeHistory?.gradeTimestamp ?? '';
}

/**
 * Submissions as of `now`: those of course work not yet created are left out, and one
 * updated since is shown as it stood then (its history up to now, the state, grades and
 * update time that history gives; a submission not yet opened is NEW).
 */
export function submissionsAsOf(
  subs: StudentSubmission[],
  courseWork: {id?: string | null; creationTime?: string | null}[],
  now: string,
): StudentSubmission[] {
  const created = new Map<string, string | null | undefined>();
  for (const w of courseWork) created.set(String(w.id), w.creationTime);
  const out: StudentSubmission[] = [];
  for (const s of subs) {
    if (!existed(created.get(String(s.courseWorkId)), now)) continue;
    if (existed(s.updateTime, now) && existed(s.creationTime, now)) {
      out.push(s);
      continue;
    }
    const history = (s.submissionHistory ?? []).filter(h =>
      existed(entryTime(h), now),
    );
    const opened = !!s.creationTime && existed(s.creationTime, now);
    const view: StudentSubmission = {...s, state: opened ? 'CREATED' : 'NEW'};
    delete view.submissionHistory;
    delete view.updateTime;
    delete view.draftGrade;
    delete view.assignedGrade;
    if (!opened) delete view.creationTime;
    for (const h of history) {
      const t = entryTime(h);
      if (t) view.updateTime = t;
      if (h.stateHistory?.state) view.state = h.stateHistory.state;
      const g = h.gradeHistory;
      if (g?.gradeChangeType === 'DRAFT_GRADE_POINTS_EARNED_CHANGE')
        view.draftGrade = g.pointsEarned;
      if (g?.gradeChangeType === 'ASSIGNED_GRADE_POINTS_EARNED_CHANGE')
        view.assignedGrade = g.pointsEarned;
    }
    if (history.length) view.submissionHistory = history;
    out.push(view);
  }
  return out;
}

export function makeClassroom(
  engine: Engine,
  data: WorkspaceData,
  limits?: Partial<ApiLimits>,
) {
  const api = new Api(engine, {...DEFAULT_API_LIMITS, ...limits});
  const rate = api.perMinute(api.limits.classroomPerMinute, name =>
    api.bad(
      name,
      "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user'.",
      429,
      'rateLimitExceeded',
    ),
  );
  const states = (v: unknown): string[] | null =>
    v === undefined || v === null
      ? null
      : (Array.isArray(v) ? v : [v]).map(String);
  // Courses by id and alias, rebuilt when the data hands out another list.
  let indexed: unknown = null;
  let byId = new Map<string, ReturnType<WorkspaceData['courses']>[number]>();
  const course = (name: string, courseId: string) => {
    const all = data.courses();
    if (all !== indexed) {
      indexed = all;
      byId = new Map();
      for (const x of all) {
        const alias = (x as {alias?: string}).alias;
        if (alias !== undefined && !byId.has(alias)) byId.set(alias, x);
      }
      // Ids win over aliases, and the first of a repeated id wins, as a find would.
      for (let i = all.length - 1; i >= 0; i--)
        byId.set(String(all[i].id), all[i]);
    }
    const c = byId.get(String(courseId));
    if (!c || !existed(c.creationTime, nowIso()))
      throw api.bad(name, 'Requested entity was not found.', 404, 'notFound');
    return c;
  };
  const nowIso = () => new Date(engine.now()).toISOString();
  const size = (name: string, v: unknown, def: number) => {
    if (
      v !== undefined &&
      v !== null &&
      (!Number.isInteger(Number(v)) || Number(v) < 0)
    ) {
      throw api.bad(
        name,
        'Request contains an invalid argument.',
        400,
        'invalid',
      );
    }
    return api.pageSize(name, v, def, CLASSROOM_MAX_PAGE, false);
  };
  const list =
    <T>(
      method: string,
      name: string,
      key: string,
      def: number,
      load: (args: Args) => T[],
      fpParts: (args: Args) => unknown[],
    ) =>
    (args: Args) =>
      api.serve(
        method,
        name,
        rate(name),
        () => {
          api.enums(name, args);
          const n = size(name, args.pageSize, def);
          const all = load(args);
          const fp = fingerprint([name, ...fpParts(args)]);
          const page = api.page(name, all, n, args.pageToken, fp);
          const out: Record<string, unknown> = {};
          if (page.items.length) out[key] = page.items;
          if (page.next) out.nextPageToken = page.next;
          return out;
        },
        r => ((r[key] as unknown[]) ?? []).length,
        args.fields,
      );

  const coursesList = list(
    'Classroom.Courses.list',
    'classroom.courses.list',
    'courses',
    500,
    args => {
      const st = states(args.courseStates);
      const now = nowIso();
      let cs = data.courses().filter(c => existed(c.creationTime, now));
      if (st) cs = cs.filter(c => st.includes(c.courseState ?? ''));
      if (args.teacherId)
        cs = cs.filter(c =>
          data
            .teachers(c.id!)
            .some(
              t =>
                t.userId === args.teacherId ||
                t.profile?.emailAddress === args.teacherId,
            ),
        );
      if (args.studentId)
        cs = cs.filter(c =>
          data
            .students(c.id!)
            .some(
              s =>
                s.userId === args.studentId ||
                s.profile?.emailAddress === args.studentId,
            ),
        );
      return cs;
    },
    args => [states(args.courseStates), args.teacherId, args.studentId],
  );

  const byCourse =
    <T>(
      method: string,
      name: string,
      key: string,
      def: number,
      load: (courseId: string, args: Args) => T[],
    ) =>
    (courseId: string, optionalArgs: Args = {}) =>
      list(
        method,
        name,
        key,
        def,
        a => {
          course(name, courseId);
          return load(String(courseId), a);
        },
        a => [courseId, a.courseWorkStates, a.announcementStates, a.orderBy],
      )(optionalArgs ?? {});

  const byUpdate = <
    T extends {
      updateTime?: string | null;
      dueDate?: {
        year?: number | null;
        month?: number | null;
        day?: number | null;
      } | null;
    },
  >(
    items: T[],
    orderBy: unknown,
  ): T[] => {
    const [field, dir] = String(orderBy ?? 'updateTime desc').split(/\s+/);
    const k = (x: T) =>
      field === 'dueDate'
        ? x.dueDate
          ? `${x.dueDate.year}-${String(x.dueDate.month).padStart(2, '0')}-${String(x.dueDate.day).padStart(2, '0')}`
          : ''
        : (x.updateTime ?? '');
    const sorted = [...items].sort((a, b) =>
      k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0,
    );
    return dir === 'asc' ? sorted : sorted.reverse();
  };

  const submissionsList = (
    courseId: string,
    courseWorkId: string,
    optionalArgs: Args = {},
  ) => {
    const name = 'classroom.courses.courseWork.studentSubmissions.list';
    const args = optionalArgs ?? {};
    return list(
      'Classroom.Courses.CourseWork.StudentSubmissions.list',
      name,
      'studentSubmissions',
      CLASSROOM_MAX_PAGE,
      a => {
        course(name, courseId);
        const work = data.courseWork(String(courseId));
        let subs = submissionsAsOf(
          data.submissions(String(courseId)),
          work,
          nowIso(),
        );
        if (courseWorkId !== '-') {
          if (!work.some(w => w.id === courseWorkId)) {
            throw api.bad(
              name,
              'Requested entity was not found.',
              404,
              'notFound',
            );
          }
          subs = subs.filter(s => s.courseWorkId === courseWorkId);
        }
        const st = states(a.states);
        if (st) subs = subs.filter(s => st.includes(s.state ?? ''));
        if (a.late === 'LATE_ONLY') subs = subs.filter(s => s.late);
        if (a.late === 'NOT_LATE_ONLY') subs = subs.filter(s => !s.late);
        if (a.userId) subs = subs.filter(s => s.userId === a.userId);
        return subs;
      },
      a => [courseId, courseWorkId, states(a.states), a.late, a.userId],
    )(args);
  };

  return {
    Courses: {
      list: (optionalArgs: Args = {}) => coursesList(optionalArgs ?? {}),
      get: (id: string) =>
        api.serve(
          'Classroom.Courses.get',
          'classroom.courses.get',
          rate('classroom.courses.get'),
          () => course('classroom.courses.get', id),
          () => 1,
        ),
      Teachers: {
        list: byCourse(
          'Classroom.Courses.Teachers.list',
          'classroom.courses.teachers.list',
          'teachers',
          30,
          c => data.teachers(c),
        ),
      },
      Students: {
        list: byCourse(
          'Classroom.Courses.Students.list',
          'classroom.courses.students.list',
          'students',
          30,
          c => data.students(c),
        ),
      },
      CourseWork: {
        list: byCourse(
          'Classroom.Courses.CourseWork.list',
          'classroom.courses.courseWork.list',
          'courseWork',
          CLASSROOM_MAX_PAGE,
          (c, a) => {
            const st = states(a.courseWorkStates) ?? ['PUBLISHED'];
            const now = nowIso();
            return byUpdate(
              data
                .courseWork(c)
                .filter(
                  w =>
                    st.includes(w.state ?? 'PUBLISHED') &&
                    existed(w.creationTime, now),
                ),
              a.orderBy,
            );
          },
        ),
        StudentSubmissions: {list: submissionsList},
      },
      Announcements: {
        list: byCourse(
          'Classroom.Courses.Announcements.list',
          'classroom.courses.announcements.list',
          'announcements',
          CLASSROOM_MAX_PAGE,
          (c, a) => {
            const st = states(a.announcementStates) ?? ['PUBLISHED'];
            const now = nowIso();
            return byUpdate(
              data
                .announcements(c)
                .filter(
                  x =>
                    st.includes(x.state ?? 'PUBLISHED') &&
                    existed(x.creationTime, now),
                ),
              a.orderBy,
            );
          },
        ),
      },
    },
  };
}
