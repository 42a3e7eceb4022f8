import {
  dayOfWeekProfile,
  rolling7Day,
  rollingDays,
  rollingWeeks,
  weekOfYearProfile,
} from '../../src/metrics/rolling';
import {InputError} from '../../src/core/errors';
import type {SchoolCalendar} from '../../src/core/types';
import {addDays} from '../../src/clean/dates';

const cal: SchoolCalendar = {
  schoolWeekdays: [1, 2, 3, 4, 5],
  closures: [
    {name: 'Holiday', start: '2025-01-08', end: '2025-01-08', kind: 'holiday'},
  ],
  events: [],
};

// 2025-01-06 is a Monday. Weekdays 10, weekends 1, the Wednesday holiday 0.
const days = Array.from({length: 14}, (_, i) => addDays('2025-01-06', i));
const series = days.map((date, i) => ({
  date,
  value: date === '2025-01-08' ? 0 : i % 7 >= 5 ? 1 : 10,
}));

describe('rolling day averages', () => {
  test('calendar days: a trailing 7-day mean counts weekends and the holiday', () => {
    const r = rollingDays(series, 7, {minPoints: 7});
    expect(r[5].mean).toBeNull(); // only 6 days so far
    // Jan 6..12: 10, 10, 0, 10, 10, 1, 1
    expect(r[6].mean).toBeCloseTo(42 / 7, 12);
    expect(r[6].points).toBe(7);
  });
  test('school days only with the calendar: holiday and weekends skipped', () => {
    const r = rolling7Day(series, cal);
    expect(r[6].mean).toBe(10);
    expect(r[6].points).toBe(4);
    expect(r[13].mean).toBe(10);
  });
  test('missing values are skipped, not zero; gaps in dates respected', () => {
    const gappy = [
      {date: '2025-01-06', value: 4},
      {date: '2025-01-07', value: null},
      {date: '2025-01-20', value: 8},
    ];
    const r = rollingDays(gappy, 7, {minPoints: 1});
    expect(r[1].mean).toBe(4);
    expect(r[2].mean).toBe(8);
  });
  test('bad input names the field', () => {
    expect(() => rollingDays([{date: '2025-13-01', value: 1}], 7)).toThrow(
      InputError,
    );
    expect(() => rollingDays(series, 0)).toThrow(/windowDays/);
    expect(() => rollingDays([{date: '2025-01-01', value: NaN}], 7)).toThrow(
      /series/,
    );
  });
});

describe('rolling weeks', () => {
  test('4-week trailing mean skips break weeks', () => {
    const weeks = [
      {weekStart: '2024-12-09', value: 100, schoolDays: 5},
      {weekStart: '2024-12-16', value: 80, schoolDays: 5},
      {weekStart: '2024-12-23', value: 0, schoolDays: 0},
      {weekStart: '2024-12-30', value: 2, schoolDays: 0},
      {weekStart: '2025-01-06', value: 90, schoolDays: 5},
    ];
    const r = rollingWeeks(weeks, 4);
    expect(r[4].mean).toBeCloseTo((80 + 90) / 2, 12);
    expect(r[4].points).toBe(2);
    expect(r[2].mean).toBeCloseTo(90, 12);
  });
});

describe('profiles', () => {
  test('day-of-week profile skips closures and indexes against the mean day', () => {
    const p = dayOfWeekProfile(series, cal);
    const wed = p.find(e => e.key === 3)!;
    expect(wed.n).toBe(1); // the holiday Wednesday is left out
    expect(wed.mean).toBe(10);
    const sat = p.find(e => e.key === 6)!;
    expect(sat.mean).toBe(1);
    const mean = (10 * 5 + 1 * 2) / 7;
    expect(sat.index).toBeCloseTo(1 / mean, 12);
  });
  test('week-of-year profile by ISO week number', () => {
    const p = weekOfYearProfile([
      {weekStart: '2024-01-01', value: 10},
      {weekStart: '2025-01-06', value: 30},
      {weekStart: '2025-01-13', value: 20, schoolDays: 5},
      {weekStart: '2025-01-20', value: 99, schoolDays: 0},
    ]);
    expect(p).toHaveLength(53);
    expect(p[0]).toMatchObject({key: 1, mean: 10, n: 1});
    expect(p[1]).toMatchObject({key: 2, mean: 30, n: 1});
    expect(p[3]).toMatchObject({key: 4, mean: null, n: 0, index: null});
  });
});
