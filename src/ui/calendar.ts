/**
 * The sidebar's calendar (Apps Script layer): the learned calendar for the coming weeks,
 * what waits for the admin's confirmation, the imported sources' status, and the admin's
 * confirm / reject, written to the Calendar tab's Confirmed column so the next run
 * respects it. Plain JSON in and out.
 */
import {InputError} from '../core/errors';
import type {CalendarEntry} from '../core/types';
import {addDays, weekday} from '../clean/dates';
import {
  calendarDays,
  mergeCalendarDetailed,
  settingsEntries,
} from '../metrics/calendar/merge';
import {
  calendarSourceStatus,
  refreshCalendarSources,
} from '../pipeline/calendar-sources';
import {
  entryKey,
  readCalendarTab,
  writeCalendarTab,
  type CalendarTabRead,
} from '../sheets/calendar-tab';
import {loadSettings} from '../platform/settings';
import type {CalendarDayItem, CalendarView} from '../sheets/view-types';

/** Weeks the view shows from the current one. */
export const VIEW_WEEKS = 8;
/** Entries waiting for review the view lists at most (most recent first). */
const MAX_REVIEW = 40;

function confirmedText(c: boolean | null): '' | 'yes' | 'no' {
  return c === null ? '' : c ? 'yes' : 'no';
}

function buildView(
  tab: CalendarTabRead,
  extraWarnings: string[],
): CalendarView {
  const settings = loadSettings();
  const today = Utilities.formatDate(
    new Date(),
    settings.timeZone,
    'yyyy-MM-dd',
  );
  const monday = addDays(today, -((weekday(today) + 6) % 7));
  const entries: CalendarEntry[] = [
    ...settingsEntries(settings.calendar),
    ...tab.entries,
  ];
  const weekdays = settings.calendar.schoolWeekdays;
  const days = calendarDays(
    weekdays,
    entries,
    monday,
    addDays(monday, VIEW_WEEKS * 7 - 1),
  );
  const items: CalendarDayItem[] = days.map(d => {
    const decider = d.closure ?? d.halfDay ?? d.testing ?? d.possibleOutage;
    return {
      date: d.date,
      status: d.closure
        ? 'closed'
        : !d.schoolWeekday
          ? 'weekend'
          : d.halfDay
            ? 'half-day'
            : 'open',
      label: decider?.name ?? '',
      testing: d.testing !== null,
      source: decider?.source ?? '',
      confirmed: decider ? confirmedText(decider.confirmed) : '',
      possibleOutage: d.possibleOutage !== null && !d.closure,
    };
  });
  const weeks: CalendarView['weeks'] = [];
  for (let i = 0; i < items.length; i += 7) {
    weeks.push({weekStart: items[i].date, days: items.slice(i, i + 7)});
  }
  const {toConfirm} = mergeCalendarDetailed(weekdays, entries);
  return JSON.parse(
    JSON.stringify({
      today,
      weeks,
      toConfirm: toConfirm
        .slice()
        .reverse()
        .slice(0, MAX_REVIEW)
        .map(e => ({
          key: entryKey(e),
          name: e.name,
          start: e.start,
          end: e.end,
          kind: e.kind,
          source: e.source,
        })),
      sources: calendarSourceStatus(settings),
      warnings: [...extraWarnings, ...tab.warnings],
    }),
  ) as CalendarView;
}

/** The calendar for the coming weeks and what waits for review. */
export function getCalendarView(): CalendarView {
  return buildView(readCalendarTab(), []);
}

/**
 * Records the admin's verdict on a Calendar tab row: 'yes' (confirm), 'no' (reject) or
 * '' (back to not reviewed). Returns the updated view.
 */
export function setCalendarConfirmation(
  key: string,
  confirmed: string,
): CalendarView {
  if (typeof key !== 'string' || key.length > 600 || !key.includes('|')) {
    throw new InputError('key', 'is not a Calendar tab entry');
  }
  if (confirmed !== 'yes' && confirmed !== 'no' && confirmed !== '') {
    throw new InputError('confirmed', 'must be yes, no or blank');
  }
  const lock = LockService.getDocumentLock();
  if (!lock.tryLock(15000)) {
    throw new Error(
      'The job is writing the Calendar tab right now; try again in a minute.',
    );
  }
  let tab: CalendarTabRead;
  try {
    const current = readCalendarTab();
    if (!current.entries.some(e => entryKey(e) === key)) {
      throw new Error(
        'That period is no longer in the Calendar tab (a run or an edit changed it); refresh the calendar.',
      );
    }
    tab = writeCalendarTab({
      decisions: [
        {key, confirmed: confirmed === '' ? null : confirmed === 'yes'},
      ],
    });
  } finally {
    lock.releaseLock();
  }
  return buildView(tab, []);
}

/** Imports the configured Google Calendar and iCal feed now. */
export function refreshCalendar(): CalendarView {
  const r = refreshCalendarSources(loadSettings());
  return buildView(r.tab, r.warnings);
}
