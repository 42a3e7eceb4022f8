import {parseIcs} from '../../src/sources/calendar/ics';
import {classifyTitle} from '../../src/sources/calendar/classify';

// New York is UTC-5 in winter: the district's day of a UTC instant.
const dayOf = (ms: number) =>
  new Date(ms - 5 * 3600_000).toISOString().slice(0, 10);
const WINDOW = {from: '2025-07-01', to: '2027-06-30', dayOf};

function crlf(lines: string[]): string {
  return lines.join('\r\n') + '\r\n';
}

// The shape Google Calendar exports: VTIMEZONE first, all-day events as VALUE=DATE with an
// exclusive DTEND, long lines folded at 75 octets.
const DISTRICT = crlf([
  'BEGIN:VCALENDAR',
  'PRODID:-//Google Inc//Google Calendar 70.9054//EN',
  'VERSION:2.0',
  'CALSCALE:GREGORIAN',
  'METHOD:PUBLISH',
  'X-WR-CALNAME:District 12 School Year 2025-26',
  'X-WR-TIMEZONE:America/New_York',
  'BEGIN:VTIMEZONE',
  'TZID:America/New_York',
  'X-LIC-LOCATION:America/New_York',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:-0500',
  'TZOFFSETTO:-0400',
  'TZNAME:EDT',
  'DTSTART:19700308T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:-0400',
  'TZOFFSETTO:-0500',
  'TZNAME:EST',
  'DTSTART:19701101T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
  'BEGIN:VEVENT',
  'DTSTART;VALUE=DATE:20251224',
  'DTEND;VALUE=DATE:20260102',
  'DTSTAMP:20250901T120000Z',
  'UID:winter-recess-2025@district12.example.org',
  'SUMMARY:Winter Recess (schools closed)',
  'TRANSP:TRANSPARENT',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'DTSTART;VALUE=DATE:20250704',
  'DTEND;VALUE=DATE:20250705',
  'RRULE:FREQ=YEARLY',
  'DTSTAMP:20250901T120000Z',
  'UID:july4@district12.example.org',
  'SUMMARY:Independence Day',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'DTSTART;VALUE=DATE:20260119',
  'DTSTAMP:20250901T120000Z',
  'UID:mlk@district12.example.org',
  'SUMMARY:Dr. Martin Luther King Jr. Day - No School',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'DTSTART;VALUE=DATE:20260602',
  'DURATION:P3D',
  'DTSTAMP:20250901T120000Z',
  'UID:regents@district12.example.org',
  'SUMMARY:NYS Regents Examinations (grades 9-12) - regular classes do not mee',
  ' t for high school students',
  'END:VEVENT',
  // Weekly early dismissal on Fridays at 12:30 local time, one Friday skipped (EXDATE) and
  // one moved to Thursday (RECURRENCE-ID override).
  'BEGIN:VEVENT',
  'DTSTART;TZID=America/New_York:20260109T123000',
  'DTEND;TZID=America/New_York:20260109T133000',
  'RRULE:FREQ=WEEKLY;BYDAY=FR;COUNT=4',
  'EXDATE;TZID=America/New_York:20260116T123000',
  'DTSTAMP:20250901T120000Z',
  'UID:early@district12.example.org',
  'SUMMARY:Early Dismissal',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'RECURRENCE-ID;TZID=America/New_York:20260123T123000',
  'DTSTART;TZID=America/New_York:20260122T123000',
  'DTEND;TZID=America/New_York:20260122T133000',
  'DTSTAMP:20250901T120000Z',
  'UID:early@district12.example.org',
  'SUMMARY:Early Dismissal (moved to Thursday)',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'DTSTART;VALUE=DATE:20260213',
  'DTEND;VALUE=DATE:20260214',
  'DTSTAMP:20250901T120000Z',
  'UID:cancelled@district12.example.org',
  'STATUS:CANCELLED',
  'SUMMARY:Snow Day',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'DTSTART;TZID=America/New_York:20260210T190000',
  'DTEND;TZID=America/New_York:20260210T210000',
  'DTSTAMP:20250901T120000Z',
  'UID:board@district12.example.org',
  'SUMMARY:Board of Education Meeting',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'DTSTART;VALUE=DATE:20250908',
  'DTSTAMP:20250901T120000Z',
  'UID:first@district12.example.org',
  'SUMMARY:First Day of School',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'DTSTART;VALUE=DATE:20260306',
  'DTSTAMP:20250901T120000Z',
  'UID:unknown@district12.example.org',
  'SUMMARY:Anniversary Day',
  'END:VEVENT',
  'END:VCALENDAR',
]);

describe('parseIcs', () => {
  const {events, malformed} = parseIcs(DISTRICT, 'iCal feed', WINDOW);
  const rows = events.map(e => [
    e.entry.start,
    e.entry.end,
    e.entry.kind,
    e.entry.name,
  ]);

  it('reads all-day events with an exclusive DTEND over all their days', () => {
    expect(rows).toContainEqual([
      '2025-12-24',
      '2026-01-01',
      'break',
      'Winter Recess (schools closed)',
    ]);
    // No DTEND: one day. DURATION: three days.
    expect(rows).toContainEqual([
      '2026-01-19',
      '2026-01-19',
      'holiday',
      'Dr. Martin Luther King Jr. Day - No School',
    ]);
    expect(rows).toContainEqual([
      '2026-06-02',
      '2026-06-04',
      'testing',
      'NYS Regents Examinations (grades 9-12) - regular classes do not meet for high school students',
    ]);
  });

  it('expands a yearly holiday over the window only', () => {
    expect(
      rows.filter(r => r[3] === 'Independence Day').map(r => r[0]),
    ).toEqual(['2025-07-04', '2026-07-04']);
  });

  it('expands a weekly timed half day, skipping EXDATE and applying the override', () => {
    expect(rows.filter(r => r[2] === 'half-day')).toEqual([
      ['2026-01-09', '2026-01-09', 'half-day', 'Early Dismissal'],
      [
        '2026-01-22',
        '2026-01-22',
        'half-day',
        'Early Dismissal (moved to Thursday)',
      ],
      ['2026-01-30', '2026-01-30', 'half-day', 'Early Dismissal'],
    ]);
  });

  it('leaves out cancelled events, timed events that are not half days and open-school days', () => {
    const names = rows.map(r => r[3]);
    expect(names).not.toContain('Snow Day');
    expect(names).not.toContain('Board of Education Meeting');
    expect(names).not.toContain('First Day of School');
  });

  it('reads an unknown title as a closure, marked as guessed', () => {
    const e = events.find(x => x.entry.name === 'Anniversary Day')!;
    expect(e.entry.kind).toBe('other');
    expect(e.guessed).toBe(true);
    expect(events.filter(x => x.guessed)).toHaveLength(1);
    expect(
      events.every(
        x => x.entry.source === 'imported' && x.entry.confirmed === null,
      ),
    ).toBe(true);
    expect(malformed).toBe(0);
  });

  it('places a UTC time on the district day', () => {
    const utc = crlf([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'BEGIN:VEVENT',
      'UID:x',
      'DTSTART:20260304T030000Z', // 22:00 on March 3 in New York
      'DTEND:20260304T040000Z',
      'SUMMARY:Half day (staff)',
      'END:VEVENT',
      'END:VCALENDAR',
    ]);
    expect(
      parseIcs(utc, 'feed', WINDOW).events.map(e => e.entry.start),
    ).toEqual(['2026-03-03']);
  });

  it('rejects what is not an iCalendar feed with an error naming the feed', () => {
    expect(() =>
      parseIcs(
        '<!DOCTYPE html><html><body>Sign in</body></html>',
        'iCal feed https://example.org/…',
        WINDOW,
      ),
    ).toThrow(
      /^iCal feed https:\/\/example\.org\/…: is not an iCalendar feed \(no BEGIN:VCALENDAR; it starts "<!DOCTYPE html>/,
    );
    expect(() =>
      parseIcs(
        'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:2026\r\n',
        'iCal feed',
        WINDOW,
      ),
    ).toThrow(/^iCal feed: is not a valid iCalendar feed/);
  });
});

describe('classifyTitle', () => {
  it.each([
    ['Thanksgiving Recess', 'break'],
    ['Spring Break', 'break'],
    ['Summer Recess Begins', 'summer'],
    ['Summer School Registration', null],
    ["Chancellor's Conference Day - students do not attend", 'other'],
    ['Lunar New Year', 'holiday'],
    ['Schools Closed', 'holiday'],
    ['Early release - parent conferences', 'half-day'],
    ['State ELA Test (grades 3-8)', 'testing'],
    ['SAT school day', 'testing'],
    ['Sat Academy', 'other'],
    ['Last Day of School', null],
    ['Classes resume', null],
  ])('%s → %s', (title, kind) => {
    expect(classifyTitle(title).kind).toBe(kind);
  });
});
