import {ok, run, runtime} from './helpers';

const CAL = 'school@group.calendar.google.com';

function rt() {
  return runtime({
    calendars: {
      [CAL]: {
        name: 'School year',
        timeZone: 'America/New_York',
        events: [
          {
            title: 'Winter Recess',
            startDate: '2025-12-24',
            endDate: '2026-01-02',
          },
          {title: 'Independence Day', startDate: '2025-07-04', yearlyCount: 3},
          {
            title: 'Early Dismissal',
            start: '2026-01-09T17:30:00Z',
            end: '2026-01-09T18:30:00Z',
          },
        ],
      },
    },
    web: {
      'https://feeds.example.org/d12.ics': {
        body: 'BEGIN:VCALENDAR',
        headers: {'Content-Type': 'text/calendar'},
      },
      'https://feeds.example.org/gone.ics': {status: 410, body: 'Gone'},
    },
  });
}

describe('CalendarApp', () => {
  it('returns null for a calendar that does not exist or cannot be accessed', () => {
    expect(
      ok(
        run(
          rt(),
          "return CalendarApp.getCalendarById('nope@group.calendar.google.com');",
        ),
      ),
    ).toBeNull();
  });

  it('returns the events that start, end or encompass the range (end exclusive)', () => {
    const titles = (from: string, to: string) =>
      ok(
        run(
          rt(),
          `var cal = CalendarApp.getCalendarById(a);
           return cal.getEvents(new Date(b), new Date(c)).map(function (e) { return e.getTitle(); });`,
          [CAL, from, to],
        ),
      );
    // Encompassed by the recess, and ending inside the range.
    expect(
      titles('2025-12-29T00:00:00-05:00', '2025-12-30T00:00:00-05:00'),
    ).toEqual(['Winter Recess']);
    expect(
      titles('2026-01-01T12:00:00-05:00', '2026-01-09T12:31:00-05:00'),
    ).toEqual(['Winter Recess', 'Early Dismissal']);
    // The recess ends at midnight starting January 2: a range from then on misses it.
    expect(
      titles('2026-01-02T00:00:00-05:00', '2026-01-09T12:30:00-05:00'),
    ).toEqual([]);
    // A yearly event, expanded.
    expect(
      titles('2026-07-01T00:00:00-04:00', '2027-07-31T00:00:00-04:00'),
    ).toEqual(['Independence Day', 'Independence Day']);
  });

  it('gives all-day dates as midnights in the script zone, the end the day after; timed events refuse them', () => {
    const r = ok(
      run(
        rt(),
        `var ev = CalendarApp.getCalendarById(a).getEvents(new Date('2025-12-01'), new Date('2026-01-31'));
         var f = function (d) { return Utilities.formatDate(d, 'America/New_York', "yyyy-MM-dd'T'HH:mm"); };
         var out = [ev[0].isAllDayEvent(), f(ev[0].getAllDayStartDate()), f(ev[0].getAllDayEndDate()), ev[1].isAllDayEvent()];
         try { ev[1].getAllDayStartDate(); } catch (e) { out.push(String(e.message)); }
         return out;`,
        [CAL],
      ),
    );
    expect(r).toEqual([
      true,
      '2025-12-24T00:00',
      '2026-01-02T00:00',
      false,
      'This method can only be called on all-day events.',
    ]);
  });

  it('needs authorization: a simple trigger cannot call it', () => {
    const r = rt().execute(
      `function onOpen() { CalendarApp.getCalendarById('${CAL}'); }`,
      'onOpen',
      [],
      {simpleTrigger: true},
    );
    expect(r.error?.message).toMatch(
      /Required permissions: https:\/\/www\.googleapis\.com\/auth\/calendar\.readonly/,
    );
  });
});

describe('UrlFetchApp', () => {
  it('answers a registered URL', () => {
    expect(
      ok(
        run(
          rt(),
          "var r = UrlFetchApp.fetch('https://feeds.example.org/d12.ics'); return [r.getResponseCode(), r.getContentText(), r.getHeaders()['Content-Type']];",
        ),
      ),
    ).toEqual([200, 'BEGIN:VCALENDAR', 'text/calendar']);
  });

  it('throws on HTTP errors unless muteHttpExceptions, showing only scheme and host', () => {
    const r = run(
      rt(),
      "UrlFetchApp.fetch('https://feeds.example.org/gone.ics?token=s3cret');",
    );
    expect(r.error?.message).toBe(
      'Request failed for https://feeds.example.org returned code 404. Truncated server response: Not Found (use muteHttpExceptions option to examine full response)',
    );
    expect(
      ok(
        run(
          rt(),
          "return UrlFetchApp.fetch('https://feeds.example.org/gone.ics', {muteHttpExceptions: true}).getResponseCode();",
        ),
      ),
    ).toBe(410);
  });

  it('fails an unknown host with a DNS error and a bad address as an invalid argument', () => {
    expect(
      run(rt(), "UrlFetchApp.fetch('https://nowhere.example.net/x.ics');").error
        ?.message,
    ).toBe('DNS error: https://nowhere.example.net/x.ics');
    expect(
      run(rt(), "UrlFetchApp.fetch('ftp://feeds.example.org/x');").error
        ?.message,
    ).toBe('Invalid argument: ftp://feeds.example.org/x');
  });
});
