/**
 * Reads a district calendar from an iCalendar (.ics) feed (pure; parsing by ical.js).
 *
 * All-day events (DTSTART;VALUE=DATE) become calendar entries over their days, DTEND being
 * exclusive as RFC 5545 defines it (no DTEND: one day). Recurring events (RRULE, RDATE)
 * are expanded over the window, EXDATE skipped and RECURRENCE-ID overrides applied;
 * cancelled events and occurrences are left out. A timed event counts only as a half day
 * ("Early dismissal 12:30"), on its wall-clock date in its own zone (UTC times through
 * `dayOf`), so no time-zone database is needed.
 */
import ICAL from 'ical.js';
import {InputError} from '../../core/errors';
import {addDays} from '../../clean/dates';
import {importedEvent, type ImportedEvent} from './classify';

export type {ImportedEvent} from './classify';

export interface ReadOptions {
  /** First and last day (inclusive, YYYY-MM-DD) whose events are wanted. */
  from: string;
  to: string;
  /** The district's day of a UTC instant (for events given in UTC). */
  dayOf: (ms: number) => string;
}

export interface IcsResult {
  events: ImportedEvent[];
  /** Events with no usable start, left out. */
  malformed: number;
}

/** Occurrences expanded per recurring event at most (a daily rule over three years fits). */
const MAX_OCCURRENCES = 2000;

type Time = ICAL.Time;

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** The wall-clock date of a time, or the district's date of a UTC time. */
function dayOfTime(t: Time, opts: ReadOptions): string {
  if (!t.isDate && t.zone === ICAL.Timezone.utcTimezone) {
    return opts.dayOf(t.toUnixTime() * 1000);
  }
  return `${String(t.year).padStart(4, '0')}-${two(t.month)}-${two(t.day)}`;
}

/** The entry of one occurrence; null when it is not about school days or out of the window. */
function occurrence(
  title: string,
  start: Time,
  end: Time | null,
  opts: ReadOptions,
): ImportedEvent | null {
  const first = dayOfTime(start, opts);
  if (!start.isDate) {
    return importedEvent(title, first, first, false, opts.from, opts.to);
  }
  // DTEND of an all-day event is the day after its last day.
  const after = end ? dayOfTime(end, opts) : addDays(first, 1);
  const last = after > first ? addDays(after, -1) : first;
  return importedEvent(title, first, last, true, opts.from, opts.to);
}

function isCancelled(comp: ICAL.Component): boolean {
  const s = comp.getFirstPropertyValue('status');
  return typeof s === 'string' && s.toUpperCase() === 'CANCELLED';
}

function parseRoot(text: string, label: string): ICAL.Component {
  if (!/BEGIN:VCALENDAR/i.test(text)) {
    const head = text.trim().slice(0, 40).replace(/\s+/g, ' ');
    throw new InputError(
      label,
      `is not an iCalendar feed (no BEGIN:VCALENDAR; it starts "${head}")`,
    );
  }
  let jcal: unknown;
  try {
    jcal = ICAL.parse(text);
  } catch (e) {
    throw new InputError(
      label,
      `is not a valid iCalendar feed: ${(e as Error).message}`,
    );
  }
  // Several VCALENDARs in one file parse as a list; the first is the calendar.
  const first = Array.isArray(jcal) && Array.isArray(jcal[0]) ? jcal[0] : jcal;
  const root = new ICAL.Component(first as unknown[]);
  if (root.name !== 'vcalendar') {
    throw new InputError(label, `holds a ${root.name}, not a VCALENDAR`);
  }
  return root;
}

/**
 * The school-calendar entries of an .ics feed between opts.from and opts.to. Throws an
 * InputError naming `label` when the text is not a readable iCalendar feed.
 */
export function parseIcs(
  text: string,
  label: string,
  opts: ReadOptions,
): IcsResult {
  const root = parseRoot(text, label);
  const vevents = root.getAllSubcomponents('vevent');
  const masters: ICAL.Component[] = [];
  const exceptions = new Map<string, ICAL.Component[]>();
  for (const v of vevents) {
    if (v.hasProperty('recurrence-id')) {
      const uid = String(v.getFirstPropertyValue('uid') ?? '');
      const list = exceptions.get(uid) ?? [];
      list.push(v);
      exceptions.set(uid, list);
    } else {
      masters.push(v);
    }
  }
  const out: ImportedEvent[] = [];
  let malformed = 0;
  for (const comp of masters) {
    if (isCancelled(comp)) continue;
    let ev: ICAL.Event;
    try {
      const uid = String(comp.getFirstPropertyValue('uid') ?? '');
      ev = new ICAL.Event(comp, {
        exceptions: exceptions.get(uid) ?? [],
        strictExceptions: false,
      });
      if (!ev.startDate) throw new Error('no DTSTART');
    } catch {
      malformed++;
      continue;
    }
    try {
      if (!ev.isRecurring()) {
        const one = occurrence(
          ev.summary ?? '',
          ev.startDate,
          ev.endDate,
          opts,
        );
        if (one) out.push(one);
        continue;
      }
      const it = ev.iterator();
      for (let n = 0; n < MAX_OCCURRENCES; n++) {
        const next = it.next();
        if (!next) break;
        if (dayOfTime(next, opts) > opts.to) break;
        const d = ev.getOccurrenceDetails(next);
        if (isCancelled(d.item.component)) continue;
        const one = occurrence(
          d.item.summary ?? ev.summary ?? '',
          d.startDate,
          d.endDate,
          opts,
        );
        if (one) out.push(one);
      }
    } catch {
      // A rule ical.js cannot expand: the event is left out and counted.
      malformed++;
    }
  }
  return {events: out, malformed};
}
