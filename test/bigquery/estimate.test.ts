import {estimateBigQueryBackfill} from '../../src/sources/bigquery/estimate';

describe('BigQuery backfill estimate', () => {
  it('counts the requests of the source', () => {
    const e = estimateBigQueryBackfill({
      days: 14,
      schools: 100,
      users: 1200,
      jobSeconds: 0,
      msPerFactRow: 0,
    });
    // 100 schools x 3 roles x 3 apps = 900 rows a day; a 7-day batch is 6,300 rows: one page.
    expect(e.requests).toEqual({
      directory: 4,
      setupQueries: 2,
      dayQueries: 2,
      dayResultPages: 0,
      weekQueries: 2,
    });
    expect(e.factRows).toBe(900 * 14);
    expect(e.seconds).toBeCloseTo(
      4 * 0.3 + 1200 * 0.0002 + 6 * 1.5 + 12600 * 0.0002,
      10,
    );
    expect(e.executions).toBe(1);
  });

  it('stays within a day of trigger time for a school year of 1,800 schools', () => {
    const e = estimateBigQueryBackfill({
      days: 296,
      schools: 1800,
      users: 648560,
    });
    expect(e.requests.directory).toBe(1299);
    expect(e.requests.dayResultPages).toBe(43 * 11);
    expect(e.executions).toBeGreaterThan(20);
    expect(e.executions).toBeLessThan(60);
    expect(e.daysToComplete).toBe(1);
    const longer = estimateBigQueryBackfill({
      days: 296,
      schools: 1800,
      users: 648560,
      jobSeconds: 60,
    });
    expect(longer.seconds).toBeGreaterThan(e.seconds);
  });
});
