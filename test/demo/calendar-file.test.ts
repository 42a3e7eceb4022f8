import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {InputError} from '../../src/core/errors';
import {createDemoDistrict, parseCalendarFile} from '../../src/demo';
import {addDays, weekday} from '../../src/clean/dates';
import {
  inferCalendar,
  type DistrictDay,
} from '../../src/metrics/calendar/infer';
import {mergeCalendar} from '../../src/metrics/calendar/merge';
import {isSchoolDay} from '../../src/metrics/weekly';
import {parseRunArgs} from '../../src/cli/run';

type Entry = Record<string, unknown>;

const FIXTURE = join(__dirname, '..', 'fixtures', 'calendar-mid-august.json');
const fixtureText = readFileSync(FIXTURE, 'utf8');

/** The fixture with one change, as JSON text. */
function edited(change: (o: Record<string, unknown>) => void): string {
  const o = JSON.parse(fixtureText) as Record<string, unknown>;
  change(o);
  return JSON.stringify(o);
}

function errorOf(json: string): InputError {
  try {
    parseCalendarFile(json, 'district.json');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('no error');
}

describe('calendar file: parsing and validation', () => {
  test('the fixture parses, with its entries', () => {
    const cal = parseCalendarFile(fixtureText, 'fixture');
    expect(cal.timeZone).toBe('America/New_York');
    expect(cal.years).toHaveLength(2);
    expect(cal.closures.length).toBeGreaterThan(10);
    expect(cal.testing[0].levels).toEqual(['high']);
    expect(cal.halfDays).toContain('2023-12-15');
  });

  test('errors name the file, the field and the entry', () => {
    expect(errorOf('{').message).toMatch(/^district\.json: not valid JSON/);
    expect(errorOf('[]').message).toMatch(/must be a JSON object/);
    const cases: Array<[(o: Record<string, unknown>) => void, RegExp]> = [
      [
        o => (o.timeZone = 'America/Chicago'),
        /timeZone: "America\/Chicago" is not supported.*America\/New_York only/,
      ],
      [
        o => delete o.timeZone,
        /district\.json: timeZone: must be a non-empty string/,
      ],
      [o => (o.years = []), /years: must list at least one school year/],
      [
        o => ((o.years as Entry[])[1].firstDay = '2024-13-01'),
        /years\[1\]\.firstDay: must be a YYYY-MM-DD date \(got "2024-13-01"\)/,
      ],
      [
        o => ((o.years as Entry[])[0].lastDay = '2023-08-01'),
        /years\[0\]\.lastDay: is before firstDay/,
      ],
      [
        o => (o.years = [...(o.years as Entry[])].reverse()),
        /years\[1\]\.firstDay: must come after years\[0\]\.lastDay/,
      ],
      [
        o => ((o.closures as Entry[])[2].end = '2023-11-01'),
        /closures\[2\]\.end: is before start/,
      ],
      [
        o => ((o.closures as Entry[])[3].kind = 'vacation'),
        /closures\[3\]\.kind: must be one of holiday, break, staff \(got "vacation"\)/,
      ],
      [
        o => ((o.closures as Entry[])[4].name = ''),
        /closures\[4\]\.name: must be a non-empty string/,
      ],
      [
        o => ((o.closures as Entry[])[0].start = '2023-07-04'),
        /closures\[0\]: must fall inside one school year/,
      ],
      [
        o => ((o.testing as Entry[])[1].levels = ['college']),
        /testing\[1\]\.levels: must be a non-empty list/,
      ],
      [
        o => ((o.halfDays as string[])[0] = '2023-09-30'),
        /halfDays\[0\]: falls on a weekend/,
      ],
      [
        o => ((o.halfDays as string[])[1] = '2023-12-20'),
        /halfDays\[1\]: falls on a closure/,
      ],
      [
        o => ((o.closures as Entry[])[5].date = '2024-01-08'),
        /closures\[5\]\.date: unknown field/,
      ],
      [o => (o.holidays = []), /district\.json\.holidays: unknown field/],
    ];
    for (const [change, message] of cases) {
      expect(errorOf(edited(change)).message).toMatch(message);
    }
  });

  test('the run command takes --calendar-file for the demo only', () => {
    const args = parseRunArgs([
      '--source',
      'demo',
      '--calendar-file',
      'x.json',
      '--out',
      '/tmp/x',
    ]);
    expect(args.calendarFile).toBe('x.json');
    expect(() =>
      parseRunArgs([
        '--source',
        'learnplatform:/d',
        '--calendar-file',
        'x.json',
        '--out',
        '/tmp/x',
      ]),
    ).toThrow(/--calendar-file: applies to --source demo only/);
  });
});

describe('a district generated from the mid-August calendar file', () => {
  const calendar = parseCalendarFile(fixtureText, 'fixture');
  const district = createDemoDistrict({
    schools: 6,
    days: 420,
    seed: 7,
    calendar,
  });
  const open = (d: string) => isSchoolDay(d, district.calendar);

  test('starts two weeks before the first school day, and refuses a period the file does not cover', () => {
    expect(district.startDate).toBe('2023-07-31');
    expect(() => createDemoDistrict({schools: 2, days: 900, calendar})).toThrow(
      /days: the period ends .* more than 100 days after the calendar file's last school day \(2025-05-23\)/,
    );
  });

  test("its school days and closures are the file's", () => {
    expect(open('2023-08-11')).toBe(false); // summer
    expect(open('2023-08-14')).toBe(true); // first day
    expect(open('2023-09-04')).toBe(false); // Labor Day
    for (let d = '2023-12-18'; d <= '2024-01-05'; d = addDays(d, 1)) {
      expect(open(d)).toBe(false); // three-week winter break
    }
    expect(open('2024-01-08')).toBe(false); // teacher workday: students off
    expect(open('2024-01-09')).toBe(true);
    expect(open('2024-05-24')).toBe(true); // last day
    expect(open('2024-05-27')).toBe(false); // summer
    expect(open('2024-08-12')).toBe(true); // second year
    // Every weekday the file leaves open is a school day, and no other.
    const closed = (d: string) =>
      calendar.closures.some(c => d >= c.start && d <= c.end) ||
      !calendar.years.some(y => d >= y.firstDay && d <= y.lastDay);
    for (let d = district.startDate; d <= district.endDate; d = addDays(d, 1)) {
      const wd = weekday(d);
      if (wd === 0 || wd === 6) continue;
      expect([d, open(d)]).toEqual([d, !closed(d)]);
    }
    expect(
      district.calendar.events
        .filter(e => e.kind === 'half-day')
        .map(e => e.start),
    ).toEqual(calendar.halfDays.filter(h => h <= district.endDate));
  });

  test('half days and testing windows move the activity as the file says', () => {
    const students = new Map<string, number>();
    for (const r of district.truth.daily) {
      if (r.role !== 'student') continue;
      students.set(r.date, (students.get(r.date) ?? 0) + r.activeUsers);
    }
    // A half day against the same weekday a week before and after.
    for (const h of ['2023-09-29', '2024-03-15']) {
      const around =
        (students.get(addDays(h, -7))! + students.get(addDays(h, 7))!) / 2;
      expect(students.get(h)! / around).toBeLessThan(0.75);
    }
    // The grades 3-8 test window against the three school weeks before spring break.
    const lower = new Set(
      district.schools.filter(s => s.level !== 'high').map(s => s.schoolId),
    );
    const mean = (from: string, to: string) => {
      let sum = 0;
      const dates = new Set<string>();
      for (const r of district.truth.daily) {
        if (r.role !== 'student' || !lower.has(r.schoolId)) continue;
        if (r.date < from || r.date > to || !open(r.date)) continue;
        sum += r.activeUsers;
        dates.add(r.date);
      }
      return sum / dates.size;
    };
    expect(lower.size).toBeGreaterThan(0);
    const ratio =
      mean('2024-04-22', '2024-05-03') / mean('2024-03-18', '2024-04-05');
    expect(ratio).toBeGreaterThan(1.1);
  });

  test("the product's inference recovers the closed days (precision and recall >= 0.95)", () => {
    const byDate = new Map<string, DistrictDay>();
    for (const r of district.truth.daily) {
      const day = byDate.get(r.date) ?? {
        date: r.date,
        students: 0,
        teachers: 0,
        staff: 0,
      };
      if (r.role === 'student') day.students += r.activeUsers;
      else if (r.role === 'teacher') day.teachers += r.activeUsers;
      else day.staff += r.activeUsers;
      byDate.set(r.date, day);
    }
    const days = [...byDate.values()].sort((a, b) =>
      a.date < b.date ? -1 : 1,
    );
    const inferred = inferCalendar(days);
    const used = mergeCalendar(inferred.schoolWeekdays, inferred.entries);
    let tp = 0;
    let nInferred = 0;
    let nReal = 0;
    for (const {date} of days) {
      const wd = weekday(date);
      if (wd === 0 || wd === 6) continue;
      const a = !isSchoolDay(date, used);
      const b = !open(date);
      if (a) nInferred++;
      if (b) nReal++;
      if (a && b) tp++;
    }
    expect(nReal).toBeGreaterThan(100);
    console.log(
      `closed weekdays: ${nReal} true, ${nInferred} inferred, ${tp} both`,
    );
    expect(tp / nInferred).toBeGreaterThanOrEqual(0.95);
    expect(tp / nReal).toBeGreaterThanOrEqual(0.95);
  });
});
