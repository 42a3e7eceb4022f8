import type {BigQueryBackend} from '../../src/offline/runtime';
import type {WorkspaceData} from '../../src/offline/workspace-data';
import {NOW, makeDistrict} from './fixtures';
import {ok, run, runtime} from './helpers';

const DAY = 86_400_000;
/** Free Reports calls keep the clock at NOW, so windows can be checked exactly. */
const FREE = {calls: {'AdminReports.*': 0}, perApiItem: 0};
const iso = (ms: number) => new Date(ms).toISOString();

/** Pages through Activities.list inside one execution and reports what it saw. */
const PAGE_ALL = `
  var seen = 0, pages = 0, token, lastHadToken = false, sizes = [];
  do {
    var res = AdminReports.Activities.list('all', 'login', {startTime: a, endTime: b, maxResults: c, pageToken: token});
    pages++;
    sizes.push((res.items || []).length);
    seen += (res.items || []).length;
    token = res.nextPageToken;
    lastHadToken = 'nextPageToken' in res;
  } while (token);
  return {seen: seen, pages: pages, sizes: sizes, lastHadToken: lastHadToken};`;

describe('AdminReports.Activities.list', () => {
  test('pages with opaque tokens; the last page has no nextPageToken', () => {
    const data = makeDistrict({loginsPerDay: 48});
    const rt = runtime({data, startTime: NOW});
    const start = NOW - 10 * DAY;
    const end = NOW - DAY;
    const expected = data.activities('login', start, end).length;
    const res = ok(run(rt, PAGE_ALL, [iso(start), iso(end), 100])) as {
      seen: number;
      pages: number;
      sizes: number[];
      lastHadToken: boolean;
    };
    expect(expected).toBe(9 * 48);
    expect(res.seen).toBe(expected);
    expect(res.pages).toBe(Math.ceil(expected / 100));
    expect(res.sizes.slice(0, -1).every(s => s === 100)).toBe(true);
    expect(res.lastHadToken).toBe(false);
    expect(rt.calls.get('AdminReports.Activities.list')).toBe(res.pages);
  });

  test('a page token only continues the query it came from', () => {
    const rt = runtime({data: makeDistrict(), startTime: NOW});
    const r = run(
      rt,
      `var first = AdminReports.Activities.list('all', 'login', {startTime: a, maxResults: 10});
       try { AdminReports.Activities.list('all', 'login', {startTime: b, maxResults: 10, pageToken: first.nextPageToken}); }
       catch (e) { return [e instanceof Error, e.name, e.message, e.details.code, e.details.errors[0].reason]; }`,
      [iso(NOW - 5 * DAY), iso(NOW - 6 * DAY)],
    );
    expect(ok(r)).toEqual([
      true,
      'GoogleJsonResponseException',
      'API call to reports.activities.list failed with error: Invalid page token.',
      400,
      'invalid',
    ]);
  });

  test('maxResults above 1000 is a 400', () => {
    const rt = runtime({data: makeDistrict(), startTime: NOW});
    const r = run(
      rt,
      "AdminReports.Activities.list('all', 'login', {maxResults: 1001});",
    );
    expect(r.error?.name).toBe('GoogleJsonResponseException');
    expect(r.error?.details).toMatchObject({code: 400});
    expect(r.error?.message).toBe(
      "API call to reports.activities.list failed with error: Invalid value '1001'. Values must be within the range: [1, 1000]",
    );
  });

  test('only the last 180 days are served', () => {
    const data = makeDistrict({days: 200});
    const rt = runtime({data, startTime: NOW, costs: FREE});
    const res = ok(
      run(rt, PAGE_ALL, [iso(NOW - 200 * DAY), iso(NOW - 170 * DAY), 1000]),
    ) as {seen: number};
    expect(res.seen).toBe(
      data.activities('login', NOW - 180 * DAY, NOW - 170 * DAY).length,
    );
    expect(res.seen).toBeLessThan(
      data.activities('login', NOW - 200 * DAY, NOW - 170 * DAY).length,
    );
    const old = ok(
      run(rt, PAGE_ALL, [iso(NOW - 199 * DAY), iso(NOW - 190 * DAY), 1000]),
    ) as {seen: number; pages: number};
    expect(old).toMatchObject({seen: 0, pages: 1});
  });

  test('activities appear only after the reporting latency', () => {
    const data = makeDistrict();
    const rt = runtime({
      data,
      startTime: NOW,
      costs: FREE,
      apiLimits: {activityLatencyMs: {login: 3 * 3_600_000}},
    });
    const recent = data.activities('login', NOW - 3 * 3_600_000, NOW).length;
    expect(recent).toBeGreaterThan(0);
    const count = () =>
      (
        ok(run(rt, PAGE_ALL, [iso(NOW - DAY), undefined, 1000])) as {
          seen: number;
        }
      ).seen;
    const before = count();
    expect(before).toBe(
      data.activities('login', NOW - DAY, NOW - 3 * 3_600_000).length,
    );
    rt.clock.set(NOW + 3 * 3_600_000 + 60_000);
    expect(count()).toBe(
      data.activities('login', NOW - DAY, NOW + 60_000).length,
    );
  });

  test('eventName, filters and orgUnitID select activities and count as filter queries', () => {
    const data = makeDistrict();
    const rt = runtime({
      data,
      startTime: NOW,
      costs: FREE,
      apiLimits: {reportsFilterPerMinute: 3},
    });
    const start = iso(NOW - 3 * DAY);
    const res = ok(
      run(
        rt,
        `var f = AdminReports.Activities.list('all', 'login', {startTime: a, eventName: 'login_failure'}).items;
         var s = AdminReports.Activities.list('all', 'login', {startTime: a, filters: 'login_type==saml'}).items;
         var o = AdminReports.Activities.list('all', 'login', {startTime: a, orgUnitID: 'id:lincoln'}).items;
         try { AdminReports.Activities.list('all', 'login', {startTime: a, eventName: 'logout'}); }
         catch (e) { return [f.length, f.every(function (x) { return x.events[0].name === 'login_failure'; }),
                             s.length, o.length, e.details.code]; }
         return 'not limited';`,
        [start],
      ),
    ) as number[];
    const all = data.activities('login', NOW - 3 * DAY, NOW - 3 * 3_600_000);
    const lincoln = new Set(
      data
        .users()
        .filter(u => u.orgUnitPath!.startsWith('/Schools/Lincoln'))
        .map(u => u.primaryEmail),
    );
    expect(res).toEqual([
      all.filter(x => x.events![0].name === 'login_failure').length,
      true,
      all.filter(x => x.events![0].parameters![0].value === 'saml').length,
      all.filter(x => lincoln.has(x.actor!.email!)).length,
      503,
    ]);
  });

  test('injected 429/503 errors carry details.code so the product can retry', () => {
    const rt = runtime({
      data: makeDistrict(),
      startTime: NOW,
      faults: {
        errors: [
          {method: 'AdminReports.Activities.list', code: 503, onCalls: [1, 2]},
        ],
      },
    });
    const r = run(
      rt,
      `var codes = [];
       for (var i = 0; i < 5; i++) {
         try { var page = AdminReports.Activities.list('all', 'login', {maxResults: 5}); return [codes, page.items.length]; }
         catch (e) { codes.push(e.details.code); Utilities.sleep(1000 * Math.pow(2, i)); }
       }`,
    );
    expect(ok(r)).toEqual([[503, 503], 5]);
    expect(rt.calls.get('AdminReports.Activities.list')).toBe(3);
  });
});

describe('AdminReports usage reports', () => {
  const today = '2025-03-10'; // NOW is 07:00 PST on 2025-03-10

  test('pages through users; dates later than the lag are refused with the API message', () => {
    const data = makeDistrict();
    const rt = runtime({data, startTime: NOW});
    const res = ok(
      run(
        rt,
        `var n = 0, token, pages = 0;
         do { var r = AdminReports.UserUsageReport.get('all', '2025-03-01', {parameters: 'classroom:role', maxResults: 120, pageToken: token});
              n += r.usageReports.length; token = r.nextPageToken; pages++;
              if (r.usageReports[0].parameters.length !== 1) return 'parameters not selected';
         } while (token);
         try { AdminReports.UserUsageReport.get('all', a); } catch (e) { return [n, pages, e.details.code, e.message]; }`,
        [today],
      ),
    );
    expect(res).toEqual([
      300,
      3,
      400,
      'API call to reports.userUsageReport.get failed with error: Data for dates later than 2025-03-08 is not yet available. Please check back later',
    ]);
  });

  test('the newest served date is partial and says so; older than 450 days is refused', () => {
    const rt = runtime({data: makeDistrict(), startTime: NOW});
    const res = ok(
      run(
        rt,
        `var p = AdminReports.UserUsageReport.get('all', '2025-03-08', {parameters: 'classroom:role'});
         var full = AdminReports.UserUsageReport.get('all', '2025-03-07', {parameters: 'classroom:role'});
         var old; try { AdminReports.UserUsageReport.get('all', '2023-12-01'); } catch (e) { old = e.details.code; }
         return [p.warnings[0].code, p.warnings[0].data[0].value, p.usageReports.length, full.warnings === undefined,
                 full.usageReports.length, old];`,
      ),
    ) as unknown[];
    expect(res[0]).toBe('PARTIAL_DATA_AVAILABLE');
    expect(res[1]).toBe('classroom');
    expect(res[2] as number).toBeGreaterThan(100);
    expect(res[2] as number).toBeLessThan(200);
    expect(res.slice(3)).toEqual([true, 300, 400]);
  });

  test('a fault plan marks chosen dates partial', () => {
    const rt = runtime({
      data: makeDistrict(),
      startTime: NOW,
      faults: {partialData: ['2025-02-20']},
    });
    const w = ok(
      run(
        rt,
        "return AdminReports.UserUsageReport.get('all', '2025-02-20').warnings[0].code;",
      ),
    );
    expect(w).toBe('PARTIAL_DATA_AVAILABLE');
  });

  test('customer usage sums the users when the source has no customer report', () => {
    const rt = runtime({data: makeDistrict(), startTime: NOW});
    const r = ok(
      run(
        rt,
        "return AdminReports.CustomerUsageReports.get('2025-03-01', {parameters: 'classroom:num_posts_created'}).usageReports[0];",
      ),
    );
    // 300 users with i % 4 posts: 75 x (0 + 1 + 2 + 3).
    expect(r).toMatchObject({
      entity: {type: 'CUSTOMER'},
      parameters: [{name: 'classroom:num_posts_created', intValue: '450'}],
    });
  });
});

describe('AdminDirectory', () => {
  test('Orgunits.list is unpaged and returns children unless type is all', () => {
    const rt = runtime({data: makeDistrict(), startTime: NOW});
    const res = ok(
      run(
        rt,
        `var c = AdminDirectory.Orgunits.list('my_customer').organizationUnits.map(function (o) { return o.orgUnitPath; });
         var all = AdminDirectory.Orgunits.list('my_customer', {type: 'all'});
         return [c, all.organizationUnits.length, 'nextPageToken' in all];`,
      ),
    );
    expect(res).toEqual([['/Schools', '/Staff'], 5, false]);
  });

  test('Users.list pages at most 500 and filters by org unit path', () => {
    const data = makeDistrict({users: 1200});
    const rt = runtime({data, startTime: NOW});
    const res = ok(
      run(
        rt,
        `var n = 0, token, sizes = [];
         do { var r = AdminDirectory.Users.list({customer: 'my_customer', maxResults: 500, pageToken: token, query: "orgUnitPath='/Schools'"});
              sizes.push(r.users.length); n += r.users.length; token = r.nextPageToken; } while (token);
         var bad; try { AdminDirectory.Users.list({customer: 'my_customer', maxResults: 501}); } catch (e) { bad = e.details.code; }
         var none; try { AdminDirectory.Users.list({}); } catch (e) { none = e.details.code; }
         var missing; try { AdminDirectory.Users.get('nobody@district.example.org'); } catch (e) { missing = e.details.code; }
         return [n, sizes, bad, none, missing, AdminDirectory.Users.get('user00003@district.example.org').orgUnitPath];`,
      ),
    );
    expect(res).toEqual([
      800,
      [500, 300],
      400,
      400,
      404,
      '/Schools/Lincoln/Students',
    ]);
  });
});

test('Users.list understands the query clauses it documents and refuses the rest', () => {
  const rt = runtime({data: makeDistrict({users: 1200}), startTime: NOW});
  const res = ok(
    run(
      rt,
      `var s = AdminDirectory.Users.list({customer: 'my_customer', maxResults: 500, query: 'isSuspended=true'}).users.length;
       var both = AdminDirectory.Users.list({customer: 'my_customer', maxResults: 500, query: "orgUnitPath='/Staff' isSuspended=false"}).users.length;
       var bad; try { AdminDirectory.Users.list({customer: 'my_customer', query: 'not a query'}); } catch (e) { bad = e.details.code; }
       return [s, both, bad];`,
    ),
  );
  // i % 97 === 0 is suspended; /Staff holds i % 3 === 2.
  const staff = Array.from({length: 1200}, (_, i) => i).filter(
    i => i % 3 === 2,
  );
  expect(res).toEqual([13, staff.filter(i => i % 97 !== 0).length, 400]);
});

test('Users.list sorts by the requested key, and a listing follows changes to the users', () => {
  const base = makeDistrict({users: 30});
  let users = base.users().map(u => ({...u, name: {...u.name}}));
  // Family names in an order unlike the e-mails'.
  users.forEach(
    (u, i) => (u.name.familyName = `F${(i * 7) % 30}`.padEnd(4, '0')),
  );
  const data = {...base, users: () => users};
  const rt = runtime({data, startTime: NOW});
  const LIST = `var out = [], token;
    do { var r = AdminDirectory.Users.list({customer: 'my_customer', maxResults: 7, pageToken: token,
                                              orderBy: a, sortOrder: b});
         r.users.forEach(function (u) { out.push(u.primaryEmail); }); token = r.nextPageToken; } while (token);
    return out;`;
  const expected = (key: (u: (typeof users)[0]) => string, desc: boolean) => {
    const sorted = [...users].sort((x, y) =>
      key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0,
    );
    if (desc) sorted.reverse();
    return sorted.map(u => u.primaryEmail);
  };
  const family = (u: (typeof users)[0]) => u.name.familyName ?? '';
  const email = (u: (typeof users)[0]) => u.primaryEmail ?? '';
  expect(ok(run(rt, LIST, ['familyName', 'DESCENDING']))).toEqual(
    expected(family, true),
  );
  expect(ok(run(rt, LIST, ['email', undefined]))).toEqual(
    expected(email, false),
  );
  // A renamed user moves; a removed user is gone; an added one appears.
  users[0].name.familyName = 'A';
  expect(ok(run(rt, LIST, ['familyName', 'DESCENDING']))).toEqual(
    expected(family, true),
  );
  expect(
    (ok(run(rt, LIST, ['familyName', 'DESCENDING'])) as string[]).at(-1),
  ).toBe(users[0].primaryEmail);
  users = [...users.slice(1), {...users[1], primaryEmail: 'new@x.org'}];
  expect(ok(run(rt, LIST, ['familyName', 'DESCENDING']))).toEqual(
    expected(family, true),
  );
});

describe('Classroom', () => {
  test('lists page with defaults, filter states, and 404 on an unknown course', () => {
    const data = makeDistrict({courses: 40});
    const rt = runtime({data, startTime: NOW});
    const res = ok(
      run(
        rt,
        `var C = Classroom.Courses;
         var active = 0, token;
         do { var r = C.list({courseStates: ['ACTIVE'], pageSize: 15, pageToken: token}); active += r.courses.length; token = r.nextPageToken; } while (token);
         var id = C.list({pageSize: 1}).courses[0].id;
         var st = C.Students.list(id);
         var st2 = C.Students.list(id, {pageToken: st.nextPageToken});
         var work = C.CourseWork.list(id).courseWork.length;
         var subs = C.CourseWork.StudentSubmissions.list(id, '-', {pageSize: 25});
         var late = C.CourseWork.StudentSubmissions.list(id, '-', {late: 'LATE_ONLY'}).studentSubmissions.length;
         var ann = C.Announcements.list(id).announcements.length;
         var missing; try { C.Teachers.list('999'); } catch (e) { missing = [e.details.code, e.message]; }
         return [active, st.students.length, st2.students.length, 'nextPageToken' in st2, work, subs.studentSubmissions.length, !!subs.nextPageToken, late, ann, missing];`,
      ),
    );
    expect(res).toEqual([
      36,
      30,
      15,
      false,
      5, // the draft is not listed by default
      25,
      true,
      10,
      1,
      [
        404,
        'API call to classroom.courses.teachers.list failed with error: Requested entity was not found.',
      ],
    ]);
  });

  test('shows the data as of the clock: later courses, work and grades are not there yet', () => {
    const data: WorkspaceData = {
      ...makeDistrict({courses: 2}),
      courses: () => [
        {
          id: 'old',
          courseState: 'ACTIVE',
          creationTime: '2025-01-06T12:00:00.000Z',
        },
        {
          id: 'later',
          courseState: 'ACTIVE',
          creationTime: '2025-04-01T12:00:00.000Z',
        },
      ],
      courseWork: (c: string) =>
        c === 'old'
          ? [
              {
                courseId: 'old',
                id: 'w1',
                state: 'PUBLISHED',
                creationTime: '2025-02-03T12:00:00.000Z',
                updateTime: '2025-02-03T12:00:00.000Z',
              },
              {
                courseId: 'old',
                id: 'w2',
                state: 'PUBLISHED',
                creationTime: '2025-03-20T12:00:00.000Z',
                updateTime: '2025-03-20T12:00:00.000Z',
              },
            ]
          : [],
      submissions: (c: string) =>
        c === 'old'
          ? [
              {
                courseId: 'old',
                courseWorkId: 'w1',
                id: 's1',
                userId: 'u1',
                state: 'RETURNED',
                creationTime: '2025-02-04T12:00:00.000Z',
                updateTime: '2025-03-14T12:00:00.000Z',
                draftGrade: 9,
                assignedGrade: 9,
                submissionHistory: [
                  {
                    stateHistory: {
                      state: 'CREATED',
                      stateTimestamp: '2025-02-04T12:00:00.000Z',
                    },
                  },
                  {
                    stateHistory: {
                      state: 'TURNED_IN',
                      stateTimestamp: '2025-02-05T12:00:00.000Z',
                    },
                  },
                  {
                    gradeHistory: {
                      pointsEarned: 9,
                      gradeTimestamp: '2025-03-01T12:00:00.000Z',
                      gradeChangeType: 'DRAFT_GRADE_POINTS_EARNED_CHANGE',
                    },
                  },
                  {
                    gradeHistory: {
                      pointsEarned: 9,
                      gradeTimestamp: '2025-03-14T12:00:00.000Z',
                      gradeChangeType: 'ASSIGNED_GRADE_POINTS_EARNED_CHANGE',
                    },
                  },
                  {
                    stateHistory: {
                      state: 'RETURNED',
                      stateTimestamp: '2025-03-14T12:00:00.000Z',
                    },
                  },
                ],
              },
              {
                courseId: 'old',
                courseWorkId: 'w1',
                id: 's2',
                userId: 'u2',
                state: 'TURNED_IN',
                creationTime: '2025-02-04T13:00:00.000Z',
                updateTime: '2025-02-06T12:00:00.000Z',
                submissionHistory: [
                  {
                    stateHistory: {
                      state: 'CREATED',
                      stateTimestamp: '2025-02-04T13:00:00.000Z',
                    },
                  },
                  {
                    stateHistory: {
                      state: 'TURNED_IN',
                      stateTimestamp: '2025-02-06T12:00:00.000Z',
                    },
                  },
                ],
              },
              {
                courseId: 'old',
                courseWorkId: 'w2',
                id: 's3',
                userId: 'u1',
                state: 'NEW',
              },
            ]
          : [],
    };
    const rt = runtime({data, startTime: NOW}); // 2025-03-10
    const res = ok(
      run(
        rt,
        `var C = Classroom.Courses;
         var courses = C.list().courses.map(function (c) { return c.id; });
         var later; try { C.Students.list('later'); } catch (e) { later = e.details.code; }
         var work = C.CourseWork.list('old').courseWork.map(function (w) { return w.id; });
         var subs = C.CourseWork.StudentSubmissions.list('old', '-').studentSubmissions;
         return [courses, later, work, subs.map(function (s) {
           return [s.id, s.state, s.updateTime, s.draftGrade, s.assignedGrade, (s.submissionHistory || []).length];
         })];`,
      ),
    );
    expect(res).toEqual([
      ['old'],
      404,
      ['w1'],
      [
        // Graded in draft on 1 March; returned with the grade only on 14 March.
        ['s1', 'TURNED_IN', '2025-03-01T12:00:00.000Z', 9, undefined, 3],
        [
          's2',
          'TURNED_IN',
          '2025-02-06T12:00:00.000Z',
          undefined,
          undefined,
          2,
        ],
      ],
    ]);
    // After the period the whole data is there.
    rt.clock.set(Date.UTC(2025, 5, 1));
    const after = ok(
      run(
        rt,
        `var s = Classroom.Courses.CourseWork.StudentSubmissions.list('old', '-').studentSubmissions;
         return [Classroom.Courses.list().courses.length, s.length, s[0].state, s[0].assignedGrade];`,
      ),
    );
    expect(after).toEqual([2, 3, 'RETURNED', 9]);
  });

  test('the per-minute quota answers 429', () => {
    const rt = runtime({
      data: makeDistrict(),
      startTime: NOW,
      apiLimits: {classroomPerMinute: 5},
    });
    const r = run(
      rt,
      `var codes = [];
       for (var i = 0; i < 7; i++) { try { Classroom.Courses.list({pageSize: 1}); codes.push(200); } catch (e) { codes.push(e.details.code); } }
       Utilities.sleep(60000);
       Classroom.Courses.list({pageSize: 1});
       return codes;`,
    );
    expect(ok(r)).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });
});

describe('BigQuery', () => {
  test('delegates to the backend, counts calls and maps backend errors', () => {
    const seen: string[] = [];
    const backend: BigQueryBackend = {
      query(request, projectId) {
        seen.push(`${projectId}:${request.query}`);
        if (String(request.query).includes('bad'))
          throw {code: 400, message: 'Syntax error', reason: 'invalidQuery'};
        return {
          jobComplete: true,
          jobReference: {projectId, jobId: 'job1'},
          rows: [{f: [{v: '1' as unknown as object}]}],
          pageToken: 'p2',
        };
      },
      getQueryResults(projectId, jobId, args) {
        seen.push(`${projectId}:${jobId}:${args?.pageToken}`);
        return {
          jobComplete: true,
          rows: [{f: [{v: '2' as unknown as object}]}],
        };
      },
    };
    const rt = runtime({bigQuery: backend});
    const res = ok(
      run(
        rt,
        `var r = BigQuery.Jobs.query({query: 'SELECT 1', useLegacySql: false}, 'proj');
         var r2 = BigQuery.Jobs.getQueryResults('proj', r.jobReference.jobId, {pageToken: r.pageToken});
         var err; try { BigQuery.Jobs.query({query: 'bad'}, 'proj'); } catch (e) { err = [e.name, e.details.code, e.message]; }
         return [r.rows[0].f[0].v, r2.rows[0].f[0].v, err];`,
      ),
    );
    expect(res).toEqual([
      '1',
      '2',
      [
        'GoogleJsonResponseException',
        400,
        'API call to bigquery.jobs.query failed with error: Syntax error',
      ],
    ]);
    expect(seen).toEqual(['proj:SELECT 1', 'proj:job1:p2', 'proj:bad']);
    expect(rt.calls.get('BigQuery.*')).toBe(3);
  });
});
