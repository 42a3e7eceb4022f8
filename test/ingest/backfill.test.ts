/**
 * Days past the activity log's 180 days come from the usage reports (450 days) and the
 * Classroom history, flagged imputed; days inside it come from the activity log.
 */
import {addDays} from '../../src/clean/dates';
import type {DailyFact} from '../../src/core/types';
import {readFacts, readQuality} from '../../src/pipeline/ingest';
import {pstDay} from '../../src/sources/api/usage';
import {makeFixture} from './fixture';
import {
  START,
  ingestUntilDone,
  runtimeFor,
  settingsFor,
  uninstallGlobals,
} from './harness';

afterAll(() => uninstallGlobals());

test('backfill past the activity log: usage reports and Classroom history, flagged imputed', () => {
  const fx = makeFixture({
    schools: 2,
    students: 10,
    teachers: 3,
    from: '2024-08-20',
    to: '2025-03-02',
    seed: 5,
    timeZone: 'America/New_York',
  });
  const rt = runtimeFor(fx.data);
  const settings = settingsFor({startDate: '2024-08-20'});
  const run = ingestUntilDone(rt, settings, 100);
  expect(run.errors).toEqual([]);
  const {daily} = rt.run(() => readFacts(settings)).result as {
    daily: DailyFact[];
  };
  const quality = rt.run(() => readQuality()).result as Array<{
    check: string;
    date: string;
    count: number;
  }>;
  const cutoff = addDays(pstDay(START), -179);
  const usageDays = [
    ...new Set(daily.filter(f => f.flags.includes('imputed')).map(f => f.date)),
  ].sort();
  expect(usageDays[0]).toBe('2024-08-20');
  expect(usageDays[usageDays.length - 1]).toBe(addDays(cutoff, -1));
  expect(
    daily.filter(f => f.date >= cutoff && f.flags.includes('imputed')),
  ).toEqual([]);

  const byId = new Map(fx.users.map(u => [u.id, u]));
  const inCourse = new Set<string>();
  for (const c of fx.data.courses())
    for (const s of fx.data.students(c.id!)) inCourse.add(s.userId!);
  const schoolOf = (id: string) => {
    const u = byId.get(id)!;
    return u.school >= 0 ? fx.schoolIds[u.school] : '_none';
  };
  let checked = 0;
  for (const day of usageDays) {
    const ev = fx.truth.filter(t => t.day === day);
    for (const f of daily.filter(x => x.date === day)) {
      const mine = ev.filter(
        t =>
          schoolOf(t.userId) === f.schoolId &&
          byId.get(t.userId)!.role === f.role,
      );
      const loginUsers = new Set(
        mine.filter(t => t.kind === 'login').map(t => t.userId),
      );
      const roomUsers = new Set(
        mine.filter(t => t.app === 'classroom').map(t => t.userId),
      );
      expect(f.sessionMinutes).toBeNull();
      expect(f.flags).toContain('imputed');
      if (f.app === 'login') {
        expect(f.activeUsers).toBe(loginUsers.size);
        expect(f.logins).toBe(loginUsers.size);
        expect(f.events).toBe(loginUsers.size);
      } else if (f.app === 'classroom') {
        expect(f.activeUsers).toBe(roomUsers.size);
        const turned = mine.filter(
          t => t.kind === 'turned_in' && inCourse.has(t.userId),
        );
        expect(f.submissionsTurnedIn).toBe(turned.length);
        expect(f.lateSubmissions).toBe(turned.filter(t => t.late).length);
        expect(f.assignmentsCreated).toBe(
          mine.filter(t => t.kind === 'created').length,
        );
        expect(f.announcements).toBe(
          mine.filter(t => t.kind === 'announcement').length,
        );
        expect(f.events).toBe(
          f.submissionsTurnedIn + f.assignmentsCreated + f.announcements,
        );
        checked += f.activeUsers;
      } else {
        expect(f.activeUsers).toBe(new Set([...loginUsers, ...roomUsers]).size);
      }
    }
  }
  expect(checked).toBeGreaterThan(50);
  const imputed = quality.filter(q => q.check === 'imputed_values');
  expect(new Set(imputed.map(q => q.date))).toEqual(new Set(usageDays));
  // One usage report per backfilled day (one page each), plus one for roles.
  expect(rt.calls.get('AdminReports.UserUsageReport.get')).toBe(
    usageDays.length + 1,
  );
});
