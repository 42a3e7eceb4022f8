/**
 * The built bundle's main job on a small demo district, every advanced-service call held to
 * Google's contract: the product's requests name only parameters their method defines, with
 * allowed values within the limits, and the fakes' responses match the response schemas.
 */
import {summarise} from './contract';
import {bundle, checkedRun, checkedRuntime, demo} from './run';

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

test('a product request with an unknown parameter or an over-limit page size fails the check', () => {
  // The bundle as it would be with a misspelt parameter and too large a page of users.
  const altered = code
    .replace('viewType: "admin_view"', 'viewTyp: "admin_view"')
    .replace('users: 500', 'users: 501');
  expect(altered).not.toBe(code);
  const r = checkedRun(altered, {maxExecutions: 1});
  expect(summarise(r.violations)).toEqual([
    expect.stringMatching(
      /^directory\.users\.list request\.maxResults: 501 is above the maximum 500 /,
    ),
    expect.stringMatching(
      /^directory\.users\.list request\.viewTyp: unknown parameter /,
    ),
  ]);
});

test("the setup sidebar's directory scan keeps to the contract, and gets only the fields it asks for", () => {
  const {rt, violations, samples} = checkedRuntime();
  const r = rt.execute(code, 'getSetupDirectory', [{fresh: true}]);
  expect(r.error?.message).toBeUndefined();
  expect(summarise(violations)).toEqual([]);
  // A partial response: the fake serves only what `fields` names.
  const users = samples.get('AdminDirectory.Users.list')!;
  expect((users.args[0] as {fields?: string}).fields).toBeDefined();
  const page = users.response as {users: Record<string, unknown>[]};
  expect(page.users.length).toBeGreaterThan(0);
  for (const u of page.users)
    expect(
      Object.keys(u).every(k =>
        ['orgUnitPath', 'suspended', 'archived'].includes(k),
      ),
    ).toBe(true);
  const units = samples.get('AdminDirectory.Orgunits.list')!.response as {
    organizationUnits: Record<string, unknown>[];
  };
  expect(Object.keys(units.organizationUnits[0]).sort()).toEqual([
    'name',
    'orgUnitPath',
  ]);
});
