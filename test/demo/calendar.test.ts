import {buildCalendar, passover, roshHashanah} from '../../src/demo/calendar';
import {dayNumber, isoDate, parseIsoDate, weekday} from '../../src/demo/dates';
import {createDemoDistrict} from '../../src/demo';

const day = (s: string) => parseIsoDate(s)!;

describe('Hebrew calendar dates', () => {
  test('Rosh Hashanah matches the published dates', () => {
    const known: Record<number, string> = {
      2019: '2019-09-30',
      2020: '2020-09-19',
      2021: '2021-09-07',
      2022: '2022-09-26',
      2023: '2023-09-16',
      2024: '2024-10-03',
      2025: '2025-09-23',
      2026: '2026-09-12',
      2027: '2027-10-02',
    };
    for (const [y, d] of Object.entries(known)) {
      expect(isoDate(roshHashanah(Number(y)))).toBe(d);
    }
  });

  test('Passover (15 Nisan) matches the published dates', () => {
    const known: Record<number, string> = {
      2019: '2019-04-20',
      2020: '2020-04-09',
      2021: '2021-03-28',
      2022: '2022-04-16',
      2023: '2023-04-06',
      2024: '2024-04-23',
      2025: '2025-04-13',
      2026: '2026-04-02',
    };
    for (const [y, d] of Object.entries(known)) {
      expect(isoDate(passover(Number(y)))).toBe(d);
    }
  });
});

describe('NYC-like school calendar', () => {
  const cal = buildCalendar(day('2023-08-28'), day('2025-07-27'));
  const kind = (s: string) => cal.days[day(s) - cal.startDay].kind;

  test('the closures of 2023-24 and 2024-25 fall on the NYC DOE dates', () => {
    const closed = [
      '2023-09-25', // Yom Kippur
      '2023-10-09', // Italian Heritage / Indigenous Peoples' Day
      '2023-11-10', // Veterans Day observed
      '2023-11-23',
      '2023-11-24', // Thanksgiving
      '2023-12-25',
      '2024-01-01', // winter recess
      '2024-01-15', // MLK
      '2024-02-19',
      '2024-02-23', // midwinter recess
      '2024-04-22',
      '2024-04-30', // spring recess (Passover)
      '2024-05-27', // Memorial Day
      '2024-06-19', // Juneteenth
      '2024-10-03',
      '2024-10-04', // Rosh Hashanah
      '2024-10-14',
      '2024-11-11',
      '2024-11-28',
      '2024-11-29',
      '2024-12-24',
      '2025-01-01',
      '2025-01-20',
      '2025-02-17',
      '2025-02-21',
      '2025-04-14',
      '2025-04-18',
      '2025-05-26',
      '2025-06-19',
    ];
    for (const d of closed) {
      expect([d, kind(d)]).toEqual([d, expect.stringMatching(/holiday|break/)]);
    }
    // Students stay home, teachers work.
    for (const d of [
      '2023-11-07',
      '2024-11-05',
      '2024-06-06',
      '2025-06-05',
      '2024-09-03',
    ]) {
      expect([d, kind(d)]).toEqual([d, 'staff']);
    }
    // First and last days of school; summer around them.
    expect(kind('2023-09-06')).toBe('staff');
    expect(kind('2023-09-07')).toBe('school');
    expect(kind('2024-06-26')).toBe('school');
    expect(kind('2024-06-27')).toBe('summer');
    expect(kind('2024-09-05')).toBe('school');
    expect(kind('2025-06-26')).toBe('school');
    expect(kind('2025-06-27')).toBe('summer');
    expect(kind('2023-08-28')).toBe('summer');
    // Ordinary days around them.
    expect(kind('2024-04-19')).toBe('school');
    expect(kind('2024-05-01')).toBe('school');
    expect(kind('2025-04-21')).toBe('school');
    expect(kind('2024-03-16')).toBe('weekend');
  });

  test('a school year has 180 to 185 school days, all weekdays', () => {
    const perYear = new Map<number, number>();
    for (const d of cal.days) {
      if (d.kind !== 'school') continue;
      expect([1, 2, 3, 4, 5]).toContain(weekday(d.dayNo));
      perYear.set(d.schoolYear, (perYear.get(d.schoolYear) ?? 0) + 1);
    }
    expect([...perYear.keys()]).toEqual([2023, 2024]);
    for (const n of perYear.values()) {
      expect(n).toBeGreaterThanOrEqual(180);
      expect(n).toBeLessThanOrEqual(185);
    }
  });

  test('the exported SchoolCalendar agrees with the day classification', () => {
    const c = cal.calendar;
    expect(c.schoolWeekdays).toEqual([1, 2, 3, 4, 5]);
    const closedDays = new Set<string>();
    for (const p of c.closures) {
      expect(p.start <= p.end).toBe(true);
      for (let d = day(p.start); d <= day(p.end); d++)
        closedDays.add(isoDate(d));
    }
    for (const d of cal.days) {
      if (d.kind === 'school') expect(closedDays.has(d.date)).toBe(false);
      if (['holiday', 'break', 'summer', 'staff'].includes(d.kind)) {
        expect(closedDays.has(d.date)).toBe(true);
      }
    }
    expect(c.closures.filter(p => p.kind === 'summer').length).toBe(3);
    // Testing windows: state tests in April and May, Regents in January and June,
    // all on school days, none spanning a recess; grading windows close each marking period.
    const testing = c.events.filter(e => e.kind === 'testing');
    expect(testing.map(e => e.name)).toEqual(
      expect.arrayContaining([
        'NYS ELA test window (grades 3-8)',
        'NYS Math test window (grades 3-8)',
        'Midterms and January Regents',
        'June Regents exams',
      ]),
    );
    for (const e of testing) {
      for (let d = day(e.start); d <= day(e.end); d++) {
        expect(['school', 'weekend']).toContain(kind(isoDate(d)));
      }
    }
    const ela = testing.filter(e => e.name.startsWith('NYS ELA'));
    expect(ela.map(e => e.start.slice(5, 7))).toEqual(['04', '04']);
    expect(
      c.events.filter(e => e.name.startsWith('Marking period')).length,
    ).toBe(8);
  });

  test('rules hold for other years too', () => {
    const other = buildCalendar(dayNumber(2026, 8, 24), dayNumber(2028, 7, 30));
    const firsts = other.days.filter(
      d => d.kind === 'school' && d.schoolDayIndex === 0,
    );
    // Thursday after Labor Day: 2026-09-10 and 2027-09-09.
    expect(firsts.map(d => d.date)).toEqual(['2026-09-10', '2027-09-09']);
    const k = (s: string) => other.days[day(s) - other.startDay].kind;
    expect(k('2026-09-21')).toBe('holiday'); // Yom Kippur 2026
    expect(k('2027-10-11')).toBe('holiday'); // Yom Kippur 2027 and Columbus Day
  });

  test('the demo district exports the calendar of its own period', () => {
    const d = createDemoDistrict({schools: 2, days: 30, start: '2024-08-26'});
    expect(d.calendar.closures.some(p => p.name === 'Rosh Hashanah')).toBe(
      false,
    );
    expect(d.calendar.closures.some(p => p.name.startsWith('Summer'))).toBe(
      true,
    );
    const full = createDemoDistrict({
      schools: 2,
      days: 90,
      start: '2024-08-26',
    });
    expect(
      full.calendar.closures
        .filter(p => p.name === 'Rosh Hashanah')
        .map(p => p.start),
    ).toEqual(['2024-10-03', '2024-10-04']);
  });
});
