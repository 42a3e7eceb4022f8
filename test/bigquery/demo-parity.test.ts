import {dayRange, addDays} from '../../src/clean/dates';
import {createDemoDistrict} from '../../src/demo';
import {ingest, makePair, testSettings, type Pair} from './harness';

describe('the demo district through the API source and the BigQuery source', () => {
  const demo = createDemoDistrict({
    schools: 4,
    days: 60,
    start: '2024-09-02',
    seed: 7,
  });
  // The run happens a few days after the period ends.
  const now = Date.UTC(2024, 9, 31, 15);
  const days = dayRange('2024-09-23', '2024-10-27');
  let pair: Pair;
  beforeAll(() => {
    pair = makePair(demo.data, now, {
      startMs: Date.UTC(2024, 8, 1),
      endMs: Date.UTC(2024, 10, 1),
    });
  });
  afterAll(() => pair.backend.close());

  it('gives the same daily facts, cell for cell', () => {
    const h = demo.settingsHints;
    const settings = testSettings(demo.timeZone, {
      schoolOuDepth: h.schoolOuDepth,
      schoolOuPattern: h.schoolOuPattern,
      studentOuPattern: h.studentOuPattern,
      teacherOuPattern: h.teacherOuPattern,
      startDate: days[0],
    });
    const viaApi = ingest(pair.rt, pair.api, settings, days);
    const viaBq = ingest(pair.rt, pair.bq, settings, days);
    let active = 0;
    const mismatches: string[] = [];
    for (const d of days) {
      const a = viaApi.get(d)!;
      const b = viaBq.get(d)!;
      const key = (f: (typeof a)[number]) => `${f.schoolId}|${f.role}|${f.app}`;
      const bm = new Map(b.map(f => [key(f), f]));
      for (const f of a) {
        active += f.activeUsers;
        const g = bm.get(key(f));
        if (JSON.stringify(g) !== JSON.stringify(f)) {
          mismatches.push(
            `${d} ${key(f)}\n api ${JSON.stringify(f)}\n  bq ${JSON.stringify(g)}`,
          );
        }
      }
      if (b.length !== a.length)
        mismatches.push(
          `${d}: ${a.length} rows via API, ${b.length} via BigQuery`,
        );
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(active).toBeGreaterThan(5000);
    void addDays;
  });
});
