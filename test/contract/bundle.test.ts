/**
 * The built bundle's main job on a small demo district, every advanced-service call held to
 * Google's contract: the product's requests name only parameters their method defines, with
 * allowed values within the limits, and the fakes' responses match the response schemas.
 */
import {summarise} from './contract';
import {bundle, checkedRun, demo} from './run';

let code: string;
beforeAll(() => {
  code = bundle();
});

/** Every method the API source reads. */
const PRODUCT_METHODS = [
  'AdminDirectory.Orgunits.list',
  'AdminDirectory.Users.list',
  'AdminReports.Activities.list',
  'AdminReports.UserUsageReport.get',
  'Classroom.Courses.list',
  'Classroom.Courses.Teachers.list',
  'Classroom.Courses.Students.list',
  'Classroom.Courses.CourseWork.list',
  'Classroom.Courses.CourseWork.StudentSubmissions.list',
  'Classroom.Courses.Announcements.list',
];

test('an ingest with a usage-report backfill keeps to the contract in every request and response', () => {
  // Start before the 180-day activity log, so usage reports fill the first days.
  const r = checkedRun(code, {startDate: '2024-08-26'});
  expect(r.errors).toEqual([]);
  for (const m of PRODUCT_METHODS)
    expect([m, r.calls[m] ?? 0]).not.toEqual([m, 0]);
  expect(summarise(r.violations)).toEqual([]);
});

test("a fake's renamed field fails the check", () => {
  // The same district, with each course's name served under another name.
  const renamed = Object.create(demo.data) as typeof demo.data;
  renamed.courses = () =>
    demo.data.courses().map(c => {
      const {name, ...rest} = c;
      return {...rest, title: name} as typeof c;
    });
  const r = checkedRun(code, {data: renamed, maxExecutions: 1});
  expect(summarise(r.violations)).toEqual([
    expect.stringMatching(
      /^classroom\.courses\.list response\.courses\[\]\.title: not a field of classroom_v1\.Course/,
    ),
  ]);
});
