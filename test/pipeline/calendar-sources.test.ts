/**
 * The bundle imports a district's Google Calendar and iCal feed through the offline
 * runtime's CalendarApp and UrlFetchApp: rows land in the Calendar tab, a re-run adds no
 * duplicates, the admin's verdicts survive re-runs, and a failing source keeps its rows.
 */
import type {CalendarData, WebData} from '../../src/offline/runtime';
import {writeCalendarTab} from '../../src/sheets/calendar-tab';
import type {CalendarEntry} from '../../src/core/types';
import type {CalendarView} from '../../src/sheets/view-types';
import {harness, inRuntime, type Harness} from '../ui/harness';

const CAL_ID = 'd12-schoolyear@group.calendar.google.com';
const FEED = 'https://calendar.example.org/ical/d12/private-5ecret/basic.ics';

const FEED_TEXT = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//District 12//Calendar//EN',
  'BEGIN:VEVENT',
  'UID:presidents@d12',
  'DTSTART;VALUE=DATE:20260216',
  'DTEND;VALUE=DATE:20260221',
  'SUMMARY:Midwinter Recess',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:lny@d12',
  'DTSTART;VALUE=DATE:20250129',
  'RRULE:FREQ=YEARLY;COUNT=3',
  'SUMMARY:Founders Day - schools closed',
  'END:VEVENT',
  'END:VCALENDAR',
].join('\r\n');

function calendars(): CalendarData {
  return {
    [CAL_ID]: {
      name: 'District 12 School Year',
      timeZone: 'America/New_York',
      events: [
        {title: 'Martin Luther King Jr. Day', startDate: '2026-01-19'},
        {
          title: 'State ELA Test',
          startDate: '2026-01-27',
          endDate: '2026-01-30',
        },
        {
          title: 'Early Dismissal',
          start: '2026-02-06T17:30:00Z',
          end: '2026-02-06T18:30:00Z',
        },
        {
          title: 'Board meeting',
          start: '2026-02-03T23:00:00Z',
          end: '2026-02-04T01:00:00Z',
        },
        {
          title: 'Spring Recess',
          startDate: '2026-04-03',
          endDate: '2026-04-11',
        },
      ],
    },
  };
}

function tab(h: Harness): string[][] {
  const s = h.rt.spreadsheet.getSheetByName('Calendar');
  if (!s) return [];
  return s
    .getDataRange()
    .getDisplayValues()
    .map(r => r.map(String));
}

describe('calendar sources through the bundle', () => {
  let h: Harness;
  let web: WebData;

  beforeAll(() => {
    web = {
      [FEED]: {body: FEED_TEXT, headers: {'Content-Type': 'text/calendar'}},
    };
    h = harness({
      empty: true,
      calendars: calendars(),
      web,
      startTime: Date.UTC(2026, 0, 12, 15),
    });
    h.call('saveSettings', {calendarId: CAL_ID, calendarFeedUrl: FEED});
  });

  it('imports the Google Calendar and the feed into the Calendar tab', () => {
    const view = h.call<CalendarView>('refreshCalendar');
    expect(view.warnings).toEqual([]);
    const rows = tab(h);
    expect(rows[0].slice(0, 8)).toEqual([
      'Start',
      'End',
      'Kind',
      'Name',
      'Source',
      'Confirmed',
      'Note',
      'Origin',
    ]);
    expect(rows.slice(1).map(r => r.slice(0, 5).concat(r[7]))).toEqual([
      [
        '2025-01-29',
        '2025-01-29',
        'holiday',
        'Founders Day - schools closed',
        'imported',
        'iCal feed',
      ],
      [
        '2026-01-19',
        '2026-01-19',
        'holiday',
        'Martin Luther King Jr. Day',
        'imported',
        'Google Calendar',
      ],
      [
        '2026-01-27',
        '2026-01-29',
        'testing',
        'State ELA Test',
        'imported',
        'Google Calendar',
      ],
      [
        '2026-01-29',
        '2026-01-29',
        'holiday',
        'Founders Day - schools closed',
        'imported',
        'iCal feed',
      ],
      [
        '2026-02-06',
        '2026-02-06',
        'half-day',
        'Early Dismissal',
        'imported',
        'Google Calendar',
      ],
      [
        '2026-02-16',
        '2026-02-20',
        'break',
        'Midwinter Recess',
        'imported',
        'iCal feed',
      ],
      [
        '2026-04-03',
        '2026-04-10',
        'break',
        'Spring Recess',
        'imported',
        'Google Calendar',
      ],
      [
        '2027-01-29',
        '2027-01-29',
        'holiday',
        'Founders Day - schools closed',
        'imported',
        'iCal feed',
      ],
    ]);
    // The feed's secret path never reaches the sidebar.
    expect(JSON.stringify(view)).not.toContain('5ecret');
    expect(view.sources.map(s => [s.origin, s.label, s.ok, s.rows])).toEqual([
      ['Google Calendar', CAL_ID, true, 4],
      ['iCal feed', 'https://calendar.example.org/…', true, 4],
    ]);
    // The coming weeks: MLK Day closed, the testing window on school days, the half day.
    const days = view.weeks.flatMap(w => w.days);
    expect(view.today).toBe('2026-01-12');
    expect(days[0].date).toBe('2026-01-12');
    expect(days).toHaveLength(56);
    const day = (d: string) => days.find(x => x.date === d)!;
    expect(day('2026-01-19')).toMatchObject({
      status: 'closed',
      label: 'Martin Luther King Jr. Day',
      source: 'imported',
    });
    expect(day('2026-01-28')).toMatchObject({
      status: 'open',
      testing: true,
      label: 'State ELA Test',
    });
    expect(day('2026-02-06')).toMatchObject({
      status: 'half-day',
      label: 'Early Dismissal',
    });
    expect(day('2026-01-17')).toMatchObject({status: 'weekend'});
  });

  it('adds no duplicate rows on a re-run', () => {
    const before = tab(h);
    h.call('refreshCalendar');
    expect(tab(h)).toEqual(before);
  });

  it("keeps the admin's verdicts across runs, for imported and inferred rows", () => {
    const outage: CalendarEntry = {
      name: 'Activity drop',
      start: '2026-01-07',
      end: '2026-01-07',
      kind: 'possible-outage',
      source: 'inferred',
      confirmed: null,
    };
    inRuntime(h.rt, () => writeCalendarTab({inferred: [outage]}));
    let view = h.call<CalendarView>('getCalendarView');
    const item = view.toConfirm.find(t => t.name === 'Activity drop')!;
    expect(item).toBeDefined();
    view = h.call<CalendarView>('setCalendarConfirmation', item.key, 'yes');
    expect(
      view.toConfirm.find(t => t.name === 'Activity drop'),
    ).toBeUndefined();
    const mlk =
      'imported|2026-01-19|2026-01-19|holiday|Martin Luther King Jr. Day';
    view = h.call<CalendarView>('setCalendarConfirmation', mlk, 'no');
    expect(view.weeks[1].days[0]).toMatchObject({
      date: '2026-01-19',
      status: 'open',
    });

    // The next run infers the outage again and re-imports the calendars.
    inRuntime(h.rt, () => writeCalendarTab({inferred: [outage]}));
    h.call('refreshCalendar');
    const rows = tab(h);
    const row = (name: string) => rows.find(r => r[3] === name)!;
    expect(row('Activity drop')[5]).toBe('yes');
    expect(row('Martin Luther King Jr. Day')[5]).toBe('no');
    expect(rows.filter(r => r[3] === 'Activity drop')).toHaveLength(1);
  });

  it('rejects a stale or malformed confirmation with a readable error', () => {
    expect(() =>
      h.call(
        'setCalendarConfirmation',
        'entered|2026-05-01|2026-05-01|holiday|Gone',
        'yes',
      ),
    ).toThrow(/no longer in the Calendar tab/);
    expect(() => h.call('setCalendarConfirmation', 'x', 'maybe')).toThrow(
      /key: is not a Calendar tab entry/,
    );
  });

  it('keeps the last imported rows when a source fails, with a warning naming it', () => {
    const before = tab(h).filter(r => r[7] === 'iCal feed');
    web[FEED] = {status: 503, body: 'Service Unavailable'};
    const view = h.call<CalendarView>('refreshCalendar');
    expect(view.warnings).toEqual([
      'iCal feed https://calendar.example.org/…: answered HTTP 503. The Calendar tab keeps its last imported rows from it.',
    ]);
    expect(tab(h).filter(r => r[7] === 'iCal feed')).toEqual(before);
    const feed = view.sources.find(s => s.origin === 'iCal feed')!;
    expect(feed).toMatchObject({ok: false, rows: 4});
    expect(feed.lastSuccess).not.toBe('');

    web[FEED] = {body: '<html><body>Please sign in</body></html>'};
    const bad = h.call<CalendarView>('refreshCalendar');
    expect(bad.warnings[0]).toMatch(
      /^iCal feed https:\/\/calendar\.example\.org\/…: is not an iCalendar feed/,
    );
    expect(tab(h).filter(r => r[7] === 'iCal feed')).toEqual(before);
    web[FEED] = {body: FEED_TEXT};
  });

  it('names a Google Calendar the account cannot open, and drops the rows of a source removed from the settings', () => {
    h.call('saveSettings', {
      calendarId: 'nobody@group.calendar.google.com',
      calendarFeedUrl: '',
    });
    const view = h.call<CalendarView>('refreshCalendar');
    expect(view.warnings[0]).toMatch(
      /^Google Calendar nobody@group\.calendar\.google\.com: cannot be opened/,
    );
    const rows = tab(h);
    expect(rows.some(r => r[7] === 'iCal feed')).toBe(false);
    expect(rows.some(r => r[7] === 'Google Calendar')).toBe(true);
  });
});
