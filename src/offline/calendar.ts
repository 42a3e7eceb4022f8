/**
 * CalendarApp and UrlFetchApp fakes, following the Apps Script reference:
 *
 * - CalendarApp.getCalendarById(id) returns null when the calendar does not exist or the
 *   user cannot access it; Calendar.getEvents(start, end) returns the events that start
 *   during the range, end during it or encompass it (end non-inclusive), recurring events
 *   expanded into their occurrences; an all-day event's getAllDayStartDate() is midnight
 *   of its first day and getAllDayEndDate() midnight of the day after its last day, in the
 *   script's time zone; both throw for a timed event.
 * - UrlFetchApp.fetch(url, params) answers from registered URLs; an HTTP status of 400 or
 *   more throws `Request failed for URL returned code N` unless muteHttpExceptions is set;
 *   an unknown host is a DNS error; 100,000 fetches a day (a Workspace account).
 */
import type {Engine} from './engine';
import {zonedParts, zonedToEpoch} from './tz';

/** One event of a fake calendar. */
export type FakeCalendarEvent =
  | {
      title: string;
      description?: string;
      /** First day, YYYY-MM-DD. */
      startDate: string;
      /** Day after the last day, YYYY-MM-DD (exclusive, as Google Calendar stores it); default the day after startDate. */
      endDate?: string;
      /** Repeats every year on the same dates, this many times (default 1). */
      yearlyCount?: number;
    }
  | {
      title: string;
      description?: string;
      /** RFC 3339 instants. */
      start: string;
      end: string;
    };

export interface FakeCalendar {
  name: string;
  timeZone: string;
  events: FakeCalendarEvent[];
}

/** Calendars by id (the user can access every one listed). */
export type CalendarData = Record<string, FakeCalendar>;

/** What a URL answers. */
export interface FakeHttpResponse {
  /** HTTP status (default 200). */
  status?: number;
  body: string;
  headers?: Record<string, string>;
}

/** Registered URLs (exact match, query included). */
export type WebData = Record<string, FakeHttpResponse>;

/** Fetches a day for a Google Workspace account (20,000 for a consumer account). */
export const URLFETCH_DAILY_QUOTA = 100_000;
/** UrlFetchApp's limits: URL length and response size. */
const MAX_URL_CHARS = 2_082;
const MAX_RESPONSE_BYTES = 50 * 1024 * 1024;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function midnight(day: string, tz: string): number {
  const m = DAY.exec(day);
  if (!m) throw new Error(`Fake calendar: bad date "${day}"`);
  return zonedToEpoch(+m[1], +m[2], +m[3], 0, 0, 0, 0, tz);
}

function nextDay(day: string): string {
  const t = Date.parse(day + 'T00:00:00Z') + 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

function plusYears(day: string, n: number): string {
  return String(Number(day.slice(0, 4)) + n).padStart(4, '0') + day.slice(4);
}

/** The wall-clock day of an instant in a zone, YYYY-MM-DD. */
function dayIn(ms: number, tz: string): string {
  const p = zonedParts(ms, tz);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)}`;
}

interface Occurrence {
  id: string;
  title: string;
  description: string;
  allDay: boolean;
  /** All-day: first day and the day after the last, as stored. */
  startDay: string;
  endDay: string;
  startMs: number;
  endMs: number;
}

function occurrences(calId: string, cal: FakeCalendar): Occurrence[] {
  const out: Occurrence[] = [];
  cal.events.forEach((ev, i) => {
    const id = `ev${i}@${calId}`;
    if ('startDate' in ev) {
      const end = ev.endDate ?? nextDay(ev.startDate);
      for (let y = 0; y < (ev.yearlyCount ?? 1); y++) {
        const s = plusYears(ev.startDate, y);
        const e = plusYears(end, y);
        out.push({
          id,
          title: ev.title,
          description: ev.description ?? '',
          allDay: true,
          startDay: s,
          endDay: e,
          startMs: midnight(s, cal.timeZone),
          endMs: midnight(e, cal.timeZone),
        });
      }
    } else {
      const s = Date.parse(ev.start);
      const e = Date.parse(ev.end);
      out.push({
        id,
        title: ev.title,
        description: ev.description ?? '',
        allDay: false,
        startDay: dayIn(s, cal.timeZone),
        endDay: dayIn(e, cal.timeZone),
        startMs: s,
        endMs: e,
      });
    }
  });
  return out;
}

function timeOf(engine: Engine, v: unknown, name: string): number {
  const t =
    v !== null && typeof v === 'object' && 'getTime' in v
      ? (v as Date).getTime()
      : NaN;
  if (Number.isNaN(t)) throw engine.error(`Invalid argument: ${name}`);
  return t;
}

export function makeCalendarApp(
  engine: Engine,
  data: CalendarData,
  scriptTimeZone: () => string,
) {
  const event = (o: Occurrence) => {
    const c = <T>(m: string, fn: () => T) =>
      engine.call(`CalendarEvent.${m}`, fn);
    const date = (ms: number) => new (engine.realm().Date)(ms);
    const allDayOnly = () => {
      if (!o.allDay) {
        throw engine.error('This method can only be called on all-day events.');
      }
    };
    return {
      getId: () => c('getId', () => o.id),
      getTitle: () => c('getTitle', () => o.title),
      getDescription: () => c('getDescription', () => o.description),
      isAllDayEvent: () => c('isAllDayEvent', () => o.allDay),
      isRecurringEvent: () => c('isRecurringEvent', () => false),
      getStartTime: () => c('getStartTime', () => date(o.startMs)),
      getEndTime: () => c('getEndTime', () => date(o.endMs)),
      getAllDayStartDate: () =>
        c('getAllDayStartDate', () => {
          allDayOnly();
          return date(midnight(o.startDay, scriptTimeZone()));
        }),
      getAllDayEndDate: () =>
        c('getAllDayEndDate', () => {
          allDayOnly();
          return date(midnight(o.endDay, scriptTimeZone()));
        }),
    };
  };
  const calendar = (id: string, cal: FakeCalendar) => {
    const c = <T>(m: string, fn: () => T) => engine.call(`Calendar.${m}`, fn);
    return {
      getId: () => c('getId', () => id),
      getName: () => c('getName', () => cal.name),
      getTimeZone: () => c('getTimeZone', () => cal.timeZone),
      getEvents: (start: unknown, end: unknown, options?: unknown) =>
        c('getEvents', () => {
          const s = timeOf(engine, start, 'startTime');
          const e = timeOf(engine, end, 'endTime');
          const opts = (options ?? {}) as {
            search?: string;
            start?: number;
            max?: number;
          };
          const found = occurrences(id, cal)
            .filter(o =>
              o.endMs === o.startMs
                ? o.startMs >= s && o.startMs < e
                : o.startMs < e && o.endMs > s,
            )
            .sort((a, b) => a.startMs - b.startMs);
          const from = opts.start ?? 0;
          const page = found.slice(
            from,
            opts.max === undefined ? undefined : from + opts.max,
          );
          const q = opts.search?.toLowerCase();
          // Filtering by search happens after start and max, as documented.
          const hits = q
            ? page.filter(o =>
                (o.title + ' ' + o.description).toLowerCase().includes(q),
              )
            : page;
          const list = new (engine.realm().Array)();
          for (const o of hits) list.push(event(o));
          return list;
        }),
    };
  };
  return {
    getCalendarById: (id: unknown) =>
      engine.call('CalendarApp.getCalendarById', () => {
        const key = String(id);
        const cal = Object.prototype.hasOwnProperty.call(data, key)
          ? data[key]
          : undefined;
        return cal ? calendar(key, cal) : null;
      }),
  };
}

function hostOf(url: string): string | null {
  const m = /^https?:\/\/([^/?#:]+)/i.exec(url);
  return m ? m[1].toLowerCase() : null;
}

/** Scheme and host: what Apps Script's fetch errors show of a URL. */
function originOf(url: string): string {
  return /^https?:\/\/[^/?#]+/i.exec(url)?.[0] ?? url;
}

export function makeUrlFetchApp(
  engine: Engine,
  web: WebData,
  quota = URLFETCH_DAILY_QUOTA,
) {
  let windowStart = -Infinity;
  let used = 0;
  const hosts = new Set(
    Object.keys(web)
      .map(hostOf)
      .filter((h): h is string => h !== null),
  );
  const response = (
    status: number,
    body: string,
    headers: Record<string, string>,
  ) => {
    const c = <T>(m: string, fn: () => T) =>
      engine.call(`HTTPResponse.${m}`, fn);
    return {
      getResponseCode: () => c('getResponseCode', () => status),
      getContentText: () => c('getContentText', () => body),
      getHeaders: () => c('getHeaders', () => engine.toRealm({...headers})),
      getAllHeaders: () =>
        c('getAllHeaders', () => engine.toRealm({...headers})),
    };
  };
  return {
    fetch: (url: unknown, params?: unknown) =>
      engine.call('UrlFetchApp.fetch', () => {
        const u = String(url ?? '');
        const host = hostOf(u);
        if (!host || u.length > MAX_URL_CHARS) {
          throw engine.error(`Invalid argument: ${u}`);
        }
        const now = engine.now();
        if (now - windowStart >= 86_400_000) {
          windowStart = now;
          used = 0;
        }
        if (used >= quota) {
          throw engine.error(
            'Service invoked too many times for one day: urlfetch.',
          );
        }
        used++;
        if (!hosts.has(host)) throw engine.error(`DNS error: ${u}`);
        const spec = Object.prototype.hasOwnProperty.call(web, u)
          ? web[u]
          : {status: 404, body: 'Not Found'};
        if (Buffer.byteLength(spec.body, 'utf8') > MAX_RESPONSE_BYTES) {
          throw engine.error(`Exceeded maximum response size: ${u}`);
        }
        const status = spec.status ?? 200;
        const mute = Boolean(
          (params as {muteHttpExceptions?: boolean} | undefined)
            ?.muteHttpExceptions,
        );
        if (status >= 400 && !mute) {
          throw engine.error(
            `Request failed for ${originOf(u)} returned code ${status}. Truncated server response: ` +
              `${spec.body.slice(0, 100)} (use muteHttpExceptions option to examine full response)`,
          );
        }
        return response(status, spec.body, spec.headers ?? {});
      }),
  };
}
