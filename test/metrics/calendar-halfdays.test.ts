import type {CalendarEntry} from '../../src/core/types';
import {findHalfDays} from '../../src/metrics/calendar/halfdays';
import {
  CLOSED_RATIO,
  HALF_DAY_NAME,
  inferCalendar,
} from '../../src/metrics/calendar/infer';
import {mergeCalendar} from '../../src/metrics/calendar/merge';
import {isSchoolDay} from '../../src/metrics/weekly';
import {MID_AUGUST, NEW_YORK, simulate, type Plan} from './calendar-sim';

const halfDaysOf = (entries: CalendarEntry[]) =>
  entries.filter(e => e.kind === 'half-day').map(e => e.start);

/** Mid-August district with half days: before breaks, mid-term, before the last day. */
const WITH_HALF_DAYS: Plan = {
  ...MID_AUGUST,
  halfDays: [
    '2024-09-27', // an ordinary Friday
    '2024-11-22', // before Thanksgiving break
    '2024-12-13', // before winter break
    '2025-03-14', // before spring break
    '2025-05-21', // the day before the last day of the year
    '2025-10-10',
    '2025-12-12',
    '2026-02-11', // a Wednesday
  ],
};

describe('half days', () => {
  test.each([1, 2, 3, 4, 5])(
    'seed %i: every planted half day found, and nothing else',
    seed => {
      const cal = inferCalendar(simulate(WITH_HALF_DAYS, seed));
      expect(halfDaysOf(cal.entries)).toEqual(WITH_HALF_DAYS.halfDays);
    },
  );

  test('inferred half days are named, unreviewed, and never projected', () => {
    const plan = {...WITH_HALF_DAYS, to: '2025-12-31'};
    const cal = inferCalendar(simulate(plan, 6), {projectDays: 365});
    const half = cal.entries.filter(e => e.kind === 'half-day');
    expect(half.length).toBeGreaterThan(0);
    for (const e of half) {
      expect(e).toMatchObject({
        name: HALF_DAY_NAME,
        source: 'inferred',
        confirmed: null,
      });
      expect(e.start <= cal.through).toBe(true);
      expect(e.end).toBe(e.start);
    }
  });

  test('a calendar with no half days gets none', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      expect(
        halfDaysOf(inferCalendar(simulate(NEW_YORK, seed)).entries),
      ).toEqual([]);
    }
  });

  test('an outage (every role down alike) stays a possible outage, not a half day', () => {
    const plan: Plan = {
      ...WITH_HALF_DAYS,
      // Students at half as on a half day, but teachers down as far.
      drops: [['2025-02-05', '2025-02-05', 0.5, 0.5]],
      outages: [['2025-10-08', 0.42]],
    };
    for (const seed of [1, 2, 3]) {
      const cal = inferCalendar(simulate(plan, seed));
      const half = halfDaysOf(cal.entries);
      expect(half).not.toContain('2025-02-05');
      expect(half).not.toContain('2025-10-08');
      const outages = cal.entries
        .filter(e => e.kind === 'possible-outage')
        .map(e => e.start);
      expect(outages).toEqual(['2025-02-05', '2025-10-08']);
      // A planted half day is not taken for an outage either.
      for (const d of WITH_HALF_DAYS.halfDays!)
        expect(outages).not.toContain(d);
    }
  });

  test('a quiet stretch (students down for days running) is not a half day', () => {
    const plan: Plan = {
      ...MID_AUGUST,
      drops: [['2025-02-03', '2025-02-07', 0.5, 0.85]],
    };
    for (const seed of [1, 2, 3]) {
      expect(halfDaysOf(inferCalendar(simulate(plan, seed)).entries)).toEqual(
        [],
      );
    }
  });

  test('the first school days of a year, still ramping up, are not read', () => {
    // The third day of the 2024-25 year, as deep as a half day.
    const plan: Plan = {...MID_AUGUST, halfDays: ['2024-08-16', '2024-10-04']};
    expect(halfDaysOf(inferCalendar(simulate(plan, 1)).entries)).toEqual([
      '2024-10-04',
    ]);
  });

  test('a noisier district needs a deeper drop', () => {
    // Students at 0.68 and teachers at 0.85: a half day in a series with 6% day-to-day
    // noise, noise itself in one with 15%.
    const mild: Plan = {
      ...MID_AUGUST,
      drops: [['2025-02-05', '2025-02-05', 0.68, 0.85]],
    };
    for (const seed of [1, 2, 3]) {
      const quiet = inferCalendar(simulate(mild, seed));
      expect(halfDaysOf(quiet.entries)).toEqual(['2025-02-05']);
      const noisy = inferCalendar(simulate({...mild, noise: 0.3}, seed));
      expect(halfDaysOf(noisy.entries)).not.toContain('2025-02-05');
    }
  });

  test('teachers must be present: students at half with teachers collapsed is no half day', () => {
    const n = 140;
    const students = new Float64Array(n);
    const teachers = new Float64Array(n);
    const open: boolean[] = [];
    for (let i = 0; i < n; i++) {
      const weekend = i % 7 >= 5;
      open.push(!weekend);
      students[i] = weekend ? 100 : 1000 + (i % 3) * 10;
      teachers[i] = weekend ? 10 : 200 + (i % 2) * 4;
    }
    const day = 7 * 10 + 2; // a Wednesday well after the ramp
    students[day] = 500;
    teachers[day] = 180;
    expect(findHalfDays({students, teachers}, open, CLOSED_RATIO)).toEqual([
      day,
    ]);
    teachers[day] = 110; // down to 0.55 of normal
    expect(findHalfDays({students, teachers}, open, CLOSED_RATIO)).toEqual([]);
  });
});

describe('half days: the eve of a break and the same day a year on', () => {
  /** A steady district, Monday to Friday open, from a Monday; `closed` days shut. */
  function steady(n: number, closed: ReadonlySet<number> = new Set()) {
    const students = new Float64Array(n);
    const teachers = new Float64Array(n);
    const open: boolean[] = [];
    for (let i = 0; i < n; i++) {
      const off = i % 7 >= 5 || closed.has(i);
      open.push(!off);
      students[i] = off ? 60 : 1000 + (i % 3) * 10;
      teachers[i] = off ? 8 : 200 + (i % 2) * 4;
    }
    return {students, teachers, open};
  }

  test('on the last day before a break, teachers need only be present', () => {
    // A week's break (days 77-81) after Friday 74; students at half, teachers as usual.
    const brk = new Set([77, 78, 79, 80, 81]);
    const {students, teachers, open} = steady(140, brk);
    students[74] = 500;
    teachers[74] = 202;
    expect(findHalfDays({students, teachers}, open, CLOSED_RATIO)).toEqual([]);
    expect(
      findHalfDays({students, teachers}, open, CLOSED_RATIO, new Set([74])),
    ).toEqual([74]);
    // Every role down alike stays an outage, eve or not.
    teachers[74] = 100;
    expect(
      findHalfDays({students, teachers}, open, CLOSED_RATIO, new Set([74])),
    ).toEqual([]);
  });

  test('a dip 52 weeks from a half day is one, though teachers fell further', () => {
    const {students, teachers, open} = steady(560);
    const first = 7 * 10 + 4; // a Friday
    const next = first + 364; // the same Friday a year on
    students[first] = 500;
    teachers[first] = 180;
    // Students at 0.6, teachers at 0.7: past the share test on its own.
    students[next] = 600;
    teachers[next] = 141;
    expect(findHalfDays({students, teachers}, open, CLOSED_RATIO)).toEqual([
      first,
      next,
    ]);
    // Without the first year's half day it is not one.
    students[first] = 1000;
    teachers[first] = 200;
    expect(findHalfDays({students, teachers}, open, CLOSED_RATIO)).toEqual([]);
  });
});

describe('half days in the merged calendar', () => {
  const cal = inferCalendar(simulate(WITH_HALF_DAYS, 1));
  const weekdays = cal.schoolWeekdays;

  test('an inferred half day is a school day and a half-day event', () => {
    const merged = mergeCalendar(weekdays, cal.entries);
    expect(isSchoolDay('2024-12-13', merged)).toBe(true);
    const events = merged.events.filter(e => e.kind === 'half-day');
    expect(events.map(e => e.start)).toEqual(WITH_HALF_DAYS.halfDays);
  });

  test('an entered closure on the same day wins; a rejected half day drops out', () => {
    const entered: CalendarEntry = {
      name: 'Snow day',
      start: '2024-12-13',
      end: '2024-12-13',
      kind: 'holiday',
      source: 'entered',
      confirmed: true,
    };
    const merged = mergeCalendar(weekdays, [...cal.entries, entered]);
    expect(isSchoolDay('2024-12-13', merged)).toBe(false);
    expect(merged.events.some(e => e.start === '2024-12-13')).toBe(false);
    const rejected = cal.entries.map(e =>
      e.kind === 'half-day' && e.start === '2025-03-14'
        ? {...e, confirmed: false}
        : e,
    );
    const after = mergeCalendar(weekdays, rejected);
    expect(after.events.some(e => e.start === '2025-03-14')).toBe(false);
    expect(after.events.some(e => e.start === '2024-12-13')).toBe(true);
  });
});
