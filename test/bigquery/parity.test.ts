import {dayRange} from '../../src/clean/dates';
import {FIRST_DAY, LAST_DAY, NOW, makeBigQueryDistrict} from './district';
import {ingest, makePair, testSettings, type Pair} from './harness';

describe('the same district gives the same daily facts through either source', () => {
  let pair: Pair;
  const data = makeBigQueryDistrict();
  const days = dayRange(FIRST_DAY, LAST_DAY);
  beforeAll(() => {
    pair = makePair(data, NOW, {
      startMs: Date.UTC(2025, 1, 25),
      endMs: Date.UTC(2025, 2, 20),
    });
  });
  afterAll(() => pair.backend.close());

  it('cell for cell, every day, school, role and app', () => {
    const settings = testSettings(data.timeZone, {startDate: FIRST_DAY});
    const viaApi = ingest(pair.rt, pair.api, settings, days);
    const viaBq = ingest(pair.rt, pair.bq, settings, days);
    let cells = 0;
    let active = 0;
    for (const d of days) {
      const a = viaApi.get(d)!;
      const b = viaBq.get(d)!;
      expect(b.map(f => `${f.schoolId}|${f.role}|${f.app}`)).toEqual(
        a.map(f => `${f.schoolId}|${f.role}|${f.app}`),
      );
      for (let i = 0; i < a.length; i++) {
        expect(b[i]).toEqual(a[i]);
        cells += Object.keys(a[i]).length;
        active += a[i].activeUsers;
      }
    }
    // The comparison is not vacuous.
    expect(cells).toBeGreaterThan(3000);
    expect(active).toBeGreaterThan(1000);
  });
});
