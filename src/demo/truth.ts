/**
 * Ground truth of the demo district: what was injected (anomalies, data faults,
 * under-using schools, effects) and the exact aggregates an ingestion should recover
 * from the Reports API after dropping duplicates (per day, school and role; per ISO
 * week with exact distinct users), with the teacher-student correlation measured on
 * those weekly series.
 */
import {APP_LOGIN, EVENT, EventGenerator} from './events';
import {
  DataIssue,
  DistrictModel,
  InjectedAnomaly,
  TEACHER_TO_STUDENT_ELASTICITY,
  TEACHER_TO_STUDENT_LAG_DAYS,
} from './model';
import {isoDate, isoWeek, mondayOf} from './dates';
import {pearson as pearsonTest} from '../stats/correlation';

export type TruthRole = 'student' | 'teacher' | 'staff' | 'unknown';
const ROLES: TruthRole[] = ['student', 'teacher', 'staff', 'unknown'];

export interface SchoolTruth {
  schoolId: string;
  name: string;
  orgUnitPath: string;
  learnPlatformDistrictId: string;
  level: 'elementary' | 'middle' | 'high';
  borough: string;
  locale: string;
  enrolledStudents: number;
  enrolledTeachers: number;
  staff: number;
  /** Use multiplier against typical schools (1 = typical; under-users 0.45-0.62). */
  baselineUse: number;
  underusing: boolean;
  /** Growth of student use per year, as a fraction (0.15 = +15%). */
  growthPerYear: number;
  pctFreeReduced: number;
  pctBlackHispanic: number;
}

/** One day x school x role, as delivered by the Reports API after de-duplication. */
export interface DailyTruth {
  date: string;
  /** School org unit id, or '' for users in no school. */
  schoolId: string;
  role: TruthRole;
  loginEvents: number;
  classroomEvents: number;
  /** login_success events. */
  logins: number;
  /** Distinct users with any delivered event. */
  activeUsers: number;
  /** Distinct users with a delivered Classroom event. */
  classroomActiveUsers: number;
  turnedIn: number;
  gradesSet: number;
  courseWorkPublished: number;
  /** Events the users generated, before missing and partial days dropped some. */
  generatedEvents: number;
}

export interface WeeklyTruth {
  week: string;
  weekStart: string;
  schoolId: string;
  role: TruthRole;
  events: number;
  /** Distinct users active in the week (exact). */
  activeUsers: number;
  schoolDays: number;
}

export interface CorrelationTruth {
  definition: string;
  /** District-wide weekly teacher events vs student events, weeks with >= 3 school days. */
  districtWeeklyEvents: number;
  /** The same with student events one week after teacher events. */
  districtWeeklyEventsLag1: number;
  /** District-wide weekly distinct active teachers vs students. */
  districtWeeklyActiveUsers: number;
  /** Median over schools of the per-school weekly events correlation. */
  perSchoolMedianWeeklyEvents: number;
  /** Pooled over schools after removing each school's mean (within-school). */
  pooledWithinSchoolWeeklyEvents: number;
  weeks: number;
  /** The generating mechanism. */
  lagDays: number[];
  elasticity: number;
}

export interface GroundTruth {
  seed: number;
  startDate: string;
  endDate: string;
  timeZone: string;
  schools: SchoolTruth[];
  enrolment: Record<
    string,
    {students: number; teachers: number; staff: number}
  >;
  underusingSchools: string[];
  anomalies: InjectedAnomaly[];
  dataIssues: DataIssue[];
  duplicateRate: number;
  effects: {
    annualGrowthMean: number;
    testingUplift: number;
    weekendFactorStudents: number;
    teacherToStudentLagDays: number[];
    teacherToStudentElasticity: number;
    logoutShareStudents: number;
    logoutShareTeachers: number;
  };
  /** Computed on first access (a pass over every day). */
  readonly correlation: CorrelationTruth;
  readonly daily: DailyTruth[];
  readonly weekly: WeeklyTruth[];
  /** Activities delivered, duplicates included, per application. */
  readonly activityCounts: {
    login: number;
    classroom: number;
    duplicates: number;
  };
}

/**
 * Pearson's r of the paired values (the shorter length), NaN where it is undefined
 * (fewer than 3 pairs, or a constant series): the scorer's truth, from src/stats.
 */
export function pearson(x: number[], y: number[]): number {
  const n = Math.min(x.length, y.length);
  const a = x.slice(0, n);
  const b = y.slice(0, n);
  if (n < 3 || a.every(v => v === a[0]) || b.every(v => v === b[0])) return NaN;
  return pearsonTest(a, b).r;
}

function median(v: number[]): number {
  const s = v.filter(x => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

interface Aggregates {
  daily: DailyTruth[];
  weekly: WeeklyTruth[];
  counts: {login: number; classroom: number; duplicates: number};
}

/** One pass over every day: the aggregates the pipeline should recover. */
export function computeAggregates(
  m: DistrictModel,
  gen: EventGenerator,
  delivered: (slot: number, i: number, e: {app: number; ms: number}) => boolean,
  duplicated: (slot: number, i: number, seq: number) => boolean,
): Aggregates {
  const slots = m.schools.length + 1;
  const slotId = (s: number) =>
    s < m.schools.length ? m.schools[s].orgUnitId : '';
  const seenDay = new Int32Array(m.users.length).fill(-1);
  const seenDayCls = new Int32Array(m.users.length).fill(-1);
  const seenWeek = new Int32Array(m.users.length).fill(-1);
  const daily: DailyTruth[] = [];
  const weekly: WeeklyTruth[] = [];
  const counts = {login: 0, classroom: 0, duplicates: 0};
  // Week accumulators by slot x role: events and distinct users.
  let weekEvents = new Float64Array(slots * 4);
  let weekActive = new Float64Array(slots * 4);
  let weekSeen = new Uint8Array(slots * 4);
  const roleIdx = (r: TruthRole) =>
    r === 'student' ? 0 : r === 'teacher' ? 1 : r === 'staff' ? 2 : 3;
  let curWeek = -1;
  let schoolDays = 0;
  const flushWeek = () => {
    if (curWeek < 0) return;
    for (let s = 0; s < slots; s++) {
      for (const r of ROLES) {
        const k = s * 4 + roleIdx(r);
        if (!weekSeen[k]) continue;
        weekly.push({
          week: isoWeek(curWeek),
          weekStart: isoDate(curWeek),
          schoolId: slotId(s),
          role: r,
          events: weekEvents[k],
          activeUsers: weekActive[k],
          schoolDays,
        });
      }
    }
    weekEvents = new Float64Array(slots * 4);
    weekActive = new Float64Array(slots * 4);
    weekSeen = new Uint8Array(slots * 4);
  };
  for (let i = 0; i < m.nDays; i++) {
    const dayNo = m.startDay + i;
    const wk = mondayOf(dayNo);
    if (wk !== curWeek) {
      flushWeek();
      curWeek = wk;
      schoolDays = 0;
    }
    if (m.cal.days[i].kind === 'school') schoolDays++;
    for (let s = 0; s < slots; s++) {
      const evs = gen.schoolDay(s < m.schools.length ? s : -1, i);
      const rows: Array<DailyTruth | undefined> = [
        undefined,
        undefined,
        undefined,
        undefined,
      ];
      const row = (r: TruthRole): DailyTruth => {
        let x = rows[roleIdx(r)];
        if (!x) {
          x = {
            date: m.cal.days[i].date,
            schoolId: slotId(s),
            role: r,
            loginEvents: 0,
            classroomEvents: 0,
            logins: 0,
            activeUsers: 0,
            classroomActiveUsers: 0,
            turnedIn: 0,
            gradesSet: 0,
            courseWorkPublished: 0,
            generatedEvents: 0,
          };
          rows[roleIdx(r)] = x;
        }
        return x;
      };
      let seq = 0;
      for (const e of evs) {
        seq++;
        const u = m.users[e.actor];
        const r = row(u.role);
        r.generatedEvents++;
        if (!delivered(s, i, e)) continue;
        const dup = duplicated(s, i, seq);
        if (e.app === APP_LOGIN) {
          r.loginEvents++;
          counts.login += dup ? 2 : 1;
          if (e.name === EVENT.loginSuccess) r.logins++;
        } else {
          r.classroomEvents++;
          counts.classroom += dup ? 2 : 1;
          if (e.name === EVENT.turnedIn) r.turnedIn++;
          if (e.name === EVENT.setGrade) r.gradesSet++;
          if (e.name === EVENT.publishedCourseWork) r.courseWorkPublished++;
          if (seenDayCls[e.actor] !== i) {
            seenDayCls[e.actor] = i;
            r.classroomActiveUsers++;
          }
        }
        if (dup) counts.duplicates++;
        if (seenDay[e.actor] !== i) {
          seenDay[e.actor] = i;
          r.activeUsers++;
        }
        const k = s * 4 + roleIdx(u.role);
        weekSeen[k] = 1;
        weekEvents[k]++;
        if (seenWeek[e.actor] !== wk) {
          seenWeek[e.actor] = wk;
          weekActive[k]++;
        }
      }
      for (const x of rows) if (x) daily.push(x);
    }
  }
  flushWeek();
  return {daily, weekly, counts};
}

/** Teacher-student correlations on the weekly aggregates. */
export function correlationOf(
  m: DistrictModel,
  weekly: WeeklyTruth[],
): CorrelationTruth {
  const weeks = [
    ...new Set(weekly.filter(w => w.schoolDays >= 3).map(w => w.weekStart)),
  ].sort();
  const weekIdx = new Map(weeks.map((w, k) => [w, k]));
  const schoolIds = m.schools.map(s => s.orgUnitId);
  const zero = () => weeks.map(() => 0);
  const te = new Map<string, number[]>();
  const se = new Map<string, number[]>();
  const dT = zero();
  const dS = zero();
  const aT = zero();
  const aS = zero();
  for (const id of schoolIds) {
    te.set(id, zero());
    se.set(id, zero());
  }
  for (const w of weekly) {
    const k = weekIdx.get(w.weekStart);
    if (k === undefined || !w.schoolId) continue;
    if (w.role === 'teacher') {
      te.get(w.schoolId)![k] += w.events;
      dT[k] += w.events;
      aT[k] += w.activeUsers;
    } else if (w.role === 'student') {
      se.get(w.schoolId)![k] += w.events;
      dS[k] += w.events;
      aS[k] += w.activeUsers;
    }
  }
  const per = schoolIds.map(id => pearson(te.get(id)!, se.get(id)!));
  const px: number[] = [];
  const py: number[] = [];
  for (const id of schoolIds) {
    const x = te.get(id)!;
    const y = se.get(id)!;
    const mx = x.reduce((a, b) => a + b, 0) / Math.max(1, x.length);
    const my = y.reduce((a, b) => a + b, 0) / Math.max(1, y.length);
    x.forEach((v, k) => {
      px.push(v - mx);
      py.push(y[k] - my);
    });
  }
  return {
    definition:
      'Pearson correlation of weekly Reports API events (login and classroom, duplicates removed, missing and partial days as delivered) of teachers against students, users assigned to schools by org unit, ISO weeks with at least 3 school days, lag 0 unless named.',
    districtWeeklyEvents: pearson(dT, dS),
    districtWeeklyEventsLag1: pearson(dT.slice(0, -1), dS.slice(1)),
    districtWeeklyActiveUsers: pearson(aT, aS),
    perSchoolMedianWeeklyEvents: median(per),
    pooledWithinSchoolWeeklyEvents: pearson(px, py),
    weeks: weeks.length,
    lagDays: TEACHER_TO_STUDENT_LAG_DAYS,
    elasticity: TEACHER_TO_STUDENT_ELASTICITY,
  };
}
