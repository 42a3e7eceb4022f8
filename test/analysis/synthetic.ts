/**
 * A seeded synthetic school: a daily engagement series over a school year with a
 * calendar (weekends, holidays, breaks, a testing window), a weekday profile, a
 * start-of-year ramp, a busy first day back after each break, and multiplicative noise.
 */
import type {SchoolCalendar} from '../../src/core/types';
import {addDays, dayNumber, weekday} from '../../src/clean/dates';

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    // xorshift32
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

export function normal(r: () => number): number {
  const u = Math.max(r(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

export const CALENDAR: SchoolCalendar = {
  schoolWeekdays: [1, 2, 3, 4, 5],
  closures: [
    {
      name: 'Labor Day',
      start: '2024-09-02',
      end: '2024-09-02',
      kind: 'holiday',
    },
    {
      name: 'Thanksgiving',
      start: '2024-11-27',
      end: '2024-11-29',
      kind: 'break',
    },
    {
      name: 'Winter break',
      start: '2024-12-23',
      end: '2025-01-03',
      kind: 'break',
    },
    {name: 'MLK Day', start: '2025-01-20', end: '2025-01-20', kind: 'holiday'},
    {
      name: 'Presidents Day',
      start: '2025-02-17',
      end: '2025-02-17',
      kind: 'holiday',
    },
    {
      name: 'Spring break',
      start: '2025-04-14',
      end: '2025-04-18',
      kind: 'break',
    },
  ],
  events: [
    {
      name: 'State testing',
      start: '2025-05-05',
      end: '2025-05-09',
      kind: 'testing',
    },
  ],
};

export const YEAR_START = '2024-08-26';
export const YEAR_END = '2025-06-13';

export interface SyntheticSchool {
  dates: string[];
  closed: boolean[];
  /** Expected value without noise or injected anomalies. */
  base: number[];
  y: number[];
  firstDayBack: boolean[];
}

function isClosed(day: string, cal: SchoolCalendar): boolean {
  if (!cal.schoolWeekdays.includes(weekday(day))) return true;
  return cal.closures.some(c => day >= c.start && day <= c.end);
}

export function syntheticSchool(
  seed: number,
  level = 400,
  noise = 0.06,
): SyntheticSchool {
  const r = rng(seed);
  const dates: string[] = [];
  for (let d = YEAR_START; d <= YEAR_END; d = addDays(d, 1)) dates.push(d);
  const closed = dates.map(d => isClosed(d, CALENDAR));
  const profile = [0.04, 1.0, 1.06, 1.04, 0.98, 0.84, 0.03];
  const t0 = dayNumber(YEAR_START);
  const base: number[] = [];
  const firstDayBack: boolean[] = [];
  let lastOpen = -1;
  for (let i = 0; i < dates.length; i++) {
    const t = dayNumber(dates[i]) - t0;
    const ramp = Math.min(1, 0.8 + 0.2 * (t / 14));
    const annual = 1 - 0.12 * Math.max(0, (t - 230) / 60);
    let v = level * profile[weekday(dates[i])] * ramp * annual;
    let back = false;
    if (!closed[i]) {
      let weekdaysBetween = 0;
      if (lastOpen >= 0) {
        for (let j = lastOpen + 1; j < i; j++) {
          const wd = weekday(dates[j]);
          if (wd >= 1 && wd <= 5) weekdaysBetween++;
        }
      }
      back = weekdaysBetween >= 1;
      if (back) v *= 1.3;
      if (CALENDAR.events.some(e => dates[i] >= e.start && dates[i] <= e.end))
        v *= 1.25;
      lastOpen = i;
    } else {
      v = level * 0.03;
    }
    base.push(v);
    firstDayBack.push(back);
  }
  const y = base.map(v =>
    Math.max(0, Math.round(v * Math.exp(noise * normal(r)))),
  );
  return {dates, closed, base, y, firstDayBack};
}
