/**
 * The demo district's Classroom: courses, rosters, coursework, submissions and
 * announcements in the shapes of the Classroom API, built per school from the
 * generator's coursework bundles over the whole period.
 */
import type {
  Announcement,
  Course,
  CourseWork,
  Student,
  StudentSubmission,
  Teacher,
} from '../offline/workspace-data';
import {freezeDeep, HOUR, isoTime} from './api-values';
import {rfc3339} from './dates';
import {
  Bundle,
  CourseWorkSpec,
  EventGenerator,
  SubmissionOutcome,
} from './events';
import {CourseSpec, DistrictModel} from './model';
import {announcementText, workTitle} from './names';
import {hash4, Rng} from './random';

/**
 * Schools whose Classroom objects (coursework, submissions, announcements over the whole
 * period) stay in memory: enough for a default district's sweep without rebuilding.
 */
const CLASSROOM_CACHE_SCHOOLS = 64;

/**
 * Courses whose submissions stay built as API objects. A school's submissions are kept
 * as the generator's compact outcomes (a default district has about 680,000, over 500 MB
 * as API objects) and built per course when listed; a sweep pages one course at a time,
 * so only the course being paged is kept: lists kept for more courses outlived the young
 * generation, and every sweep promoted its submissions (hundreds of MB) to the old one.
 */
const SUBMISSION_LISTS_KEPT = 1;

/** A coursework's title, drawn from its id on first need and kept on the spec. */
export function courseWorkTitle(
  m: DistrictModel,
  cw: {id: string; title: string},
): string {
  if (!cw.title) {
    const n = Number(cw.id);
    cw.title = workTitle(
      new Rng(m.seed, 0x717e, n % 2147483647, Math.floor(n / 2147483647)),
      1 + (n % 40),
    );
  }
  return cw.title;
}

/**
 * A course's submission outcomes in columns: an outcome object holds five times that V8
 * boxes one by one (about 180 bytes an outcome); columns take about 70.
 */
interface PackedOutcomes {
  cw: CourseWorkSpec[];
  id: string[];
  student: Int32Array;
  late: Uint8Array;
  /** openedMs, turnedInMs, gradeMs, grade, returnedMs per outcome. */
  num: Float64Array;
}

function packOutcomes(list: SubmissionOutcome[]): PackedOutcomes {
  const n = list.length;
  const p: PackedOutcomes = {
    cw: new Array<CourseWorkSpec>(n),
    id: new Array<string>(n),
    student: new Int32Array(n),
    late: new Uint8Array(n),
    num: new Float64Array(n * 5),
  };
  for (let k = 0; k < n; k++) {
    const o = list[k];
    p.cw[k] = o.cw;
    p.id[k] = o.id;
    p.student[k] = o.student;
    p.late[k] = o.late ? 1 : 0;
    const x = k * 5;
    p.num[x] = o.openedMs;
    p.num[x + 1] = o.turnedInMs;
    p.num[x + 2] = o.gradeMs;
    p.num[x + 3] = o.grade;
    p.num[x + 4] = o.returnedMs;
  }
  return p;
}

type HistoryEntry = NonNullable<StudentSubmission['submissionHistory']>[number];

export class DemoClassroom {
  private readonly classroomCache = new Map<
    number,
    {
      courseWork: Map<string, CourseWork[]>;
      submissions: Map<string, PackedOutcomes>;
      announcements: Map<string, Announcement[]>;
    }
  >();
  private readonly submissionLists = new Map<string, StudentSubmission[]>();

  constructor(
    readonly m: DistrictModel,
    private readonly gen: EventGenerator,
  ) {}

  private allCourses(): CourseSpec[] {
    const out: CourseSpec[] = [];
    for (const y of this.m.schoolYears()) {
      for (let s = 0; s < this.m.schools.length; s++)
        out.push(...this.m.courses(s, y));
    }
    return out;
  }

  courses(): Course[] {
    // Built once: a Classroom sweep lists the courses, then pages each course's data.
    this.courseList ??= this.buildCourses();
    return this.courseList;
  }

  private courseList: Course[] | null = null;

  private buildCourses(): Course[] {
    const m = this.m;
    const years = m.schoolYears();
    const current = years[years.length - 1];
    return this.allCourses().map(c => {
      const createdMs = m.utc(
        c.createdDay,
        9 * HOUR + (hash4(m.seed, c.index, c.school) % (6 * HOUR)),
      );
      return freezeDeep({
        id: c.id,
        name: c.name,
        section: c.section,
        descriptionHeading: `${c.name} ${c.section}`,
        room: String(100 + (hash4(m.seed, c.school, c.index) % 300)),
        ownerId: m.users[c.teacher].id,
        creationTime: rfc3339(createdMs),
        updateTime: rfc3339(createdMs + 3600000),
        enrollmentCode: c.enrollmentCode,
        courseState: c.year === current ? 'ACTIVE' : 'ARCHIVED',
        alternateLink: `https://classroom.google.com/c/${c.id}`,
        teacherGroupEmail: `${c.enrollmentCode}_teachers@${m.domain}`,
        courseGroupEmail: `${c.enrollmentCode}@${m.domain}`,
        guardiansEnabled: false,
        calendarId: `classroom${c.id}@group.calendar.google.com`,
      });
    });
  }

  private profile(ui: number) {
    const u = this.m.users[ui];
    return {
      id: u.id,
      name: {
        givenName: u.givenName,
        familyName: u.familyName,
        fullName: `${u.givenName} ${u.familyName}`,
      },
      emailAddress: u.email,
    };
  }

  teachers(courseId: string): Teacher[] {
    const c = this.m.courseById_(courseId);
    if (!c) return [];
    return [
      {
        courseId,
        userId: this.m.users[c.teacher].id,
        profile: this.profile(c.teacher),
      },
    ];
  }

  students(courseId: string): Student[] {
    const c = this.m.courseById_(courseId);
    if (!c) return [];
    return Array.from(c.students, ui => ({
      courseId,
      userId: this.m.users[ui].id,
      profile: this.profile(ui),
    }));
  }

  courseWork(courseId: string): CourseWork[] {
    const c = this.m.courseById_(courseId);
    if (!c) return [];
    return this.classroomOf(c.school).courseWork.get(courseId) ?? [];
  }

  submissions(courseId: string): StudentSubmission[] {
    const c = this.m.courseById_(courseId);
    if (!c) return [];
    const hit = this.submissionLists.get(courseId);
    if (hit) return hit;
    const outcomes = this.classroomOf(c.school).submissions.get(courseId);
    const list: StudentSubmission[] = [];
    if (outcomes) {
      for (let k = 0; k < outcomes.id.length; k++)
        list.push(this.toSubmission(outcomes, k));
    }
    this.submissionLists.set(courseId, list);
    if (this.submissionLists.size > SUBMISSION_LISTS_KEPT) {
      this.submissionLists.delete(
        this.submissionLists.keys().next().value as string,
      );
    }
    return list;
  }

  announcements(courseId: string): Announcement[] {
    const c = this.m.courseById_(courseId);
    if (!c) return [];
    return this.classroomOf(c.school).announcements.get(courseId) ?? [];
  }

  /** Classroom objects of one school over the whole period (built once, few kept). */
  private classroomOf(school: number) {
    const hit = this.classroomCache.get(school);
    if (hit) return hit;
    const m = this.m;
    const courseWork = new Map<string, CourseWork[]>();
    const submissions = new Map<string, SubmissionOutcome[]>();
    const announcements = new Map<string, Announcement[]>();
    for (let p = 0; p < m.nDays; p++) {
      const b: Bundle = this.gen.bundle(school, p, true);
      for (const cw of b.courseWork) {
        const list = courseWork.get(cw.course.id) ?? [];
        list.push(this.toCourseWork(cw));
        courseWork.set(cw.course.id, list);
      }
      for (const o of b.outcomes ?? []) {
        const list = submissions.get(o.cw.course.id) ?? [];
        list.push(o);
        submissions.set(o.cw.course.id, list);
      }
      for (const a of b.announcements) {
        const list = announcements.get(a.course.id) ?? [];
        const text =
          a.text ||
          announcementText(new Rng(m.seed, Number(a.id) % 2147483647));
        list.push({
          courseId: a.course.id,
          id: a.id,
          text,
          state: 'PUBLISHED',
          alternateLink: `https://classroom.google.com/c/${a.course.id}/p/${a.id}`,
          creationTime: rfc3339(a.ms),
          updateTime: rfc3339(a.ms),
          assigneeMode: 'ALL_STUDENTS',
          creatorUserId: m.users[a.creator].id,
        });
        announcements.set(a.course.id, list);
      }
    }
    // The API lists newest first (updateTime desc).
    for (const list of courseWork.values()) list.reverse();
    for (const list of announcements.values()) list.reverse();
    const packed = new Map<string, PackedOutcomes>();
    for (const [id, list] of submissions) packed.set(id, packOutcomes(list));
    const entry = {courseWork, submissions: packed, announcements};
    this.classroomCache.set(school, entry);
    if (this.classroomCache.size > CLASSROOM_CACHE_SCHOOLS) {
      this.classroomCache.delete(
        this.classroomCache.keys().next().value as number,
      );
    }
    return entry;
  }

  private toCourseWork(cw: Bundle['courseWork'][number]): CourseWork {
    const m = this.m;
    // Due date and time are UTC in the API: 23:59 in New York is early next morning.
    const due = new Date(cw.dueMs);
    const out: CourseWork = {
      courseId: cw.course.id,
      id: cw.id,
      title: courseWorkTitle(m, cw),
      description: 'Complete and turn in by the due date.',
      state: 'PUBLISHED',
      alternateLink: `https://classroom.google.com/c/${cw.course.id}/a/${cw.id}/details`,
      creationTime: rfc3339(cw.publishMs - 20 * 60000),
      updateTime: rfc3339(cw.publishMs),
      dueDate: {
        year: due.getUTCFullYear(),
        month: due.getUTCMonth() + 1,
        day: due.getUTCDate(),
      },
      dueTime: {hours: due.getUTCHours(), minutes: due.getUTCMinutes()},
      workType: cw.workType,
      submissionModificationMode: 'MODIFIABLE_UNTIL_TURNED_IN',
      assigneeMode: 'ALL_STUDENTS',
      creatorUserId: m.users[cw.creator].id,
    };
    if (cw.maxPoints !== null) out.maxPoints = cw.maxPoints;
    return out;
  }

  private linkOf: CourseWorkSpec | null = null;
  private link = '';

  /**
   * The start of a coursework's submission links, up to the student id: one string for
   * the run of its outcomes (a coursework's outcomes are listed one after another).
   */
  private submissionsLink(cw: CourseWorkSpec): string {
    if (this.linkOf !== cw) {
      this.linkOf = cw;
      this.link = `https://classroom.google.com/c/${cw.course.id}/a/${cw.id}/submissions/by-status/and-sort-last-name/student/`;
    }
    return this.link;
  }

  /**
   * The submission of outcome `k`, read from the columns (no outcome object per call).
   * Each time is formatted once: a history entry and the update time share its string.
   */
  private toSubmission(p: PackedOutcomes, k: number): StudentSubmission {
    const m = this.m;
    const cw = p.cw[k];
    const x = k * 5;
    const openedMs = p.num[x];
    const turnedInMs = p.num[x + 1];
    const gradeMs = p.num[x + 2];
    const grade = p.num[x + 3];
    const returnedMs = p.num[x + 4];
    const student = m.users[p.student[k]].id;
    const teacher = m.users[cw.creator].id;
    const base: StudentSubmission = {
      courseId: cw.course.id,
      courseWorkId: cw.id,
      id: p.id[k],
      userId: student,
      state: 'NEW',
      late: p.late[k] === 1,
      alternateLink: this.submissionsLink(cw) + student,
      courseWorkType: cw.workType,
      associatedWithDeveloper: false,
    };
    if (Number.isNaN(openedMs)) return base;
    const opened = isoTime(openedMs);
    base.creationTime = opened;
    let update = opened;
    const turnedIn = !Number.isNaN(turnedInMs);
    const graded = !Number.isNaN(gradeMs) && cw.maxPoints !== null;
    const returned = !Number.isNaN(returnedMs);
    // At its final length: a `[]` grown by push reserves 17 slots for these 1 to 5.
    const history = new Array<HistoryEntry>(
      1 + +turnedIn + +graded + (returned ? 1 + +graded : 0),
    );
    let h = 0;
    history[h++] = {
      stateHistory: {
        state: 'CREATED',
        stateTimestamp: opened,
        actorUserId: student,
      },
    };
    base.state = 'CREATED';
    if (turnedIn) {
      update = isoTime(turnedInMs);
      history[h++] = {
        stateHistory: {
          state: 'TURNED_IN',
          stateTimestamp: update,
          actorUserId: student,
        },
      };
      base.state = 'TURNED_IN';
    }
    if (graded) {
      update = isoTime(gradeMs);
      history[h++] = {
        gradeHistory: {
          pointsEarned: grade,
          maxPoints: cw.maxPoints,
          gradeTimestamp: update,
          actorUserId: teacher,
          gradeChangeType: 'DRAFT_GRADE_POINTS_EARNED_CHANGE',
        },
      };
      base.draftGrade = grade;
    }
    if (returned) {
      update = isoTime(returnedMs);
      if (graded) {
        history[h++] = {
          gradeHistory: {
            pointsEarned: grade,
            maxPoints: cw.maxPoints,
            gradeTimestamp: update,
            actorUserId: teacher,
            gradeChangeType: 'ASSIGNED_GRADE_POINTS_EARNED_CHANGE',
          },
        };
        base.assignedGrade = grade;
      }
      history[h++] = {
        stateHistory: {
          state: 'RETURNED',
          stateTimestamp: update,
          actorUserId: teacher,
        },
      };
      base.state = 'RETURNED';
    }
    base.updateTime = update;
    base.submissionHistory = history;
    return base;
  }
}
