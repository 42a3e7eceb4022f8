import {addDays, daysBetween, weekday} from '../../src/clean/dates';
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

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Plan {
  from: string;
  to: string;
  /** Closed ranges (students off), inclusive. */
  closed: Array<[string, string]>;
  /** Staff days: students off, teachers in. */
  staff?: string[];
  /** District-wide outages: every role at this share. */
  outages?: Array<[string, number]>;
}

function simulate(plan: Plan, seed: number): DistrictDay[] {
  const r = rng(seed);
  const noise = () => 1 + (r() + r() + r() - 1.5) * 0.12;
  const out: DistrictDay[] = [];
  const n = daysBetween(plan.from, plan.to) + 1;
  for (let i = 0; i < n; i++) {
    const d = addDays(plan.from, i);
    const wd = weekday(d);
    const closed = plan.closed.some(([a, b]) => d >= a && d <= b);
    const staff = plan.staff?.includes(d) ?? false;
    const outage = plan.outages?.find(o => o[0] === d)?.[1] ?? 1;
    // Slow growth over the period, as enrolment and adoption do.
    const level = 5000 * (1 + (0.15 * i) / n);
    let s = level * [0.1, 1.02, 1.04, 1.02, 0.99, 0.88, 0.07][wd];
    let t = 400 * [0.15, 1, 1, 1, 1, 0.95, 0.12][wd];
    if (wd === 0 || wd === 6) {
      s *= 0.9;
    } else if (closed || staff) {
      s *= 0.06;
      t *= staff ? 0.7 : 0.09;
    }
    s *= outage;
    t *= outage;
    out.push({
      date: d,
      students: Math.round(s * noise()),
      teachers: Math.round(t * noise()),
      staff: Math.round(30 * noise()),
    });
  }
  return out;
}

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

/** A New York-like pair of years: September start, late June end, short winter break. */
const NEW_YORK: Plan = {
  from: '2024-07-01',
  to: '2026-05-29',
  closed: [
    ['2024-07-01', '2024-09-04'],
    ['2024-10-14', '2024-10-14'],
    ['2024-11-28', '2024-11-29'],
    ['2024-12-24', '2025-01-01'],
    ['2025-01-20', '2025-01-20'],
    ['2025-02-17', '2025-02-21'],
    ['2025-04-14', '2025-04-18'],
    ['2025-05-26', '2025-05-26'],
    ['2025-06-19', '2025-06-19'],
    ['2025-06-27', '2025-09-03'],
    ['2025-10-02', '2025-10-02'],
    ['2025-10-13', '2025-10-13'],
    ['2025-11-27', '2025-11-28'],
    ['2025-12-24', '2026-01-02'],
    ['2026-01-19', '2026-01-19'],
    ['2026-02-16', '2026-02-20'],
    ['2026-04-03', '2026-04-10'],
    ['2026-05-25', '2026-05-25'],
  ],
  staff: ['2024-11-05', '2025-11-04'],
  outages: [
    ['2025-03-12', 0.4],
    ['2026-03-11', 0.5],
  ],
};

/** A district starting mid-August with a three-week winter break. */
const MID_AUGUST: Plan = {
  from: '2024-06-03',
  to: '2026-06-30',
  closed: [
    ['2024-06-03', '2024-08-13'],
    ['2024-09-02', '2024-09-02'],
    ['2024-11-25', '2024-11-29'],
    ['2024-12-16', '2025-01-03'],
    ['2025-01-20', '2025-01-20'],
    ['2025-03-17', '2025-03-21'],
    ['2025-05-23', '2025-08-12'],
    ['2025-09-01', '2025-09-01'],
    ['2025-11-24', '2025-11-28'],
    ['2025-12-15', '2026-01-02'],
    ['2026-01-19', '2026-01-19'],
    ['2026-03-16', '2026-03-20'],
    ['2026-05-22', '2026-06-30'],
  ],
  outages: [['2025-10-08', 0.42]],
};

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
