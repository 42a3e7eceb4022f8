import {
  addDays,
  dayRange,
  isoWeek,
  parseRfc3339,
  weekday,
} from '../../src/clean/dates';
import {parseOffset, ZoneClock} from '../../src/clean/timezone';
import {InputError} from '../../src/core/errors';
import {dayNumber} from '../../src/clean/dates';
import {intlOffset} from './zone-helper';

describe('dates', () => {
  test('ISO weeks at year boundaries', () => {
    expect(isoWeek('2021-01-03')).toEqual({
      week: '2020-W53',
      weekStart: '2020-12-28',
    });
    expect(isoWeek('2024-12-30')).toEqual({
      week: '2025-W01',
      weekStart: '2024-12-30',
    });
    expect(isoWeek('2025-02-16')).toEqual({
      week: '2025-W07',
      weekStart: '2025-02-10',
    });
    expect(isoWeek('2026-01-01').week).toBe('2026-W01');
  });
  test('ranges, weekdays, bad dates', () => {
    expect(dayRange('2024-02-27', '2024-03-01')).toEqual([
      '2024-02-27',
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
    ]);
    expect(dayRange('2024-03-02', '2024-03-01')).toEqual([]);
    expect(weekday('2025-02-16')).toBe(0);
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(() => dayNumber('2025-02-30', 'startDate')).toThrow(InputError);
    expect(() => dayNumber('2025-2-3', 'startDate')).toThrow(/startDate/);
  });
  test('RFC 3339 parsing is strict', () => {
    expect(parseRfc3339('2025-02-03T14:05:06.123Z')).toBe(
      Date.UTC(2025, 1, 3, 14, 5, 6, 123),
    );
    expect(parseRfc3339('2025-02-03T14:05:06.123456789Z')).toBe(
      Date.UTC(2025, 1, 3, 14, 5, 6, 123),
    );
    expect(parseRfc3339('2025-02-03T09:05:06-05:00')).toBe(
      Date.UTC(2025, 1, 3, 14, 5, 6),
    );
    // Month ends and leap days read as Date.parse reads them; impossible dates do not pass.
    for (const t of [
      '2025-01-31T23:59:59.999Z',
      '2025-04-30T00:00:00.000Z',
      '2024-02-29T12:00:00.000Z',
      '2000-02-29T12:00:00.000Z',
      '2025-12-31T08:30:15.250Z',
    ]) {
      expect(parseRfc3339(t)).toBe(Date.parse(t));
    }
    for (const t of [
      '2025-02-29T12:00:00.000Z',
      '2100-02-29T12:00:00.000Z',
      '2025-04-31T00:00:00.000Z',
    ]) {
      const parsed = Date.parse(t);
      expect(parseRfc3339(t)).toBe(Number.isFinite(parsed) ? parsed : null);
    }
    expect(parseRfc3339('Feb 3 2025')).toBeNull();
    expect(parseRfc3339(1738591506000)).toBeNull();
    expect(parseRfc3339(undefined)).toBeNull();
  });
});

describe('ZoneClock', () => {
  test('parses Utilities.formatDate offsets', () => {
    expect(parseOffset('-0500')).toBe(-300);
    expect(parseOffset('+0530')).toBe(330);
    expect(parseOffset('+05:45')).toBe(345);
    expect(() => parseOffset('EST')).toThrow(/offset/);
  });

  test('New York day windows, including both DST transitions', () => {
    const clock = new ZoneClock(intlOffset('America/New_York'));
    const w = clock.window('2025-01-15');
    expect(new Date(w.startMs).toISOString()).toBe('2025-01-15T05:00:00.000Z');
    expect(w.endMs - w.startMs).toBe(24 * 3600_000);
    const spring = clock.window('2025-03-09');
    expect(new Date(spring.startMs).toISOString()).toBe(
      '2025-03-09T05:00:00.000Z',
    );
    expect(spring.endMs - spring.startMs).toBe(23 * 3600_000);
    const fall = clock.window('2025-11-02');
    expect(new Date(fall.startMs).toISOString()).toBe(
      '2025-11-02T04:00:00.000Z',
    );
    expect(fall.endMs - fall.startMs).toBe(25 * 3600_000);
    // Just before and after the spring-forward instant (07:00Z).
    expect(clock.offset(Date.UTC(2025, 2, 9, 6, 59))).toBe(-300);
    expect(clock.offset(Date.UTC(2025, 2, 9, 7, 0))).toBe(-240);
  });

  test('local day of instants near midnight; few offset lookups', () => {
    const clock = new ZoneClock(intlOffset('America/Los_Angeles'));
    expect(clock.localDay(Date.UTC(2025, 5, 2, 6, 59))).toBe('2025-06-01');
    expect(clock.localDay(Date.UTC(2025, 5, 2, 7, 0))).toBe('2025-06-02');
    for (let d = 0; d < 365; d++) {
      for (let h = 0; h < 24; h += 3)
        clock.localDay(Date.UTC(2025, 0, 1 + d, h));
    }
    // One probe per UTC midnight plus a bisection on each of the two transition days.
    expect(clock.lookups).toBeLessThan(366 + 2 * 12 + 2);
  });

  test('a zone east of UTC with a half-hour offset', () => {
    const clock = new ZoneClock(intlOffset('Asia/Kolkata'));
    const w = clock.window('2025-04-01');
    expect(new Date(w.startMs).toISOString()).toBe('2025-03-31T18:30:00.000Z');
    expect(clock.localDay(Date.UTC(2025, 2, 31, 18, 29))).toBe('2025-03-31');
  });
});
