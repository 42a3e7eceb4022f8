/**
 * The built bundle on a demo district that follows a calendar file with half days, from
 * the summer before its first school year: the calendar's own lows (the first school days,
 * while students ramp up, and the known half days) are not reported as drops, while an
 * ordinary school day is still judged (the run flags what the demo injected).
 */
import {join} from 'node:path';
import {openHarness, ROOT, tabValues, type Harness} from './harness';

const FILE = join(ROOT, 'test/fixtures/calendar-mid-august.json');
// First school day 2023-08-14 (a Monday); half days 2023-09-29 and 2023-12-15.
const FIRST_DAYS = [
  '2023-08-14',
  '2023-08-15',
  '2023-08-16',
  '2023-08-17',
  '2023-08-18',
  '2023-08-21',
  '2023-08-22',
  '2023-08-23',
  '2023-08-24',
  '2023-08-25',
];
const HALF_DAYS = ['2023-09-29', '2023-12-15'];

let h: Harness;
let drops: Array<{date: string; school: string; role: string}>;

beforeAll(() => {
  h = openHarness({schools: 6, days: 150, seed: 5, calendarFile: FILE});
  h.call('runNow');
  h.drain();
  const [header, ...rows] = tabValues(h.rt, 'lk_anomalies');
  const col = (name: string) => header.indexOf(name);
  drops = rows
    .filter(r => r[col('direction')] === 'drop' && r[col('grain')] === 'day')
    .map(r => ({
      date: String(r[col('date')]),
      school: String(r[col('school_id')]),
      role: String(r[col('role')]),
    }));
});

test('the district follows the calendar file: its half days are in the true calendar', () => {
  const halves = h.d.calendar.events
    .filter(e => e.kind === 'half-day')
    .map(e => e.start);
  for (const d of HALF_DAYS) expect(halves).toContain(d);
  expect(h.d.startDate < FIRST_DAYS[0]).toBe(true);
});

test('no drop is reported on a known half day', () => {
  expect(drops.filter(f => HALF_DAYS.includes(f.date))).toEqual([]);
});

test('no drop is reported in the first school days, while students ramp up', () => {
  expect(drops.filter(f => FIRST_DAYS.includes(f.date))).toEqual([]);
});

test('ordinary school days are still judged: the injected outage is flagged', () => {
  const outages = h.d.truth.anomalies.filter(
    a => a.kind === 'outage' && a.end <= h.d.endDate,
  );
  expect(outages.length).toBeGreaterThan(0);
  for (const o of outages) {
    const hit = drops.filter(
      f =>
        f.date >= o.start && f.date <= o.end && o.schoolIds.includes(f.school),
    );
    expect(hit.length).toBeGreaterThan(0);
  }
});
