/**
 * Refreshes the imported calendars (Apps Script layer): reads the Google Calendar and the
 * iCalendar feed named in the settings and rewrites their rows of the Calendar tab. A
 * source that fails keeps its last imported rows and leaves a warning naming it; its
 * status (last success, rows, error) is kept in a document property for the sidebar.
 */
import {feedLabel} from '../core/settings';
import type {Settings} from '../core/types';
import {addDays} from '../clean/dates';
import {
  entryKey,
  readCalendarTab,
  writeCalendarTab,
  type CalendarTabRead,
  type ImportedCalendar,
} from '../sheets/calendar-tab';
import {
  readGoogleCalendar,
  readIcsFeed,
  type SourceRead,
  type SourceWindow,
} from '../sources/calendar/google';

/** Origin labels of the imported rows (the Calendar tab's Origin column). */
export const GOOGLE_ORIGIN = 'Google Calendar';
export const FEED_ORIGIN = 'iCal feed';

/** Document property: JSON of the last refresh of each source. */
export const CALENDAR_STATUS_PROPERTY = 'classroomPulse.calendarSources';

/** Days of past and future events imported around today. */
export const PAST_DAYS = 800;
export const FUTURE_DAYS = 400;

export const GUESSED_NOTE =
  'No keyword in the title: read as a closure. Set Confirmed to no if school was open.';

export interface SourceStatus {
  origin: string;
  /** What the source is, safe to show (a feed by its host only). */
  label: string;
  ok: boolean;
  /** When the source was last read (ISO instant). */
  checked: string;
  /** When it was last read successfully ('' = never). */
  lastSuccess: string;
  rows: number;
  error: string;
}

export interface CalendarRefresh {
  /** One per failed source or unreadable event: names the source. */
  warnings: string[];
  sources: SourceStatus[];
  /** The Calendar tab after the refresh. */
  tab: CalendarTabRead;
}

function loadStatus(): Record<string, SourceStatus> {
  const raw = PropertiesService.getDocumentProperties().getProperty(
    CALENDAR_STATUS_PROPERTY,
  );
  if (!raw) return {};
  try {
    return JSON.parse(raw) as Record<string, SourceStatus>;
  } catch {
    return {};
  }
}

/** The last refresh of each configured source (for the sidebar). */
export function calendarSourceStatus(settings: Settings): SourceStatus[] {
  const saved = loadStatus();
  const out: SourceStatus[] = [];
  for (const [origin, label] of configured(settings)) {
    const s = saved[origin];
    out.push(
      s && s.label === label
        ? s
        : {
            origin,
            label,
            ok: true,
            checked: '',
            lastSuccess: '',
            rows: 0,
            error: '',
          },
    );
  }
  return out;
}

function configured(settings: Settings): [string, string][] {
  const out: [string, string][] = [];
  if (settings.calendarId) out.push([GOOGLE_ORIGIN, settings.calendarId]);
  if (settings.calendarFeedUrl) {
    out.push([FEED_ORIGIN, feedLabel(settings.calendarFeedUrl)]);
  }
  return out;
}

/** The days imported: back over the history an analysis reads, ahead over the forecasts. */
export function importWindow(settings: Settings, today: string): SourceWindow {
  let from = addDays(today, -PAST_DAYS);
  if (settings.startDate && settings.startDate < from)
    from = settings.startDate;
  return {from, to: addDays(today, FUTURE_DAYS), timeZone: settings.timeZone};
}

function todayIn(tz: string): string {
  return Utilities.formatDate(new Date(), tz, 'yyyy-MM-dd');
}

/**
 * Reads every configured source and rewrites the imported rows of the Calendar tab, under
 * the document lock (the sidebar's confirmations take it too). A source no longer in the
 * settings loses its rows; a failing one keeps them.
 */
export function refreshCalendarSources(settings: Settings): CalendarRefresh {
  const w = importWindow(settings, todayIn(settings.timeZone));
  const now = new Date().toISOString();
  const saved = loadStatus();
  const warnings: string[] = [];
  const imported: ImportedCalendar[] = [];
  const sources: SourceStatus[] = [];
  const readers: [string, string, () => SourceRead][] = [
    [
      GOOGLE_ORIGIN,
      settings.calendarId,
      () => readGoogleCalendar(settings.calendarId, w),
    ],
    [
      FEED_ORIGIN,
      settings.calendarFeedUrl,
      () => readIcsFeed(settings.calendarFeedUrl, w),
    ],
  ];
  for (const [origin, setting, read] of readers) {
    if (!setting) {
      imported.push({origin, entries: []});
      continue;
    }
    const label = origin === FEED_ORIGIN ? feedLabel(setting) : setting;
    const before = saved[origin];
    try {
      const r = read();
      const notes = new Map<string, string>();
      for (const e of r.events) {
        if (e.guessed) notes.set(entryKey(e.entry), GUESSED_NOTE);
      }
      imported.push({origin, entries: r.events.map(e => e.entry), notes});
      if (r.malformed > 0) {
        warnings.push(
          `${origin} ${label}: ${r.malformed} event${r.malformed === 1 ? '' : 's'} could not be read and ${r.malformed === 1 ? 'was' : 'were'} left out.`,
        );
      }
      sources.push({
        origin,
        label,
        ok: true,
        checked: now,
        lastSuccess: now,
        rows: new Set(r.events.map(e => entryKey(e.entry))).size,
        error: '',
      });
    } catch (e) {
      const msg = (e as Error).message;
      warnings.push(
        `${msg}${/[.)]$/.test(msg) ? '' : '.'} The Calendar tab keeps its last imported rows from it.`,
      );
      sources.push({
        origin,
        label,
        ok: false,
        checked: now,
        lastSuccess: before && before.label === label ? before.lastSuccess : '',
        rows: before && before.label === label ? before.rows : 0,
        error: msg,
      });
    }
  }
  const lock = LockService.getDocumentLock();
  lock.waitLock(30_000);
  let tab: CalendarTabRead;
  try {
    const current = readCalendarTab();
    const hasImported = current.rows.some(r => r.entry?.source === 'imported');
    // Nothing configured and nothing imported before: leave the tab alone.
    tab =
      sources.length === 0 && !hasImported
        ? current
        : writeCalendarTab({imported});
  } finally {
    lock.releaseLock();
  }
  const status: Record<string, SourceStatus> = {};
  for (const s of sources) status[s.origin] = s;
  const props = PropertiesService.getDocumentProperties();
  if (sources.length > 0) {
    props.setProperty(CALENDAR_STATUS_PROPERTY, JSON.stringify(status));
  } else if (Object.keys(saved).length > 0) {
    props.deleteProperty(CALENDAR_STATUS_PROPERTY);
  }
  return {warnings, sources, tab};
}
