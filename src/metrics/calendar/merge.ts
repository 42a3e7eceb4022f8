/**
 * The effective calendar from every source's entries: entered beats imported beats
 * inferred where they overlap; rejected entries are dropped. A possible outage stays a
 * school day (the anomaly detector keeps its drop); a half day is an event, not a closure.
 */
import {addDays} from '../../clean/dates';
import type {
  CalendarEntry,
  CalendarPeriod,
  CalendarSource,
  SchoolCalendar,
} from '../../core/types';

const RANK: Record<CalendarSource, number> = {
  entered: 3,
  imported: 2,
  inferred: 1,
};

function overlaps(a: CalendarEntry, b: CalendarEntry): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** The days of `e` not covered by any of `over`, as entries. */
function subtract(e: CalendarEntry, over: CalendarEntry[]): CalendarEntry[] {
  let parts: CalendarEntry[] = [e];
  for (const o of over) {
    const next: CalendarEntry[] = [];
    for (const p of parts) {
      if (!overlaps(p, o)) {
        next.push(p);
        continue;
      }
      if (p.start < o.start) next.push({...p, end: addDays(o.start, -1)});
      if (p.end > o.end) next.push({...p, start: addDays(o.end, 1)});
    }
    parts = next;
  }
  return parts;
}

export function mergeCalendar(
  schoolWeekdays: number[],
  entries: CalendarEntry[],
): SchoolCalendar {
  const live = entries.filter(e => e.confirmed !== false && e.start <= e.end);
  const kept: CalendarEntry[] = [];
  for (const e of live) {
    const higher = live.filter(
      o => RANK[o.source] > RANK[e.source] && overlaps(o, e),
    );
    kept.push(...subtract(e, higher));
  }
  const closures: CalendarPeriod[] = [];
  const events: CalendarPeriod[] = [];
  for (const e of kept) {
    const p = {name: e.name, start: e.start, end: e.end};
    if (e.kind === 'possible-outage') continue;
    if (e.kind === 'testing' || e.kind === 'half-day') {
      events.push({...p, kind: e.kind === 'testing' ? 'testing' : 'other'});
    } else {
      closures.push({...p, kind: e.kind});
    }
  }
  const byStart = (a: CalendarPeriod, b: CalendarPeriod) =>
    a.start < b.start ? -1 : a.start > b.start ? 1 : 0;
  return {
    schoolWeekdays: [...schoolWeekdays],
    closures: closures.sort(byStart),
    events: events.sort(byStart),
  };
}
