/**
 * The school calendar learned from the district's own activity: which weekdays are school
 * days, which days the district closed (holidays, recesses, summer: days when student
 * activity collapses across the district), the first and last school days of each year,
 * district-wide drops that may be outages rather than closures (kept as school days,
 * marked for the admin to confirm), and half days (see halfdays.ts). Closures are projected forward from the last observed
 * year so forecasts know the coming school weeks. Pure: reads a compact series of
 * district-wide daily active users by role, never a service.
 */
import {addDays, daysBetween, weekday} from '../../clean/dates';
import type {CalendarEntry} from '../../core/types';
import {median, quantile} from '../../stats/robust';
import {findHalfDays} from './halfdays';
import {holidaysBetween, sameWeekdayNextYear} from './holidays';

/** District-wide distinct active users of one day, by role. */
export interface DistrictDay {
  date: string;
  students: number;
  teachers: number;
  staff: number;
}

export interface SchoolYearSpan {
  /** First school day seen (null when the data starts inside the year). */
  first: string | null;
  /** Last school day before summer (null while the year is still under way). */
  last: string | null;
}

export interface InferredCalendar {
  schoolWeekdays: number[];
  /** Learned entries up to `through`, then projected ones (named so) after it. */
  entries: CalendarEntry[];
  years: SchoolYearSpan[];
  /** Last observed day: entries after it are projections. */
  through: string;
}

export interface InferOptions {
  /** Days after the last observed day to project closures into (default 180). */
  projectDays?: number;
}

/** Too little history to tell a school day from a closure. */
export const MIN_DAYS = 28;
/** Student activity below this share of a normal school day: the district is closed. */
export const CLOSED_RATIO = 0.25;
/** Below this (and above CLOSED_RATIO) a district-wide drop is a possible outage. */
export const DIP_RATIO = 0.55;
/** Teachers above this share while students collapse: a staff day, not an outage. */
const TEACHERS_ACTIVE = 0.45;
/**
 * Closed runs of at least this many school weekdays are summer: four weeks, longer than any
 * winter or spring break (three weeks at the most in US districts).
 */
export const SUMMER_SCHOOL_DAYS = 20;
const PROJECTED = ' (projected)';
/** Name of an inferred half day in the Calendar tab. */
export const HALF_DAY_NAME = 'Half day (early dismissal)';

/** The p-quantile of the finite values in x[a..b). */
function rangeQuantile(x: Float64Array, a: number, b: number, p: number) {
  const v: number[] = [];
  for (let i = a; i < b; i++) if (Number.isFinite(x[i])) v.push(x[i]);
  return v.length ? quantile(v, p) : NaN;
}

/** A window of `2 * half + 1` days around i, shifted inside [0, n) at the edges. */
function windowAt(i: number, half: number, n: number): [number, number] {
  const len = Math.min(n, 2 * half + 1);
  const a = Math.max(0, Math.min(i - half, n - len));
  return [a, a + len];
}

/** The median, NaN for no values. */
function medianOf(v: number[]): number {
  return v.length ? median(v) : NaN;
}

interface Series {
  first: string;
  n: number;
  dates: string[];
  wd: number[];
  students: Float64Array;
  teachers: Float64Array;
}

function toSeries(days: ReadonlyArray<DistrictDay>): Series | null {
  if (!days.length) return null;
  const sorted = [...days].sort((a, b) => (a.date < b.date ? -1 : 1));
  const first = sorted[0].date;
  const n = daysBetween(first, sorted[sorted.length - 1].date) + 1;
  // A day with no facts inside the history had no activity.
  const students = new Float64Array(n);
  const teachers = new Float64Array(n);
  for (const d of sorted) {
    const i = daysBetween(first, d.date);
    students[i] = d.students;
    teachers[i] = d.teachers;
  }
  const dates: string[] = [];
  const wd: number[] = [];
  const w0 = weekday(first);
  for (let i = 0; i < n; i++) {
    dates.push(i === 0 ? first : addDays(dates[i - 1], 1));
    wd.push((w0 + i) % 7);
  }
  return {first, n, dates, wd, students, teachers};
}

/**
 * Activity relative to a normal school day: the level is the median, over school days of
 * normal activity within four weeks, of activity divided by its weekday's factor.
 */
function relative(
  x: Float64Array,
  s: Series,
  normal: boolean[],
  factors: number[],
): Float64Array {
  const q = new Float64Array(s.n);
  const scaled = (j: number) => x[j] / factors[s.wd[j]];
  for (let i = 0; i < s.n; i++) {
    let level = NaN;
    for (const half of [28, 91, 365]) {
      const [a, b] = windowAt(i, half, s.n);
      const v: number[] = [];
      for (let j = a; j < b; j++) if (normal[j]) v.push(scaled(j));
      if (v.length >= 6 || half === 365) {
        level = medianOf(v);
        break;
      }
    }
    const expected = level * factors[s.wd[i]];
    q[i] = expected > 0 ? x[i] / expected : 1;
  }
  return q;
}

/** Median ratio to the level on each weekday's normal days, normalised to mean 1. */
function weekdayFactors(
  r0: Float64Array,
  s: Series,
  normal: boolean[],
  schoolWd: number[],
): number[] {
  const f = [1, 1, 1, 1, 1, 1, 1];
  for (const w of schoolWd) {
    const v: number[] = [];
    for (let i = 0; i < s.n; i++) if (normal[i] && s.wd[i] === w) v.push(r0[i]);
    if (v.length) f[w] = medianOf(v);
  }
  const mean = schoolWd.reduce((m, w) => m + f[w], 0) / schoolWd.length;
  return f.map(v => (mean > 0 && v > 0 ? v / mean : 1));
}

interface Run {
  from: number; // index of the first school weekday of the run
  to: number; // index of the last
  schoolDays: number;
}

/** Runs of marked school weekdays; non-school weekdays between them do not break a run. */
function runs(marked: boolean[], isSchoolWd: (i: number) => boolean): Run[] {
  const out: Run[] = [];
  let cur: Run | null = null;
  for (let i = 0; i < marked.length; i++) {
    if (!isSchoolWd(i)) continue;
    if (marked[i]) {
      if (cur) {
        cur.to = i;
        cur.schoolDays++;
      } else cur = {from: i, to: i, schoolDays: 1};
    } else if (cur) {
      out.push(cur);
      cur = null;
    }
  }
  if (cur) out.push(cur);
  return out;
}

const MONTH_BREAK: Record<string, string> = {
  '02': 'Midwinter break',
  '03': 'Spring break',
  '04': 'Spring break',
  '10': 'Autumn break',
  '11': 'Thanksgiving break',
};

function closureName(
  run: Run,
  s: Series,
  holidays: Map<string, string>,
  teacherRatio: number,
): string {
  const start = s.dates[run.from];
  const end = s.dates[run.to];
  if (run.schoolDays >= SUMMER_SCHOOL_DAYS) {
    return `Summer ${end.slice(0, 4)}`;
  }
  const named: string[] = [];
  for (let i = run.from; i <= run.to; i++) {
    const h = holidays.get(s.dates[i]);
    if (h && !named.includes(h)) named.push(h);
  }
  if (run.schoolDays >= 3) {
    if (named.some(h => /Christmas|New Year/.test(h))) return 'Winter break';
    const m = MONTH_BREAK[start.slice(5, 7)];
    if (m) return m;
    return named.length ? `Break (${named.join(', ')})` : 'Break';
  }
  if (named.length) return named.join(', ');
  if (teacherRatio >= TEACHERS_ACTIVE) return 'Staff day (students off)';
  return start === end ? 'Closure' : 'Closure (2 days)';
}

/**
 * Learns the calendar from district-wide daily activity. Needs no service call: it re-runs
 * on the stored series as history grows.
 */
export function inferCalendar(
  days: ReadonlyArray<DistrictDay>,
  opts: InferOptions = {},
): InferredCalendar {
  const s = toSeries(days);
  const weekdaysOnly = [1, 2, 3, 4, 5];
  if (!s || s.n < MIN_DAYS) {
    return {
      schoolWeekdays: weekdaysOnly,
      entries: [],
      years: [],
      through: s ? s.dates[s.n - 1] : '',
    };
  }
  const last = s.dates[s.n - 1];
  // A first level: a high quantile over half a year (summer and weekends stay well under
  // half of any such window), so school days read near 1 and closures near 0.
  const r0 = new Float64Array(s.n);
  for (let i = 0; i < s.n; i++) {
    const [a, b] = windowAt(i, 91, s.n);
    const l0 = rangeQuantile(s.students, a, b, 0.9);
    r0[i] = l0 > 0 ? s.students[i] / l0 : 0;
  }
  // School weekdays: those whose busier days (upper quartile) look like school.
  const schoolWd: number[] = [];
  for (let w = 0; w < 7; w++) {
    const v: number[] = [];
    for (let i = 0; i < s.n; i++) if (s.wd[i] === w) v.push(r0[i]);
    const q75 = rangeQuantile(Float64Array.from(v), 0, v.length, 0.75);
    if (v.length >= 3 && q75 >= 0.5) schoolWd.push(w);
  }
  const weekdays = schoolWd.length ? schoolWd : weekdaysOnly;
  const isSchoolWd = (i: number) => weekdays.includes(s.wd[i]);
  const normal0 = r0.map((r, i) => (isSchoolWd(i) && r > 0.6 ? 1 : 0));
  const normal = Array.from(normal0, v => v === 1);
  const fS = weekdayFactors(r0, s, normal, weekdays);
  const q = relative(s.students, s, normal, fS);
  const rt0 = new Float64Array(s.n);
  const qt = relative(s.teachers, s, normal, [1, 1, 1, 1, 1, 1, 1]);
  for (let i = 0; i < s.n; i++) rt0[i] = qt[i];
  const fT = weekdayFactors(rt0, s, normal, weekdays);
  const qT = relative(s.teachers, s, normal, fT);

  const holidays = holidaysBetween(s.first, addDays(last, 400));
  const deep = Array.from(q, v => v < CLOSED_RATIO);
  const closedRuns = runs(deep, isSchoolWd);
  const entries: CalendarEntry[] = [];
  const closedIdx = new Set<number>();
  const median = (x: Float64Array, r: Run) => {
    const v: number[] = [];
    for (let i = r.from; i <= r.to; i++) if (isSchoolWd(i)) v.push(x[i]);
    return medianOf(v);
  };
  for (const r of closedRuns) {
    for (let i = r.from; i <= r.to; i++) closedIdx.add(i);
    // A run cut by the start or end of the history in July or August is part of a summer.
    const edge = r.from <= 3 || r.to >= s.n - 4;
    const july =
      /-0[78]-/.test(s.dates[r.from]) || /-0[78]-/.test(s.dates[r.to]);
    const summer =
      r.schoolDays >= SUMMER_SCHOOL_DAYS || (edge && july && r.schoolDays >= 3);
    const kind: CalendarEntry['kind'] = summer
      ? 'summer'
      : r.schoolDays >= 3
        ? 'break'
        : 'holiday';
    entries.push({
      name: summer
        ? `Summer ${s.dates[r.to].slice(0, 4)}`
        : closureName(r, s, holidays, median(qT, r)),
      start: s.dates[r.from],
      end: s.dates[r.to],
      kind,
      source: 'inferred',
      confirmed: null,
    });
  }
  const years = schoolYears(closedRuns, s, isSchoolWd);
  const open = s.dates.map((_, i) => isSchoolWd(i) && !closedIdx.has(i));
  // The last open day before each break or summer (3+ closed school weekdays).
  const eves = new Set<number>();
  for (const r of closedRuns) {
    if (r.schoolDays < 3) continue;
    let i = r.from - 1;
    while (i >= 0 && !open[i] && r.from - i <= 7) i--;
    if (i >= 0 && open[i]) eves.add(i);
  }
  const half = new Set(findHalfDays(s, open, CLOSED_RATIO, eves));
  for (const i of half) {
    entries.push({
      name: HALF_DAY_NAME,
      start: s.dates[i],
      end: s.dates[i],
      kind: 'half-day',
      source: 'inferred',
      confirmed: null,
    });
  }
  entries.push(
    ...possibleOutages(s, q, qT, closedIdx, half, isSchoolWd, holidays),
  );
  entries.push(
    ...projected(entries, last, opts.projectDays ?? 180, holidays, s, years),
  );
  entries.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return {schoolWeekdays: weekdays, entries, years, through: last};
}

/**
 * District-wide drops that are not closures: students and teachers both well down, not
 * on a public holiday, not beside a closure (the first or last days around a break are
 * often quieter), not a half day (teachers held up: see halfdays.ts). They stay school days, so the anomaly detector still reports them.
 */
function possibleOutages(
  s: Series,
  q: Float64Array,
  qT: Float64Array,
  closed: Set<number>,
  halfDays: Set<number>,
  isSchoolWd: (i: number) => boolean,
  holidays: Map<string, string>,
): CalendarEntry[] {
  const dip = Array.from(
    q,
    (v, i) =>
      v >= CLOSED_RATIO && v < DIP_RATIO && qT[i] < 0.75 && !halfDays.has(i),
  );
  const out: CalendarEntry[] = [];
  for (const r of runs(dip, isSchoolWd)) {
    if (r.schoolDays > 3) continue;
    let nearClosure = false;
    for (let i = r.from - 4; i <= r.to + 4; i++) {
      if (closed.has(i) && Math.abs(i - r.from) <= 4) nearClosure = true;
      if (closed.has(i) && Math.abs(i - r.to) <= 4) nearClosure = true;
    }
    let holiday = false;
    for (let i = r.from; i <= r.to; i++) {
      if (holidays.has(s.dates[i])) holiday = true;
    }
    if (nearClosure || holiday || r.from === 0) continue;
    out.push({
      name: 'Possible outage or unlisted closure',
      start: s.dates[r.from],
      end: s.dates[r.to],
      kind: 'possible-outage',
      source: 'inferred',
      confirmed: null,
    });
  }
  return out;
}

/** First and last school days of each year, from the summers between them. */
function schoolYears(
  closedRuns: Run[],
  s: Series,
  isSchoolWd: (i: number) => boolean,
): SchoolYearSpan[] {
  const summers = closedRuns.filter(r => r.schoolDays >= SUMMER_SCHOOL_DAYS);
  const closed = new Set<number>();
  for (const r of closedRuns)
    for (let i = r.from; i <= r.to; i++) closed.add(i);
  const open = (i: number) => isSchoolWd(i) && !closed.has(i);
  const firstOpen = (from: number) => {
    for (let i = from; i < s.n; i++) if (open(i)) return i;
    return -1;
  };
  const lastOpen = (to: number) => {
    for (let i = to; i >= 0; i--) if (open(i)) return i;
    return -1;
  };
  const years: SchoolYearSpan[] = [];
  let start = summers.length && summers[0].from === 0 ? -1 : 0;
  for (const sm of summers) {
    if (start !== -1 || sm.from > 0) {
      const f = firstOpen(Math.max(0, start));
      const l = lastOpen(sm.from - 1);
      if (f !== -1 && l !== -1 && f <= l) {
        years.push({first: start <= 0 ? null : s.dates[f], last: s.dates[l]});
      }
    }
    start = sm.to + 1;
  }
  const f = firstOpen(Math.max(0, start));
  if (f !== -1) years.push({first: start <= 0 ? null : s.dates[f], last: null});
  return years;
}

function allHolidays(e: CalendarEntry, holidays: Map<string, string>): boolean {
  for (let d = e.start; d <= e.end; d = addDays(d, 1)) {
    if (!holidays.has(d)) return false;
  }
  return true;
}

/**
 * Closures after the last observed day: last year's closures moved to the same weekday a
 * year on, and the public holidays the district was seen to close for.
 */
function projected(
  learned: CalendarEntry[],
  last: string,
  horizon: number,
  holidays: Map<string, string>,
  s: Series,
  years: SchoolYearSpan[],
): CalendarEntry[] {
  const until = addDays(last, horizon);
  const out: CalendarEntry[] = [];
  const covered = (d: string) =>
    out.some(e => d >= e.start && d <= e.end) ||
    learned.some(
      e =>
        e.kind !== 'possible-outage' &&
        e.kind !== 'half-day' &&
        d >= e.start &&
        d <= e.end,
    );
  for (const e of learned) {
    // Outages and half days fall on different dates each year: only closures repeat.
    if (e.kind === 'possible-outage' || e.kind === 'half-day') continue;
    // A closure made only of public holidays moves with their dates (the loop below), not
    // to the same weekday: Veterans Day on Monday 11 Nov 2024 is not Monday 10 Nov 2025.
    if (allHolidays(e, holidays)) continue;
    let start = sameWeekdayNextYear(e.start);
    const end = sameWeekdayNextYear(e.end);
    if (end <= last || start > until) continue;
    if (start <= last) start = addDays(last, 1);
    out.push({...e, name: e.name + PROJECTED, start, end});
  }
  // A summer still under way with no earlier year to copy: it lasts until the weekday
  // the last observed year began on, a year on.
  const ongoing = learned.find(e => e.kind === 'summer' && e.end === last);
  const firstDays = years.map(y => y.first).filter((d): d is string => !!d);
  if (ongoing && !out.some(e => e.kind === 'summer') && firstDays.length) {
    let resume = firstDays[firstDays.length - 1];
    while (resume <= last) resume = sameWeekdayNextYear(resume);
    out.push({
      ...ongoing,
      name: ongoing.name + PROJECTED,
      start: addDays(last, 1),
      end: addDays(resume, -1),
    });
  }
  // Public holidays the district closed for in the observed years.
  const observed = new Set<string>();
  for (const [d, name] of holidays) {
    if (d > last) continue;
    const i = daysBetween(s.first, d);
    if (i >= 0 && covered(d)) observed.add(name);
  }
  for (const [d, name] of holidays) {
    if (d <= last || d > until || !observed.has(name) || covered(d)) continue;
    out.push({
      name: name + PROJECTED,
      start: d,
      end: d,
      kind: 'holiday',
      source: 'inferred',
      confirmed: null,
    });
  }
  return out;
}
