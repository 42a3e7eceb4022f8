/**
 * A seeded district of weekly facts with a known teacher effect: per school, log(1 +
 * weekly active students) = level + beta x log(1 + weekly teacher activity) + calendar terms
 * + AR(1) noise. The generator also draws the weeks after the history, twice: as they come
 * and with teacher activity scaled by a ratio in chosen weeks (the same noise), so the true
 * effect of a scenario is the difference of the two futures.
 */
import type {School, SchoolCalendar, WeeklyFact} from '../../src/core/types';
import {addDays} from '../../src/clean/dates';
import {
  calendarSchoolDays,
  inTestingWindow,
} from '../../src/analysis/forecasting';
import {normal, rng} from './synthetic';

export const LEVER_CALENDAR: SchoolCalendar = {
  schoolWeekdays: [1, 2, 3, 4, 5],
  closures: [0, 1, 2].flatMap(y => [
    {
      name: 'Thanksgiving',
      start: `${2023 + y}-11-22`,
      end: `${2023 + y}-11-24`,
      kind: 'break' as const,
    },
    {
      name: 'Winter break',
      start: `${2023 + y}-12-25`,
      end: `${2024 + y}-01-05`,
      kind: 'break' as const,
    },
    {
      name: 'Spring break',
      start: `${2024 + y}-04-15`,
      end: `${2024 + y}-04-19`,
      kind: 'break' as const,
    },
    {
      name: 'Summer',
      start: `${2024 + y}-06-22`,
      end: `${2024 + y}-09-03`,
      kind: 'summer' as const,
    },
  ]),
  events: [0, 1, 2].map(y => ({
    name: 'State testing',
    start: `${2024 + y}-05-06`,
    end: `${2024 + y}-05-10`,
    kind: 'testing' as const,
  })),
};

export interface LeverSchool {
  id: string;
  beta: number;
  /** Future weekly students as they come, and under the scenario (unrounded). */
  futureBase: number[];
  futureScenario: number[];
  futureTeachers: number[];
}

export interface LeverDistrict {
  weekly: WeeklyFact[];
  schools: School[];
  truth: LeverSchool[];
  futureWeeks: string[];
}

function fact(
  weekStart: string,
  schoolId: string,
  role: 'student' | 'teacher',
  active: number,
  enrolled: number,
  days: number,
): WeeklyFact {
  return {
    week: '',
    weekStart,
    schoolId,
    role,
    app: 'workspace',
    product: '',
    activeUsers: active,
    enrolledUsers: enrolled,
    pctAccess: enrolled > 0 ? (100 * active) / enrolled : null,
    events: active * 3,
    engagementIndex: enrolled > 0 ? (3000 * active) / enrolled : null,
    logins: active,
    submissionsTurnedIn: 0,
    assignmentsCreated: 0,
    gradesEntered: 0,
    schoolDays: days,
    flags: [],
  };
}

/**
 * `nSchools` schools over `weeks` weeks from 2023-08-28, then `horizon` future weeks where
 * teacher activity is multiplied by `ratio` from future week `offset` for `span` weeks.
 * Every fifth school has no teacher effect (beta 0).
 */
export function leverDistrict(
  seed: number,
  nSchools: number,
  weeks = 100,
  scenario = {horizon: 8, offset: 0, span: 8, ratio: 1.2},
): LeverDistrict {
  const r = rng(seed);
  const start = '2023-08-28';
  const all = weeks + scenario.horizon;
  const weekStarts = Array.from({length: all}, (_, i) => addDays(start, 7 * i));
  const days = weekStarts.map(w => calendarSchoolDays(w, LEVER_CALENDAR));
  const testing = weekStarts.map(w => inTestingWindow(w, LEVER_CALENDAR));
  const weekly: WeeklyFact[] = [];
  const schools: School[] = [];
  const truth: LeverSchool[] = [];
  for (let s = 0; s < nSchools; s++) {
    const id = `school-${String(s + 1).padStart(3, '0')}`;
    const beta = s % 5 === 4 ? 0 : 0.3 + 0.6 * r();
    const teachers = Math.round(25 + 60 * r());
    const students = Math.round(teachers * (12 + 6 * r()));
    const t0 = teachers * (4 + 4 * r());
    schools.push({
      id,
      name: `School ${s + 1}`,
      orgUnitPath: `/Schools/${id}`,
      enrolledStudents: students,
      enrolledTeachers: teachers,
      locale: s % 2 ? 'urban' : 'suburban',
    });
    let u = 0;
    let e = 0;
    const base: number[] = [];
    const scen: number[] = [];
    const tFuture: number[] = [];
    const futureBase: number[] = [];
    const futureScenario: number[] = [];
    for (let i = 0; i < all; i++) {
      u = 0.6 * u + 0.18 * normal(r);
      e = 0.4 * e + 0.05 * normal(r);
      const d = days[i];
      // Teacher activity (posts, grades) follows school days, with its own swings.
      const T = t0 * (d === 0 ? 0.08 : d / 5) * Math.exp(u);
      const x = Math.log1p(T);
      const cal = d === 0 ? -1.6 : 0.12 * (d - 5) + (testing[i] ? 0.15 : 0);
      const c = Math.log(students * 0.7) - beta * Math.log1p(t0);
      const f = i - weeks;
      const inScen =
        f >= scenario.offset && f < scenario.offset + scenario.span;
      const xs = inScen ? Math.log1p(T * scenario.ratio) : x;
      const yb = Math.expm1(c + beta * x + cal + e);
      const ys = Math.expm1(c + beta * xs + cal + e);
      if (i < weeks) {
        weekly.push(
          fact(weekStarts[i], id, 'teacher', Math.round(T), teachers, d),
        );
        weekly.push(
          fact(weekStarts[i], id, 'student', Math.round(yb), students, d),
        );
      } else {
        tFuture.push(T);
        futureBase.push(yb);
        futureScenario.push(ys);
      }
      base.push(yb);
      scen.push(ys);
    }
    truth.push({id, beta, futureBase, futureScenario, futureTeachers: tFuture});
  }
  return {weekly, schools, truth, futureWeeks: weekStarts.slice(weeks)};
}
