/** The school calendar as masks over a series: school days, the year's last day, breaks. */
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

/** Calendar masks of one series: surges explained, fitted days, breaks between them. */
export function calendarMasks(
  y: ReadonlyArray<number | null>,
  closed: ReadonlyArray<boolean>,
  peaks: ReadonlyArray<boolean>,
  dates: ReadonlyArray<string>,
  period: number,
  breakRun: number | undefined,
  lows?: ReadonlyArray<boolean>,
): Pick<FittedSeries, 'noSurge' | 'noDrop' | 'fitted' | 'breakBefore'> {
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
    fitted,
    breakBefore,
  };
}
