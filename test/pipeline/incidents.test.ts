/**
 * The built bundle on a small demo district (8 schools, some of 80 students and 5
 * teachers): incidents read as an admin should read them. The district-wide outage is one
 * incident; every incident starts and ends on a school day; and no incident of a day or two
 * at one school is smaller than the minimum group size in users.
 */
import {isSchoolDay} from '../../src/metrics/weekly';
import {openHarness, tabValues, type Harness} from './harness';

let h: Harness;
let incidents: Array<{
  start: string;
  end: string;
  schools: string[];
  users: number;
  schoolDays: number;
}>;

beforeAll(() => {
  h = openHarness({schools: 8, days: 300, seed: 1});
  h.call('runNow');
  h.drain();
  const [header, ...rows] = tabValues(h.rt, 'lk_incidents');
  const col = (name: string) => header.indexOf(name);
  incidents = rows
    .filter(r => r[col('direction')] === 'drop')
    .map(r => ({
      start: String(r[col('start_date')]),
      end: String(r[col('end_date')]),
      schools: String(r[col('school_ids')])
        .split(';')
        .map(x => x.trim())
        .filter(x => x),
      users: Number(r[col('users')]),
      schoolDays: Number(r[col('school_days')]),
    }));
}, 600_000);

const touching = (e: {schoolIds: string[]; start: string; end: string}) =>
  incidents.filter(
    i =>
      i.start <= e.end &&
      i.end >= e.start &&
      i.schools.some(s => e.schoolIds.includes(s)),
  );

test('the district-wide outage is one incident', () => {
  const events = h.d.truth.anomalies.filter(
    a => a.kind === 'outage' && a.scope === 'district' && a.end <= h.d.endDate,
  );
  expect(events.length).toBeGreaterThan(0);
  for (const e of events) expect(touching(e)).toHaveLength(1);
});

test('every incident starts and ends on a school day', () => {
  for (const i of incidents) {
    expect({i, start: isSchoolDay(i.start, h.d.calendar)}).toEqual({
      i,
      start: true,
    });
    expect({i, end: isSchoolDay(i.end, h.d.calendar)}).toEqual({i, end: true});
  }
});

test('no short incident at one school is smaller than the minimum group size', () => {
  const small = incidents.filter(
    i => i.schools.length === 1 && i.schoolDays < 5 && i.users < 10,
  );
  expect(small).toEqual([]);
});
