/**
 * The effective school calendar of an analysis run (Apps Script layer): the district's
 * daily activity series is kept up to date in a blob, the calendar is inferred from it,
 * and merged with what the admin entered or imported (those win where they overlap).
 */
import type {
  CalendarEntry,
  DailyFact,
  SchoolCalendar,
  Settings,
} from '../core/types';
import {
  districtDays,
  parseActivity,
  serializeActivity,
} from '../metrics/calendar/activity';
import {inferCalendar, type InferredCalendar} from '../metrics/calendar/infer';
import {mergeCalendar, settingsEntries} from '../metrics/calendar/merge';
import {
  entryKey,
  readCalendarTab,
  writeCalendarTab,
} from '../sheets/calendar-tab';
import type {SheetBlobStore} from './store';

type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;

/** Blob of the district's daily active users by role (the inference's input). */
export const ACTIVITY_BLOB = 'calendar:activity';
/** Blob of the last run's calendar: what was learned and the merged result. */
export const LEARNED_BLOB = 'calendar:learned';

export interface EffectiveCalendar {
  calendar: SchoolCalendar;
  inferred: InferredCalendar;
  /** Every entry the merge saw (inferred, imported, entered). */
  entries: CalendarEntry[];
  /** Problem rows of the Calendar tab (`Calendar row N: ...`), kept there for the admin. */
  warnings: string[];
}

/**
 * Adds the days of `daily` to the stored series (a re-fetched day replaces its old
 * totals), learns the calendar from the whole of it, puts the learned entries in the
 * Calendar tab (the admin's confirmations and rejections carried over), and merges them
 * with the tab's imported and entered rows and the calendar in the settings.
 */
export function effectiveCalendar(
  settings: Settings,
  daily: ReadonlyArray<DailyFact>,
  blobs: SheetBlobStore,
  ss: Spreadsheet,
): EffectiveCalendar {
  const stored = parseActivity(blobs.get(ACTIVITY_BLOB));
  const before = serializeActivity(stored.values());
  for (const d of districtDays(daily)) stored.set(d.date, d);
  const text = serializeActivity(stored.values());
  if (text !== before) blobs.put(ACTIVITY_BLOB, text);
  const inferred = inferCalendar([...stored.values()], {
    projectDays: Math.max(180, settings.forecastHorizonWeeks * 7 + 28),
  });
  let tab = readCalendarTab(ss);
  const keys = (list: ReadonlyArray<CalendarEntry>) =>
    list
      .filter(e => e.source === 'inferred')
      .map(entryKey)
      .sort()
      .join('\n');
  // Rewritten only when the learned entries changed (reviewed rows always stay).
  const unreviewed = tab.entries.filter(e => e.confirmed === null);
  const reviewed = new Set(
    tab.entries.filter(e => e.confirmed !== null).map(entryKey),
  );
  const fresh = inferred.entries.filter(e => !reviewed.has(entryKey(e)));
  if (keys(unreviewed) !== keys(fresh)) {
    tab = writeCalendarTab({inferred: inferred.entries}, ss);
  }
  const entered = settingsEntries(settings.calendar);
  const entries = [...tab.entries, ...entered];
  // Weekdays the admin set (anything but the default) or gave with a calendar win.
  const given = settings.calendar;
  const weekdays =
    given.closures.length ||
    given.events.length ||
    given.schoolWeekdays.join(',') !== '1,2,3,4,5'
      ? given.schoolWeekdays
      : inferred.schoolWeekdays;
  const calendar = mergeCalendar(weekdays, entries);
  const learned = JSON.stringify({inferred, calendar});
  if (blobs.get(LEARNED_BLOB) !== learned) blobs.put(LEARNED_BLOB, learned);
  return {calendar, inferred, entries, warnings: tab.warnings};
}
