import type {SchoolCalendar, WeeklyFact} from '../../src/core/types';
import {addDays, isoWeek} from '../../src/clean/dates';
import {
  calendarRegressors,
  calendarSchoolDays,
  forecastSchools,
  inTestingWindow,
  schoolSeries,
} from '../../src/analysis/forecasting';

/** A simple district calendar: summer, winter and spring breaks, a May testing window. */
function calendarFor(years: number[]): SchoolCalendar {
  const closures: SchoolCalendar['closures'] = [];
  const events: SchoolCalendar['events'] = [];
  for (const y of years) {
    closures.push({
      name: `Summer ${y}`,
      start: `${y}-06-27`,
      end: `${y}-09-06`,
      kind: 'summer',
    });
    closures.push({
      name: `Winter ${y}`,
      start: `${y}-12-24`,
      end: `${y + 1}-01-01`,
      kind: 'break',
    });
    closures.push({
      name: `Spring ${y}`,
      start: `${y}-04-14`,
      end: `${y}-04-18`,
      kind: 'break',
    });
    closures.push({
      name: `Thanksgiving ${y}`,
      start: `${y}-11-27`,
      end: `${y}-11-28`,
      kind: 'holiday',
    });
    events.push({
      name: `State tests ${y}`,
      start: `${y}-05-05`,
      end: `${y}-05-16`,
      kind: 'testing',
    });
  }
  return {schoolWeekdays: [1, 2, 3, 4, 5], closures, events};
}

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
}

function fact(
  schoolId: string,
  weekStart: string,
  role: 'student' | 'teacher',
  activeUsers: number,
  enrolled: number,
  schoolDays: number,
): WeeklyFact {
  return {
    week: isoWeek(weekStart).week,
    weekStart,
    schoolId,
    role,
    app: 'workspace',
    product: '',
    activeUsers,
    enrolledUsers: enrolled,
    pctAccess: (100 * activeUsers) / enrolled,
    events: activeUsers * 12,
    engagementIndex: (activeUsers * 12 * 1000) / enrolled,
    logins: activeUsers * 3,
    submissionsTurnedIn: 0,
    assignmentsCreated: 0,
    gradesEntered: 0,
    schoolDays,
    flags: [],
  };
}

/** Weekly facts where teacher activity drives student activity, with calendar effects. */
function district(
  calendar: SchoolCalendar,
  schools: number,
  weeks: number,
  seed: number,
): WeeklyFact[] {
  const rnd = lcg(seed);
  const facts: WeeklyFact[] = [];
  const start = '2021-01-04';
  for (let s = 0; s < schools; s++) {
    const enrolled = 300 + Math.floor(rnd() * 1200);
    const teachers = Math.round(enrolled / 15);
    const base = 0.3 + 0.3 * rnd();
    let ar = 0;
    for (let w = 0; w < weeks; w++) {
      const ws = addDays(start, 7 * w);
      const days = calendarSchoolDays(ws, calendar);
      const testing = inTestingWindow(ws, calendar) ? 1.15 : 1;
      ar = 0.6 * ar + 0.06 * (rnd() - 0.5);
      const tq = Math.min(0.95, 0.7 * Math.exp(ar));
      const tAct =
        days > 0 ? teachers * (1 - Math.pow(1 - tq, days)) : teachers * 0.08;
      const cyc = 1 + 0.08 * Math.cos((2 * Math.PI * w) / 52.18);
      const q = Math.min(
        0.95,
        base * cyc * testing * Math.exp(0.8 * ar + 0.04 * (rnd() - 0.5)),
      );
      const sAct =
        days > 0
          ? enrolled * (1 - Math.pow(1 - q, days))
          : enrolled * 0.05 * (0.9 + 0.2 * rnd());
      facts.push(
        fact(`school-${s}`, ws, 'teacher', Math.round(tAct), teachers, days),
      );
      facts.push(
        fact(`school-${s}`, ws, 'student', Math.round(sAct), enrolled, days),
      );
    }
  }
  return facts;
}

const calendar = calendarFor([2020, 2021, 2022, 2023, 2024, 2025]);

describe('calendar regressors', () => {
  test('school days, breaks and testing windows per week', () => {
    expect(calendarSchoolDays('2021-04-12', calendar)).toBe(2);
    expect(calendarSchoolDays('2021-04-19', calendar)).toBe(5);
    expect(calendarSchoolDays('2021-04-12', null)).toBe(5);
    expect(
      calendarSchoolDays('2021-04-12', {
        ...calendar,
        closures: [calendar.closures[2]],
      }),
    ).toBe(5);
    // Spring break 2021 (14-18 April) falls Wednesday to Sunday: two school days.
    expect(calendarSchoolDays('2021-04-12', calendarFor([2021]))).toBe(2);
    expect(calendarSchoolDays('2021-07-12', calendar)).toBe(0);
    // Thanksgiving week 2025: Thursday and Friday off.
    expect(calendarSchoolDays('2025-11-24', calendar)).toBe(3);
    expect(inTestingWindow('2021-05-10', calendar)).toBe(true);
    expect(inTestingWindow('2021-05-24', calendar)).toBe(false);
    const r = calendarRegressors(
      ['2021-07-12', '2025-11-24', '2021-05-10'],
      calendar,
    );
    expect(r.names).toEqual([
      'break',
      'summer',
      'schoolDayReach',
      'testing',
      'midBreak',
      'yearEdge',
    ]);
    expect(r.days).toEqual([0, 3, 5]);
    expect(r.columns[0]).toEqual([1, 0, 0]);
    // A closed week of the calendar's summer is a summer week, whatever weeks are given.
    expect(r.columns[1]).toEqual([1, 0, 0]);
    expect(r.columns[2][0]).toBe(0);
    expect(r.columns[2][1]).toBeCloseTo(Math.log(3 / 5), 12);
    expect(r.columns[2][2]).toBe(0);
    expect(r.columns[3]).toEqual([0, 0, 1]);
    // Weeks are read as consecutive: the first is a summer week, not a break followed
    // by another, and the school week after it is a year's first.
    expect(r.columns[4]).toEqual([0, 0, 0]);
    expect(r.columns[5]).toEqual([0, 1, 0]);
  });
});

describe('per-school weekly forecasts', () => {
  const weeks = 140;
  const facts = district(calendar, 3, weeks, 42);
  // A school with too little history, and one without teacher rows.
  facts.push(
    ...district(calendar, 1, 12, 7).map(f => ({...f, schoolId: 'new-school'})),
  );
  facts.push(
    ...district(calendar, 1, weeks, 9)
      .filter(f => f.role === 'student')
      .map(f => ({...f, schoolId: 'no-teachers'})),
  );
  const horizon = 6;
  const result = forecastSchools(facts, {
    horizon,
    calendar,
    backtestWindows: 3,
  });

  test('aligned weekly series per school', () => {
    const series = schoolSeries(facts);
    expect(series.map(s => s.schoolId)).toEqual([
      'new-school',
      'no-teachers',
      'school-0',
      'school-1',
      'school-2',
    ]);
    const s0 = series.find(s => s.schoolId === 'school-0')!;
    expect(s0.weekStarts).toHaveLength(weeks);
    expect(s0.teachers).not.toBeNull();
    expect(series.find(s => s.schoolId === 'no-teachers')!.teachers).toBeNull();
  });

  test('future rows for every forecast school, with ordered intervals', () => {
    const forecastSchoolsIds = [
      ...new Set(result.rows.map(r => r.schoolId)),
    ].sort();
    expect(forecastSchoolsIds).toEqual([
      'no-teachers',
      'school-0',
      'school-1',
      'school-2',
    ]);
    for (const id of forecastSchoolsIds) {
      const future = result.rows.filter(
        r => r.schoolId === id && !r.isBacktest,
      );
      expect(future).toHaveLength(horizon);
      expect(future[0].weekStart).toBe(addDays('2021-01-04', 7 * weeks));
      for (const r of future) {
        expect(r.actual).toBeNull();
        expect(r.lo95).toBeLessThanOrEqual(r.lo80);
        expect(r.lo80).toBeLessThanOrEqual(r.forecast);
        expect(r.forecast).toBeLessThanOrEqual(r.hi80);
        expect(r.hi80).toBeLessThanOrEqual(r.hi95);
        for (const v of [r.forecast, r.lo80, r.hi80, r.lo95, r.hi95]) {
          expect(Number.isFinite(v)).toBe(true);
        }
        expect(r.model.length).toBeGreaterThan(0);
      }
    }
  });

  test('backtest rows hold the actuals they were scored against', () => {
    const bt = result.rows.filter(
      r => r.schoolId === 'school-0' && r.isBacktest,
    );
    expect(bt.length).toBe(3 * horizon);
    const students = new Map(
      facts
        .filter(f => f.schoolId === 'school-0' && f.role === 'student')
        .map(f => [f.weekStart, f.activeUsers]),
    );
    for (const r of bt) expect(r.actual).toBe(students.get(r.weekStart));
    const acc = result.accuracy.find(a => a.schoolId === 'school-0')!;
    expect(acc.nBacktest).toBe(3 * horizon);
    let sum = 0;
    for (const r of bt)
      sum +=
        (100 * Math.abs((r.actual as number) - r.forecast)) /
        (r.actual as number);
    expect(acc.mape).toBeCloseTo(sum / bt.length, 9);
    expect(acc.accuracyPct).toBeCloseTo(100 - (acc.mape as number), 9);
  });

  test('calendar-driven series are forecast accurately', () => {
    for (const a of result.accuracy) {
      expect(a.accuracyPct as number).toBeGreaterThan(85);
      expect(a.mase as number).toBeLessThan(1);
    }
    expect(result.summary.schools).toBe(4);
    expect(result.summary.accuracyPct as number).toBeGreaterThan(85);
  });

  test('a forecast break week is forecast low', () => {
    // Forecast from just before the winter break: the closed weeks must drop.
    const cut = district(calendar, 1, 102, 3).filter(
      f => f.weekStart < '2022-12-19',
    );
    const r = forecastSchools(cut, {horizon: 4, calendar, backtestWindows: 2});
    const future = r.rows.filter(x => !x.isBacktest);
    const week = (d: string) => future.find(x => x.weekStart === d)!.forecast;
    expect(week('2022-12-26')).toBeLessThan(0.5 * week('2022-12-19'));
    expect(week('2023-01-02')).toBeGreaterThan(2 * week('2022-12-26'));
  });

  test('schools that cannot be forecast are reported, not silently dropped', () => {
    expect(result.warnings.some(w => w.startsWith('new-school:'))).toBe(true);
    expect(
      result.warnings.some(
        w => w.startsWith('no-teachers:') && /teacher/.test(w),
      ),
    ).toBe(true);
    expect(
      result.accuracy.find(a => a.schoolId === 'new-school'),
    ).toBeUndefined();
  });

  test('a reused model refits the chosen form: same forecasts on the same data', () => {
    const again = forecastSchools(facts, {
      horizon,
      calendar,
      backtestWindows: 3,
      reuse: result.models,
    });
    expect([...again.models.keys()].sort()).toEqual(
      [...result.models.keys()].sort(),
    );
    for (const [id, m] of result.models) {
      expect(m.student).not.toBeNull();
      expect(again.models.get(id)).toEqual(m);
    }
    const future = (r: typeof result) =>
      r.rows.filter(x => !x.isBacktest).map(x => x.forecast);
    const a = future(result);
    const b = future(again);
    expect(b.length).toBe(a.length);
    b.forEach((v, i) => expect(v).toBeCloseTo(a[i], 6));
  });

  test('a reused model that no longer applies is searched again', () => {
    // A made-up short-series form on long series: the long-period search runs instead.
    const stale = new Map(
      [...result.models.keys()].map(id => [
        id,
        {
          student: {
            kind: 'arima' as const,
            p: 3,
            d: 0,
            q: 3,
            P: 0,
            D: 0,
            Q: 0,
            constant: true,
          },
          teacherK: null,
        },
      ]),
    );
    const r = forecastSchools(facts, {
      horizon,
      calendar,
      backtestWindows: 3,
      reuse: stale,
    });
    for (const [id, m] of result.models) {
      expect(r.models.get(id)?.student).toEqual(m.student);
    }
  });
});
