import type {CalendarEntry} from '../../src/core/types';
import {
  CALENDAR_HEADERS,
  entryKey,
  planCalendarTab,
  readCalendarTab,
  writeCalendarTab,
} from '../../src/sheets/calendar-tab';
import {MiniBook} from './mini-sheets';

const H = [...CALENDAR_HEADERS];

function book() {
  const mini = new MiniBook();
  return {
    ss: mini as unknown as GoogleAppsScript.Spreadsheet.Spreadsheet,
    mini,
  };
}

function inferred(
  start: string,
  end: string,
  kind: CalendarEntry['kind'] = 'break',
  name = 'Inferred closure',
): CalendarEntry {
  return {name, start, end, kind, source: 'inferred', confirmed: null};
}

describe('readCalendarTab', () => {
  it('validates rows, names each bad row and keeps it', () => {
    const r = readCalendarTab([
      H,
      [
        '2025-11-27',
        '2025-11-28',
        'holiday',
        'Thanksgiving',
        'imported',
        '',
        '',
        'iCal feed',
        '',
      ],
      ['2025-12-24', '', '', 'Christmas Eve', '', 'yes', 'board vote', '', ''],
      ['2026-13-01', '', 'holiday', 'Typo', '', '', '', '', ''],
      ['2026-02-20', '2026-02-16', 'break', 'Backwards', '', '', '', '', ''],
      ['2026-03-01', '', 'vacation', 'Kind?', '', '', '', '', ''],
      ['2026-03-02', '', 'holiday', 'Src?', 'guessed', 'maybe', '', '', ''],
      ['', '', '', '', '', '', '', '', ''],
    ]);
    expect(r.entries).toEqual([
      {
        name: 'Thanksgiving',
        start: '2025-11-27',
        end: '2025-11-28',
        kind: 'holiday',
        source: 'imported',
        confirmed: null,
      },
      {
        name: 'Christmas Eve',
        start: '2025-12-24',
        end: '2025-12-24',
        kind: 'holiday',
        source: 'entered',
        confirmed: true,
      },
    ]);
    expect(r.warnings).toEqual([
      'Calendar row 4: Start "2026-13-01" is not a date (YYYY-MM-DD)',
      'Calendar row 5: End 2026-02-16 is before Start 2026-02-20',
      'Calendar row 6: Kind "vacation" is not one of holiday, break, summer, testing, half-day, possible-outage, other',
      'Calendar row 7: Source "guessed" is not one of inferred, imported, entered; Confirmed "maybe" is not yes, no or blank',
    ]);
    expect(r.rows.map(x => x.row)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(r.rows[2].cells[0]).toBe('2026-13-01');
  });

  it('finds columns by header in any order and accepts checkbox and spelling variants', () => {
    const r = readCalendarTab({
      headers: [
        'kind',
        'confirmed',
        'start',
        'end',
        'Name',
        'Source',
        'My column',
      ],
      rows: [
        ['Half Day', true, '2026-01-30', '', 'Early dismissal', 'Entered', 'x'],
      ],
    });
    expect(r.warnings).toEqual([]);
    expect(r.entries).toEqual([
      {
        name: 'Early dismissal',
        start: '2026-01-30',
        end: '2026-01-30',
        kind: 'half-day',
        source: 'entered',
        confirmed: true,
      },
    ]);
    expect(r.extraHeaders).toEqual(['My column']);
  });

  it('reads an absent tab as empty', () => {
    const {ss} = book();
    expect(readCalendarTab(ss)).toEqual({
      entries: [],
      warnings: [],
      rows: [],
      extraHeaders: [],
    });
  });
});

describe('writeCalendarTab', () => {
  it('writes inferred rows, keeps admin rows and flags problem rows without changing them', () => {
    const {ss, mini} = book();
    writeCalendarTab({inferred: [inferred('2025-12-22', '2026-01-02')]}, ss);
    // The admin confirms the inferred break, adds a holiday and a row with a typo.
    const sheet = mini.getSheetByName('Calendar')!;
    const v = sheet.dump();
    expect(v[0]).toEqual(H);
    expect(v[1].slice(0, 8)).toEqual([
      '2025-12-22',
      '2026-01-02',
      'break',
      'Inferred closure',
      'inferred',
      '',
      '',
      'activity',
    ]);
    sheet.getRange(2, 6).setValues([['yes']]);
    sheet.insertRowsAfter(2, 2);
    sheet.getRange(3, 1, 2, 9).setValues([
      ['2026-01-19', '', 'holiday', 'MLK Day', '', '', '', '', ''],
      ['2026-02-31', '', 'holiday', '=HYPERLINK("x")', '', '', 'typo', '', ''],
    ]);
    // The next run infers a slightly longer break and a new possible outage.
    const after = writeCalendarTab(
      {
        inferred: [
          inferred('2025-12-22', '2026-01-03'),
          inferred(
            '2026-03-04',
            '2026-03-04',
            'possible-outage',
            'Activity drop',
          ),
        ],
      },
      ss,
    );
    const rows = mini.getSheetByName('Calendar')!.dump();
    expect(rows[1]).toEqual([
      '2026-02-31',
      '',
      'holiday',
      '\'=HYPERLINK("x")',
      '',
      '',
      'typo',
      '',
      'Start "2026-02-31" is not a date (YYYY-MM-DD)',
    ]);
    expect(rows.slice(2).map(r => r.slice(0, 6))).toEqual([
      [
        '2025-12-22',
        '2026-01-03',
        'break',
        'Inferred closure',
        'inferred',
        'yes',
      ],
      // The admin's own row stays exactly as typed.
      ['2026-01-19', '', 'holiday', 'MLK Day', '', ''],
      [
        '2026-03-04',
        '2026-03-04',
        'possible-outage',
        'Activity drop',
        'inferred',
        '',
      ],
    ]);
    expect(after.warnings).toEqual([
      'Calendar row 2: Start "2026-02-31" is not a date (YYYY-MM-DD)',
    ]);
    expect(after.entries).toHaveLength(3);
  });

  it('replaces the imported rows of a refreshed origin only, with no duplicates on re-run', () => {
    const {ss} = book();
    const hol = (start: string, name: string): CalendarEntry => ({
      name,
      start,
      end: start,
      kind: 'holiday',
      source: 'imported',
      confirmed: null,
    });
    const feed = {
      origin: 'iCal feed',
      entries: [
        hol('2025-11-27', 'Thanksgiving'),
        hol('2025-11-27', 'Thanksgiving'),
      ],
    };
    const gcal = {
      origin: 'Google Calendar',
      entries: [hol('2026-01-19', 'MLK Day')],
    };
    writeCalendarTab({imported: [feed, gcal]}, ss);
    const first = writeCalendarTab(
      {
        decisions: [
          {key: entryKey(hol('2026-01-19', 'MLK Day')), confirmed: false},
        ],
      },
      ss,
    );
    expect(first.rows).toHaveLength(2);
    // Refreshing the feed again changes nothing and keeps the Google Calendar rows and their verdicts.
    const again = writeCalendarTab({imported: [feed]}, ss);
    expect(again.entries.map(e => [e.name, e.confirmed])).toEqual([
      ['Thanksgiving', null],
      ['MLK Day', false],
    ]);
    // A feed that drops a holiday loses that row; a re-import of the same period keeps the verdict.
    const moved = writeCalendarTab(
      {
        imported: [
          {
            origin: 'Google Calendar',
            entries: [
              hol('2026-01-19', 'MLK Day'),
              hol('2026-02-16', 'Presidents Day'),
            ],
          },
          {origin: 'iCal feed', entries: []},
        ],
      },
      ss,
    );
    expect(moved.entries.map(e => [e.name, e.confirmed])).toEqual([
      ['MLK Day', false],
      ['Presidents Day', null],
    ]);
  });

  it('keeps a reviewed inferred row the inference no longer finds, drops an unreviewed one', () => {
    const {ss} = book();
    writeCalendarTab(
      {
        inferred: [
          inferred('2026-01-05', '2026-01-05'),
          inferred('2026-01-12', '2026-01-12'),
        ],
      },
      ss,
    );
    writeCalendarTab(
      {
        decisions: [
          {
            key: entryKey(inferred('2026-01-05', '2026-01-05')),
            confirmed: false,
          },
        ],
      },
      ss,
    );
    const r = writeCalendarTab({inferred: []}, ss);
    expect(r.entries).toEqual([
      {...inferred('2026-01-05', '2026-01-05'), confirmed: false},
    ]);
  });

  it("keeps the admin's extra columns", () => {
    const plan = planCalendarTab(
      readCalendarTab([
        [...H, 'Owner'],
        [
          '2026-01-01',
          '',
          'holiday',
          'New Year',
          'entered',
          '',
          '',
          '',
          '',
          'Pat',
        ],
      ]),
      {inferred: [inferred('2026-02-02', '2026-02-02')]},
    );
    expect(plan.headers).toEqual([...H, 'Owner']);
    expect(plan.rows.map(r => r[9])).toEqual(['Pat', '']);
  });
});
