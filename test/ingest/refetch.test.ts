/**
 * The re-fetch policy through the offline runtime: nightly runs fetch each day when it is
 * new and once more after it settled (its end plus the trailing days), events the API
 * delivers late still land, and a week closes only on days fetched after they settled.
 */
import type {DailyFact, WeeklyFact} from '../../src/core/types';
import {readFacts, readPartitions} from '../../src/pipeline/ingest';
import {makeFixture} from './fixture';
import {
  ingestUntilDone,
  runtimeFor,
  settingsFor,
  tabValues,
  uninstallGlobals,
} from './harness';
import {expectedFacts} from './truth';

afterEach(() => uninstallGlobals());

const HOUR = 3_600_000;
/** 05:00 in New York (EST) on a March day before the DST change. */
const nightOf = (day: number) => Date.UTC(2025, 2, day, 10);
const iso = (day: number) => `2025-03-${String(day).padStart(2, '0')}`;

test('nightly runs fetch each day twice; late events land; weeks close once settled', () => {
  const fx = makeFixture({
    schools: 2,
    students: 12,
    teachers: 3,
    from: '2025-02-24',
    to: '2025-03-12',
    seed: 5,
    timeZone: 'America/New_York',
    duplicates: 0,
  });
  // Classroom events reach the Reports API up to 20 hours late: the night after a day,
  // its events after 09:00 are not visible yet (the fake serves what is visible at the
  // time of the request); they are by the night after the day settled.
  const lateDay = iso(4);
  const rt = runtimeFor(fx.data, {
    startTime: nightOf(3),
    apiLimits: {activityLatencyMs: {classroom: 20 * HOUR}},
  });
  const settings = settingsFor({startDate: '2025-02-24'});

  const written = new Map<string, number>();
  const reports: number[] = [];
  const classroomEvents = () => {
    const r = rt.run(() => readFacts(settings));
    const daily = (r.result as {daily: DailyFact[]}).daily;
    return daily
      .filter(f => f.date === lateDay && f.app === 'classroom')
      .reduce((n, f) => n + f.events, 0);
  };
  const weekClosed = (ws: string) =>
    tabValues(rt, '_pulse_store').some(r => String(r[0]) === `|week:${ws}`);
  let eventsAfterFirstFetch = -1;
  let closedOn = -1;
  for (let night = 3; night <= 13; night++) {
    rt.clock.set(nightOf(night));
    const before = rt.calls.get('AdminReports.*');
    const run = ingestUntilDone(rt, settings, 50, `night-${night}`);
    expect(run.errors).toEqual([]);
    reports.push(rt.calls.get('AdminReports.*') - before);
    for (const d of run.results.flatMap(r => r.daysWritten))
      written.set(d, (written.get(d) ?? 0) + 1);
    if (night === 5) eventsAfterFirstFetch = classroomEvents();
    if (closedOn < 0 && weekClosed('2025-02-24')) closedOn = night;
  }

  // Days from 28 February on were new on a night before they settled: fetched twice.
  // Days up to 9 March have settled by the last night (13 March, 05:00).
  for (let day = 0; day <= 9; day++) {
    const d = day === 0 ? '2025-02-28' : iso(day);
    expect({d, n: written.get(d)}).toEqual({d, n: 2});
  }
  // The older days of the first run were already settled when first fetched: once.
  for (const d of ['2025-02-24', '2025-02-25', '2025-02-26', '2025-02-27'])
    expect({d, n: written.get(d)}).toEqual({d, n: 1});
  // The latest days are fetched once so far.
  for (const d of [iso(10), iso(11), iso(12)])
    expect({d, n: written.get(d)}).toEqual({d, n: 1});
  expect(Math.max(...written.values())).toBe(2);

  // The late events were missing from the first fetch and are counted after the second.
  expect(eventsAfterFirstFetch).toBeGreaterThanOrEqual(0);
  const final = classroomEvents();
  expect(final).toBeGreaterThan(eventsAfterFirstFetch);
  const r = rt.run(() => readFacts(settings));
  const facts = r.result as {daily: DailyFact[]; weekly: WeeklyFact[]};
  const settledDays = new Set(
    facts.daily.map(f => f.date).filter(d => d <= iso(9)),
  );
  const want = expectedFacts(fx, settledDays);
  for (const [k, e] of want) {
    const f = facts.daily.find(
      x => `${x.date}|${x.schoolId}|${x.role}|${x.app}` === k,
    );
    expect({k, events: f?.events, active: f?.activeUsers}).toEqual({
      k,
      events: e.events,
      active: e.users.size,
    });
  }

  // Week 24 Feb - 2 March: its last day settles on 6 March 05:00 New York time (end
  // of day + 3 days), when the 2 March re-fetch runs; it is closed that night, not before.
  expect(closedOn).toBe(6);
  // Every settled day's last fetch is after its settle time, and it is final.
  const parts = rt.run(() => readPartitions()).result as Array<{
    day: string;
    partial: boolean;
    fetchedAt: number;
  }>;
  for (const p of parts.filter(x => x.day <= iso(9))) {
    const settle = Date.parse(`${p.day}T00:00:00Z`) + 29 * HOUR + 72 * HOUR;
    expect({
      d: p.day,
      after: p.fetchedAt >= settle,
      partial: p.partial,
    }).toEqual({d: p.day, after: true, partial: false});
  }
  // A nightly run pulls two days (the new one and the one that settled), one page per
  // application each here: four Reports calls, plus the usage-role lookup on the night
  // the Directory snapshot is refreshed (weekly). The old trailing-window rule re-pulled
  // four or five days a night.
  expect(reports.slice(1)).toEqual([4, 4, 4, 4, 4, 4, 5, 4, 4, 4]);
});
