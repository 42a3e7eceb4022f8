/**
 * Event generation: compact records of what each user did, per school and day.
 * Coursework is the unit that links days: a teacher publishes it, students turn it in
 * on their next active days, the teacher grades and returns it later (in a batch when
 * a marking period closes). A "bundle" is everything that follows from the coursework
 * published by one school on one day; its events span at most BUNDLE_SPAN days, so any
 * day can be rebuilt from the bundles of the days before it.
 */
import {CourseSpec, DistrictModel, Salt, UserSpec} from './model';
import {Rng, u4} from './random';

export const BUNDLE_SPAN = 24;
const MIN = 60000;
const HOUR = 3600000;
const LAST_MS_OF_DAY = 23 * HOUR + 58 * MIN;

export const APP_LOGIN = 0;
export const APP_CLASSROOM = 1;

/** Event names, indexed by RawEvent.name. */
export const EVENT = {
  loginSuccess: 0,
  logout: 1,
  loginFailure: 2,
  createdCourse: 3,
  joinedCourse: 4,
  publishedCourseWork: 5,
  publishedAnnouncement: 6,
  turnedIn: 7,
  setGrade: 8,
  returned: 9,
  commentedSubmissionPrivate: 10,
  commentedCourseWork: 11,
} as const;

export const EVENT_NAMES = [
  'login_success',
  'logout',
  'login_failure',
  'created_course',
  'user_joined_course',
  'published_course_work',
  'published_announcement',
  'changed_submission_state',
  'set_grade',
  'changed_submission_state',
  'commented_submission_private',
  'commented_course_work',
];

export const EVENT_TYPES = [
  'login',
  'login',
  'login',
  'course_update',
  'course_membership_change',
  'course_work_update',
  'post_update',
  'course_work_update',
  'course_work_update',
  'course_work_update',
  'comment_update',
  'comment_update',
];

export interface CourseWorkSpec {
  id: string;
  course: CourseSpec;
  title: string;
  workType: 'ASSIGNMENT' | 'SHORT_ANSWER_QUESTION' | 'MULTIPLE_CHOICE_QUESTION';
  maxPoints: number | null;
  publishMs: number;
  /** Period index of the due day. */
  dueIndex: number;
  dueMs: number;
  creator: number;
}

export interface AnnouncementSpec {
  id: string;
  course: CourseSpec;
  text: string;
  ms: number;
  creator: number;
}

/** One submission's story, kept for the Classroom API. */
export interface SubmissionOutcome {
  id: string;
  cw: CourseWorkSpec;
  student: number;
  openedMs: number; // NaN: never opened (state NEW)
  turnedInMs: number; // NaN: not turned in
  late: boolean;
  gradeMs: number;
  grade: number;
  returnedMs: number;
}

export interface RawEvent {
  ms: number;
  app: number;
  name: number;
  actor: number;
  course: CourseSpec | null;
  cw: CourseWorkSpec | null;
  /** Impacted user (student of a teacher's action), or -1. */
  target: number;
  late: boolean;
  hasGrade: boolean;
  /** Submission or announcement id for the event's post. */
  postId: string;
  courseRole: string;
}

export interface Bundle {
  school: number;
  day: number;
  courseWork: CourseWorkSpec[];
  announcements: AnnouncementSpec[];
  outcomes: SubmissionOutcome[] | null;
  byDay: Map<number, RawEvent[]>;
  size: number;
}

/** Publications per course and active teacher day. */
const PUBLISH_RATE = 0.062;
const ANNOUNCE_RATE = 0.05;
const JOIN_BY_CODE = 0.35;
/** Share of sessions that end with a logout event. */
export const LOGOUT_SHARE = {student: 0.22, teacher: 0.35};

function ev(
  ms: number,
  app: number,
  name: number,
  actor: number,
  course: CourseSpec | null,
  cw: CourseWorkSpec | null,
  target = -1,
  postId = '',
): RawEvent {
  return {
    ms,
    app,
    name,
    actor,
    course,
    cw,
    target,
    late: false,
    hasGrade: false,
    postId,
    courseRole: '',
  };
}

export class EventGenerator {
  private readonly bundleCache = new Map<number, Bundle>();
  private cachedEvents = 0;
  /** Cap on events held in cached bundles. */
  private readonly cacheBudget: number;

  constructor(readonly m: DistrictModel) {
    this.cacheBudget = 600_000;
  }

  /** Period index of the first grading day on or after i, within `within` days, or -1. */
  private nextGradingStart(i: number, within: number): number {
    const days = this.m.cal.days;
    for (let k = i; k < Math.min(days.length, i + within); k++) {
      if (days[k].grading && (k === 0 || !days[k - 1].grading)) return k;
    }
    return -1;
  }

  private firstActive(u: UserSpec, from: number, to: number): number {
    const last = Math.min(to, this.m.nDays - 1);
    for (let d = Math.max(0, from); d <= last; d++) {
      if (this.m.isActive(u, d)) return d;
    }
    return -1;
  }

  /** Everything that follows from the coursework one school publishes on day p. */
  bundle(school: number, p: number, keepOutcomes = false): Bundle {
    // First in, first out: readers move through days in order, so recency adds little.
    const key = school * 16384 + p;
    if (!keepOutcomes) {
      const hit = this.bundleCache.get(key);
      if (hit) return hit;
    }
    const b = this.buildBundle(school, p, keepOutcomes);
    if (!keepOutcomes) {
      this.bundleCache.set(key, b);
      this.cachedEvents += b.size;
      while (
        this.cachedEvents > this.cacheBudget &&
        this.bundleCache.size > 1
      ) {
        const oldest = this.bundleCache.keys().next().value as number;
        this.cachedEvents -= this.bundleCache.get(oldest)!.size;
        this.bundleCache.delete(oldest);
      }
    }
    return b;
  }

  private buildBundle(
    school: number,
    p: number,
    keepOutcomes: boolean,
  ): Bundle {
    const m = this.m;
    const users = m.users;
    const day = m.cal.days[p];
    const b: Bundle = {
      school,
      day: p,
      courseWork: [],
      announcements: [],
      outcomes: keepOutcomes ? [] : null,
      byDay: new Map(),
      size: 0,
    };
    if (day.schoolYear < 0) return b;
    const endMs = m.utc(m.nDays, 0);
    const push = (e: RawEvent) => {
      if (e.ms >= endMs) return;
      const d = dayIndexOfLocal(m, e.ms);
      if (d < p || d > p + BUNDLE_SPAN) return;
      let arr = b.byDay.get(d);
      if (!arr) b.byDay.set(d, (arr = []));
      arr.push(e);
      b.size++;
    };
    const r = new Rng(m.seed, 0xb0d1e, school, p);
    const courses = m.courses(school, day.schoolYear);
    const effort = m.effort[school][p];
    const isCreation = m.courseCreationIndex(day.schoolYear) === p;
    for (const c of courses) {
      const teacher = users[c.teacher];
      if (isCreation) this.courseSetup(b, c, p, push);
      if (!m.isActive(teacher, p)) continue;
      const tStart = m.sessionStart(teacher, p, 0);
      // At most 16 posts of a kind per course and day: ids pack k in four bits.
      const nAnn = Math.min(16, r.poisson(ANNOUNCE_RATE * effort));
      for (let k = 0; k < nAnn; k++) {
        const ms = m.utc(p, Math.min(LAST_MS_OF_DAY, tStart + r.int(90) * MIN));
        const a: AnnouncementSpec = {
          id: annId(school, p, c.index, k),
          course: c,
          text: '',
          ms,
          creator: c.teacher,
        };
        b.announcements.push(a);
        push(
          ev(
            ms,
            APP_CLASSROOM,
            EVENT.publishedAnnouncement,
            c.teacher,
            c,
            null,
            -1,
            a.id,
          ),
        );
      }
      const nPub = Math.min(
        16,
        r.poisson(PUBLISH_RATE * effort * (day.kind === 'school' ? 1 : 0.4)),
      );
      for (let k = 0; k < nPub; k++) {
        this.courseWork(b, c, p, k, tStart, r, push);
      }
    }
    return b;
  }

  private courseSetup(
    b: Bundle,
    c: CourseSpec,
    p: number,
    push: (e: RawEvent) => void,
  ): void {
    const m = this.m;
    const teacher = m.users[c.teacher];
    let td = this.firstActive(teacher, p, p + 5);
    if (td < 0) td = p;
    const created = m.utc(
      td,
      Math.min(LAST_MS_OF_DAY, m.sessionStart(teacher, td, 0) + 3 * MIN),
    );
    push(ev(created, APP_CLASSROOM, EVENT.createdCourse, c.teacher, c, null));
    for (let k = 0; k < c.students.length; k++) {
      const u = m.users[c.students[k]];
      // Most rosters are synced by the district; about a third join with the class code.
      if (
        u4(m.seed, u.index, c.index * 4096 + c.year, Salt.Join) >= JOIN_BY_CODE
      )
        continue;
      const d = this.firstActive(u, td, p + BUNDLE_SPAN - 1);
      if (d < 0) continue;
      let ms = m.utc(d, m.sessionStart(u, d, 0) + (2 + (k % 7)) * MIN);
      if (ms <= created) ms = created + (5 + k) * MIN;
      const e = ev(ms, APP_CLASSROOM, EVENT.joinedCourse, u.index, c, null);
      e.courseRole = 'student';
      push(e);
    }
  }

  private courseWork(
    b: Bundle,
    c: CourseSpec,
    p: number,
    k: number,
    tStart: number,
    r: Rng,
    push: (e: RawEvent) => void,
  ): void {
    const m = this.m;
    const users = m.users;
    const days = m.cal.days;
    const publishLocal = Math.min(
      LAST_MS_OF_DAY - HOUR,
      tStart + r.int(60) * MIN,
    );
    const publishMs = m.utc(p, publishLocal);
    // Due one to five school days later.
    let due = p;
    const nDue = 1 + r.int(5);
    for (let n = 0; n < nDue && due < m.nDays - 1;) {
      due++;
      if (days[due].kind === 'school') n++;
    }
    const wt = r.next();
    const workType =
      wt < 0.8
        ? 'ASSIGNMENT'
        : wt < 0.9
          ? 'SHORT_ANSWER_QUESTION'
          : 'MULTIPLE_CHOICE_QUESTION';
    const maxPoints = r.chance(0.12) ? null : r.chance(0.6) ? 100 : 10;
    const cw: CourseWorkSpec = {
      id: cwId(b.school, p, c.index, k),
      course: c,
      title: '',
      workType,
      maxPoints,
      publishMs,
      dueIndex: due,
      dueMs: m.utc(due, 23 * HOUR + 59 * MIN),
      creator: c.teacher,
    };
    b.courseWork.push(cw);
    push(
      ev(
        publishMs,
        APP_CLASSROOM,
        EVENT.publishedCourseWork,
        c.teacher,
        c,
        cw,
        -1,
        cw.id,
      ),
    );
    const teacher = users[c.teacher];
    const gradingStart = this.nextGradingStart(p, 14);
    for (let s = 0; s < c.students.length; s++) {
      const u = users[c.students[s]];
      const out: SubmissionOutcome = {
        id: 'Cg' + Number(cw.id).toString(36) + s.toString(36).padStart(3, '0'),
        cw,
        student: u.index,
        openedMs: NaN,
        turnedInMs: NaN,
        late: false,
        gradeMs: NaN,
        grade: NaN,
        returnedMs: NaN,
      };
      if (b.outcomes) b.outcomes.push(out);
      // Disengaged students (an injected remote-learning period) also do less work.
      const tries =
        (0.3 + 0.4 * Math.min(1.5, u.propensity)) * m.studentShock[b.school][p];
      if (r.next() >= tries) {
        // Opens it on the next active day, at most.
        const od = this.firstActive(u, p, p + 3);
        if (od >= 0 && r.chance(0.5)) {
          out.openedMs = Math.max(
            publishMs + MIN,
            m.utc(od, m.sessionStart(u, od, 0) + 60000),
          );
        }
        continue;
      }
      const startOff = r.chance(0.35)
        ? 0
        : 1 + Math.floor(-Math.log(1 - r.next() * 0.999) / 0.6);
      const d = this.firstActive(u, p + startOff, Math.min(due + 6, p + 14));
      if (d < 0) continue;
      let ms = m.utc(
        d,
        Math.min(
          LAST_MS_OF_DAY,
          m.sessionStart(u, d, 0) + (3 + r.int(45)) * MIN,
        ),
      );
      if (ms <= publishMs) ms = publishMs + (4 + r.int(80)) * MIN;
      if (dayIndexOfLocal(m, ms) !== d)
        ms = m.utc(d, LAST_MS_OF_DAY) - r.int(20) * MIN;
      if (ms <= publishMs) continue;
      out.openedMs = Math.max(publishMs + 30000, ms - (2 + r.int(40)) * MIN);
      out.turnedInMs = ms;
      out.late = ms > cw.dueMs;
      const turn = ev(
        ms,
        APP_CLASSROOM,
        EVENT.turnedIn,
        u.index,
        c,
        cw,
        -1,
        out.id,
      );
      turn.late = out.late;
      push(turn);
      if (r.chance(0.035)) {
        push(
          ev(
            ms - 2 * MIN,
            APP_CLASSROOM,
            EVENT.commentedCourseWork,
            u.index,
            c,
            cw,
            -1,
            cw.id,
          ),
        );
      }
      // Grading: most within a few days, part in the next marking-period close.
      let from = d + r.int(4);
      if (gradingStart >= 0 && gradingStart >= d && r.chance(0.5)) {
        from = gradingStart + r.int(4);
      }
      if (cw.maxPoints === null) {
        if (!r.chance(0.3)) continue;
      }
      const gd = this.firstActive(
        teacher,
        from,
        Math.min(from + 6, p + BUNDLE_SPAN - 1),
      );
      if (gd < 0) continue;
      let gms = m.utc(
        gd,
        Math.min(
          LAST_MS_OF_DAY - 40 * MIN,
          m.sessionStart(teacher, gd, 1) + r.int(100) * MIN,
        ),
      );
      if (gms <= ms) gms = ms + (10 + r.int(60)) * MIN;
      if (dayIndexOfLocal(m, gms) > p + BUNDLE_SPAN) continue;
      if (cw.maxPoints !== null) {
        out.gradeMs = gms;
        out.grade = Math.round(
          cw.maxPoints *
            Math.min(
              1,
              Math.max(
                0,
                0.55 + 0.3 * r.next() + 0.15 * r.next() - (out.late ? 0.1 : 0),
              ),
            ),
        );
        const g = ev(
          gms,
          APP_CLASSROOM,
          EVENT.setGrade,
          c.teacher,
          c,
          cw,
          u.index,
          out.id,
        );
        g.hasGrade = true;
        push(g);
        if (r.chance(0.12)) {
          push(
            ev(
              gms + 30000,
              APP_CLASSROOM,
              EVENT.commentedSubmissionPrivate,
              c.teacher,
              c,
              cw,
              u.index,
              out.id,
            ),
          );
        }
      }
      if (cw.maxPoints === null || r.chance(0.72)) {
        const rms = gms + (1 + r.int(30)) * MIN;
        if (dayIndexOfLocal(m, rms) !== dayIndexOfLocal(m, gms)) continue;
        out.returnedMs = rms;
        const ret = ev(
          rms,
          APP_CLASSROOM,
          EVENT.returned,
          c.teacher,
          c,
          cw,
          u.index,
          out.id,
        );
        ret.hasGrade = cw.maxPoints !== null;
        ret.late = out.late;
        push(ret);
      }
    }
  }

  /**
   * The events of one school on one day, before delivery faults: logins of every user
   * of the school, and the Classroom events that land on this day.
   */
  schoolDay(school: number, i: number): RawEvent[] {
    const m = this.m;
    const out: RawEvent[] = [];
    const [u0, u1] = m.schoolUsers(school);
    for (let ui = u0; ui < u1; ui++) {
      const u = m.users[ui];
      if (!m.isActive(u, i)) continue;
      const teacherLike = u.role === 'teacher' || u.role === 'staff';
      const extra = u4(m.seed, ui, i, Salt.Sessions);
      const sessions =
        extra < (teacherLike ? 0.05 : 0.015)
          ? 3
          : extra < (teacherLike ? 0.33 : 0.08)
            ? 2
            : 1;
      let prevEnd = 0;
      for (let k = 0; k < sessions; k++) {
        let t = m.sessionStart(u, i, k);
        if (t < prevEnd + 20 * MIN) t = prevEnd + 20 * MIN + (k * 7 + 3) * MIN;
        if (t > LAST_MS_OF_DAY - 5 * MIN) break;
        const h = u4(m.seed, ui, i * 8 + k, Salt.Failure);
        if (h < 0.03) {
          out.push(
            ev(
              m.utc(i, t - MIN),
              APP_LOGIN,
              EVENT.loginFailure,
              ui,
              null,
              null,
            ),
          );
        }
        out.push(
          ev(m.utc(i, t), APP_LOGIN, EVENT.loginSuccess, ui, null, null),
        );
        const lo = u4(m.seed, ui, i * 8 + k, Salt.Logout);
        const dur = (10 + (Math.floor(lo * 1000) % 110)) * MIN;
        // Most sessions end without a logout event (lid closed, tab left open).
        if (lo < (teacherLike ? LOGOUT_SHARE.teacher : LOGOUT_SHARE.student)) {
          const end = Math.min(LAST_MS_OF_DAY + MIN, t + dur);
          out.push(ev(m.utc(i, end), APP_LOGIN, EVENT.logout, ui, null, null));
        }
        prevEnd = t + dur;
      }
    }
    if (school >= 0 && school < m.schools.length) {
      for (let p = Math.max(0, i - BUNDLE_SPAN); p <= i; p++) {
        const evs = this.bundle(school, p).byDay.get(i);
        if (evs) for (const e of evs) out.push(e);
      }
    }
    return out;
  }
}

/** Period index of the New York day holding a UTC instant. */
export function dayIndexOfLocal(m: DistrictModel, ms: number): number {
  return m.dayIndexOf(ms);
}

/** Unique by construction: (school, course, day, k) packed into one integer. */
function packed(school: number, course: number, p: number, k: number): number {
  return ((school * 4096 + course) * 4096 + p) * 16 + k;
}

function cwId(school: number, p: number, course: number, k: number): string {
  return String(100000000000 + packed(school, course, p, k));
}

function annId(school: number, p: number, course: number, k: number): string {
  return String(700000000000 + packed(school, course, p, k));
}
