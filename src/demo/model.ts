/**
 * The demo district's structure (schools, users, courses) and its latent daily use:
 * per school and day, the probability that a typical student or teacher is active.
 * Everything observable (Reports activities, usage reports, Classroom objects, the
 * LearnPlatform files) is drawn from these, so the ground truth is known exactly.
 */
import {buildCalendar, DayInfo, DemoCalendar} from './calendar';
import {civil, DAY_MS, isoDate, nyDayOf, nyLocalToUtc} from './dates';
import {
  BOROUGHS,
  courseName,
  emailLocal,
  FAMILY_NAMES,
  GIVEN_NAMES,
  Level,
  schoolName,
} from './names';
import {
  DataIssue,
  injectAnomalies,
  injectDataIssues,
  InjectedAnomaly,
} from './injected';
import {hash4, numericId, Rng, u4} from './random';

export type {DataIssue, InjectedAnomaly} from './injected';

export type UserRole = 'student' | 'teacher' | 'staff' | 'unknown';

/** Salts that keep independent draws apart (the fourth key of every hash). */
export const Salt = {
  Active: 1,
  Sessions: 2,
  SessionTime: 3,
  Logout: 4,
  Failure: 5,
  Home: 6,
  Comment: 7,
  Join: 8,
  Duplicate: 9,
  Qualifier: 10,
} as const;

export interface SchoolSpec {
  index: number;
  orgUnitId: string;
  name: string;
  borough: string;
  orgUnitPath: string;
  level: Level;
  /** District id of this school in the LearnPlatform export. */
  lpDistrictId: string;
  students: number;
  teachers: number;
  staff: number;
  /** Use multiplier against peers (1 = typical). */
  baseline: number;
  underusing: boolean;
  /** Log growth of use per year. */
  growth: number;
  ip: string;
  pctBlackHispanic: number;
  pctFreeReduced: number;
  connectionsRatio: number;
  ppTotal: number;
  locale: string;
  /** Index of the first user of the school; teachers, then staff, then students. */
  firstUser: number;
  /** Graduation years of the student sub-OUs, oldest grade first. */
  classOf: number[];
  /** Grades taught, highest first. */
  grades: number[];
  /** Users of the school (teachers, staff, students, later cohorts), from firstUser. */
  userCount: number;
}

export interface UserSpec {
  index: number;
  school: number; // -1 for users in no school
  role: UserRole;
  id: string;
  email: string;
  givenName: string;
  familyName: string;
  orgUnitPath: string;
  /** Multiplies the school's daily activity probability. */
  propensity: number;
  /** First day (day number) the account is suspended, or Infinity. */
  suspendedFrom: number;
  createdMs: number;
  /** Grade in the first school year of the period (students; negative for later cohorts). */
  grade: number;
  /** First day (day number) the account exists and can be active. */
  activeFrom: number;
}

export interface CourseSpec {
  id: string;
  school: number;
  year: number;
  index: number;
  name: string;
  section: string;
  teacher: number; // user index
  students: Int32Array; // user indices
  createdDay: number;
  enrollmentCode: string;
}

export interface ModelOptions {
  schools: number;
  seed: number;
  startDay: number;
  endDay: number;
  scale: number;
  /** The district's own calendar over [startDay, endDay] (default: New York-like). */
  calendar?: DemoCalendar;
}

const TIME_ZONE_DOMAIN = 'nycdemo.k12.example.org';

/** Day-kind factors on the activity probability of students and teachers. */
export const KIND_FACTOR: Record<DayInfo['kind'], [number, number]> = {
  school: [1, 1],
  weekend: [0.09, 0.16],
  holiday: [0.05, 0.09],
  staff: [0.05, 0.7],
  break: [0.045, 0.07],
  summer: [0.012, 0.025],
};
/**
 * Half-day (early dismissal) factors on students and teachers: about half the students'
 * school-day activity, teachers less reduced (they stay for the afternoon).
 */
export const HALF_DAY_FACTOR: [number, number] = [0.5, 0.75];
/** Monday..Friday effect on school days. */
const DOW_FACTOR = [0.12, 1.02, 1.04, 1.02, 0.99, 0.88, 0.07];

const BASE_STUDENT: Record<Level, number> = {
  elementary: 0.265,
  middle: 0.27,
  high: 0.275,
};
const BASE_TEACHER = 0.88;
/** Weight of the last three days' teacher effort in student activity (log scale). */
export const TEACHER_TO_STUDENT_ELASTICITY = 0.85;
export const TEACHER_TO_STUDENT_LAG_DAYS = [1, 2, 3];
/** Shapes of the day's own multiplicative noise, Gamma(k)/k, on students and teachers. */
export const DAY_NOISE_SHAPE = {student: 45, teacher: 70} as const;
/** Ceilings of a school's daily activity probability, and of one user's. */
export const P_CAP = {student: 0.97, teacher: 0.99, user: 0.985} as const;

/**
 * An org unit's name for a school name: Google allows no "/" in one, and the Admin SDK and
 * School Directory Sync replace it with "_" (Admin help, "Add an organizational unit").
 */
export function orgUnitName(name: string): string {
  return name.replace(/\//g, '_');
}

export class DistrictModel {
  readonly seed: number;
  readonly startDay: number;
  readonly endDay: number;
  readonly nDays: number;
  readonly scale: number;
  readonly cal: DemoCalendar;
  readonly customerId: string;
  readonly domain = TIME_ZONE_DOMAIN;
  readonly schools: SchoolSpec[] = [];
  /** Users of all schools, then the district office and unassigned students. */
  readonly users: UserSpec[] = [];
  /** Index of the first user in no school. */
  districtFirstUser = 0;
  /** Per school (and one extra row for users in no school): P(active) by day. */
  readonly pStudent: Float32Array[] = [];
  readonly pTeacher: Float32Array[] = [];
  /** Teacher effort multiplier (publishing volume) by school and day. */
  readonly effort: Float32Array[] = [];
  /**
   * Per school: P(active) by day before the day's own noise draw, any injected event and
   * the caps -- what an observer who knew everything but that day's draw would expect.
   * Only the scoring side reads it (how separable an injected event is from noise).
   */
  readonly expectedStudent: Float32Array[] = [];
  readonly expectedTeacher: Float32Array[] = [];
  /** Injected disengagement factor on students by school and day (1 = none). */
  readonly studentShock: Float32Array[] = [];
  readonly anomalies: InjectedAnomaly[] = [];
  readonly dataIssues: DataIssue[] = [];
  /** `${school}:${day}:${app}` -> local ms of day from which events are dropped. */
  readonly issueCutoff = new Map<string, number>();
  /** Period days with a data issue somewhere. */
  readonly issueDays = new Set<number>();
  private readonly courseCache = new Map<string, CourseSpec[]>();
  private readonly creationIndex = new Map<number, number>();
  /** UTC ms of each period day's local midnight (one extra day at the end). */
  private readonly dayStartUtc: Float64Array;
  /** UTC offset (ms) in force from 03:00 local on each period day. */
  private readonly dayOffset: Float64Array;
  private readonly courseById = new Map<string, CourseSpec>();

  constructor(opts: ModelOptions) {
    this.seed = opts.seed >>> 0;
    this.startDay = opts.startDay;
    this.endDay = opts.endDay;
    this.nDays = opts.endDay - opts.startDay + 1;
    this.scale = opts.scale;
    this.cal = opts.calendar ?? buildCalendar(opts.startDay, opts.endDay);
    this.dayStartUtc = new Float64Array(this.nDays + 2);
    this.dayOffset = new Float64Array(this.nDays + 2);
    for (let i = 0; i < this.nDays + 2; i++) {
      const day = this.startDay + i;
      this.dayStartUtc[i] = nyLocalToUtc(day, 0);
      this.dayOffset[i] =
        day * DAY_MS + 12 * 3600000 - nyLocalToUtc(day, 12 * 3600000);
    }
    const rng = new Rng(this.seed, 0x5c4001);
    this.customerId =
      'C0' + (rng.int(0x7fffffff) >>> 0).toString(36).slice(0, 7);
    this.buildSchools(opts.schools, rng);
    this.buildUsers();
    injectAnomalies(this, new Rng(this.seed, 0xa40a));
    for (let s = 0; s <= this.schools.length; s++) this.buildLatent(s);
    injectDataIssues(this, new Rng(this.seed, 0xd47a));
  }

  get dayInfo(): DayInfo[] {
    return this.cal.days;
  }

  // --- Schools ------------------------------------------------------------------

  private buildSchools(n: number, rng: Rng): void {
    const nUnder = n >= 3 ? Math.max(1, Math.round(n * 0.125)) : 0;
    const under = new Set<number>();
    while (under.size < nUnder) under.add(rng.int(n));
    const usedNames = new Set<string>();
    const usedLp = new Set<number>();
    for (let i = 0; i < n; i++) {
      const r = new Rng(this.seed, 0x5c400 + i);
      const u = r.next();
      let acc = 0;
      let borough: (typeof BOROUGHS)[number] = BOROUGHS[0];
      for (const b of BOROUGHS) {
        acc += b.weight;
        if (u < acc) {
          borough = b;
          break;
        }
      }
      const lv = r.next();
      const level: Level =
        lv < 0.5 ? 'elementary' : lv < 0.75 ? 'middle' : 'high';
      let name = schoolName(r, level, i);
      while (usedNames.has(name)) name = `${name} (${borough.code}${i})`;
      usedNames.add(name);
      const students = Math.round(
        Math.exp(Math.log(60) + r.next() * (Math.log(450) - Math.log(60))) *
          this.scale,
      );
      const teachers = Math.max(
        5,
        Math.min(30, Math.round(students / (13 + r.next() * 5))),
      );
      const isUnder = under.has(i);
      const baseline = isUnder
        ? 0.45 + r.next() * 0.17
        : Math.min(1.1, Math.max(0.9, Math.exp(0.05 * r.normal())));
      let lp = 1000 + r.int(9000);
      while (usedLp.has(lp)) lp = 1000 + r.int(9000);
      usedLp.add(lp);
      // Poorer schools skew towards lower use, as the equity analysis should find.
      const poverty = Math.min(
        0.99,
        Math.max(0.05, 0.62 + 0.2 * r.normal() + (isUnder ? 0.15 : 0)),
      );
      const grades =
        level === 'elementary'
          ? [5, 4, 3, 2, 1, 0]
          : level === 'middle'
            ? [8, 7, 6]
            : [12, 11, 10, 9];
      const firstYear = this.schoolYears()[0] ?? civil(this.startDay).year;
      const gradYearBase = firstYear + 1;
      this.schools.push({
        index: i,
        orgUnitId: 'id:03ph' + (hash4(this.seed, 0x0a, i) >>> 0).toString(36),
        name,
        borough: borough.name,
        orgUnitPath: `/Schools/${borough.name}/${orgUnitName(name)}`,
        level,
        lpDistrictId: String(lp),
        students,
        teachers,
        staff: 2 + r.int(3),
        baseline,
        underusing: isUnder,
        growth: 0.14 + 0.03 * r.normal(),
        ip: `198.18.${(i >> 6) & 255}.${(i * 4 + 1) & 255}`,
        pctBlackHispanic: Math.min(
          0.99,
          Math.max(0.03, 0.66 + 0.25 * r.normal()),
        ),
        pctFreeReduced: poverty,
        connectionsRatio: r.chance(0.9) ? 0.5 : 1.5,
        ppTotal: 24000 + r.int(10000),
        locale: borough.name === 'Staten Island' ? 'Suburb' : 'City',
        firstUser: 0,
        classOf: grades.map(g => gradYearBase + 12 - g),
        grades,
        userCount: 0,
      });
    }
  }

  // --- Users --------------------------------------------------------------------

  private makeUser(
    school: number,
    role: UserRole,
    orgUnitPath: string,
    propensity: number,
    grade: number,
  ): UserSpec {
    const index = this.users.length;
    const r = new Rng(this.seed, 0x05e4, index);
    const givenName = r.pick(GIVEN_NAMES);
    const familyName = r.pick(FAMILY_NAMES);
    const created = this.startDay - 30 - r.int(1500);
    const suspended =
      role === 'student' && r.chance(0.015)
        ? this.startDay + 30 + r.int(Math.max(1, this.nDays - 60))
        : Infinity;
    const user: UserSpec = {
      index,
      school,
      role,
      id: numericId(r, 21),
      email: `${emailLocal(givenName, familyName, 1 + (index % 997))}@${this.domain}`,
      givenName,
      familyName,
      orgUnitPath,
      propensity,
      suspendedFrom: suspended,
      createdMs: created * DAY_MS + 14 * 3600000 + r.int(3600000 * 6),
      grade,
      activeFrom: -Infinity,
    };
    this.users.push(user);
    return user;
  }

  /**
   * Students of a school. About 4% never use their account; the rest vary widely. The
   * active ones are rescaled to a common mean, so a small school's use differs from its
   * peers by its baseline, not by the luck of its draw.
   */
  private makeStudents(
    s: SchoolSpec,
    r: Rng,
    n: number,
    gradeOf: (k: number) => number,
    arrivesAt: number | null,
  ): void {
    const props: number[] = [];
    for (let k = 0; k < n; k++) {
      props.push(r.chance(0.04) ? 0 : Math.exp(0.55 * r.normal() - 0.15));
    }
    const active = props.filter(x => x > 0);
    const mean = active.reduce((a, b) => a + b, 0) / Math.max(1, active.length);
    const firstYear = this.schoolYears()[0] ?? civil(this.startDay).year;
    for (let k = 0; k < n; k++) {
      const grade = gradeOf(k);
      const u = this.makeUser(
        s.index,
        'student',
        `${s.orgUnitPath}/Students/Class of ${firstYear + 1 + 12 - grade}`,
        props[k] * (0.99 / mean),
        grade,
      );
      if (arrivesAt !== null) {
        u.activeFrom = this.startDay + arrivesAt;
        u.createdMs = this.utc(arrivesAt, 10 * 3600000 + r.int(6 * 3600000));
      }
    }
  }

  private buildUsers(): void {
    for (const s of this.schools) {
      s.firstUser = this.users.length;
      const r = new Rng(this.seed, 0x05e5, s.index);
      for (let t = 0; t < s.teachers; t++) {
        this.makeUser(
          s.index,
          'teacher',
          `${s.orgUnitPath}/Teachers`,
          Math.exp(0.25 * r.normal() - 0.03),
          -1,
        );
      }
      for (let t = 0; t < s.staff; t++) {
        this.makeUser(
          s.index,
          'staff',
          `${s.orgUnitPath}/Staff`,
          Math.exp(0.3 * r.normal()),
          -1,
        );
      }
      this.makeStudents(
        s,
        r,
        s.students,
        k => s.grades[k % s.grades.length],
        null,
      );
      // At each new school year the top grade leaves (accounts suspended when teachers
      // set up the year) and an entry cohort of the same size gets new accounts, so
      // enrolment stays s.students.
      const years = this.schoolYears();
      for (let y = 1; y < years.length; y++) {
        const setup = this.courseCreationIndex(years[y]);
        const shift = years[y] - years[0];
        const top = s.grades[0];
        let leaving = 0;
        for (let ui = s.firstUser; ui < this.users.length; ui++) {
          const u = this.users[ui];
          if (u.role !== 'student' || u.grade + shift !== top + 1) continue;
          u.suspendedFrom = Math.min(u.suspendedFrom, this.startDay + setup);
          leaving++;
        }
        const entry = s.grades[s.grades.length - 1];
        s.classOf.push(years[y] + 1 + 12 - entry);
        this.makeStudents(s, r, leaving, () => entry - shift, setup);
      }
      s.userCount = this.users.length - s.firstUser;
    }
    this.districtFirstUser = this.users.length;
    const nOffice = Math.max(3, Math.round(this.schools.length / 5));
    const r = new Rng(this.seed, 0x0ff1ce);
    for (let i = 0; i < nOffice; i++) {
      this.makeUser(
        -1,
        'staff',
        i === 0 ? '/' : '/District Office',
        Math.exp(0.3 * r.normal()),
        -1,
      );
    }
    const nUnassigned = Math.max(2, Math.round(this.schools.length / 4));
    for (let i = 0; i < nUnassigned; i++) {
      this.makeUser(-1, 'unknown', '/Students Unassigned', 0.8, -1);
    }
  }

  /** Users of a school, in index order (teachers, staff, students). */
  schoolUsers(school: number): [number, number] {
    if (school < 0 || school >= this.schools.length) {
      return [this.districtFirstUser, this.users.length];
    }
    const s = this.schools[school];
    return [s.firstUser, s.firstUser + s.userCount];
  }

  // --- Latent daily activity ------------------------------------------------------

  private buildLatent(school: number): void {
    const n = this.nDays;
    const pS = new Float32Array(n);
    const pT = new Float32Array(n);
    const eff = new Float32Array(n);
    const shock = new Float32Array(n);
    const expS = new Float32Array(n);
    const expT = new Float32Array(n);
    const s = this.schools[school];
    const level: Level = s ? s.level : 'middle';
    const baseline = s ? s.baseline : 1;
    const growth = s ? s.growth : 0.14;
    const base = BASE_STUDENT[level] * baseline;
    const r = new Rng(this.seed, 0x1a7e, school);
    const common = this.commonShocks();
    let xT = 0;
    let xS = 0;
    const lagBuf: number[] = [0, 0, 0];
    const ramp = this.rampFactors();
    // Anomalies that touch this school (users in no school share district-wide ones).
    const hits = this.anomalies.filter(a =>
      s ? a.schoolIds.includes(s.orgUnitId) : a.scope === 'district',
    );
    for (let i = 0; i < n; i++) {
      const day = this.cal.days[i];
      const wd = (((day.dayNo + 4) % 7) + 7) % 7;
      const [kS0, kT0] = KIND_FACTOR[day.kind];
      const kS = day.halfDay ? kS0 * HALF_DAY_FACTOR[0] : kS0;
      const kT = day.halfDay ? kT0 * HALF_DAY_FACTOR[1] : kT0;
      xT = 0.7 * xT + 0.13 * r.normal();
      xS = 0.5 * xS + 0.09 * r.normal();
      const teacherLog = xT + common[i];
      const lagged =
        (lagBuf[0] + lagBuf[1] + lagBuf[2]) /
        TEACHER_TO_STUDENT_LAG_DAYS.length;
      lagBuf.unshift(teacherLog);
      lagBuf.pop();
      const years = i / 365.25;
      const g = Math.exp(growth * years);
      const dow = day.kind === 'school' ? DOW_FACTOR[wd] : wd === 0 ? 1.4 : 1;
      const testing = day.testing[level];
      const noiseS = r.gamma(DAY_NOISE_SHAPE.student) / DAY_NOISE_SHAPE.student;
      const noiseT = r.gamma(DAY_NOISE_SHAPE.teacher) / DAY_NOISE_SHAPE.teacher;
      let fS = 1;
      let fT = 1;
      let disengaged = 1;
      for (const a of hits) {
        if (day.date < a.start || day.date > a.end) continue;
        fS *= a.studentFactor;
        fT *= a.teacherFactor;
        if (a.kind === 'disengagement') disengaged *= a.studentFactor;
      }
      shock[i] = disengaged;
      const studentEffort = Math.exp(
        TEACHER_TO_STUDENT_ELASTICITY * lagged + xS,
      );
      // The same left-to-right products as before the expectations were kept, so every
      // draw compares against bit-identical probabilities.
      const meanS = base * kS * dow * ramp[i] * g * testing * studentEffort;
      expS[i] = meanS;
      pS[i] = Math.min(P_CAP.student, meanS * noiseS * fS);
      const grading = day.grading ? 1.06 : 1;
      const setup = this.isSetupDay(i) ? 0.22 / kT : 1;
      const meanT =
        BASE_TEACHER *
        Math.sqrt(baseline) *
        kT *
        setup *
        (day.kind === 'school' ? Math.min(1.05, DOW_FACTOR[wd] + 0.05) : 1) *
        Math.exp(0.3 * growth * years) *
        (1 + (testing - 1) / 2) *
        grading *
        Math.exp(0.5 * teacherLog);
      expT[i] = meanT;
      pT[i] = Math.min(P_CAP.teacher, meanT * noiseT * fT);
      eff[i] = Math.exp(teacherLog) * g * (1 + (testing - 1) / 2);
    }
    this.pStudent.push(pS);
    this.pTeacher.push(pT);
    this.effort.push(eff);
    this.studentShock.push(shock);
    this.expectedStudent.push(expS);
    this.expectedTeacher.push(expT);
  }

  private commonCache: Float64Array | null = null;

  /** District-wide shocks shared by every school's teachers (AR(1)). */
  private commonShocks(): Float64Array {
    if (this.commonCache) return this.commonCache;
    const r = new Rng(this.seed, 0xc0e0);
    const c = new Float64Array(this.nDays);
    let x = 0;
    for (let i = 0; i < this.nDays; i++) {
      x = 0.6 * x + 0.07 * r.normal();
      c[i] = x;
    }
    this.commonCache = c;
    return c;
  }

  private rampCache: Float64Array | null = null;

  /** Students ramp up over the first two weeks and wind down in the last week. */
  private rampFactors(): Float64Array {
    if (this.rampCache) return this.rampCache;
    const f = new Float64Array(this.nDays).fill(1);
    const days = this.cal.days;
    for (let i = 0; i < days.length; i++) {
      const k = days[i].schoolDayIndex;
      if (k >= 0 && k < 8) f[i] = 0.55 + (0.45 * k) / 8;
    }
    // Last five school days of each year.
    let count = 0;
    for (let i = days.length - 1; i >= 0; i--) {
      if (days[i].kind === 'summer') count = 0;
      else if (days[i].kind === 'school' && count < 5) {
        f[i] *= 0.75;
        count++;
      }
    }
    return (this.rampCache = f);
  }

  /** Weekdays in the ten days before the first day: teachers set up courses. */
  isSetupDay(i: number): boolean {
    const day = this.cal.days[i];
    if (day.kind !== 'summer') return false;
    const wd = (((day.dayNo + 4) % 7) + 7) % 7;
    if (wd === 0 || wd === 6) return false;
    for (let k = 1; k <= 14 && i + k < this.nDays; k++) {
      const next = this.cal.days[i + k];
      if (next.kind === 'staff' || next.kind === 'school') return true;
      if (next.kind !== 'summer' && next.kind !== 'weekend') return false;
    }
    return false;
  }

  /** Probability that a user is active on a day (index into the period). */
  pActive(user: UserSpec, i: number): number {
    if (i < 0 || i >= this.nDays) return 0;
    const day = this.startDay + i;
    if (day >= user.suspendedFrom || day < user.activeFrom) return 0;
    const sc = user.school < 0 ? this.schools.length : user.school;
    const base =
      user.role === 'student' || user.role === 'unknown'
        ? this.pStudent[sc][i]
        : this.pTeacher[sc][i];
    return Math.min(P_CAP.user, base * user.propensity);
  }

  /** Whether a user is active on a day: the one coin every observable shares. */
  isActive(user: UserSpec, i: number): boolean {
    const p = this.pActive(user, i);
    return p > 0 && u4(this.seed, user.index, i, Salt.Active) < p;
  }

  /**
   * Local ms of day at which a user's k-th session of a day starts: school hours on
   * school days, afternoons and evenings otherwise.
   */
  sessionStart(user: UserSpec, i: number, k: number): number {
    const day = this.cal.days[i];
    const a = u4(this.seed, user.index, i * 8 + k, Salt.SessionTime);
    const b = u4(this.seed, user.index, i * 8 + k + 4, Salt.SessionTime);
    const H = 3600000;
    const isStudent = user.role === 'student' || user.role === 'unknown';
    if (day.kind === 'school' || (day.kind === 'staff' && !isStudent)) {
      const inSchool = a < (isStudent ? 0.72 : 0.66);
      if (inSchool) {
        // Front-loaded school hours: 7:40 to 15:10.
        const start = isStudent ? 8 * H - 20 * 60000 : 7 * H + 10 * 60000;
        return start + Math.floor(b * b * 7.5 * H);
      }
      return 15.5 * H + Math.floor(b * 6.8 * H);
    }
    return 9.5 * H + Math.floor(b * 13 * H);
  }

  /** UTC ms for a local ms of day on period day i. */
  utc(i: number, localMs: number): number {
    if (localMs === 0 && i >= 0 && i < this.dayStartUtc.length) {
      return this.dayStartUtc[i];
    }
    if (localMs >= 3 * 3600000 && i >= 0 && i < this.dayOffset.length) {
      return (this.startDay + i) * DAY_MS + localMs - this.dayOffset[i];
    }
    return nyLocalToUtc(this.startDay + i, localMs);
  }

  /** Period index of the New York day holding a UTC instant. */
  dayIndexOf(ms: number): number {
    let k = Math.floor((ms - 4 * 3600000) / DAY_MS) - this.startDay;
    if (k < 0 || k > this.nDays) return nyDayOf(ms) - this.startDay;
    if (ms < this.dayStartUtc[k]) k--;
    else if (k + 1 < this.dayStartUtc.length && ms >= this.dayStartUtc[k + 1])
      k++;
    return k;
  }

  // --- Courses ------------------------------------------------------------------

  /** School years whose courses exist in the period (autumn year). */
  schoolYears(): number[] {
    const ys = new Set<number>();
    for (const d of this.cal.days) {
      if (
        d.schoolYear >= 0 &&
        (d.kind === 'school' || this.isSetupDayByNo(d))
      ) {
        ys.add(d.schoolYear);
      }
    }
    return [...ys].sort((a, b) => a - b);
  }

  private isSetupDayByNo(d: DayInfo): boolean {
    return this.isSetupDay(d.dayNo - this.startDay);
  }

  /** First teacher setup day (period index) of a school year, or the period start. */
  courseCreationIndex(year: number): number {
    const hit = this.creationIndex.get(year);
    if (hit !== undefined) return hit;
    let found = 0;
    for (let i = 0; i < this.nDays; i++) {
      const d = this.cal.days[i];
      if (d.schoolYear !== year) continue;
      if (this.isSetupDay(i) || d.kind === 'staff' || d.kind === 'school') {
        found = i;
        break;
      }
    }
    this.creationIndex.set(year, found);
    return found;
  }

  /** The courses of one school in one school year, with rosters. */
  courses(school: number, year: number): CourseSpec[] {
    const key = `${school}:${year}`;
    const hit = this.courseCache.get(key);
    if (hit) return hit;
    const s = this.schools[school];
    const r = new Rng(this.seed, 0xc0a5e, school, year);
    const out: CourseSpec[] = [];
    const created = this.courseCreationIndex(year);
    const firstYear = this.schoolYears()[0] ?? year;
    const yearShift = year - firstYear;
    // Students in the school that year, grouped by grade.
    const byGrade = new Map<number, number[]>();
    const yearStart = this.startDay + created;
    for (let k = 0; k < s.userCount; k++) {
      const u = this.users[s.firstUser + k];
      if (u.role !== 'student') continue;
      const g = u.grade + yearShift;
      if (!s.grades.includes(g)) continue;
      if (u.activeFrom > yearStart + 14 || u.suspendedFrom <= yearStart)
        continue;
      const arr = byGrade.get(g) ?? [];
      arr.push(u.index);
      byGrade.set(g, arr);
    }
    const grades = [...byGrade.keys()].sort((a, b) => a - b);
    const perStudent =
      s.level === 'elementary' ? 2 : s.level === 'middle' ? 4 : 5;
    const nCourses = Math.max(
      s.teachers,
      Math.round((s.students * perStudent) / 26),
    );
    for (let c = 0; c < nCourses; c++) {
      const teacher = s.firstUser + (c % s.teachers);
      const grade = grades[c % grades.length] ?? 0;
      const name = courseName(
        r,
        s.level,
        grade,
        this.users[teacher].familyName,
      );
      out.push({
        id: numericId(new Rng(this.seed, 0xc1d, school * 4096 + c, year), 12),
        school,
        year,
        index: c,
        name,
        section: `${year}-${String(year + 1).slice(2)}`,
        teacher,
        students: new Int32Array(0),
        createdDay: created,
        enrollmentCode: (hash4(this.seed, school, c, year) >>> 0)
          .toString(36)
          .slice(0, 7),
      });
    }
    // Rosters: each student joins `perStudent` courses of their grade where possible.
    const rosters: number[][] = out.map(() => []);
    for (const g of grades) {
      const studs = byGrade.get(g)!;
      const pool = out
        .map((c, i) => i)
        .filter(i => (grades[i % grades.length] ?? 0) === g);
      const cands = pool.length > 0 ? pool : out.map((c, i) => i);
      for (const u of studs) {
        const take = Math.min(perStudent, cands.length);
        const start = r.int(cands.length);
        for (let k = 0; k < take; k++) {
          rosters[cands[(start + k) % cands.length]].push(u);
        }
      }
    }
    out.forEach((c, i) => {
      c.students = Int32Array.from(rosters[i]);
      this.courseById.set(c.id, c);
    });
    this.courseCache.set(key, out);
    return out;
  }

  courseById_(id: string): CourseSpec | undefined {
    const hit = this.courseById.get(id);
    if (hit) return hit;
    for (const y of this.schoolYears()) {
      for (let s = 0; s < this.schools.length; s++) this.courses(s, y);
    }
    return this.courseById.get(id);
  }

  dateOf(i: number): string {
    return isoDate(this.startDay + i);
  }
}
