/**
 * The calendar side of the school forecast: summers apart from one-week breaks, the
 * school-day response fitted per series (and never extrapolated past a monotone curve),
 * and the week still under way left out of the fit.
 */
import type {SchoolCalendar, WeeklyFact} from '../../src/core/types';
import {addDays, isoWeek} from '../../src/clean/dates';
import {
  REACH_RATES,
  calendarRegressors,
  calendarSchoolDays,
  completeWeeksOf,
  fitReachRate,
  forecastSchools,
  schoolDayReach,
  schoolSeries,
} from '../../src/analysis/forecasting';
import {weekEnded} from '../../src/metrics/weekly';

const START = '2021-08-30';

/** Summers, a winter break (one starting on a Tuesday in 2022) and an April break. */
function calendarFor(years: number[]): SchoolCalendar {
  const closures: SchoolCalendar['closures'] = [];
  for (const y of years) {
    closures.push(
      {
        name: `Summer ${y}`,
        start: `${y}-06-27`,
        end: `${y}-09-07`,
        kind: 'summer',
      },
      {
        name: `Winter ${y}`,
        start: y === 2022 ? '2022-12-20' : `${y}-12-24`,
        end: `${y + 1}-01-01`,
        kind: 'break',
      },
      {
        name: `Spring ${y}`,
        start: `${y}-04-11`,
        end: `${y}-04-15`,
        kind: 'break',
      },
    );
  }
  return {schoolWeekdays: [1, 2, 3, 4, 5], closures, events: []};
}

const calendar = calendarFor([2021, 2022, 2023, 2024]);

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
}

/** Share of a school's students a week reaches; Q is each student's daily rate. */
const Q = 0.5;
const BREAK_SHARE = 0.15;
const SUMMER_SHARE = 0.03;

function isSummerWeek(weekStart: string): boolean {
  const md = weekStart.slice(5);
  return md >= '06-27' && md <= '09-01';
}

/**
 * One school's weekly facts: students reach 1 - (1 - Q)^days of the enrolment in a week
 * with school, 15% in a one-week break and 3% in the summer; teacher events grow in
 * proportion to the school days.
 */
function school(weeks: number, seed: number): WeeklyFact[] {
  const rnd = lcg(seed);
  const enrolled = 800;
  const out: WeeklyFact[] = [];
  for (let w = 0; w < weeks; w++) {
    const weekStart = addDays(START, 7 * w);
    const days = calendarSchoolDays(weekStart, calendar);
    const noise = Math.exp(0.04 * (rnd() - 0.5));
    const share =
      days > 0
        ? 0.9 * (1 - Math.pow(1 - Q, days))
        : isSummerWeek(weekStart)
          ? SUMMER_SHARE
          : BREAK_SHARE;
    const students = Math.round(enrolled * share * noise);
    const events = Math.round(
      (days > 0 ? 60 * days : isSummerWeek(weekStart) ? 3 : 20) * noise,
    );
    for (const role of ['student', 'teacher'] as const) {
      const active = role === 'student' ? students : events;
      out.push({
        week: isoWeek(weekStart).week,
        weekStart,
        schoolId: 'school-1',
        role,
        app: 'workspace',
        product: '',
        activeUsers: active,
        enrolledUsers: enrolled,
        pctAccess: null,
        events: role === 'student' ? students * 3 : events,
        engagementIndex: null,
        logins: 0,
        submissionsTurnedIn: 0,
        assignmentsCreated: 0,
        gradesEntered: 0,
        schoolDays: days,
        flags: [],
      });
    }
  }
  return out;
}

describe('calendar regressors', () => {
  test('a run of three closed weeks is a summer, a lone closed week a break', () => {
    const weeks = Array.from({length: 12}, (_, i) =>
      addDays('2022-06-06', 7 * i),
    );
    const r = calendarRegressors(weeks, calendar);
    const col = (name: string) => r.columns[r.names.indexOf(name)];
    expect(r.days.slice(0, 5)).toEqual([5, 5, 5, 0, 0]);
    expect(col('break').slice(0, 5)).toEqual([0, 0, 0, 1, 1]);
    expect(col('summer').slice(0, 5)).toEqual([0, 0, 0, 1, 1]);
    // The April break is closed but not a summer.
    const april = calendarRegressors(['2022-04-04', '2022-04-11'], calendar);
    expect(april.columns[april.names.indexOf('break')]).toEqual([0, 1]);
    expect(april.columns[april.names.indexOf('summer')]).toEqual([0, 0]);
    // A history that starts in the last week of a summer: the calendar names it.
    const cut = calendarRegressors(['2022-08-29', '2022-09-05'], calendar);
    expect(cut.columns[cut.names.indexOf('summer')]).toEqual([1, 0]);
    const unnamed = {
      ...calendar,
      closures: calendar.closures.map(c => ({...c, kind: 'break' as const})),
    };
    const bare = calendarRegressors(['2022-08-29', '2022-09-05'], unnamed);
    expect(bare.columns[bare.names.indexOf('summer')]).toEqual([0, 0]);
  });

  test('a three-week winter break is a break; four closed weeks with no name are a summer', () => {
    const weeks = Array.from({length: 6}, (_, i) =>
      addDays('2024-12-09', 7 * i),
    );
    const winter = (kind: 'break' | 'other', end: string) => ({
      schoolWeekdays: [1, 2, 3, 4, 5],
      closures: [{name: 'Winter break', start: '2024-12-16', end, kind}],
      events: [],
    });
    const three = calendarRegressors(weeks, winter('break', '2025-01-03'));
    expect(three.days).toEqual([5, 0, 0, 0, 5, 5]);
    expect(three.columns[three.names.indexOf('break')]).toEqual([
      0, 1, 1, 1, 0, 0,
    ]);
    expect(three.columns[three.names.indexOf('summer')]).toEqual([
      0, 0, 0, 0, 0, 0,
    ]);
    // Its weeks before the last are mid-break: the last one ends on the weekend before
    // school, busier like a one-week break's.
    expect(three.columns[three.names.indexOf('midBreak')]).toEqual([
      0, 1, 1, 0, 0, 0,
    ]);
    expect(three.columns[three.names.indexOf('yearEdge')]).toEqual([
      0, 0, 0, 0, 0, 0,
    ]);
    const four = calendarRegressors(weeks, winter('other', '2025-01-10'));
    expect(four.columns[four.names.indexOf('summer')]).toEqual([
      0, 1, 1, 1, 1, 0,
    ]);
    // Four closed weeks are a summer: the school weeks on either side are a year's edges.
    expect(four.columns[four.names.indexOf('yearEdge')]).toEqual([
      1, 0, 0, 0, 0, 1,
    ]);
  });

  test('the school-day response is monotone, 0 for a full week, log(d/5) at rate 0', () => {
    for (const q of REACH_RATES) {
      expect(schoolDayReach(5, q)).toBeCloseTo(0, 12);
      expect(schoolDayReach(0, q)).toBe(0);
      for (let d = 1; d < 5; d++) {
        expect(schoolDayReach(d, q)).toBeLessThan(schoolDayReach(d + 1, q));
      }
    }
    for (let d = 1; d <= 5; d++)
      expect(schoolDayReach(d, 0)).toBeCloseTo(Math.log(d / 5), 12);
  });

  test('the daily rate is recovered per series: students saturate, teacher events do not', () => {
    const facts = school(100, 5);
    const [s] = schoolSeries(facts, 'activeUsers', 'workspace', 'activeUsers');
    const all = calendarRegressors(s.weekStarts, calendar, s.schoolDays);
    const log = (v: (number | null)[]) =>
      v.map(x => (x === null ? null : Math.log1p(x)));
    const students = fitReachRate(log(s.students), all.columns, all.days);
    expect(Math.abs(students - Q)).toBeLessThanOrEqual(0.1);
    const teachers = fitReachRate(
      log(s.teachers as number[]),
      all.columns,
      all.days,
    );
    expect(teachers).toBeLessThanOrEqual(0.1);
  });
});

describe('forecasts around closures', () => {
  test('summer weeks are forecast at the summer level, not a one-week break level', () => {
    // Two summers and their breaks in the history; forecast into the third summer.
    const facts = school(200, 7).filter(f => f.weekStart < '2023-06-19');
    const r = forecastSchools(facts, {
      calendar,
      horizon: 6,
      backtestWindows: 2,
    });
    const future = r.rows.filter(
      x => !x.isBacktest && x.schoolId === 'school-1',
    );
    const summer = future.filter(x => isSummerWeek(x.weekStart));
    expect(summer.length).toBeGreaterThanOrEqual(4);
    for (const w of summer) {
      expect(w.forecast).toBeGreaterThan(0.6 * 800 * SUMMER_SHARE);
      expect(w.forecast).toBeLessThan(1.6 * 800 * SUMMER_SHARE);
    }
  });

  test('a week shorter than any in the history stays between a break and a full week', () => {
    // 19 December 2022 has one school day; no week of the history had fewer than three.
    const facts = school(200, 9).filter(f => f.weekStart < '2022-12-12');
    const [s] = schoolSeries(facts);
    const seen = s.schoolDays.filter((d): d is number => d !== null && d > 0);
    expect(Math.min(...seen)).toBeGreaterThan(1);
    const r = forecastSchools(facts, {
      calendar,
      horizon: 3,
      backtestWindows: 2,
    });
    const week = (d: string) =>
      r.rows.find(x => !x.isBacktest && x.weekStart === d)!.forecast;
    expect(calendarSchoolDays('2022-12-19', calendar)).toBe(1);
    expect(week('2022-12-19')).toBeLessThan(week('2022-12-12'));
    expect(week('2022-12-19')).toBeGreaterThan(week('2022-12-26'));
    const truth = 800 * 0.9 * Q;
    expect(week('2022-12-19')).toBeGreaterThan(0.6 * truth);
    expect(week('2022-12-19')).toBeLessThan(1.6 * truth);
  });
});

describe('the week under way', () => {
  const facts = school(80, 11);
  const [s] = schoolSeries(facts);
  const last = s.weekStarts[s.weekStarts.length - 1];

  test('is left out of the fit until its last school weekday is in', () => {
    const wednesday = addDays(last, 2);
    const cut = completeWeeksOf(s, wednesday, calendar);
    expect(cut.weekStarts).toEqual(s.weekStarts.slice(0, -1));
    expect(cut.students).toEqual(s.students.slice(0, -1));
    expect(cut.teachers).toEqual((s.teachers as number[]).slice(0, -1));
    // Only the weekend to come: the week is complete for the model.
    expect(completeWeeksOf(s, addDays(last, 5), calendar)).toBe(s);
    expect(completeWeeksOf(s, undefined, calendar)).toBe(s);
  });

  test('ends on its last school weekday, the one rule weekly anomalies use too', () => {
    // 2024-09-02 is a Monday.
    expect(weekEnded('2024-09-02', '2024-09-05', null)).toBe(false);
    expect(weekEnded('2024-09-02', '2024-09-06', null)).toBe(true);
    // A four-day (Monday to Thursday) school week has ended by Thursday.
    const fourDay = {schoolWeekdays: [1, 2, 3, 4]};
    expect(weekEnded('2024-09-02', '2024-09-05', fourDay)).toBe(true);
    expect(weekEnded('2024-09-02', '2024-09-04', fourDay)).toBe(false);
    // Weeks start on Monday: with Sunday-to-Thursday schooling, the week's Sunday is
    // still to come on Saturday.
    const sunThu = {schoolWeekdays: [0, 1, 2, 3, 4]};
    expect(weekEnded('2024-09-02', '2024-09-07', sunThu)).toBe(false);
    expect(weekEnded('2024-09-02', '2024-09-08', sunThu)).toBe(true);
  });

  test('is forecast as the first future week, with no backtest row', () => {
    const r = forecastSchools(facts, {
      calendar,
      horizon: 4,
      backtestWindows: 2,
      through: addDays(last, 1),
    });
    const rows = r.rows.filter(x => x.weekStart === last);
    expect(rows).toHaveLength(1);
    expect(rows[0].isBacktest).toBe(false);
    expect(rows[0].actual).toBeNull();
    const first = r.rows.filter(x => !x.isBacktest)[0];
    expect(first.weekStart).toBe(last);
  });
});
