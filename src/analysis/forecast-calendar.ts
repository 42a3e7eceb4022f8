/**
 * The school calendar as regressors of the weekly school forecasts (see forecasting.ts):
 * school days per week and their reach curve, breaks, summers, testing windows and year
 * edges, and the choice of the reach curve's daily rate.
 */
import type {SchoolCalendar} from '../core/types';
import {addDays, weekDays} from '../clean/dates';
import {MONDAY_TO_FRIDAY, isSchoolDay} from '../metrics/weekly';
import {SUMMER_SCHOOL_DAYS} from '../metrics/calendar/infer';
import {independentColumns} from '../stats/auto';
import {fourier} from '../stats/fourier';
import {rssWithExtraColumn} from '../stats/linalg';

/** Weeks per year: the period of the annual cycle in weekly data. */
export const WEEKS_PER_YEAR = 52.18;

/** School days in the week starting `weekStart` by the calendar (Monday to Friday when none). */
export function calendarSchoolDays(
  weekStart: string,
  calendar: SchoolCalendar | null,
): number {
  const cal = calendar ?? DEFAULT_CALENDAR;
  let c = 0;
  for (const d of weekDays(weekStart)) if (isSchoolDay(d, cal)) c++;
  return c;
}

/** Without a calendar every weekday is a school day. */
const DEFAULT_CALENDAR: SchoolCalendar = {
  schoolWeekdays: [...MONDAY_TO_FRIDAY],
  closures: [],
  events: [],
};

/** Whether any day of the week falls in a testing window of the calendar. */
export function inTestingWindow(
  weekStart: string,
  calendar: SchoolCalendar | null,
): boolean {
  if (!calendar) return false;
  const days = weekDays(weekStart);
  return calendar.events.some(
    e => e.kind === 'testing' && days.some(d => d >= e.start && d <= e.end),
  );
}

/**
 * Consecutive closed weeks from which a closure is a summer rather than a break: the
 * learned calendar's own threshold, so a three-week winter break stays a break.
 */
export const SUMMER_WEEKS = SUMMER_SCHOOL_DAYS / 5;

/**
 * How a week's reach grows with its school days, on the log scale: log(r(d) / r(5)) with
 * r(d) = 1 - (1 - q)^d, the share of users active at least once in d days when each is
 * active on a given day with probability q. q = 0 is the limit log(d / 5) (a count that
 * grows in proportion, such as events); q near 1 is flat (nearly everyone on any day).
 */
export function schoolDayReach(days: number, q: number): number {
  if (days <= 0) return 0;
  if (q <= 0) return Math.log(days / 5);
  return Math.log((1 - Math.pow(1 - q, days)) / (1 - Math.pow(1 - q, 5)));
}

/** The daily activity rates schoolDayReach is profiled over (0 = the log(d / 5) limit). */
export const REACH_RATES = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/**
 * Calendar regressors for weeks (on the log scale the model works on):
 *  - break: no school day in the week;
 *  - summer: a closed week of a run of at least SUMMER_WEEKS closed weeks, or of a closure
 *    the calendar calls a summer (the history may start inside one). Students keep using
 *    the tools through a one-week break far more than through the summer (a few percent
 *    of a school week), so one break dummy for both fits neither, and the annual Fourier
 *    terms that then chase the summer cliff ring into the weeks around it;
 *  - schoolDayReach: the reach of a week with school as a function of its school days at
 *    the daily rate `reach` (see schoolDayReach). One coefficient on a monotone curve: a
 *    week shorter than any in the history (a 1-day week before a break) follows the same
 *    curve instead of a polynomial extrapolated past the weeks it was fitted on;
 *  - testing: a day of the week in a testing window;
 *  - midBreak: a break week followed by another (the first weeks of a two- or three-week
 *    winter break). The last week of any break ends on the weekend before school, when
 *    students pick the tools up again, so a break's last week is busier than the weeks
 *    inside it; with one break dummy for both, one-week breaks are forecast low and the
 *    heart of a long winter break high;
 *  - yearEdge: a week with school next to a summer week, the first or last of a school
 *    year: students ramp up over the first days and wind down over the last (the anomaly
 *    detector's year edges), which the annual Fourier terms round off.
 * `weekStarts` should run on into the forecast weeks, so a closed run that continues past
 * the history is measured whole; `knownDays` are school days from the facts (the rest by
 * the calendar).
 */
export function calendarRegressors(
  weekStarts: ReadonlyArray<string>,
  calendar: SchoolCalendar | null,
  knownDays?: ReadonlyArray<number | null>,
  reach = 0,
): {columns: number[][]; names: string[]; days: number[]} {
  return withReach(calendarWeeks(weekStarts, calendar, knownDays), reach);
}

/** The calendar columns that do not depend on the school-day response (see withReach). */
export interface CalendarWeeks {
  days: number[];
  closed: number[];
  summer: number[];
  testing: number[];
  midBreak: number[];
  yearEdge: number[];
}

export function calendarWeeks(
  weekStarts: ReadonlyArray<string>,
  calendar: SchoolCalendar | null,
  knownDays?: ReadonlyArray<number | null>,
): CalendarWeeks {
  const days = weekStarts.map((w, i) => {
    const k = knownDays?.[i];
    return typeof k === 'number' ? k : calendarSchoolDays(w, calendar);
  });
  const closedRun = days.map(() => 0);
  for (let i = 0; i < days.length;) {
    let j = i;
    while (j < days.length && days[j] === 0) j++;
    for (let k = i; k < j; k++) closedRun[k] = j - i;
    i = Math.max(j, i + 1);
  }
  const summer = closedRun.map((r, i) =>
    r >= SUMMER_WEEKS || (r > 0 && inSummerClosure(weekStarts[i], calendar))
      ? 1
      : 0,
  );
  return {
    days,
    closed: days.map(d => (d === 0 ? 1 : 0)),
    summer,
    testing: weekStarts.map(w => (inTestingWindow(w, calendar) ? 1 : 0)),
    midBreak: days.map((d, i) =>
      d === 0 && !summer[i] && i + 1 < days.length && days[i + 1] === 0 ? 1 : 0,
    ),
    yearEdge: days.map((d, i) =>
      d > 0 &&
      ((i > 0 && summer[i - 1]) || (i + 1 < days.length && summer[i + 1]))
        ? 1
        : 0,
    ),
  };
}

/** calendarRegressors' columns from the weeks' calendar and a school-day response. */
export function withReach(
  c: CalendarWeeks,
  reach: number,
): {columns: number[][]; names: string[]; days: number[]} {
  return {
    columns: [
      c.closed.slice(),
      c.summer.slice(),
      reachColumn(c.days, reach),
      c.testing.slice(),
      c.midBreak.slice(),
      c.yearEdge.slice(),
    ],
    names: [
      'break',
      'summer',
      'schoolDayReach',
      'testing',
      'midBreak',
      'yearEdge',
    ],
    days: c.days.slice(),
  };
}

/** schoolDayReach of each week's days, computed once per distinct number of days. */
function reachColumn(days: ReadonlyArray<number>, q: number): number[] {
  const seen = new Map<number, number>();
  return days.map(d => {
    let v = seen.get(d);
    if (v === undefined) {
      v = schoolDayReach(d, q);
      seen.set(d, v);
    }
    return v;
  });
}

/** Whether a day of the week falls in a closure the calendar calls a summer. */
function inSummerClosure(
  weekStart: string,
  calendar: SchoolCalendar | null,
): boolean {
  if (!calendar) return false;
  const end = addDays(weekStart, 6);
  return calendar.closures.some(
    c => c.kind === 'summer' && c.start <= end && c.end >= weekStart,
  );
}

/** Index of the schoolDayReach column among calendarRegressors' columns. */
const REACH_COLUMN = 2;

/**
 * The daily rate of schoolDayReach that fits `y` best (least squares, over REACH_RATES)
 * beside the other calendar columns, `extra` regressors and, past a year of history,
 * three pairs of annual Fourier terms. 0 when no rate can be told apart (no short weeks).
 */
export function fitReachRate(
  y: ReadonlyArray<number | null>,
  columns: ReadonlyArray<ReadonlyArray<number>>,
  days: ReadonlyArray<number>,
  extra: ReadonlyArray<ReadonlyArray<number>> = [],
): number {
  const n = y.length;
  const rows = y.flatMap((v, i) => (v === null ? [] : [i]));
  const pick = (c: ReadonlyArray<number>) => rows.map(i => c[i]);
  const candidates = [
    ...columns.filter((_, j) => j !== REACH_COLUMN).map(pick),
    ...extra.map(pick),
    ...(n > WEEKS_PER_YEAR
      ? fourier(n, WEEKS_PER_YEAR, 3).columns.map(pick)
      : []),
  ];
  const base = [
    rows.map(() => 1),
    ...independentColumns(candidates).map(j => candidates[j]),
  ];
  const yy = rows.map(i => y[i] as number);
  const rssWith = rssWithExtraColumn(base, yy);
  let best = 0;
  let bestRss = Infinity;
  for (const q of REACH_RATES) {
    const fit = rssWith(pick(reachColumn(days, q)));
    if (fit.rank === base.length + 1 && fit.rss < bestRss) {
      bestRss = fit.rss;
      best = q;
    }
  }
  return best;
}

/**
 * Keeps the regressors that add information: a calendar column that never varies over the
 * history, or that is a combination of the others (say, no partial weeks at all), is dropped.
 */
export function varyingColumns(
  cols: number[][],
  names: string[],
): {cols: number[][]; names: string[]; keep: number[]} {
  const keep = independentColumns(cols);
  return {cols: keep.map(j => cols[j]), names: keep.map(j => names[j]), keep};
}
