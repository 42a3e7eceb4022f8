import type {CalendarEntry} from '../../src/core/types';
import {
  calendarDays,
  mergeCalendar,
  mergeCalendarDetailed,
} from '../../src/metrics/calendar/merge';

const WEEK = [1, 2, 3, 4, 5];

function e(
  start: string,
  end: string,
  kind: CalendarEntry['kind'],
  source: CalendarEntry['source'],
  name: string = kind,
  confirmed: boolean | null = null,
): CalendarEntry {
  return {name, start, end, kind, source, confirmed};
}

describe('mergeCalendar', () => {
  it('decides overlapping days by source: entered > imported > inferred', () => {
    const cal = mergeCalendar(WEEK, [
      e('2025-12-20', '2026-01-03', 'break', 'inferred', 'Inferred break'),
      e('2025-12-22', '2026-01-02', 'break', 'imported', 'Winter Recess'),
      e('2025-12-24', '2025-12-26', 'holiday', 'entered', 'Christmas'),
    ]);
    expect(cal.closures).toEqual([
      {
        name: 'Inferred break',
        start: '2025-12-20',
        end: '2025-12-21',
        kind: 'break',
      },
      {
        name: 'Winter Recess',
        start: '2025-12-22',
        end: '2025-12-23',
        kind: 'break',
      },
      {
        name: 'Christmas',
        start: '2025-12-24',
        end: '2025-12-26',
        kind: 'holiday',
      },
      {
        name: 'Winter Recess',
        start: '2025-12-27',
        end: '2026-01-02',
        kind: 'break',
      },
      {
        name: 'Inferred break',
        start: '2026-01-03',
        end: '2026-01-03',
        kind: 'break',
      },
    ]);
    expect(cal.events).toEqual([]);
    expect(cal.schoolWeekdays).toEqual(WEEK);
  });

  it('lets an entered half day reopen a day an imported break closed', () => {
    const cal = mergeCalendar(WEEK, [
      e('2026-02-16', '2026-02-20', 'break', 'imported', 'Midwinter'),
      e('2026-02-20', '2026-02-20', 'half-day', 'entered', 'Make-up day'),
    ]);
    expect(cal.closures).toEqual([
      {
        name: 'Midwinter',
        start: '2026-02-16',
        end: '2026-02-19',
        kind: 'break',
      },
    ]);
    expect(cal.events).toEqual([
      {
        name: 'Make-up day',
        start: '2026-02-20',
        end: '2026-02-20',
        kind: 'half-day',
      },
    ]);
  });

  it('drops rejected entries', () => {
    const cal = mergeCalendar(WEEK, [
      e('2026-03-02', '2026-03-03', 'holiday', 'inferred', 'Drop', false),
      e('2026-03-10', '2026-03-10', 'holiday', 'inferred', 'Kept', null),
      e('2026-03-11', '2026-03-11', 'holiday', 'inferred', 'Yes', true),
    ]);
    expect(cal.closures.map(c => c.name)).toEqual(['Kept', 'Yes']);
  });

  it('keeps a possible outage a school day until the admin confirms it', () => {
    const pending = e(
      '2026-04-07',
      '2026-04-07',
      'possible-outage',
      'inferred',
      'Drop',
    );
    const open = mergeCalendarDetailed(WEEK, [pending]);
    expect(open.calendar.closures).toEqual([]);
    expect(open.toConfirm).toEqual([pending]);
    const days = calendarDays(WEEK, [pending], '2026-04-07', '2026-04-07');
    expect(days[0].schoolDay).toBe(true);
    expect(days[0].possibleOutage).toBe(pending);

    const confirmed = mergeCalendarDetailed(WEEK, [
      {...pending, confirmed: true},
    ]);
    expect(confirmed.calendar.closures).toEqual([
      {name: 'Drop', start: '2026-04-07', end: '2026-04-07', kind: 'other'},
    ]);
    expect(confirmed.toConfirm).toEqual([]);
    const rejected = mergeCalendarDetailed(WEEK, [
      {...pending, confirmed: false},
    ]);
    expect(rejected.calendar.closures).toEqual([]);
    expect(rejected.toConfirm).toEqual([]);
  });

  it('makes testing windows and half days events; a break inside a testing window stays closed', () => {
    const cal = mergeCalendar(WEEK, [
      e('2026-04-01', '2026-04-30', 'testing', 'entered', 'State tests'),
      e('2026-04-13', '2026-04-17', 'break', 'imported', 'Spring break'),
      e('2026-04-24', '2026-04-24', 'half-day', 'imported', 'Early dismissal'),
    ]);
    expect(cal.closures).toEqual([
      {
        name: 'Spring break',
        start: '2026-04-13',
        end: '2026-04-17',
        kind: 'break',
      },
    ]);
    expect(cal.events).toEqual([
      {
        name: 'State tests',
        start: '2026-04-01',
        end: '2026-04-12',
        kind: 'testing',
      },
      {
        name: 'State tests',
        start: '2026-04-18',
        end: '2026-04-30',
        kind: 'testing',
      },
      {
        name: 'Early dismissal',
        start: '2026-04-24',
        end: '2026-04-24',
        kind: 'half-day',
      },
    ]);
  });

  it('within one source keeps the longer period whole (a holiday inside summer)', () => {
    const cal = mergeCalendar(WEEK, [
      e('2026-06-27', '2026-09-07', 'summer', 'imported', 'Summer'),
      e('2026-07-03', '2026-07-03', 'holiday', 'imported', 'Independence Day'),
    ]);
    expect(cal.closures).toEqual([
      {name: 'Summer', start: '2026-06-27', end: '2026-09-07', kind: 'summer'},
    ]);
  });

  it('lists only unreviewed inferred closures and possible outages for review', () => {
    const {toConfirm} = mergeCalendarDetailed(WEEK, [
      e('2026-05-25', '2026-05-25', 'holiday', 'inferred', 'a'),
      e('2026-05-26', '2026-05-26', 'holiday', 'imported', 'b'),
      e('2026-05-27', '2026-05-27', 'testing', 'inferred', 'c'),
      e('2026-05-28', '2026-05-28', 'possible-outage', 'imported', 'd'),
      e('2026-05-29', '2026-05-29', 'holiday', 'inferred', 'e', true),
    ]);
    expect(toConfirm.map(x => x.name)).toEqual(['a', 'd']);
  });

  it('names a bad entry in its error', () => {
    expect(() =>
      mergeCalendar(WEEK, [
        e('2026-05-02', '2026-05-01', 'holiday', 'entered', 'Oops'),
      ]),
    ).toThrow(/Oops.*ends \(2026-05-01\) before it starts/);
    expect(() =>
      mergeCalendar(WEEK, [
        e('2026-02-30', '2026-03-01', 'holiday', 'entered', 'Feb'),
      ]),
    ).toThrow(/Feb/);
  });

  it('reports weekends and closures day by day', () => {
    const days = calendarDays(
      WEEK,
      [e('2026-01-19', '2026-01-19', 'holiday', 'entered', 'MLK Day')],
      '2026-01-17',
      '2026-01-20',
    );
    expect(
      days.map(d => [
        d.date,
        d.schoolWeekday,
        d.schoolDay,
        d.closure?.name ?? '',
      ]),
    ).toEqual([
      ['2026-01-17', false, false, ''],
      ['2026-01-18', false, false, ''],
      ['2026-01-19', true, false, 'MLK Day'],
      ['2026-01-20', true, true, ''],
    ]);
  });
});
