/**
 * The effective school calendar from every source a district has (pure).
 *
 * Entries come from the activity inference, from an imported calendar (Google Calendar or
 * an iCalendar feed) and from the admin (the Calendar tab). Where they overlap, each day is
 * decided by the most trusted source that says something about it: entered > imported >
 * inferred. A closure or a half day says whether school is open; a testing window only
 * marks school days, so a break inside a wider testing window stays closed.
 */
import {InputError} from '../../core/errors';
import type {
  CalendarEntry,
  CalendarKind,
  CalendarPeriod,
  CalendarSource,
  SchoolCalendar,
} from '../../core/types';
import {dayFromNumber, dayNumber, weekday} from '../../clean/dates';

export const CALENDAR_KINDS: ReadonlyArray<CalendarKind> = [
  'holiday',
  'break',
  'summer',
  'testing',
  'half-day',
  'possible-outage',
  'other',
];

export const CALENDAR_SOURCES: ReadonlyArray<CalendarSource> = [
  'inferred',
  'imported',
  'entered',
];

const RANK: Record<CalendarSource, number> = {
  inferred: 0,
  imported: 1,
  entered: 2,
};

/** Kinds that close the school for the day. */
const CLOSURE_KINDS: ReadonlySet<CalendarKind> = new Set([
  'holiday',
  'break',
  'summer',
  'other',
]);

/** True when the entry closes school on its days (a possible outage only once confirmed). */
export function isClosureEntry(e: CalendarEntry): boolean {
  if (e.confirmed === false) return false;
  if (e.kind === 'possible-outage') return e.confirmed === true;
  return CLOSURE_KINDS.has(e.kind);
}

/**
 * True when the admin still has to look at the entry: an inferred closure, or a possible
 * outage from any source, that nobody has confirmed or rejected.
 */
export function needsReview(e: CalendarEntry): boolean {
  if (e.confirmed !== null) return false;
  if (e.kind === 'possible-outage') return true;
  return e.source === 'inferred' && CLOSURE_KINDS.has(e.kind);
}

/** What the calendar says about one day. */
export interface CalendarDay {
  date: string;
  /** The weekday is one of the district's school weekdays. */
  schoolWeekday: boolean;
  /** School is open: a school weekday that no closure covers. */
  schoolDay: boolean;
  /** The closure that decides the day (null when open). */
  closure: CalendarEntry | null;
  /** The half day that decides the day (null unless a half day). */
  halfDay: CalendarEntry | null;
  /** The testing window covering the day, when school is open. */
  testing: CalendarEntry | null;
  /** An unconfirmed possible outage covering the day (the day stays a school day). */
  possibleOutage: CalendarEntry | null;
}

interface DaySlot {
  status: CalendarEntry | null; // a closure or a half day
  testing: CalendarEntry | null;
  outage: CalendarEntry | null;
}

function span(e: CalendarEntry): number {
  return dayNumber(e.end) - dayNumber(e.start);
}

/**
 * True when `a` should decide a day over `b`: the more trusted source; within one source a
 * closure over a half day (no alert on a day that may be closed), then the longer period
 * (a holiday inside summer keeps summer whole), then the earlier start.
 */
function beats(a: CalendarEntry, b: CalendarEntry | null): boolean {
  if (!b) return true;
  if (RANK[a.source] !== RANK[b.source]) return RANK[a.source] > RANK[b.source];
  const ac = isClosureEntry(a);
  const bc = isClosureEntry(b);
  if (ac !== bc) return ac;
  const d = span(a) - span(b);
  if (d !== 0) return d > 0;
  return a.start < b.start || (a.start === b.start && a.name < b.name);
}

function checkEntry(e: CalendarEntry, i: number): [number, number] {
  const field = `calendar entry ${i + 1} (${e.name || e.kind})`;
  const s = dayNumber(e.start, field);
  const t = dayNumber(e.end, field);
  if (t < s) {
    throw new InputError(
      field,
      `ends (${e.end}) before it starts (${e.start})`,
    );
  }
  if (!CALENDAR_KINDS.includes(e.kind)) {
    throw new InputError(field, `unknown kind "${e.kind}"`);
  }
  if (!(e.source in RANK)) {
    throw new InputError(field, `unknown source "${e.source}"`);
  }
  return [s, t];
}

function resolve(entries: ReadonlyArray<CalendarEntry>): Map<number, DaySlot> {
  const days = new Map<number, DaySlot>();
  entries.forEach((e, i) => {
    const [s, t] = checkEntry(e, i);
    if (e.confirmed === false) return;
    const status = isClosureEntry(e) || e.kind === 'half-day';
    const testing = e.kind === 'testing';
    const outage = e.kind === 'possible-outage' && e.confirmed === null;
    for (let n = s; n <= t; n++) {
      let slot = days.get(n);
      if (!slot) {
        slot = {status: null, testing: null, outage: null};
        days.set(n, slot);
      }
      if (status && beats(e, slot.status)) slot.status = e;
      if (testing && beats(e, slot.testing)) slot.testing = e;
      if (outage && beats(e, slot.outage)) slot.outage = e;
    }
  });
  return days;
}

function periodKind(e: CalendarEntry): CalendarPeriod['kind'] {
  return e.kind === 'possible-outage' ? 'other' : e.kind;
}

/** Runs of consecutive days decided by the same entry, as calendar periods. */
function runs(days: ReadonlyArray<[number, CalendarEntry]>): CalendarPeriod[] {
  const out: CalendarPeriod[] = [];
  let cur: {e: CalendarEntry; s: number; t: number} | null = null;
  const flush = () => {
    if (!cur) return;
    out.push({
      name: cur.e.name,
      start: dayFromNumber(cur.s),
      end: dayFromNumber(cur.t),
      kind: periodKind(cur.e),
    });
  };
  for (const [n, e] of days) {
    if (cur && cur.e === e && n === cur.t + 1) {
      cur.t = n;
    } else {
      flush();
      cur = {e, s: n, t: n};
    }
  }
  flush();
  return out;
}

/** The merged calendar with what still waits for the admin. */
export interface MergedCalendar {
  calendar: SchoolCalendar;
  /** Entries the admin has not reviewed: inferred closures and possible outages. */
  toConfirm: CalendarEntry[];
}

/** The merged calendar and the entries waiting for review; see mergeCalendar. */
export function mergeCalendarDetailed(
  schoolWeekdays: number[],
  entries: ReadonlyArray<CalendarEntry>,
): MergedCalendar {
  const days = resolve(entries);
  const order = [...days.keys()].sort((a, b) => a - b);
  const closed: [number, CalendarEntry][] = [];
  const half: [number, CalendarEntry][] = [];
  const testing: [number, CalendarEntry][] = [];
  for (const n of order) {
    const slot = days.get(n)!;
    const isClosed = slot.status !== null && isClosureEntry(slot.status);
    if (isClosed) closed.push([n, slot.status!]);
    else if (slot.status) half.push([n, slot.status]);
    // A testing window spans the breaks inside it; only its open days are testing days.
    if (slot.testing && !isClosed) testing.push([n, slot.testing]);
  }
  const events = [...runs(testing), ...runs(half)].sort((a, b) =>
    a.start < b.start ? -1 : a.start > b.start ? 1 : 0,
  );
  const toConfirm = entries
    .filter(needsReview)
    .slice()
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return {
    calendar: {
      schoolWeekdays: [...schoolWeekdays].sort((a, b) => a - b),
      closures: runs(closed),
      events,
    },
    toConfirm,
  };
}

/**
 * The effective school calendar: closures decided day by day by the most trusted source
 * (entered > imported > inferred); rejected entries dropped; an unconfirmed possible outage
 * stays a school day (so the anomaly detector still reports the drop) and a confirmed one
 * closes; testing windows and half days become events.
 */
export function mergeCalendar(
  schoolWeekdays: number[],
  entries: CalendarEntry[],
): SchoolCalendar {
  return mergeCalendarDetailed(schoolWeekdays, entries).calendar;
}

/** Day by day, what the merged entries say from `from` to `to` (inclusive). */
export function calendarDays(
  schoolWeekdays: ReadonlyArray<number>,
  entries: ReadonlyArray<CalendarEntry>,
  from: string,
  to: string,
): CalendarDay[] {
  const days = resolve(entries);
  const out: CalendarDay[] = [];
  const end = dayNumber(to, 'to');
  for (let n = dayNumber(from, 'from'); n <= end; n++) {
    const date = dayFromNumber(n);
    const slot = days.get(n);
    const status = slot?.status ?? null;
    const closure = status && isClosureEntry(status) ? status : null;
    const schoolWeekday = schoolWeekdays.includes(weekday(date));
    out.push({
      date,
      schoolWeekday,
      schoolDay: schoolWeekday && !closure,
      closure,
      halfDay: status && !closure ? status : null,
      testing: closure ? null : (slot?.testing ?? null),
      possibleOutage: slot?.outage ?? null,
    });
  }
  return out;
}
