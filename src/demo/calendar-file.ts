/**
 * A district's own school calendar for the demo generator, read from a JSON file
 * (format in src/demo/README.md), so an analyst can rehearse on their district's
 * calendar instead of the New York-like default. Only the generator reads it: the
 * product still learns the calendar from the activity.
 */
import {InputError} from '../core/errors';
import {
  assembleCalendar,
  DemoCalendar,
  period,
  Period,
  SchoolLevel,
  SchoolYearPlan,
} from './calendar';
import {civil, parseIsoDate, weekday} from './dates';

/**
 * The generator places events by the America/New_York clock (its daylight-saving rule
 * is built in), so a file naming another zone is refused rather than silently shifted.
 */
export const SUPPORTED_TIME_ZONES = ['America/New_York'];

export type ClosureKind = 'holiday' | 'break' | 'staff';

export interface CalendarFile {
  timeZone: string;
  years: {firstDay: string; lastDay: string}[];
  closures: {start: string; end: string; name: string; kind: ClosureKind}[];
  testing: {start: string; end: string; name: string; levels: SchoolLevel[]}[];
  halfDays: string[];
}

const LEVELS: SchoolLevel[] = ['elementary', 'middle', 'high'];
const CLOSURE_KINDS: ClosureKind[] = ['holiday', 'break', 'staff'];
const TOP_KEYS = ['timeZone', 'years', 'closures', 'testing', 'halfDays'];

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function date(v: unknown, field: string): number {
  if (typeof v !== 'string' || parseIsoDate(v) === null) {
    throw new InputError(
      field,
      `must be a YYYY-MM-DD date (got ${JSON.stringify(v)})`,
    );
  }
  return parseIsoDate(v) as number;
}

function text(v: unknown, field: string): string {
  if (typeof v !== 'string' || !v.trim()) {
    throw new InputError(field, 'must be a non-empty string');
  }
  return v.trim();
}

function list(o: Obj, key: string, file: string, required: boolean): unknown[] {
  const v = o[key];
  if (v === undefined && !required) return [];
  if (!Array.isArray(v)) {
    throw new InputError(`${file}: ${key}`, 'must be a list');
  }
  return v;
}

function noExtraKeys(o: Obj, allowed: string[], field: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) {
      throw new InputError(
        `${field}.${k}`,
        `unknown field (expected ${allowed.join(', ')})`,
      );
    }
  }
}

/**
 * Parses and validates a calendar file's JSON text. Errors name the file, the field and
 * the entry (e.g. `district.json: closures[2].end`).
 */
export function parseCalendarFile(
  json: string,
  file = 'calendar file',
): CalendarFile {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new InputError(file, `not valid JSON: ${(e as Error).message}`);
  }
  if (!isObj(raw)) throw new InputError(file, 'must be a JSON object');
  noExtraKeys(raw, TOP_KEYS, file);
  const timeZone = text(raw.timeZone, `${file}: timeZone`);
  if (!SUPPORTED_TIME_ZONES.includes(timeZone)) {
    throw new InputError(
      `${file}: timeZone`,
      `"${timeZone}" is not supported: the demo generator simulates ${SUPPORTED_TIME_ZONES.join(', ')} only`,
    );
  }

  const years = list(raw, 'years', file, true).map((y, i) => {
    const f = `${file}: years[${i}]`;
    if (!isObj(y)) throw new InputError(f, 'must be an object');
    noExtraKeys(y, ['firstDay', 'lastDay'], f);
    const first = date(y.firstDay, `${f}.firstDay`);
    const last = date(y.lastDay, `${f}.lastDay`);
    if (last < first) {
      throw new InputError(`${f}.lastDay`, 'is before firstDay');
    }
    if (last - first > 365) {
      throw new InputError(f, 'spans more than a year');
    }
    return {
      first,
      last,
      firstDay: y.firstDay as string,
      lastDay: y.lastDay as string,
    };
  });
  if (years.length === 0) {
    throw new InputError(
      `${file}: years`,
      'must list at least one school year',
    );
  }
  for (let i = 1; i < years.length; i++) {
    if (years[i].first <= years[i - 1].last) {
      throw new InputError(
        `${file}: years[${i}].firstDay`,
        `must come after years[${i - 1}].lastDay (years in order, not overlapping)`,
      );
    }
  }
  const inYear = (start: number, end: number, f: string) => {
    if (!years.some(y => start >= y.first && end <= y.last)) {
      throw new InputError(
        f,
        'must fall inside one school year (between a firstDay and its lastDay)',
      );
    }
  };
  const span = (e: Obj, f: string): [number, number] => {
    const start = date(e.start, `${f}.start`);
    const end = e.end === undefined ? start : date(e.end, `${f}.end`);
    if (end < start) throw new InputError(`${f}.end`, 'is before start');
    inYear(start, end, f);
    return [start, end];
  };

  const closureDays: [number, number][] = [];
  const closures = list(raw, 'closures', file, false).map((c, i) => {
    const f = `${file}: closures[${i}]`;
    if (!isObj(c)) throw new InputError(f, 'must be an object');
    noExtraKeys(c, ['start', 'end', 'name', 'kind'], f);
    const [start, end] = span(c, f);
    const name = text(c.name, `${f}.name`);
    const kind = c.kind;
    if (!CLOSURE_KINDS.includes(kind as ClosureKind)) {
      throw new InputError(
        `${f}.kind`,
        `must be one of ${CLOSURE_KINDS.join(', ')} (got ${JSON.stringify(kind)})`,
      );
    }
    closureDays.push([start, end]);
    return {
      start: c.start as string,
      end: (c.end ?? c.start) as string,
      name,
      kind: kind as ClosureKind,
    };
  });

  const testing = list(raw, 'testing', file, false).map((t, i) => {
    const f = `${file}: testing[${i}]`;
    if (!isObj(t)) throw new InputError(f, 'must be an object');
    noExtraKeys(t, ['start', 'end', 'name', 'levels'], f);
    span(t, f);
    const name = text(t.name, `${f}.name`);
    let levels = LEVELS;
    if (t.levels !== undefined) {
      if (
        !Array.isArray(t.levels) ||
        t.levels.length === 0 ||
        t.levels.some(l => !LEVELS.includes(l as SchoolLevel))
      ) {
        throw new InputError(
          `${f}.levels`,
          `must be a non-empty list of ${LEVELS.join(', ')}`,
        );
      }
      levels = t.levels as SchoolLevel[];
    }
    return {
      start: t.start as string,
      end: (t.end ?? t.start) as string,
      name,
      levels,
    };
  });

  const halfDays = list(raw, 'halfDays', file, false).map((h, i) => {
    const f = `${file}: halfDays[${i}]`;
    const d = date(h, f);
    inYear(d, d, f);
    const wd = weekday(d);
    if (wd === 0 || wd === 6) throw new InputError(f, 'falls on a weekend');
    if (closureDays.some(([s, e]) => d >= s && d <= e)) {
      throw new InputError(f, 'falls on a closure');
    }
    return h as string;
  });

  return {
    timeZone,
    years: years.map(y => ({firstDay: y.firstDay, lastDay: y.lastDay})),
    closures,
    testing,
    halfDays,
  };
}

/** First and last day numbers the file's school years cover. */
export function calendarFileSpan(cal: CalendarFile): [number, number] {
  return [
    parseIsoDate(cal.years[0].firstDay) as number,
    parseIsoDate(cal.years[cal.years.length - 1].lastDay) as number,
  ];
}

/** The file's calendar over [startDay, endDay], one classified entry per day. */
export function buildCalendarFromFile(
  cal: CalendarFile,
  startDay: number,
  endDay: number,
): DemoCalendar {
  const plans: SchoolYearPlan[] = cal.years.map(y => {
    const first = parseIsoDate(y.firstDay) as number;
    const last = parseIsoDate(y.lastDay) as number;
    const inside = (e: {start: string}) => {
      const d = parseIsoDate(e.start) as number;
      return d >= first && d <= last;
    };
    const closures: Period[] = cal.closures
      .filter(inside)
      .map(c =>
        period(
          c.name,
          c.kind === 'break' ? 'break' : 'holiday',
          parseIsoDate(c.start) as number,
          parseIsoDate(c.end) as number,
          c.kind === 'staff' ? {staffOnly: true} : {},
        ),
      );
    const events: Period[] = cal.testing
      .filter(inside)
      .map(t =>
        period(
          t.name,
          'testing',
          parseIsoDate(t.start) as number,
          parseIsoDate(t.end) as number,
          {levels: t.levels},
        ),
      );
    for (const h of cal.halfDays) {
      const d = parseIsoDate(h) as number;
      if (d >= first && d <= last) {
        events.push(period('Half day', 'half-day', d, d));
      }
    }
    return {year: civil(first).year, first, last, closures, events};
  });
  return assembleCalendar(plans, startDay, endDay);
}
