/**
 * The API source on the demo district against the generator's own ground truth: the
 * aggregates the demo says an ingestion should recover from the Reports API after
 * dropping duplicates.
 */
import type {DailyFact} from '../../src/core/types';
import {createDemoDistrict} from '../../src/demo';
import {readFacts} from '../../src/pipeline/ingest';
import {
  ingestUntilDone,
  runtimeFor,
  settingsFor,
  uninstallGlobals,
} from './harness';

afterAll(() => uninstallGlobals());

test('daily facts equal the demo district ground truth', () => {
  const demo = createDemoDistrict({schools: 2, days: 200, start: '2024-08-19'});
  const rt = runtimeFor(demo.data);
  const from = '2025-02-10';
  const to = '2025-03-02';
  const settings = settingsFor({
    ...demo.settingsHints,
    startDate: from,
    calendar: demo.calendar,
  });
  const run = ingestUntilDone(rt, settings, 50);
  expect(run.errors).toEqual([]);
  const {daily} = rt.run(() => readFacts(settings)).result as {
    daily: DailyFact[];
  };
  const fact = new Map(
    daily.map(f => [`${f.date}|${f.schoolId}|${f.role}|${f.app}`, f]),
  );
  let compared = 0;
  for (const t of demo.truth.daily) {
    // Unplaced accounts: the demo calls them unknown, the precedence rules make them staff.
    if (t.date < from || t.date > to || t.schoolId === '') continue;
    const k = `${t.date}|${t.schoolId}|${t.role}`;
    const ws = fact.get(`${k}|workspace`);
    const login = fact.get(`${k}|login`);
    const room = fact.get(`${k}|classroom`);
    expect({
      k,
      active: ws?.activeUsers,
      roomActive: room?.activeUsers,
      logins: login?.logins,
      roomEvents: room?.events,
      turnedIn: room?.submissionsTurnedIn,
      grades: room?.gradesEntered,
      published: room?.assignmentsCreated,
    }).toEqual({
      k,
      active: t.activeUsers,
      roomActive: t.classroomActiveUsers,
      logins: t.logins,
      roomEvents: t.classroomEvents,
      turnedIn: t.turnedIn,
      grades: t.gradesSet,
      published: t.courseWorkPublished,
    });
    // Failed logins are in the demo's login events, but are not engagement here.
    expect(login!.events).toBeLessThanOrEqual(t.loginEvents);
    expect(login!.events).toBeGreaterThanOrEqual(t.logins);
    compared++;
  }
  expect(compared).toBeGreaterThan(100);
});
