import {estimateIngest} from '../../src/sources/estimate';
import {makeFixture} from './fixture';
import {
  ingestUntilDone,
  runtimeFor,
  settingsFor,
  uninstallGlobals,
} from './harness';

afterAll(() => uninstallGlobals());

test('the call model matches the calls the API source really makes', () => {
  const fx = makeFixture({
    schools: 3,
    students: 20,
    teachers: 4,
    from: '2025-02-10',
    to: '2025-03-02',
    seed: 1,
    timeZone: 'America/New_York',
  });
  const rt = runtimeFor(fx.data);
  ingestUntilDone(rt, settingsFor({startDate: '2025-02-10'}));
  const est = estimateIngest({
    startDate: '2025-02-10',
    endDate: '2025-03-02',
    schools: 3,
    users: fx.users.length,
    courses: fx.data.courses().length,
    submissionsPerCourseDay: 1,
  });
  expect(est.calls.loginActivities + est.calls.classroomActivities).toBe(
    rt.calls.get('AdminReports.Activities.list'),
  );
  expect(est.calls.directory).toBe(rt.calls.get('AdminDirectory.*'));
  expect(est.calls.usageRoles + est.calls.usageReports).toBe(
    rt.calls.get('AdminReports.UserUsageReport.get'),
  );
  expect(est.calls.rosters).toBe(
    rt.calls.get('Classroom.Courses.Teachers.list') +
      rt.calls.get('Classroom.Courses.Students.list'),
  );
  expect(est.calls.classroomHistory).toBe(
    rt.calls.get('Classroom.Courses.CourseWork.list') +
      rt.calls.get('Classroom.Courses.CourseWork.StudentSubmissions.list') +
      rt.calls.get('Classroom.Courses.Announcements.list'),
  );
  expect(est.totalCalls).toBe(
    rt.calls.get('AdminReports.*') +
      rt.calls.get('AdminDirectory.*') +
      rt.calls.get('Classroom.*'),
  );
  expect(est.recommendBigQuery).toBe(false);
});

test('large districts: the BigQuery export is recommended past the daily trigger budget', () => {
  const base = {startDate: '2024-09-01', endDate: '2025-06-30'};
  const small = estimateIngest({...base, schools: 40, users: 25_000});
  const mid = estimateIngest({...base, schools: 400, users: 250_000});
  const large = estimateIngest({...base, schools: 1800, users: 1_100_000});
  expect(small.recommendBigQuery).toBe(false);
  expect(small.daysToComplete).toBe(1);
  expect(mid.totalCalls).toBeGreaterThan(5 * small.totalCalls);
  expect(large.recommendBigQuery).toBe(true);
  expect(large.nightlyMinutes).toBeGreaterThan(small.nightlyMinutes * 20);
  expect(large.notes.join(' ')).toMatch(/BigQuery/);
  expect(large.executions).toBeGreaterThan(mid.executions);
  const longAgo = estimateIngest({
    startDate: '2023-01-01',
    endDate: '2025-06-30',
    schools: 40,
    users: 25_000,
  });
  expect(longAgo.notes.join(' ')).toMatch(/cannot be fetched/);
  expect(() =>
    estimateIngest({
      startDate: '2025-13-01',
      endDate: '2025-06-30',
      schools: 1,
      users: 1,
    }),
  ).toThrow(/startDate/);
});
