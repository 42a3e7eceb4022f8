/**
 * The ingest phase end to end in the offline runtime: fake Directory, Reports and
 * Classroom services, a simulated clock with the execution limit, fault injection.
 */
import {isoWeek} from '../../src/clean/dates';
import type {DataQualityRow} from '../../src/clean/quality';
import type {DailyFact, WeeklyFact} from '../../src/core/types';
import {makeRandom} from '../../src/offline/engine';
import {
  readFacts,
  readPartitions,
  readQuality,
  readSchools,
} from '../../src/pipeline/ingest';
import {PAGE_SIZES} from '../../src/sources/api/services';
import {makeFixture, type Fixture} from './fixture';
import {
  ingestUntilDone,
  runtimeFor,
  settingsFor,
  tabValues,
  uninstallGlobals,
} from './harness';
import {expectedFacts, expectedWeekly} from './truth';
import type {OfflineRuntime} from '../../src/offline/runtime';
import type {Settings} from '../../src/core/types';

const FROM = '2025-02-10';
const TO = '2025-03-02'; // yesterday at the runtime's default start (2025-03-03 09:00 New York)

function fixture(seed = 1): Fixture {
  return makeFixture({
    schools: 3,
    students: 20,
    teachers: 4,
    from: FROM,
    to: TO,
    seed,
    timeZone: 'America/New_York',
  });
}

interface Outputs {
  daily: unknown[][];
  facts: {daily: DailyFact[]; weekly: WeeklyFact[]};
  quality: DataQualityRow[];
}

function outputs(rt: OfflineRuntime, settings: Settings): Outputs {
  // The tabs are read as they were left: no more injected faults.
  rt.faults = {};
  const r = rt.run(() => ({
    facts: readFacts(settings),
    quality: readQuality(),
  }));
  if (!r.ok) throw new Error(r.error?.message);
  const {facts, quality} = r.result as {
    facts: Outputs['facts'];
    quality: DataQualityRow[];
  };
  return {daily: tabValues(rt, 'Daily facts'), facts, quality};
}

const pageSize = PAGE_SIZES.activities;
afterEach(() => {
  uninstallGlobals();
  PAGE_SIZES.activities = pageSize;
});

describe('ingest through the fake Google services', () => {
  const fx = fixture();
  const settings = settingsFor({startDate: FROM});
  let base: Outputs;
  let baseCalls: number;
  let basePartitions: Array<{day: string; partial: boolean}>;
  let baseStore: unknown[][];

  beforeAll(() => {
    const rt = runtimeFor(fx.data);
    const run = ingestUntilDone(rt, settings);
    expect(run.errors).toEqual([]);
    baseCalls = rt.calls.get('AdminReports.*');
    base = outputs(rt, settings);
    basePartitions = rt.run(() => readPartitions())
      .result as typeof basePartitions;
    baseStore = tabValues(rt, '_pulse_store');
    uninstallGlobals();
  });

  test('daily facts equal an independent count of the generated events', () => {
    const days = new Set<string>();
    for (const f of base.facts.daily) days.add(f.date);
    expect(days.size).toBe(21);
    const want = expectedFacts(fx, days);
    const got = new Map(
      base.facts.daily.map(f => [
        `${f.date}|${f.schoolId}|${f.role}|${f.app}`,
        f,
      ]),
    );
    for (const [k, e] of want) {
      const f = got.get(k);
      expect(f).toBeDefined();
      expect({
        k,
        active: f!.activeUsers,
        events: f!.events,
        created: f!.assignmentsCreated,
        turnedIn: f!.submissionsTurnedIn,
        late: f!.lateSubmissions,
        returned: f!.workReturned,
        grades: f!.gradesEntered,
        comments: f!.comments,
        ann: f!.announcements,
      }).toEqual({
        k,
        active: e.users.size,
        events: e.events,
        created: e.assignmentsCreated,
        turnedIn: e.submissionsTurnedIn,
        late: e.lateSubmissions,
        returned: e.workReturned,
        grades: e.gradesEntered,
        comments: e.comments,
        ann: e.announcements,
      });
      if (!k.endsWith('|classroom')) expect(f!.logins).toBe(e.logins);
    }
    // Rows with no expected activity are zero rows for enrolled groups.
    for (const [k, f] of got) {
      if (!want.has(k)) expect(f.activeUsers + f.events).toBe(0);
    }
    // Enrolment: active accounts per school and role (one suspended student in school 0).
    const s0 = base.facts.daily.find(
      f => f.schoolId === fx.schoolIds[0] && f.role === 'student',
    )!;
    expect(s0.enrolledUsers).toBe(19);
    const t1 = base.facts.daily.find(
      f => f.schoolId === fx.schoolIds[1] && f.role === 'teacher',
    )!;
    expect(t1.enrolledUsers).toBe(4);
    // Session minutes are estimates, flagged, on the workspace rows only.
    for (const f of base.facts.daily) {
      if (f.app === 'workspace') {
        expect(f.flags).toContain('estimated');
        expect(f.sessionMinutes).toBeGreaterThanOrEqual(f.activeUsers * 5);
      } else {
        expect(f.sessionMinutes).toBeNull();
      }
    }
  });

  test('the latest days are partial; older ones are final', () => {
    const parts = new Map(basePartitions.map(p => [p.day, p.partial]));
    expect(parts.size).toBe(21);
    expect([...parts].filter(([, p]) => p).map(([d]) => d)).toEqual([TO]);
    const partialDays = base.facts.daily.filter(f =>
      f.flags.includes('partial'),
    );
    expect(new Set(partialDays.map(f => f.date))).toEqual(new Set([TO]));
    expect(
      base.quality.some(q => q.check === 'partial_day' && q.date === TO),
    ).toBe(true);
  });

  test('weekly distinct users are exact unions over the days', () => {
    const days = new Set(base.facts.daily.map(f => f.date));
    const want = expectedWeekly(fx, d => isoWeek(d).week, days);
    expect(base.facts.weekly.length).toBeGreaterThan(0);
    for (const w of base.facts.weekly) {
      expect(w.activeUsers).toBe(
        want.get(`${w.week}|${w.schoolId}|${w.role}|${w.app}`) ?? 0,
      );
      const daily = base.facts.daily.filter(
        f =>
          isoWeek(f.date).week === w.week &&
          f.schoolId === w.schoolId &&
          f.role === w.role &&
          f.app === w.app,
      );
      expect(w.events).toBe(daily.reduce((s, f) => s + f.events, 0));
      expect(w.schoolDays).toBe(5);
    }
  });

  test('data quality: duplicates, malformed records, consistency, users in no school', () => {
    const q = (check: string, date?: string) =>
      base.quality
        .filter(
          r => r.check === check && (date === undefined || r.date === date),
        )
        .reduce((s, r) => s + r.count, 0);
    // Every duplicate the fixture served is dropped and counted.
    const served = new Map<string, number>();
    for (const app of ['login', 'classroom']) {
      const seen = new Set<string>();
      for (const a of fx.served[app]) {
        if (!a.id?.time || !a.actor?.profileId) continue;
        const k = `${app}|${a.id.time}|${a.id.uniqueQualifier}`;
        if (seen.has(k)) served.set(app, (served.get(app) ?? 0) + 1);
        seen.add(k);
      }
    }
    const dropped = base.quality.filter(r => r.check === 'duplicates_dropped');
    expect(
      dropped
        .filter(r => r.source === 'api:login')
        .reduce((s, r) => s + r.count, 0),
    ).toBe(served.get('login'));
    expect(
      dropped
        .filter(r => r.source === 'api:classroom')
        .reduce((s, r) => s + r.count, 0),
    ).toBe(served.get('classroom'));
    expect(q('unattributed_actor')).toBe(21);
    expect(q('unknown_event')).toBe(42);
    expect(q('malformed_int64')).toBe(21);
    expect(q('missing_field')).toBe(21);
    expect(q('malformed_record')).toBe(21);
    expect(q('courses_with_no_teacher')).toBe(1);
    expect(q('students_in_no_course')).toBe(3);
    expect(q('submission_unknown_coursework')).toBeGreaterThan(0);
    expect(q('users_in_no_school', '')).toBe(3);
    for (const r of base.quality) {
      expect(r.detail).not.toMatch(/@/);
      expect(['info', 'warning', 'error']).toContain(r.severity);
    }
    expect(baseCalls).toBe(21 * 2 + 1);
  });

  test('no personal data in any tab, hidden stores included', () => {
    const ids = new Set(
      fx.users.flatMap(u => [u.email, u.email.split('@')[0], u.id]),
    );
    const cells = [...base.daily, ...baseStore].flat().map(String);
    expect(cells.length).toBeGreaterThan(1000);
    for (const text of cells) {
      expect(text).not.toMatch(/@district\.example\.org/);
      for (const token of text.split(/[^A-Za-z0-9+.]+/))
        expect(ids.has(token)).toBe(false);
    }
  });

  test.each([20250303, 7, 99])(
    'killed at random points (plan %i) and resumed: exactly the same tabs',
    seed => {
      PAGE_SIZES.activities = 15; // many pages a day, so days pause between pages
      const rnd = makeRandom(seed);
      const rt = runtimeFor(fx.data, {
        faults: {
          killAfterCalls: () =>
            rnd() < 0.6 ? 1 + Math.floor(rnd() * 80) : undefined,
        },
      });
      const tight = {...settings, budgetSeconds: 15};
      const run = ingestUntilDone(rt, tight, 2000);
      expect(run.errors).toEqual([]);
      expect(run.killed).toBeGreaterThan(3);
      expect(
        run.results.filter(
          r => r.phase === 'days' && r.daysWritten.length === 0,
        ).length,
      ).toBeGreaterThan(5);
      expect(run.results.filter(r => !r.done).length).toBeGreaterThan(5); // clean budget stops too
      const got = outputs(rt, settings);
      expect(got.daily).toEqual(base.daily);
      expect(got.facts.weekly).toEqual(base.facts.weekly);
      expect(got.quality).toEqual(base.quality);
    },
  );

  test('429, 503 and rate-limit 403 storms are survived', () => {
    const rt = runtimeFor(fx.data, {
      faults: {
        seed: 7,
        errors: [
          {method: 'AdminReports.*', code: 503, rate: 0.35},
          {method: 'Classroom.*', code: 429, rate: 0.35},
          {
            method: 'AdminDirectory.*',
            code: 403,
            reason: 'userRateLimitExceeded',
            rate: 0.35,
          },
          {method: 'AdminReports.Activities.list', code: 500, rate: 0.1},
        ],
      },
    });
    const run = ingestUntilDone(rt, settings, 200);
    expect(run.errors).toEqual([]);
    const got = outputs(rt, settings);
    expect(got.daily).toEqual(base.daily);
    expect(got.quality).toEqual(base.quality);
    expect(rt.calls.get('Utilities.sleep')).toBeGreaterThan(10);
  });

  test('a refused call (403 forbidden) fails with a clear message, not a retry loop', () => {
    const rt = runtimeFor(fx.data, {
      faults: {
        errors: [
          {method: 'AdminDirectory.Users.list', code: 403, reason: 'forbidden'},
        ],
      },
    });
    const res = rt.run(() =>
      require('../../src/pipeline/ingest').runIngestPhase({
        settings,
        deadline: Date.now() + 300_000,
      }),
    );
    expect(res.ok).toBe(false);
    expect(res.error?.message).toMatch(
      /AdminDirectory.Users.list.*403.*admin privileges/,
    );
    expect(rt.calls.get('Utilities.sleep')).toBe(0);
  });

  test('re-running days replaces them; a later run adds the new day only', () => {
    const rt = runtimeFor(fx.data);
    ingestUntilDone(rt, settings, 50, 'first');
    const first = tabValues(rt, 'Daily facts');
    // The same run id does nothing more.
    const again = ingestUntilDone(rt, settings, 5, 'first');
    expect(again.results[0].daysWritten).toEqual([]);
    // A new run at the same time has nothing to fetch: the latest days were fetched
    // before they settled and have not settled yet (end of day + 3 days).
    const second = ingestUntilDone(rt, settings, 50, 'second');
    expect(second.results.flatMap(r => r.daysWritten)).toEqual([]);
    expect(tabValues(rt, 'Daily facts')).toEqual(first);
    // The next day: the new day, and the day that settled since, replaced in place;
    // nothing is duplicated.
    rt.clock.set(Date.UTC(2025, 2, 4, 14, 0));
    const third = ingestUntilDone(rt, settings, 50, 'third');
    expect(third.results.flatMap(r => r.daysWritten)).toEqual([
      '2025-02-28',
      '2025-03-03',
    ]);
    const after = tabValues(rt, 'Daily facts');
    const keys = after.slice(1).map(r => r.slice(0, 5).join('|'));
    expect(new Set(keys).size).toBe(keys.length);
    expect(after.length).toBeGreaterThan(first.length);
    const schools = rt.run(() => readSchools()).result as Array<{
      name: string;
      enrolledStudents: number;
    }>;
    expect(schools.map(s => s.name)).toContain("P.S. 002 O'Keeffe & Sons");
    expect(schools.find(s => s.name === 'PS 001')!.enrolledStudents).toBe(19);
  });
});
