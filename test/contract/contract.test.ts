/**
 * The contract itself: derived from the pinned generated clients (and up to date with
 * them), and a checker that fails on each kind of departure from it.
 */
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {ApiCall} from '../../src/offline/runtime';
import {ContractChecker, loadContract, summarise} from './contract';

const root = join(__dirname, '..', '..');
const contract = loadContract();
const checker = new ContractChecker(contract);

function problems(call: ApiCall): string[] {
  return checker.check(call).map(v => `${v.at}: ${v.problem}`);
}

test('the contract comes from the pinned clients and matches them', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  for (const name of [
    '@googleapis/admin',
    '@googleapis/classroom',
    'googleapis',
  ]) {
    // Pinned exactly: a new client version changes the contract only through a commit.
    expect([name, pkg.devDependencies[name]]).toEqual([
      name,
      contract.sources[name],
    ]);
    const installed = JSON.parse(
      readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'),
    ).version;
    expect([name, installed]).toEqual([name, contract.sources[name]]);
  }
  // Regenerating gives the committed file byte for byte.
  execFileSync('node', [join(root, 'scripts/contract.mjs'), '--check'], {
    cwd: root,
    stdio: 'pipe',
  });
});

test('the contract carries what the product relies on', () => {
  const m = contract.methods;
  const acts = m['reports.activities.list'];
  expect(acts.positional).toEqual(['userKey', 'applicationName']);
  expect(acts.parameters.maxResults).toMatchObject({minimum: 1, maximum: 1000});
  // Current discovery documents list classroom among the Reports applications.
  expect(acts.parameters.applicationName.pattern).toContain('(classroom)');
  expect(m['directory.users.list'].parameters.maxResults.maximum).toBe(500);
  expect(m['classroom.courses.teachers.list'].parameters.pageSize.default).toBe(
    30,
  );
  expect(m['bigquery.jobs.query'].positional).toEqual([
    'requestBody',
    'projectId',
  ]);
  expect(
    contract.schemas['classroom_v1.Course'].fields.courseState.enum,
  ).toContain('ARCHIVED');
});

const ok = {
  kind: 'admin#reports#activities',
  items: [
    {
      id: {time: '2025-03-03T10:00:00.000Z', applicationName: 'classroom'},
      actor: {email: 'a@example.org', profileId: '1'},
      events: [
        {
          name: 'view',
          parameters: [{name: 'course_id', value: '42'}],
        },
      ],
    },
  ],
};

test('a valid request and response pass', () => {
  expect(
    problems({
      method: 'AdminReports.Activities.list',
      args: [
        'all',
        'classroom',
        {
          startTime: '2025-03-01T05:00:00.000Z',
          endTime: '2025-03-02T05:00:00Z',
          maxResults: 1000,
          pageToken: 'abc',
        },
      ],
      response: ok,
    }),
  ).toEqual([]);
});

test('a renamed, mistyped or out-of-enum response field fails', () => {
  const renamed = structuredClone(ok) as Record<string, unknown>;
  const items = renamed.items as Record<string, unknown>[];
  items[0].event = items[0].events;
  delete items[0].events;
  expect(
    problems({
      method: 'AdminReports.Activities.list',
      args: ['all', 'classroom', {}],
      response: renamed,
    }),
  ).toEqual(['response.items[0].event: not a field of reports_v1.Activity']);

  const nested = structuredClone(ok);
  (
    nested.items[0].events[0].parameters[0] as Record<string, unknown>
  ).intValue = 42;
  expect(
    problems({
      method: 'AdminReports.Activities.list',
      args: ['all', 'classroom', {}],
      response: nested,
    }),
  ).toEqual([
    'response.items[0].events[0].parameters[0].intValue: expected a string, got number 42',
  ]);

  expect(
    problems({
      method: 'Classroom.Courses.list',
      args: [{}],
      response: {courses: [{id: '1', courseState: 'OPEN'}], nextPageToken: 7},
    }),
  ).toEqual([
    'response.courses[0].courseState: "OPEN" is not one of COURSE_STATE_UNSPECIFIED, ACTIVE, ARCHIVED, PROVISIONED, DECLINED, SUSPENDED',
    'response.nextPageToken: expected a string, got number 7',
  ]);
  expect(
    problems({
      method: 'Classroom.Courses.Teachers.list',
      args: ['1', {}],
      response: {teachers: {userId: '1'}},
    }),
  ).toEqual(['response.teachers: expected an array, got object']);
});

test('an unknown parameter, a bad value or a page size over the limit fails', () => {
  expect(
    problems({
      method: 'AdminReports.Activities.list',
      args: ['all', 'classroom', {maxResult: 10}],
      response: ok,
    }),
  ).toEqual(['request.maxResult: unknown parameter']);
  expect(
    problems({
      method: 'AdminReports.Activities.list',
      args: [
        'all',
        'classroom_activity',
        {maxResults: 1001, startTime: '2025-03-01'},
      ],
    }),
  ).toEqual([
    expect.stringMatching(
      /^request\.applicationName: "classroom_activity" does not match/,
    ),
    'request.maxResults: 1001 is above the maximum 1000',
    expect.stringMatching(/^request\.startTime: "2025-03-01" does not match/),
  ]);
  expect(
    problems({
      method: 'AdminReports.UserUsageReport.get',
      args: ['all', '2025-3-1', {parameters: 'lms:posts'}],
    }),
  ).toEqual([
    expect.stringMatching(/^request\.date: "2025-3-1" does not match/),
    expect.stringMatching(/^request\.parameters: "lms:posts" does not match/),
  ]);
  expect(
    problems({
      method: 'AdminDirectory.Users.list',
      args: [{customer: 'my_customer', maxResults: 501, viewType: 'admin'}],
    }),
  ).toEqual([
    'request.maxResults: 501 is above the maximum 500',
    'request.viewType: "admin" is not one of admin_view, domain_public',
  ]);
  expect(
    problems({
      method: 'Classroom.Courses.list',
      args: [{courseStates: ['ACTIVE', 'OPEN'], pageSize: '10'}],
    }),
  ).toEqual([
    'request.courseStates[1]: "OPEN" is not one of COURSE_STATE_UNSPECIFIED, ACTIVE, ARCHIVED, PROVISIONED, DECLINED, SUSPENDED',
  ]);
  expect(
    problems({
      method: 'Classroom.Courses.CourseWork.StudentSubmissions.list',
      args: ['1', {pageSize: 10}],
    }),
  ).toEqual([
    // optionalArgs where courseWorkId belongs.
    'request.courseWorkId: expected a string, got object {"pageSize":10}',
  ]);
  expect(
    problems({method: 'Classroom.Courses.Aliases.list', args: ['1']}),
  ).toEqual(['method: not in the contract']);
});

test('a BigQuery request body is held to its schema', () => {
  expect(
    problems({
      method: 'BigQuery.Jobs.query',
      args: [{query: 'SELECT 1', useLegacySql: false, maxResult: 10}, 'proj'],
    }),
  ).toEqual([
    'request.body.maxResult: not a field of bigquery_v2.QueryRequest',
  ]);
});

test('violations are grouped by place with a count', () => {
  const vs = checker.check({
    method: 'Classroom.Courses.list',
    args: [{}],
    response: {courses: [{title: 'a'}, {title: 'b'}]},
  });
  expect(summarise(vs)).toEqual([
    'classroom.courses.list response.courses[].title: not a field of classroom_v1.Course (2x; e.g. at response.courses[0].title)',
  ]);
});
