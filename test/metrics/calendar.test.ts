import {weekday} from '../../src/clean/dates';
import type {CalendarEntry} from '../../src/core/types';
import {
  federalHolidays,
  holidaysBetween,
} from '../../src/metrics/calendar/holidays';
import {
  inferCalendar,
  type DistrictDay,
} from '../../src/metrics/calendar/infer';
import {mergeCalendar} from '../../src/metrics/calendar/merge';
import {isSchoolDay} from '../../src/metrics/weekly';
import {MID_AUGUST, NEW_YORK, simulate, type Plan} from './calendar-sim';

function closedScore(
  days: DistrictDay[],
  entries: CalendarEntry[],
  plan: Plan,
) {
  const cal = mergeCalendar([1, 2, 3, 4, 5], entries);
  let tp = 0;
  let inferred = 0;
  let real = 0;
  for (const {date} of days) {
    const wd = weekday(date);
    if (wd === 0 || wd === 6) continue;
    const a = !isSchoolDay(date, cal);
    const b =
      plan.closed.some(([x, y]) => date >= x && date <= y) ||
      (plan.staff?.includes(date) ?? false);
    if (a) inferred++;
    if (b) real++;
    if (a && b) tp++;
  }
  return {precision: tp / inferred, recall: tp / real};
}

describe('inferCalendar', () => {
  test.each([
    ['New York-like', NEW_YORK],
    ['mid-August start, three-week winter break', MID_AUGUST],
  ])(
    '%s: closed days found with precision and recall of at least 0.95',
    (_, plan) => {
      for (const seed of [1, 2, 3]) {
        const days = simulate(plan, seed);
        const cal = inferCalendar(days);
        expect(cal.schoolWeekdays).toEqual([1, 2, 3, 4, 5]);
        const learned = cal.entries.filter(e => e.start <= cal.through);
        const {precision, recall} = closedScore(days, learned, plan);
        expect(precision).toBeGreaterThanOrEqual(0.95);
        expect(recall).toBeGreaterThanOrEqual(0.95);
      }
    },
  );

  test('an outage is marked for confirmation and stays a school day', () => {
    const cal = inferCalendar(simulate(NEW_YORK, 4));
    const flagged = cal.entries.filter(e => e.kind === 'possible-outage');
    expect(flagged.map(e => e.start)).toEqual(['2025-03-12', '2026-03-11']);
    const merged = mergeCalendar(cal.schoolWeekdays, cal.entries);
    expect(isSchoolDay('2025-03-12', merged)).toBe(true);
  });

  test('a staff day (teachers in, students off) is a closure, named so', () => {
    const cal = inferCalendar(simulate(NEW_YORK, 5));
    const staff = cal.entries.find(e => e.start === '2024-11-05');
    expect(staff?.name).toBe('Staff day (students off)');
    expect(staff?.kind).toBe('holiday');
  });

  test('summers give the first and last school days of each year', () => {
    const cal = inferCalendar(simulate(MID_AUGUST, 6));
    expect(cal.years).toEqual([
      {first: '2024-08-14', last: '2025-05-22'},
      {first: '2025-08-13', last: '2026-05-21'},
    ]);
  });

  test('closures are projected a year on, marked as projections', () => {
    const plan = {...NEW_YORK, to: '2025-12-05'};
    const cal = inferCalendar(simulate(plan, 7), {projectDays: 60});
    const future = cal.entries.filter(e => e.start > cal.through);
    expect(future.length).toBeGreaterThan(0);
    expect(future.every(e => e.name.endsWith('(projected)'))).toBe(true);
    // Last year's winter break, moved to the same weekdays.
    expect(future.some(e => e.start === '2025-12-23')).toBe(true);
  });

  test('a public holiday is projected on its own date, once', () => {
    // Juneteenth fell on Thursday in 2025 and falls on Friday in 2026: moving the 2025
    // closure to the same weekday would close Thursday 18 June as well.
    const plan = {...NEW_YORK, to: '2025-12-05'};
    const cal = inferCalendar(simulate(plan, 7), {projectDays: 220});
    const juneteenth = cal.entries.filter(
      e => e.start > cal.through && e.name.startsWith('Juneteenth'),
    );
    expect(juneteenth.map(e => [e.start, e.end])).toEqual([
      ['2026-06-19', '2026-06-19'],
    ]);
  });

  test('a weekend school day pattern is learned from the data', () => {
    const days = simulate(NEW_YORK, 8).map(d =>
      weekday(d.date) === 6 ? {...d, students: d.students * 12} : d,
    );
    expect(inferCalendar(days).schoolWeekdays).toContain(6);
  });

  test('too little history: weekdays only, no closure', () => {
    const days = simulate({...NEW_YORK, to: '2024-07-14'}, 9);
    expect(inferCalendar(days)).toMatchObject({
      schoolWeekdays: [1, 2, 3, 4, 5],
      entries: [],
    });
  });
});

describe('federal holidays', () => {
  test('observed-day rules', () => {
    const h = new Map(federalHolidays(2026).map(x => [x.name, x.date]));
    expect(h.get('Independence Day')).toBe('2026-07-03'); // a Saturday
    expect(h.get('Thanksgiving')).toBe('2026-11-26');
    expect(h.get('Memorial Day')).toBe('2026-05-25');
    expect(h.get('Martin Luther King Jr. Day')).toBe('2026-01-19');
    // 1 January 2022 was a Saturday: observed on Friday 31 December 2021.
    expect(holidaysBetween('2021-12-01', '2021-12-31').get('2021-12-31')).toBe(
      "New Year's Day",
    );
  });
});
