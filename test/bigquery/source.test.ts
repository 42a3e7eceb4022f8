import {InputError} from '../../src/core/errors';
import {dayRange, weekDays} from '../../src/clean/dates';
import {buildWeeklyFacts, type DayUserSets} from '../../src/metrics/weekly';
import {
  attributionParams,
  dailyFactsQuery,
  datasetRef,
  usageRolesQuery,
  weeklyFactsQuery,
} from '../../src/sources/bigquery/sql';
import type {DailyFact} from '../../src/core/types';
import type {BigQueryService} from '../../src/sources/bigquery/client';
import {FIRST_DAY, LAST_DAY, NOW, makeBigQueryDistrict} from './district';
import {
  DATASET,
  MemoryBlobs,
  PROJECT,
  context,
  ingest,
  ingestOutputs,
  installGlobals,
  makePair,
  testSettings,
  type Pair,
} from './harness';

const data = makeBigQueryDistrict();
const days = dayRange(FIRST_DAY, LAST_DAY);
const exportWindow = {
  startMs: Date.UTC(2025, 1, 25),
  endMs: Date.UTC(2025, 2, 20),
};
const settings = testSettings(data.timeZone, {startDate: FIRST_DAY});

describe('generated SQL', () => {
  const input = {
    attribution: attributionParams({
      ...settings,
      teacherOuPattern: '(?i)/(Faculty-X1)(/|$)',
    }),
    schoolPaths: ['/Schools/PS Q-001'],
    timeZone: 'America/Indiana/Knox',
    startMs: Date.UTC(2025, 2, 3, 6),
    endMs: Date.UTC(2025, 2, 10, 5),
    apps: ['login', 'classroom'],
    partitionLagDays: 3,
    usageDate: '2025-03-01',
    usageLagDays: 7,
  };

  it('never contains a setting value: everything is a query parameter', () => {
    for (const q of [
      dailyFactsQuery(input),
      weeklyFactsQuery(input, weekDays('2025-03-03')),
      usageRolesQuery('2025-03-01', 7, ['a@b.org']),
    ]) {
      for (const secret of [
        'Indiana',
        'Faculty-X1',
        'PS Q-001',
        '2025-03',
        'a@b.org',
        PROJECT,
        DATASET,
        'login_success',
      ]) {
        expect(q.query).not.toContain(secret);
      }
      for (const m of q.query.matchAll(/@(\w+)/g)) {
        expect(q.parameters.map(p => p.name)).toContain(m[1]);
      }
    }
    const names = dailyFactsQuery(input).parameters.map(p => p.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'tz',
        'teacherPattern',
        'schoolPaths',
        'partStart',
        'partEnd',
        'loginEvents',
      ]),
    );
  });

  it('filters _PARTITIONTIME on every scan of the export', () => {
    for (const q of [
      dailyFactsQuery(input),
      weeklyFactsQuery(input, weekDays('2025-03-03')),
    ]) {
      const scans = [
        ...q.query.matchAll(
          /FROM (activity|usage)\b([\s\S]*?)(GROUP BY|\),|\)\n)/g,
        ),
      ];
      expect(scans.length).toBe(2);
      for (const s of scans) {
        expect(s[2]).toMatch(
          /_PARTITIONTIME >= @\w+ AND _PARTITIONTIME < @\w+/,
        );
      }
    }
    const p = new Map(
      dailyFactsQuery(input).parameters.map(x => [
        x.name,
        x.parameterValue.value,
      ]),
    );
    // From the UTC day of the first event through three days after the last one's.
    expect(p.get('partStart')).toBe('2025-03-03 00:00:00+00:00');
    expect(p.get('partEnd')).toBe('2025-03-14 00:00:00+00:00');
  });

  it('refuses patterns RE2 cannot run and malformed project or dataset names', () => {
    const bad = (over: object) => () =>
      attributionParams({...settings, ...over});
    expect(bad({studentOuPattern: '/Students(?=/)'})).toThrow(InputError);
    expect(bad({studentOuPattern: '/Students(?=/)'})).toThrow(
      /studentOuPattern: uses lookaround/,
    );
    expect(bad({teacherOuPattern: '(a)\\1'})).toThrow(
      /teacherOuPattern: uses backreferences/,
    );
    expect(() =>
      datasetRef({...settings, bigQueryProject: 'My Project!'}),
    ).toThrow(/bigQueryProject/);
    expect(() =>
      datasetRef({...settings, bigQueryDataset: 'logs; DROP'}),
    ).toThrow(/bigQueryDataset/);
    expect(
      datasetRef({
        ...settings,
        bigQueryDataset: 'it-logging-prod.workspace_export',
      }),
    ).toEqual({
      projectId: PROJECT,
      dataProjectId: 'it-logging-prod',
      datasetId: 'workspace_export',
    });
  });
});

describe('the BigQuery source', () => {
  let pair: Pair;
  let apiFacts: Map<string, DailyFact[]>;
  beforeAll(() => {
    pair = makePair(data, NOW, exportWindow);
    apiFacts = ingest(pair.rt, pair.api, settings, days);
  });
  afterAll(() => pair.backend.close());

  it('pages results and polls running jobs, with the same facts', () => {
    const paged = makePair(data, NOW, exportWindow, {}, {incompletePolls: 2});
    try {
      // Pages of 17 rows force several getQueryResults calls per job.
      const svc = paged.bq as unknown as {bigquery: BigQueryService};
      const inner = svc.bigquery;
      const calls = {query: 0, results: 0, incomplete: 0};
      svc.bigquery = {
        query: (r, p) => {
          calls.query++;
          return inner.query({...r, maxResults: 17}, p);
        },
        getQueryResults: (p, j, a) => {
          calls.results++;
          const resp = inner.getQueryResults(p, j, {...a, maxResults: 17});
          if (!resp.jobComplete) calls.incomplete++;
          return resp;
        },
      };
      const facts = ingest(paged.rt, paged.bq, settings, days);
      expect(facts).toEqual(apiFacts);
      expect(calls.incomplete).toBeGreaterThan(0);
      expect(calls.results).toBeGreaterThan(3 * calls.query);
    } finally {
      paged.backend.close();
    }
  });

  it('resumes a query paused by the budget and gives the same facts', () => {
    const b2 = makePair(data, NOW, exportWindow, {}, {incompletePolls: 1});
    try {
      const blobs = new MemoryBlobs();
      let executions = 0;
      const newContext = () => {
        executions++;
        // Each execution may make one service call: queries pause between their requests.
        let left = 1;
        return context(b2.rt, settings, blobs, {
          remaining: () => left * 1000,
          allows: () => left-- > 0,
        });
      };
      const outs = ingestOutputs(b2.rt, b2.bq, settings, days, newContext);
      expect(new Map([...outs].map(([d, o]) => [d, o.facts]))).toEqual(
        apiFacts,
      );
      expect(executions).toBeGreaterThan(10);
    } finally {
      b2.backend.close();
    }
  });

  it('finds events the export ingested up to partitionLagDays late', () => {
    const lagged = makePair(data, NOW, {
      ...exportWindow,
      ingestionDelayMs: () => 60 * 3_600_000,
    });
    try {
      expect(ingest(lagged.rt, lagged.bq, settings, days)).toEqual(apiFacts);
    } finally {
      lagged.backend.close();
    }
    // Five days late is past the filter: those events are not scanned (the documented limit).
    const tooLate = makePair(data, NOW, {
      ...exportWindow,
      ingestionDelayMs: () => 5 * 86_400_000,
    });
    try {
      const facts = ingest(tooLate.rt, tooLate.bq, settings, days);
      const sum = (m: Map<string, DailyFact[]>) =>
        [...m.values()].flat().reduce((s, f) => s + f.events, 0);
      expect(sum(facts)).toBeLessThan(sum(apiFacts));
    } finally {
      tooLate.backend.close();
    }
  });

  it('dry-runs a backfill and reports the bytes, bounded by the partition filter', () => {
    const warnings: string[] = [];
    const restore = installGlobals(pair.rt);
    try {
      const ctx = context(
        pair.rt,
        settings,
        new MemoryBlobs(),
        undefined,
        warnings,
      );
      const before = pair.backend.log.length;
      const step = pair.bq.prepare(ctx, days, null);
      expect(step.done).toBe(true);
      const dry = pair.backend.log.slice(before).filter(l => l.dryRun);
      expect(dry).toHaveLength(1);
      expect(dry[0].bytes).toBeGreaterThan(0);
      expect(warnings.join('\n')).toMatch(
        /15 days \(2025-03-03 to 2025-03-17\) will scan about [\d.]+ (KB|MB)/,
      );
      const all = pair.backend.estimateBytes(
        'SELECT time_usec, email, event_name, record_type, org_unit_name_path, classroom.submission_state, classroom.is_late FROM activity',
      );
      const one = pair.backend.estimateBytes(
        'SELECT time_usec, email, event_name, record_type, org_unit_name_path, classroom.submission_state, classroom.is_late FROM activity WHERE _PARTITIONTIME >= @a AND _PARTITIONTIME < @b',
        [
          {
            name: 'a',
            parameterType: {type: 'TIMESTAMP'},
            parameterValue: {value: '2025-03-05 00:00:00+00:00'},
          },
          {
            name: 'b',
            parameterType: {type: 'TIMESTAMP'},
            parameterValue: {value: '2025-03-06 00:00:00+00:00'},
          },
        ],
      );
      expect(one).toBeGreaterThan(0);
      expect(one * 8).toBeLessThan(all);
    } finally {
      restore();
    }
  });

  it('counts distinct users per week in BigQuery, as the API source does from user sets', () => {
    const blobs = new MemoryBlobs();
    const outs = ingestOutputs(pair.rt, pair.api, settings, days, () =>
      context(pair.rt, settings, blobs),
    );
    const restore = installGlobals(pair.rt);
    try {
      const ctx = context(pair.rt, settings, new MemoryBlobs());
      expect(pair.bq.prepare(ctx, days, null).done).toBe(true);
      for (const ws of ['2025-03-03', '2025-03-10']) {
        const wd = weekDays(ws);
        const daily = wd.flatMap(d => outs.get(d)!.facts);
        const sets = new Map<string, DayUserSets>(
          wd.map(d => [d, outs.get(d)!.userSets!]),
        );
        const expected = buildWeeklyFacts(daily, sets, {
          calendar: settings.calendar,
          schoolDaysOnly: false,
        });
        const step = pair.bq.weeklyFacts!(ctx, ws);
        expect(step.done).toBe(true);
        if (step.done) {
          const key = (f: {schoolId: string; role: string; app: string}) =>
            `${f.schoolId}|${f.role}|${f.app}`;
          const got = new Map(step.value.map(f => [key(f), f]));
          const diffs = expected
            .filter(f => JSON.stringify(got.get(key(f))) !== JSON.stringify(f))
            .map(f => [f, got.get(key(f))]);
          expect(diffs.slice(0, 3)).toEqual([]);
          expect(step.value).toEqual(expected);
        }
        // Distinct over the week is less than the sum of the days.
        const ws1 = expected.find(
          f => f.app === 'workspace' && f.activeUsers > 10,
        )!;
        const sumDays = daily
          .filter(
            f =>
              f.schoolId === ws1.schoolId &&
              f.role === ws1.role &&
              f.app === 'workspace',
          )
          .reduce((s, f) => s + f.activeUsers, 0);
        expect(ws1.activeUsers).toBeLessThan(sumDays);
      }
    } finally {
      restore();
    }
  });

  it('names the setting when the dataset or the project is wrong', () => {
    const restore = installGlobals(pair.rt);
    try {
      const wrongDataset = testSettings(data.timeZone, {
        startDate: FIRST_DAY,
        bigQueryDataset: 'no_such_dataset',
      });
      const src = makeFreshSource(pair);
      expect(() =>
        src.prepare(context(pair.rt, wrongDataset), days, null),
      ).toThrow(/bigQueryDataset: .*no_such_dataset/);
      const wrongProject = testSettings(data.timeZone, {
        startDate: FIRST_DAY,
        bigQueryProject: 'someone-elses-project',
      });
      expect(() =>
        makeFreshSource(pair).prepare(
          context(pair.rt, wrongProject),
          days,
          null,
        ),
      ).toThrow(
        /bigQueryProject: someone-elses-project: access denied; the account needs BigQuery Job User/,
      );
    } finally {
      restore();
    }
  });
});

function makeFreshSource(pair: Pair) {
  const Ctor = pair.bq.constructor as new (...a: unknown[]) => typeof pair.bq;
  const p = pair.bq as unknown as {bigquery: unknown; services: unknown};
  return new Ctor(p.bigquery, p.services);
}
