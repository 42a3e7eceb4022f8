/**
 * Rolling averages (7-day, 4-week) and seasonal profiles (day of week, week of year)
 * over engagement series. Pure. Missing values are skipped, never counted as zero;
 * with a calendar, non-school days are skipped too, so a holiday does not drag a
 * 7-day average down.
 */
import {InputError} from '../core/errors';
import type {SchoolCalendar} from '../core/types';
import {dayNumber, isoWeek, weekday} from '../clean/dates';

export interface DatedValue {
  date: string;
  value: number | null;
}

export interface RollingPoint {
  date: string;
  value: number | null;
  /** Mean of the values in the window; null when fewer than minPoints were present. */
  mean: number | null;
  /** Values that went into the mean. */
  points: number;
}

export interface RollingOptions {
  /** Skip non-school days of this calendar (weekends, closures). */
  calendar?: SchoolCalendar;
  /** Fewest values needed for a mean. Default: half the window, at least 1. */
  minPoints?: number;
}

function isClosed(day: string, calendar: SchoolCalendar): boolean {
  if (!calendar.schoolWeekdays.includes(weekday(day))) return true;
  return calendar.closures.some(c => day >= c.start && day <= c.end);
}

function checkSeries(series: ReadonlyArray<DatedValue>, field: string): void {
  if (!Array.isArray(series))
    throw new InputError(field, 'must be an array of {date, value}');
  series.forEach((p, i) => {
    if (!p || typeof p.date !== 'string') {
      throw new InputError(field, `entry ${i} has no date`);
    }
    dayNumber(p.date, `${field}[${i}].date`);
    if (
      p.value !== null &&
      (typeof p.value !== 'number' || !Number.isFinite(p.value))
    ) {
      throw new InputError(
        field,
        `entry ${i} (${p.date}) has a value that is not a number or null`,
      );
    }
  });
}

/**
 * Trailing rolling mean over the last `windowDays` calendar days (the day itself and
 * the windowDays - 1 before it), for each dated value. Dates need not be consecutive.
 */
export function rollingDays(
  series: ReadonlyArray<DatedValue>,
  windowDays: number,
  opts: RollingOptions = {},
): RollingPoint[] {
  checkSeries(series, 'series');
  if (!Number.isInteger(windowDays) || windowDays < 1) {
    throw new InputError('windowDays', 'must be a positive integer');
  }
  const sorted = [...series].sort((a, b) =>
    a.date < b.date ? -1 : a.date > b.date ? 1 : 0,
  );
  const nums = sorted.map(p => dayNumber(p.date));
  const usable = sorted.map(
    p =>
      p.value !== null && !(opts.calendar && isClosed(p.date, opts.calendar)),
  );
  const minPoints = opts.minPoints ?? Math.max(1, Math.floor(windowDays / 2));
  const out: RollingPoint[] = [];
  let lo = 0;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (usable[i]) {
      sum += sorted[i].value as number;
      count++;
    }
    while (nums[lo] <= nums[i] - windowDays) {
      if (usable[lo]) {
        sum -= sorted[lo].value as number;
        count--;
      }
      lo++;
    }
    out.push({
      date: sorted[i].date,
      value: sorted[i].value,
      mean: count >= minPoints && count > 0 ? sum / count : null,
      points: count,
    });
  }
  return out;
}

/** The 7-day trailing average (school days only with a calendar; then at least 3 of them). */
export function rolling7Day(
  series: ReadonlyArray<DatedValue>,
  calendar?: SchoolCalendar,
): RollingPoint[] {
  return rollingDays(series, 7, {calendar, minPoints: calendar ? 3 : 4});
}

export interface WeekValue {
  /** Monday of the ISO week. */
  weekStart: string;
  value: number | null;
  /** School days in the week; weeks with 0 are skipped. */
  schoolDays?: number;
}

export interface RollingWeek {
  weekStart: string;
  value: number | null;
  mean: number | null;
  points: number;
}

/**
 * Trailing rolling mean over the last `weeks` ISO weeks (this week and the ones before).
 * Weeks with no school days and missing values are skipped.
 */
export function rollingWeeks(
  series: ReadonlyArray<WeekValue>,
  weeks = 4,
  minPoints = Math.max(1, Math.ceil(weeks / 2)),
): RollingWeek[] {
  if (!Array.isArray(series))
    throw new InputError('series', 'must be an array of {weekStart, value}');
  if (!Number.isInteger(weeks) || weeks < 1)
    throw new InputError('weeks', 'must be a positive integer');
  const days = series.map((p, i) => {
    if (!p || typeof p.weekStart !== 'string')
      throw new InputError('series', `entry ${i} has no weekStart`);
    const n = dayNumber(p.weekStart, `series[${i}].weekStart`);
    if (
      p.value !== null &&
      (typeof p.value !== 'number' || !Number.isFinite(p.value))
    ) {
      throw new InputError(
        'series',
        `entry ${i} (${p.weekStart}) has a value that is not a number or null`,
      );
    }
    return n;
  });
  const points = series
    .map((p, i) => ({p, n: days[i]}))
    .sort((a, b) => a.n - b.n);
  const usable = points.map(
    ({p}) =>
      p.value !== null && (p.schoolDays === undefined || p.schoolDays > 0),
  );
  const out: RollingWeek[] = [];
  let lo = 0;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < points.length; i++) {
    if (usable[i]) {
      sum += points[i].p.value as number;
      count++;
    }
    while (points[lo].n <= points[i].n - 7 * weeks) {
      if (usable[lo]) {
        sum -= points[lo].p.value as number;
        count--;
      }
      lo++;
    }
    out.push({
      weekStart: points[i].p.weekStart,
      value: points[i].p.value,
      mean: count >= minPoints && count > 0 ? sum / count : null,
      points: count,
    });
  }
  return out;
}

export interface ProfileEntry {
  /** 0 = Sunday .. 6 = Saturday (day of week), or the ISO week number 1..53. */
  key: number;
  mean: number | null;
  median: number | null;
  n: number;
  /** mean / the mean over all keys with data (1 = a typical day or week); null without data. */
  index: number | null;
}

function summarise(
  groups: Map<number, number[]>,
  keys: number[],
): ProfileEntry[] {
  const means: number[] = [];
  const out = keys.map(key => {
    const v = groups.get(key) ?? [];
    if (v.length === 0)
      return {key, mean: null, median: null, n: 0, index: null};
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const s = [...v].sort((a, b) => a - b);
    const h = s.length >> 1;
    const median = s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
    means.push(mean);
    return {key, mean, median, n: v.length, index: null as number | null};
  });
  const overall = means.length
    ? means.reduce((a, b) => a + b, 0) / means.length
    : 0;
  for (const e of out)
    if (e.mean !== null && overall !== 0) e.index = e.mean / overall;
  return out;
}

/**
 * Day-of-week profile: mean and median per weekday. With a calendar, closures are
 * skipped (a Monday holiday is not a "low Monday"); weekends stay in when they have data.
 */
export function dayOfWeekProfile(
  series: ReadonlyArray<DatedValue>,
  calendar?: SchoolCalendar,
): ProfileEntry[] {
  checkSeries(series, 'series');
  const groups = new Map<number, number[]>();
  for (const p of series) {
    if (p.value === null) continue;
    if (
      calendar &&
      calendar.closures.some(c => p.date >= c.start && p.date <= c.end)
    )
      continue;
    const wd = weekday(p.date);
    const list = groups.get(wd);
    if (list) list.push(p.value);
    else groups.set(wd, [p.value]);
  }
  return summarise(groups, [0, 1, 2, 3, 4, 5, 6]);
}

/** Week-of-year profile (ISO week numbers 1..53) over weekly values; closed weeks skipped. */
export function weekOfYearProfile(
  series: ReadonlyArray<WeekValue>,
): ProfileEntry[] {
  if (!Array.isArray(series))
    throw new InputError('series', 'must be an array of {weekStart, value}');
  const groups = new Map<number, number[]>();
  series.forEach((p, i) => {
    if (!p || typeof p.weekStart !== 'string')
      throw new InputError('series', `entry ${i} has no weekStart`);
    dayNumber(p.weekStart, `series[${i}].weekStart`);
    if (p.value === null || (p.schoolDays !== undefined && p.schoolDays <= 0))
      return;
    if (typeof p.value !== 'number' || !Number.isFinite(p.value)) {
      throw new InputError(
        'series',
        `entry ${i} (${p.weekStart}) has a value that is not a number or null`,
      );
    }
    const wk = Number(isoWeek(p.weekStart).week.slice(-2));
    const list = groups.get(wk);
    if (list) list.push(p.value);
    else groups.set(wk, [p.value]);
  });
  return summarise(
    groups,
    Array.from({length: 53}, (_, i) => i + 1),
  );
}
