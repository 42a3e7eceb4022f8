/**
 * The calendar sources that need Apps Script (CalendarApp, UrlFetchApp): a Google Calendar
 * by id, and an iCalendar feed by URL. Both give imported entries over a window of days.
 */
import {InputError} from '../../core/errors';
import {feedLabel} from '../../core/settings';
import {importedEvent, type ImportedEvent} from './classify';
import {parseIcs} from './ics';
import {countCall} from '../tally';

export interface SourceWindow {
  /** First and last day wanted, YYYY-MM-DD (inclusive). */
  from: string;
  to: string;
  /** The district's IANA time zone. */
  timeZone: string;
}

export interface SourceRead {
  events: ImportedEvent[];
  /** Events left out because they could not be read. */
  malformed: number;
}

function dayIn(d: GoogleAppsScript.Base.Date, tz: string): string {
  return Utilities.formatDate(d, tz, 'yyyy-MM-dd');
}

/** A wide instant range around the window; events are then kept by their days. */
function instants(w: SourceWindow): [Date, Date] {
  const day = 86_400_000;
  return [
    new Date(Date.parse(`${w.from}T00:00:00Z`) - day),
    new Date(Date.parse(`${w.to}T00:00:00Z`) + 2 * day),
  ];
}

/**
 * The events of a Google Calendar the running account can see. Recurring events come
 * expanded (CalendarApp returns each occurrence). All-day dates are read in the script's
 * zone, as getAllDayStartDate/getAllDayEndDate give them; timed ones in the district's.
 */
export function readGoogleCalendar(id: string, w: SourceWindow): SourceRead {
  const label = `Google Calendar ${id}`;
  countCall('CalendarApp.getCalendarById');
  const cal = CalendarApp.getCalendarById(id);
  if (!cal) {
    throw new InputError(
      label,
      'cannot be opened: check the id, and that the account running Classroom Pulse can see the calendar (open it once in Google Calendar)',
    );
  }
  const scriptTz = Session.getScriptTimeZone();
  const [start, end] = instants(w);
  const out: ImportedEvent[] = [];
  countCall('CalendarApp.Calendar.getEvents');
  for (const ev of cal.getEvents(start, end)) {
    const title = ev.getTitle();
    let one: ImportedEvent | null;
    if (ev.isAllDayEvent()) {
      const first = dayIn(ev.getAllDayStartDate(), scriptTz);
      // getAllDayEndDate is midnight of the day after the last day.
      const after = ev.getAllDayEndDate();
      const last = dayIn(new Date(after.getTime() - 12 * 3600_000), scriptTz);
      one = importedEvent(title, first, last, true, w.from, w.to);
    } else {
      const day = dayIn(ev.getStartTime(), w.timeZone);
      one = importedEvent(title, day, day, false, w.from, w.to);
    }
    if (one) out.push(one);
  }
  return {events: out, malformed: 0};
}

/** Fetches and parses an iCalendar feed; errors name the feed by its host only. */
export function readIcsFeed(url: string, w: SourceWindow): SourceRead {
  const label = `iCal feed ${feedLabel(url)}`;
  let res: GoogleAppsScript.URL_Fetch.HTTPResponse;
  try {
    countCall('UrlFetchApp.fetch');
    res = UrlFetchApp.fetch(url, {
      muteHttpExceptions: true,
      followRedirects: true,
      headers: {Accept: 'text/calendar'},
    });
  } catch (e) {
    // DNS errors and invalid addresses; the message may repeat the URL, so it is not shown.
    throw new InputError(
      label,
      `could not be fetched (${/^DNS error/.test((e as Error).message) ? 'unknown host' : 'bad address or network error'})`,
    );
  }
  const code = res.getResponseCode();
  if (code !== 200) {
    throw new InputError(
      label,
      `answered HTTP ${code}${code === 404 ? ' (not found: check the address)' : code === 401 || code === 403 ? " (not public: use the calendar's public or secret iCal address)" : ''}`,
    );
  }
  return parseIcs(res.getContentText(), label, {
    from: w.from,
    to: w.to,
    dayOf: ms => Utilities.formatDate(new Date(ms), w.timeZone, 'yyyy-MM-dd'),
  });
}
