/**
 * The school calendar as masks over a series: school days, the year's last day, breaks,
 * and the days whose level the calendar itself moves (the school year's first and last
 * weeks, half days).
 */
import type {SchoolCalendar} from '../../core/types';
import {addDays, weekday} from '../../clean/dates';
import type {FittedSeries} from './cross-section';
import {breaksBefore} from './level-shifts';

export function inPeriods(
  day: string,
  periods: SchoolCalendar['closures'],
): boolean {
  return periods.some(p => day >= p.start && day <= p.end);
}

export function isSchoolDay(day: string, calendar: SchoolCalendar): boolean {
  return (
    calendar.schoolWeekdays.includes(weekday(day)) &&
    !inPeriods(day, calendar.closures)
  );
}

/**
 * The last school day before each summer closure. It is a half day in many districts
 * (New York City's last day is one) and attendance winds down into it: a calendar low,
 * like a testing window is a calendar high, so it neither shapes the fit nor is a drop.
 */
export function yearEndDays(calendar: SchoolCalendar): Set<string> {
  const out = new Set<string>();
  for (const c of calendar.closures) {
    if (c.kind !== 'summer') continue;
    let d = addDays(c.start, -1);
    for (let k = 0; k < 14 && !isSchoolDay(d, calendar); k++)
      d = addDays(d, -1);
    if (isSchoolDay(d, calendar)) out.add(d);
  }
  return out;
}

/**
 * School days at the edges of each school year: attendance ramps up over the first two
 * weeks (late enrolment, schedules still settling) and winds down over the last two
 * (exams, trips, early leavers), by amounts that differ from school to school and year to
 * year. Ten school days each side, counted from the summer closures.
 */
export const YEAR_EDGE_DAYS = 10;

/** The first and last YEAR_EDGE_DAYS school days of each school year (by its summers). */
export function yearEdgeDays(calendar: SchoolCalendar): Set<string> {
  const summers = calendar.closures.filter(c => c.kind === 'summer');
  const inSummer = (d: string) => summers.some(p => d >= p.start && d <= p.end);
  const out = new Set<string>();
  for (const c of summers) {
    for (const [from, step] of [
      [addDays(c.end, 1), 1],
      [addDays(c.start, -1), -1],
    ] as const) {
      // 40 calendar days hold ten school days even across a recess.
      let n = 0;
      let d = from;
      for (let k = 0; k < 40 && n < YEAR_EDGE_DAYS && !inSummer(d); k++) {
        if (isSchoolDay(d, calendar)) {
          out.add(d);
          n++;
        }
        d = addDays(d, step);
      }
    }
  }
  return out;
}

/** Known half days (early dismissal): school days with less activity by design. */
export function halfDays(calendar: SchoolCalendar): Set<string> {
  const out = new Set<string>();
  for (const e of calendar.events) {
    if (e.kind !== 'half-day') continue;
    for (let d = e.start; d <= e.end; d = addDays(d, 1)) out.add(d);
  }
  return out;
}

/**
 * Whether the calendar explains a drop on this day: a half day (early dismissal). Flags
 * decided before the calendar knew it (it learns a half day from its recurrence a year
 * later) are withdrawn by it. Closures are not: a deep drop early in the history can read
 * as a closure one week and a possible outage the next, and a withdrawn flag is not
 * decided again.
 */
export function calendarExplainsDrop(
  calendar: SchoolCalendar,
): (day: string) => boolean {
  const halves = halfDays(calendar);
  return day => halves.has(day);
}

/** Known testing windows (expected peaks); half days are lows, not peaks. */
export function testingDay(day: string, calendar: SchoolCalendar): boolean {
  return calendar.events.some(
    e => e.kind !== 'half-day' && day >= e.start && day <= e.end,
  );
}

/** Calendar masks of one series: surges explained, fitted days, breaks between them. */
export function calendarMasks(
  y: ReadonlyArray<number | null>,
  closed: ReadonlyArray<boolean>,
  peaks: ReadonlyArray<boolean>,
  dates: ReadonlyArray<string>,
  period: number,
  breakRun: number | undefined,
  lows?: ReadonlyArray<boolean>,
  moved?: ReadonlyArray<boolean>,
): Pick<
  FittedSeries,
  'noSurge' | 'noDrop' | 'fitted' | 'breakBefore' | 'calendarMoved'
> {
  const openIdx: number[] = [];
  y.forEach((v, i) => v !== null && !closed[i] && openIdx.push(i));
  const afterBreak = breaksBefore(openIdx, closed, dates, period, breakRun);
  if (openIdx.length > 0) afterBreak[openIdx[0]] = true;
  const fitted = y.map(
    (v, i) =>
      v !== null &&
      !closed[i] &&
      !peaks[i] &&
      !afterBreak[i] &&
      !(lows && lows[i]),
  );
  const breakBefore = new Array<boolean>(y.length).fill(false);
  let pending = false;
  for (const i of openIdx) {
    pending = pending || afterBreak[i];
    if (fitted[i]) {
      breakBefore[i] = pending;
      pending = false;
    }
  }
  return {
    noSurge: y.map((_, i) => peaks[i] || afterBreak[i]),
    noDrop: y.map((_, i) => !!(lows && lows[i])),
    calendarMoved: y.map((_, i) => afterBreak[i] || !!(moved && moved[i])),
    fitted,
    breakBefore,
  };
}
