/**
 * The offline fakes against Google's contract: they refuse the values the contract
 * refuses (enums, page-size maximums, application names), and every method they serve,
 * including those the product does not call, answers in the shape of its response schema.
 */
import {
  CUSTOMER_USAGE_APPLICATIONS,
  PARAMETER_ENUMS,
  REPORT_APPLICATIONS,
  USER_USAGE_APPLICATIONS,
} from '../../src/offline/advanced';
import {createOfflineRuntime} from '../../src/offline/runtime';
import {ContractChecker, loadContract, summarise} from './contract';
import {START, demo} from './run';

const contract = loadContract();
const checker = new ContractChecker(contract);

/** The alternatives of a pattern written as `(a)|(b)|...` (inside `((a)|(b)):...` too). */
function alternatives(pattern: string): string[] {
  return [...new Set([...pattern.matchAll(/\(([a-z_]+)\)/g)].map(m => m[1]))];
}

const rt = createOfflineRuntime({
  data: demo.data,
  startTime: START,
  timeZone: demo.timeZone,
});
const course = demo.data.courses().find(c => c.courseState === 'ACTIVE')!;
const user = demo.data.users()[0];
const DATE = '2025-02-20';

/** Positional arguments and required optional arguments of each method the fakes serve. */
const CALLS: Record<string, [unknown[], Record<string, unknown>]> = {
  'reports.activities.list': [['all', 'classroom'], {}],
  'reports.userUsageReport.get': [['all', DATE], {}],
  'reports.customerUsageReports.get': [[DATE], {}],
  'directory.orgunits.list': [['my_customer'], {}],
  'directory.users.list': [[], {customer: 'my_customer'}],
  'directory.users.get': [[user.primaryEmail], {}],
  'classroom.courses.list': [[], {}],
  'classroom.courses.get': [[course.id], {}],
  'classroom.courses.teachers.list': [[course.id], {}],
  'classroom.courses.students.list': [[course.id], {}],
  'classroom.courses.courseWork.list': [[course.id], {}],
  'classroom.courses.courseWork.studentSubmissions.list': [
    [course.id, '-'],
    {},
  ],
  'classroom.courses.announcements.list': [[course.id], {}],
};

function invoke(id: string, extra: Record<string, unknown> = {}): unknown {
  const m = contract.methods[id];
  let fn: unknown = rt.globals;
  for (const part of m.appsScript.split('.'))
    fn = (fn as Record<string, unknown>)[part];
  const [positional, opt] = CALLS[id];
  const args = [...positional, {...opt, ...extra}];
  return (fn as (...a: unknown[]) => unknown)(...args);
}

/** The HTTP code of what a call throws (0 when it does not throw). */
function codeOf(f: () => unknown): number {
  try {
    f();
    return 0;
  } catch (e) {
    return (e as {details?: {code?: number}}).details?.code ?? -1;
  }
}

test('the fakes serve the applications the contract names', () => {
  const m = contract.methods;
  expect([...REPORT_APPLICATIONS].sort()).toEqual(
    alternatives(
      m['reports.activities.list'].parameters.applicationName.pattern!,
    ).sort(),
  );
  expect([...USER_USAGE_APPLICATIONS].sort()).toEqual(
    alternatives(
      m['reports.userUsageReport.get'].parameters.parameters.pattern!,
    ).sort(),
  );
  expect([...CUSTOMER_USAGE_APPLICATIONS].sort()).toEqual(
    alternatives(
      m['reports.customerUsageReports.get'].parameters.parameters.pattern!,
    ).sort(),
  );
  expect(codeOf(() => invoke('reports.activities.list'))).toBe(0);
  expect(
    codeOf(() =>
      (
        rt.globals.AdminReports as {
          Activities: {list: (...a: unknown[]) => unknown};
        }
      ).Activities.list('all', 'classroom_activity', {}),
    ),
  ).toBe(400);
  expect(
    codeOf(() =>
      invoke('reports.userUsageReport.get', {parameters: 'lms:num_posts'}),
    ),
  ).toBe(400);
});

test('the fakes refuse each enum value the contract refuses, and accept each it allows', () => {
  const served = Object.keys(CALLS);
  for (const id of served) {
    const params = contract.methods[id].parameters;
    const enums = Object.entries(params)
      .map(([k, p]) => [k, p.enum ?? p.items?.enum] as const)
      .filter(([, e]) => e !== undefined);
    expect([id, Object.keys(PARAMETER_ENUMS[id] ?? {}).sort()]).toEqual([
      id,
      enums.map(([k]) => k).sort(),
    ]);
    for (const [k, values] of enums) {
      expect([id, k, PARAMETER_ENUMS[id][k]]).toEqual([id, k, values]);
      const list = params[k].type === 'array';
      for (const v of values!)
        expect([
          id,
          k,
          v,
          codeOf(() => invoke(id, {[k]: list ? [v] : v})),
        ]).toEqual([id, k, v, 0]);
      expect([
        id,
        k,
        codeOf(() => invoke(id, {[k]: list ? ['X'] : 'X'})),
      ]).toEqual([id, k, 400]);
    }
  }
});

test('the fakes refuse a page size above the maximum the contract sets', () => {
  let limits = 0;
  for (const id of Object.keys(CALLS)) {
    for (const [k, p] of Object.entries(contract.methods[id].parameters)) {
      if (p.maximum === undefined) continue;
      limits++;
      expect([id, k, codeOf(() => invoke(id, {[k]: p.maximum}))]).toEqual([
        id,
        k,
        0,
      ]);
      expect([id, k, codeOf(() => invoke(id, {[k]: p.maximum! + 1}))]).toEqual([
        id,
        k,
        400,
      ]);
    }
  }
  expect(limits).toBe(3);
});

test('every method the fakes serve answers in the shape of its response schema', () => {
  for (const id of Object.keys(CALLS)) {
    const response = invoke(id);
    const vs = checker.check({
      method: contract.methods[id].appsScript,
      args: [...CALLS[id][0], CALLS[id][1]],
      response,
    });
    expect([id, summarise(vs)]).toEqual([id, []]);
    expect([id, JSON.stringify(response).length > 2]).toEqual([id, true]);
  }
});
