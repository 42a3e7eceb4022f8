import * as fs from 'fs';
import * as path from 'path';
import {
  detectDailyAnomalies,
  detectSeriesAnomalies,
  detectWeeklyAnomalies,
} from '../../src/analysis/anomalies';
import {InputError} from '../../src/core/errors';
import type {DailyFact, WeeklyFact} from '../../src/core/types';
import {addDays, weekday} from '../../src/clean/dates';
import {CALENDAR, syntheticSchool} from './synthetic';

function openPositions(closed: boolean[]): number[] {
  return closed.map((c, i) => (c ? -1 : i)).filter(i => i >= 0);
}

function assertFinite(rows: object[]): void {
  for (const r of rows) {
    for (const [k, v] of Object.entries(r)) {
      if (typeof v === 'number') {
        expect({k, finite: Number.isFinite(v)}).toEqual({k, finite: true});
      }
    }
  }
}

describe('detectSeriesAnomalies on a school year', () => {
  const s = syntheticSchool(11, 500, 0.05);
  const open = openPositions(s.closed);
  const y = s.y.slice();
  const outage = [open[40], open[41]];
  for (const i of outage) y[i] = Math.round(y[i] * 0.45);
  const shift = open.slice(100, 118);
  for (const i of shift) y[i] = Math.round(y[i] * 0.6);
  const surge = open[70];
  y[surge] = Math.round(y[surge] * 1.9);
  const closedZero = s.closed.map((c, i) => (c ? 0 : y[i]));
  const testing = s.dates.map(d =>
    CALENDAR.events.some(e => d >= e.start && d <= e.end),
  );
  const res = detectSeriesAnomalies(closedZero, {
    period: 7,
    dates: s.dates,
    closed: s.closed,
    expectedPeaks: testing,
  });

  test('catches a two-day outage as an outage', () => {
    for (const i of outage) {
      const a = res.anomalies.find(x => x.index === i);
      expect(a).toBeDefined();
      expect(a!.direction).toBe('drop');
      expect(a!.kind).toBe('outage');
      expect(a!.changePct!).toBeLessThan(-30);
      expect(a!.severity).not.toBe('low');
      expect(a!.date).toBe(s.dates[i]);
      expect(a!.expected).toBeGreaterThan(a!.observed * 1.5);
    }
  });
  test('catches the disengagement as one level shift with its span', () => {
    const shifts = res.anomalies.filter(a => a.kind === 'level_shift');
    expect(shifts).toHaveLength(1);
    const sh = shifts[0];
    expect(sh.direction).toBe('drop');
    expect(Math.abs(open.indexOf(sh.index) - 100)).toBeLessThanOrEqual(1);
    expect(Math.abs(open.indexOf(sh.endIndex!) - 117)).toBeLessThanOrEqual(1);
    expect(sh.changePct!).toBeLessThan(-25);
    expect(sh.changePct!).toBeGreaterThan(-55);
    expect(sh.days).toBeGreaterThanOrEqual(17);
    // The days inside are explained by the shift, not flagged one by one.
    const inside = res.anomalies.filter(
      a =>
        a.kind !== 'level_shift' &&
        a.index > sh.index &&
        a.index <= sh.endIndex!,
    );
    expect(inside).toHaveLength(0);
  });
  test('catches the surge', () => {
    const a = res.anomalies.find(x => x.index === surge);
    expect(a?.direction).toBe('surge');
    expect(a?.kind).toBe('spike');
  });
  test('no surge in the testing week (expected peak) though it runs 25% high', () => {
    expect(
      res.anomalies.some(a => testing[a.index] && a.direction === 'surge'),
    ).toBe(false);
    const unflagged = detectSeriesAnomalies(closedZero, {
      period: 7,
      dates: s.dates,
      closed: s.closed,
    });
    expect(
      unflagged.anomalies.filter(
        a => testing[a.index] && a.direction === 'surge',
      ).length,
    ).toBeGreaterThanOrEqual(3);
  });
  test('never flags a closed day, and no surge on a first day back', () => {
    for (const a of res.anomalies) expect(s.closed[a.index]).toBe(false);
    const back = res.anomalies.filter(
      a => s.firstDayBack[a.index] && a.direction === 'surge',
    );
    expect(back).toHaveLength(0);
    // Each first day back really is high (so the rule is exercised).
    const backDays = open.filter(i => s.firstDayBack[i]);
    expect(backDays.length).toBeGreaterThanOrEqual(5);
  });
  test('nothing else is flagged, and every number is finite', () => {
    const injected = new Set([...outage, surge]);
    const extra = res.anomalies.filter(
      a => a.kind !== 'level_shift' && !injected.has(a.index),
    );
    expect(extra.length).toBeLessThanOrEqual(1);
    assertFinite(res.anomalies);
    for (let i = 0; i < y.length; i++) {
      if (s.closed[i]) {
        expect(res.scores[i]).toBeNull();
        expect(res.expected[i]).toBeNull();
      } else {
        expect(Number.isFinite(res.scores[i] as number)).toBe(true);
      }
    }
  });
});

describe('false alarms on clean school years', () => {
  test('at most one flag per clean year across several schools', () => {
    let flags = 0;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const s = syntheticSchool(seed, 300 + 100 * seed, 0.05);
      const res = detectSeriesAnomalies(s.y, {
        period: 7,
        dates: s.dates,
        closed: s.closed,
        expectedPeaks: s.dates.map(d =>
          CALENDAR.events.some(e => d >= e.start && d <= e.end),
        ),
      });
      flags += res.anomalies.length;
    }
    expect(flags).toBeLessThanOrEqual(6);
  });
  test('a break without calendar closures: zeros in a holiday week are closed, not drops', () => {
    const s = syntheticSchool(21, 400, 0.05);
    const res = detectSeriesAnomalies(
      s.y.map((v, i) => (s.closed[i] ? 0 : v)),
      {period: 7, dates: s.dates, closed: s.closed},
    );
    const winter = s.dates.findIndex(d => d === '2024-12-23');
    expect(
      res.anomalies.some(a => a.index >= winter && a.index < winter + 14),
    ).toBe(false);
  });
});

describe('real series (R data sets) with an injected outage', () => {
  const ref = JSON.parse(
    fs.readFileSync(
      path.join(__dirname, '../fixtures/reference/auto/AirPassengers.json'),
      'utf8',
    ),
  );
  test('a 40% one-month fall in AirPassengers is a drop', () => {
    const y = (ref.y as number[]).slice();
    y[100] = y[100] * 0.6;
    const res = detectSeriesAnomalies(y, {period: 12});
    const a = res.anomalies.find(x => x.index === 100);
    expect(a?.direction).toBe('drop');
    expect(a?.kind).toBe('outage');
    expect(res.mode).toBe('log');
    expect(res.seasonal).toBe(true);
  });
  test('a spike in a series with negative values uses the additive scale', () => {
    const y = (ref.y as number[]).map(v => v - 300);
    y[60] += 200;
    const res = detectSeriesAnomalies(y, {period: 12});
    expect(res.mode).toBe('additive');
    expect(res.anomalies.find(x => x.index === 60)?.direction).toBe('surge');
  });
});

describe('input errors name the field', () => {
  test.each([
    [{y: 'x', opts: {period: 7}}, 'y'],
    [{y: [1, 2, 'a'], opts: {period: 7}}, 'y'],
    [{y: Array(30).fill(5), opts: {period: 0}}, 'period'],
    [{y: Array(30).fill(5), opts: {period: 7, dates: ['2025-01-01']}}, 'dates'],
    [{y: Array(30).fill(5), opts: {period: 7, closed: [true]}}, 'closed'],
    [{y: [1, 2, 3, null, 5], opts: {period: 1}}, 'y'],
    [{y: Array(30).fill(5), opts: {period: 7, threshold: -1}}, 'threshold'],
  ])('%p', (input, field) => {
    try {
      detectSeriesAnomalies(input.y as never, input.opts as never);
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).field).toBe(field);
    }
  });
  test('a clean ramp from near zero and a clean seasonal wave give no anomalies', () => {
    const ramp = Array.from({length: 60}, (_, i) => i + 1);
    const r = detectSeriesAnomalies(ramp, {period: 1});
    expect(r.anomalies).toEqual([]);
    expect(r.mode).toBe('additive');
    const wave = Array.from(
      {length: 96},
      (_, i) => 100 + 0.5 * i + 20 * Math.sin((2 * Math.PI * i) / 12),
    );
    expect(detectSeriesAnomalies(wave, {period: 12}).anomalies).toEqual([]);
  });
  test('mode is checked', () => {
    expect(() =>
      detectSeriesAnomalies([1, -2, 3, 4, 5, 6, 7, 8, 9, 10], {
        period: 1,
        mode: 'log',
      }),
    ).toThrow(/mode/);
  });
  test('a constant series gives no anomalies and no NaN', () => {
    const res = detectSeriesAnomalies(Array(60).fill(10), {period: 7});
    expect(res.anomalies).toEqual([]);
    expect(res.scores.every(v => v !== null && Number.isFinite(v))).toBe(true);
  });
});

function dailyFact(
  date: string,
  schoolId: string,
  role: 'student' | 'teacher',
  active: number,
  enrolled: number,
  flags: DailyFact['flags'] = [],
): DailyFact {
  return {
    date,
    schoolId,
    role,
    app: 'workspace',
    product: '',
    activeUsers: active,
    enrolledUsers: enrolled,
    pctAccess: (active / enrolled) * 100,
    events: active * 12,
    engagementIndex: ((active * 12) / enrolled) * 1000,
    logins: active,
    loginsPerActive: 1,
    sessionMinutes: null,
    assignmentsCreated: 0,
    submissionsTurnedIn: 0,
    lateSubmissions: 0,
    workReturned: 0,
    gradesEntered: 0,
    comments: 0,
    announcements: 0,
    flags,
  };
}

describe('detectDailyAnomalies over facts', () => {
  const s = syntheticSchool(5, 600, 0.04);
  const open = openPositions(s.closed);
  const outageDay = s.dates[open[60]];
  const partialDay = s.dates[open[90]];
  const facts: DailyFact[] = [];
  s.dates.forEach((d, i) => {
    let v = s.y[i];
    if (d === outageDay) v = Math.round(v * 0.3);
    if (d === partialDay) v = Math.round(v * 0.2);
    facts.push(
      dailyFact(
        d,
        'S1',
        'student',
        v,
        900,
        d === partialDay ? ['partial'] : [],
      ),
    );
    facts.push(dailyFact(d, 'TINY', 'student', Math.min(6, v), 8));
  });
  const settings = {anomalyThreshold: 3.5, minGroupSize: 10};
  const rows = detectDailyAnomalies(facts, CALENDAR, settings, {
    metrics: ['activeUsers'],
  });
  test('flags the outage day with the school, role and metric', () => {
    const r = rows.find(x => x.date === outageDay);
    expect(r).toMatchObject({
      schoolId: 'S1',
      role: 'student',
      metric: 'activeUsers',
      grain: 'day',
      direction: 'drop',
      kind: 'outage',
    });
    assertFinite(rows);
  });
  test('a partial (incomplete) day is not an anomaly', () => {
    expect(rows.find(x => x.date === partialDay)).toBeUndefined();
  });
  test('small groups are not analysed', () => {
    expect(rows.some(x => x.schoolId === 'TINY')).toBe(false);
  });
  test('since limits the report, not the fit', () => {
    const late = detectDailyAnomalies(facts, CALENDAR, settings, {
      metrics: ['activeUsers'],
      since: addDays(outageDay, 1),
    });
    expect(late.find(x => x.date === outageDay)).toBeUndefined();
  });
  test('unknown metric is an input error', () => {
    expect(() =>
      detectDailyAnomalies(facts, CALENDAR, settings, {metrics: ['bogus']}),
    ).toThrow(/metrics/);
  });
});

describe('detectWeeklyAnomalies over facts', () => {
  // Weekly totals from the synthetic school: break weeks have no school days.
  const s = syntheticSchool(8, 800, 0.04);
  const weeks = new Map<string, {sum: number; days: number}>();
  s.dates.forEach((d, i) => {
    const wd = weekday(d);
    const monday = addDays(d, -((wd + 6) % 7));
    const w = weeks.get(monday) ?? {sum: 0, days: 0};
    if (!s.closed[i]) {
      w.sum += s.y[i];
      w.days++;
    }
    weeks.set(monday, w);
  });
  const starts = [...weeks.keys()].sort();
  const dropWeek = starts[20];
  const facts: WeeklyFact[] = starts.map(ws => {
    const w = weeks.get(ws)!;
    const events = ws === dropWeek ? w.sum * 0.4 : w.sum;
    return {
      week: ws,
      weekStart: ws,
      schoolId: 'S1',
      role: 'student',
      app: 'workspace',
      product: '',
      activeUsers: w.days ? 850 : 0,
      enrolledUsers: 900,
      pctAccess: w.days ? 94 : 0,
      events: Math.round(events),
      engagementIndex: null,
      logins: 0,
      submissionsTurnedIn: 0,
      assignmentsCreated: 0,
      gradesEntered: 0,
      schoolDays: w.days,
      flags: [],
    };
  });
  test('flags the low week, not the break weeks or the short weeks', () => {
    const rows = detectWeeklyAnomalies(
      facts,
      CALENDAR,
      {anomalyThreshold: 3.5, minGroupSize: 10},
      {metrics: ['events']},
    );
    const drop = rows.find(r => r.date === dropWeek);
    expect(drop).toMatchObject({
      grain: 'week',
      direction: 'drop',
      metric: 'events',
    });
    for (const r of rows) {
      const w = weeks.get(r.date)!;
      expect(w.days).toBeGreaterThanOrEqual(3);
    }
    expect(rows.filter(r => r.date !== dropWeek).length).toBeLessThanOrEqual(1);
  });
});

/**
 * Eight synthetic schools S1..S8 on one calendar: students seeded from `seed + k`, teachers
 * from `seed + 100 + k`, of the sizes `size(k)` gives, with their open days and dates.
 */
function eightSchools(
  seed: number,
  size: (k: number) => [number, number] = () => [300, 25],
  teacherNoise = 0.08,
) {
  const schools = Array.from({length: 8}, (_, k) => ({
    id: `S${k + 1}`,
    students: syntheticSchool(seed + k, size(k)[0], 0.08),
    teachers: syntheticSchool(seed + 100 + k, size(k)[1], teacherNoise),
  }));
  return {
    schools,
    open: openPositions(schools[0].students.closed),
    dates: schools[0].students.dates,
  };
}

describe('detectDailyAnomalies across a district', () => {
  // Eight schools, students and teachers, each with its own noise.
  const {schools, open, dates} = eightSchools(100);
  const districtDay = dates[open[70]];
  const schoolDay = dates[open[110]];
  const studentsOnlyDay = dates[open[140]];
  const facts: DailyFact[] = [];
  for (const s of schools) {
    dates.forEach((d, i) => {
      let st = s.students.y[i];
      let te = s.teachers.y[i];
      // District outage: every school, students and teachers, to about half.
      if (d === districtDay) {
        st *= 0.5;
        te *= 0.5;
      }
      // One school's network outage: students and teachers.
      if (s.id === 'S3' && d === schoolDay) {
        st *= 0.3;
        te *= 0.45;
      }
      // Students alone fall 40% at one school while its teachers carry on.
      if (s.id === 'S5' && d === studentsOnlyDay) st *= 0.6;
      facts.push(dailyFact(d, s.id, 'student', Math.round(st), 350));
      facts.push(dailyFact(d, s.id, 'teacher', Math.round(te), 30));
    });
  }
  const rows = detectDailyAnomalies(
    facts,
    CALENDAR,
    {anomalyThreshold: 3.5, minGroupSize: 10},
    {metrics: ['activeUsers']},
  );
  test('a district-wide outage is flagged at (nearly) every school', () => {
    const hit = new Set(
      rows
        .filter(r => r.date === districtDay && r.direction === 'drop')
        .map(r => r.schoolId),
    );
    expect(hit.size).toBeGreaterThanOrEqual(7);
    for (const r of rows.filter(x => x.date === districtDay)) {
      expect(r.kind).toBe('outage');
      expect(r.changePct as number).toBeLessThan(-25);
    }
  });
  test("one school's outage is flagged for that school only, in both roles", () => {
    const there = rows.filter(r => r.date === schoolDay);
    expect(there.map(r => `${r.schoolId} ${r.role}`).sort()).toEqual([
      'S3 student',
      'S3 teacher',
    ]);
    expect(there.every(r => r.direction === 'drop')).toBe(true);
  });
  test('a fall of one role that the other does not share is not an anomaly', () => {
    expect(rows.filter(r => r.date === studentsOnlyDay)).toEqual([]);
  });
  test('the same district-wide fall on the last day of the school year is not a drop', () => {
    const next = addDays(districtDay, 1);
    const yearEnds: typeof CALENDAR = {
      ...CALENDAR,
      closures: [
        ...CALENDAR.closures,
        {name: 'Summer', start: next, end: '2099-09-01', kind: 'summer'},
      ],
    };
    const atYearEnd = detectDailyAnomalies(
      facts,
      yearEnds,
      {anomalyThreshold: 3.5, minGroupSize: 10},
      {metrics: ['activeUsers']},
    );
    expect(atYearEnd.filter(r => r.date === districtDay)).toEqual([]);
    // With the ordinary calendar the same day is flagged at nearly every school.
    expect(
      rows.filter(r => r.date === districtDay).length,
    ).toBeGreaterThanOrEqual(7);
  });
  test('a new school year: a students-only ramp is the calendar, an outage is not', () => {
    // A (short) summer closure, then a new school year whose first day students alone
    // fall 45% at every school, and whose fourth day every role falls by half.
    const summerStart = dates[open[115]];
    const summerEnd = dates[open[125] - 1];
    const first = dates[open[125]];
    const fourth = dates[open[128]];
    const newYear: typeof CALENDAR = {
      ...CALENDAR,
      closures: [
        ...CALENDAR.closures,
        {name: 'Summer', start: summerStart, end: summerEnd, kind: 'summer'},
      ],
    };
    const moved = facts.map(f => {
      if (f.date === first && f.role === 'student')
        return {...f, activeUsers: Math.round(f.activeUsers * 0.55)};
      if (f.date === fourth)
        return {...f, activeUsers: Math.round(f.activeUsers * 0.5)};
      return f;
    });
    const found = detectDailyAnomalies(
      moved,
      newYear,
      {anomalyThreshold: 3.5, minGroupSize: 10},
      {metrics: ['activeUsers']},
    );
    expect(found.filter(r => r.date === first)).toEqual([]);
    const outage = new Set(
      found
        .filter(r => r.date === fourth && r.direction === 'drop')
        .map(r => r.schoolId),
    );
    expect(outage.size).toBeGreaterThanOrEqual(7);
  });
  test('a district-wide fall of students alone, teachers at their usual level, is no alert', () => {
    // An unlisted early dismissal or assembly: students fall 45% at every school on an
    // ordinary day while teachers carry on; the same fall with teachers down by a third
    // is a district-wide event.
    const day = dates[open[150]];
    const fall = (teachers: number) =>
      facts.map(f =>
        f.date !== day
          ? f
          : {
              ...f,
              activeUsers: Math.round(
                f.activeUsers * (f.role === 'student' ? 0.55 : teachers),
              ),
            },
      );
    const run = (teachers: number) =>
      detectDailyAnomalies(
        fall(teachers),
        CALENDAR,
        {anomalyThreshold: 3.5, minGroupSize: 10},
        {metrics: ['activeUsers']},
      ).filter(r => r.date === day);
    expect(run(1)).toEqual([]);
    expect(new Set(run(0.67).map(r => r.schoolId)).size).toBeGreaterThanOrEqual(
      7,
    );
  });
  test('a school hit by a district outage is flagged when its roles together say so', () => {
    // S2's students fall less than half as far as the district's (in log terms), its
    // teachers further: the school as a whole was hit, and its students are flagged with
    // the others.
    const day = dates[open[160]];
    const hit = facts.map(f => {
      if (f.date !== day) return f;
      const k = f.schoolId !== 'S2' ? 0.45 : f.role === 'student' ? 0.78 : 0.25;
      return {...f, activeUsers: Math.round(f.activeUsers * k)};
    });
    const found = detectDailyAnomalies(
      hit,
      CALENDAR,
      {anomalyThreshold: 3.5, minGroupSize: 10},
      {metrics: ['activeUsers']},
    ).filter(r => r.date === day && r.direction === 'drop');
    expect(found.map(r => `${r.schoolId} ${r.role}`)).toContain('S2 student');
    expect(new Set(found.map(r => r.schoolId)).size).toBe(8);
  });
  test("a school's drop into the summer that is back in the new year is not disengagement", () => {
    const summerStart = dates[open[125]];
    const summerEnd = dates[open[135] - 1];
    const newYear: typeof CALENDAR = {
      ...CALENDAR,
      closures: [
        ...CALENDAR.closures,
        {name: 'Summer', start: summerStart, end: summerEnd, kind: 'summer'},
      ],
    };
    const from = dates[open[95]];
    const low = facts.map(f =>
      f.schoolId === 'S6' &&
      f.role === 'student' &&
      f.date >= from &&
      f.date < summerStart
        ? {...f, activeUsers: Math.round(f.activeUsers * 0.5)}
        : f,
    );
    const found = detectDailyAnomalies(
      low,
      newYear,
      {anomalyThreshold: 3.5, minGroupSize: 10},
      {metrics: ['activeUsers']},
    );
    expect(found.filter(r => r.kind === 'level_shift')).toEqual([]);
  });
  test('few false alarms on the other days', () => {
    const other = rows.filter(
      r => r.date !== districtDay && r.date !== schoolDay,
    );
    expect(other.length).toBeLessThanOrEqual(2);
    assertFinite(rows);
  });
});

describe("a school's own bad days", () => {
  // Eight schools; at S7 one open day in twenty is a bad day on which students and
  // teachers both fall by half (its ordinary rhythm, not an event).
  const {schools, open, dates} = eightSchools(300);
  const badDays = new Set(
    open.filter((_, j) => j >= 20 && j % 20 === 7).map(i => dates[i]),
  );
  const day = dates[open[110]];
  function facts(dropAt: string): DailyFact[] {
    const out: DailyFact[] = [];
    for (const s of schools) {
      dates.forEach((d, i) => {
        let k = 1;
        if (s.id === 'S7' && badDays.has(d)) k = 0.5;
        if (s.id === dropAt && d === day) k = 0.5;
        out.push(
          dailyFact(d, s.id, 'student', Math.round(s.students.y[i] * k), 350),
        );
        out.push(
          dailyFact(d, s.id, 'teacher', Math.round(s.teachers.y[i] * k), 30),
        );
      });
    }
    return out;
  }
  const run = (dropAt: string) =>
    detectDailyAnomalies(
      facts(dropAt),
      CALENDAR,
      {anomalyThreshold: 3.5, minGroupSize: 10},
      {metrics: ['activeUsers']},
    ).filter(r => r.date === day);

  test('halving both roles for a day at an ordinary school is an anomaly', () => {
    expect(run('S2').map(r => `${r.schoolId} ${r.role}`)).toEqual([
      'S2 student',
      'S2 teacher',
    ]);
  });
  test('the same day at the school whose bad days look like it is not', () => {
    expect(badDays.has(day)).toBe(false);
    expect(run('S7')).toEqual([]);
  });
});

describe("a small school's teachers all away for a day", () => {
  // Eight schools; S8 is small (about 60 students, 5 of its 6 teachers on a school day).
  const {schools, open, dates} = eightSchools(
    500,
    k => (k === 7 ? [60, 5] : [300, 25]),
    0.05,
  );
  const awayDay = dates[open[90]];
  const outageDay = dates[open[130]];
  const facts: DailyFact[] = [];
  for (const s of schools) {
    const small = s.id === 'S8';
    dates.forEach((d, i) => {
      let st = s.students.y[i];
      let te = Math.min(small ? 6 : 30, s.teachers.y[i]);
      // Every teacher at a training, students a little down with substitutes.
      if (small && d === awayDay) {
        st *= 0.75;
        te = 0;
      }
      // The school's network out: students and teachers.
      if (small && d === outageDay) {
        st *= 0.3;
        te *= 0.45;
      }
      facts.push(
        dailyFact(d, s.id, 'student', Math.round(st), small ? 70 : 350),
      );
      facts.push(dailyFact(d, s.id, 'teacher', Math.round(te), small ? 6 : 30));
    });
  }
  const rows = detectDailyAnomalies(
    facts,
    CALENDAR,
    {anomalyThreshold: 3.5, minGroupSize: 5},
    {metrics: ['activeUsers']},
  );
  test('no teacher reported on a day is read as a whole group away, not an outage', () => {
    expect(rows.filter(r => r.schoolId === 'S8' && r.date === awayDay)).toEqual(
      [],
    );
  });
  test("the school's outage, both roles far down, is still flagged", () => {
    expect(
      rows
        .filter(r => r.schoolId === 'S8' && r.date === outageDay)
        .map(r => r.role)
        .sort(),
    ).toEqual(['student', 'teacher']);
  });
});
