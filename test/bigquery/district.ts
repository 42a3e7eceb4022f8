/**
 * A small district with the quirks that matter when the same events are counted by the
 * Reports API and by SQL over the BigQuery export: several schools and roles, users
 * whose role only the usage report knows, users at the root and in no school, suspended
 * accounts, a deleted actor, events around local midnight and across the 2025-03-09
 * daylight-saving change, activities holding several events, mixed-case values, events
 * that are not engagement (failed logins) and names the source does not know.
 */
import type {
  Activity,
  DirectoryUser,
  OrgUnit,
  UsageReport,
  WorkspaceData,
} from '../../src/offline/workspace-data';

export const TZ = 'America/New_York';
export const DOMAIN = 'pulse-district.example.org';
/** The run's clock: Thursday 2025-03-20 11:00 EDT. */
export const NOW = Date.UTC(2025, 2, 20, 15, 0, 0);
/** Days with activity (local): 2025-03-03 .. 2025-03-17. */
export const FIRST_DAY = '2025-03-03';
export const LAST_DAY = '2025-03-17';

const MIN = 60_000;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** UTC ms of a New York wall time (EST before 2025-03-09 02:00, EDT after). */
export function nyTime(day: string, hour: number, minute: number): number {
  const [y, m, d] = day.split('-').map(Number);
  const edt = day > '2025-03-09' || (day === '2025-03-09' && hour >= 3);
  return Date.UTC(y, m - 1, d, hour + (edt ? 4 : 5), minute);
}

export function makeBigQueryDistrict(): WorkspaceData {
  const ous: [string, string][] = [
    ['/Schools', 'Schools'],
    ['/Schools/PS 001', 'PS 001'],
    ['/Schools/PS 001/Students', 'Students'],
    ['/Schools/PS 001/Teachers', 'Teachers'],
    ['/Schools/PS 002', 'PS 002'],
    ['/Schools/PS 002/Students', 'Students'],
    ['/Schools/PS 002/Teachers', 'Teachers'],
    ['/Schools/PS 003', 'PS 003'],
    ['/Staff', 'Staff'],
    ['/Admins', 'Admins'],
  ];
  const orgUnits: OrgUnit[] = ous.map(([path, name], i) => ({
    orgUnitId: `id:ou${i}`,
    orgUnitPath: path,
    name,
    parentOrgUnitPath: path.slice(0, path.lastIndexOf('/')) || '/',
  }));
  const placements = [
    '/Schools/PS 001/Students',
    '/Schools/PS 001/Students',
    '/Schools/PS 001/Teachers',
    '/Schools/PS 002/Students',
    '/Schools/PS 002/Students',
    '/Schools/PS 002/Teachers',
    '/Schools/PS 003', // role from the usage report only
    '/Schools/PS 003',
    '/Staff',
    '/Admins', // no rule: usage report or staff
    '/',
  ];
  const users: DirectoryUser[] = [];
  for (let i = 0; i < 132; i++) {
    users.push({
      id: `1${String(i).padStart(6, '0')}`,
      primaryEmail: `u${i}@${DOMAIN}`,
      orgUnitPath: placements[i % placements.length],
      suspended: i % 29 === 7,
      archived: i === 50,
    });
  }
  const usageRole = (i: number): string | null =>
    i % 5 === 0 ? null : i % 3 === 0 ? 'teacher' : 'student';

  const activities: Record<string, Activity[]> = {login: [], classroom: []};
  const rand = rng(20250303);
  let q = 0;
  const push = (
    app: string,
    ms: number,
    actor: {email?: string; profileId?: string},
    events: Activity['events'],
  ) => {
    activities[app].push({
      kind: 'audit#activity',
      id: {
        time: new Date(ms).toISOString(),
        uniqueQualifier: String(1000000 + ++q),
        applicationName: app,
        customerId: 'C0test',
      },
      actor,
      ipAddress: '10.1.2.3',
      events,
    });
  };
  const days: string[] = [];
  for (
    let t = Date.UTC(2025, 2, 3);
    t <= Date.UTC(2025, 2, 17);
    t += 86_400_000
  ) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  const param = (name: string, value: string) => ({name, value});
  for (const day of days) {
    users.forEach((u, i) => {
      if (rand() < 0.35) return; // not active today
      const actor =
        i % 7 === 3
          ? {email: u.primaryEmail!.toUpperCase()} // no profile id, odd case
          : {email: u.primaryEmail!, profileId: u.id!};
      // A login in the morning, sometimes right after local midnight or before it.
      const edge = rand();
      const start =
        edge < 0.05
          ? nyTime(day, 0, Math.floor(rand() * 3))
          : edge < 0.1
            ? nyTime(day, 23, 57 + Math.floor(rand() * 3))
            : nyTime(day, 7, Math.floor(rand() * 120));
      if (rand() < 0.1) {
        push('login', start - 2 * MIN, actor, [
          {
            type: 'login',
            name: 'login_failure',
            parameters: [param('login_type', 'google_password')],
          },
        ]);
      }
      push('login', start, actor, [
        {
          type: 'login',
          name: 'login_success',
          parameters: [param('login_type', 'saml')],
        },
      ]);
      const role =
        u.orgUnitPath!.includes('Teachers') ||
        u.orgUnitPath === '/Staff' ||
        usageRole(i) === 'teacher'
          ? 't'
          : 's';
      let t = start + Math.floor(rand() * 20) * MIN;
      const n = 1 + Math.floor(rand() * 6);
      for (let k = 0; k < n; k++) {
        // Gaps up to 70 minutes: some continue a session, some start another.
        t += Math.floor(rand() * 70) * MIN + Math.floor(rand() * 59_000);
        const r = rand();
        let events: Activity['events'];
        if (role === 's') {
          events =
            r < 0.45
              ? [
                  {
                    type: 'course_work_update',
                    name: 'changed_submission_state',
                    parameters: [
                      param(
                        'submission_state',
                        rand() < 0.5 ? 'TURNED_IN' : 'turned_in',
                      ),
                      rand() < 0.3
                        ? {name: 'is_late', boolValue: true}
                        : {name: 'is_late', boolValue: false},
                      param('course_id', '4711'),
                    ],
                  },
                ]
              : r < 0.6
                ? [
                    {
                      type: 'course_work_update',
                      name: 'changed_submission_state',
                      parameters: [
                        param('submission_state', 'reclaimed_by_student'),
                      ],
                    },
                  ]
                : r < 0.8
                  ? [
                      {
                        type: 'comment',
                        name: 'commented_submission_private',
                        parameters: [param('course_id', '4711')],
                      },
                    ]
                  : r < 0.9
                    ? [
                        {
                          type: 'course_membership_change',
                          name: 'user_joined_course',
                          parameters: [param('course_role', 'student')],
                        },
                      ]
                    : [{type: 'misc', name: 'mystery_event', parameters: []}];
        } else {
          events =
            r < 0.25
              ? [
                  {
                    type: 'course_work_update',
                    name: 'published_course_work',
                    parameters: [param('course_work_type', 'assignment')],
                  },
                ]
              : r < 0.5
                ? [
                    {
                      type: 'course_work_update',
                      name: 'set_grade',
                      parameters: [param('course_id', '4711')],
                    },
                    {
                      type: 'course_work_update',
                      name: 'changed_submission_state',
                      parameters: [param('submission_state', 'returned')],
                    },
                  ]
                : r < 0.65
                  ? [
                      {
                        type: 'post_update',
                        name: 'published_announcement',
                        parameters: [],
                      },
                    ]
                  : r < 0.8
                    ? [
                        {
                          type: 'comment',
                          name: 'commented_course_work',
                          parameters: [],
                        },
                      ]
                    : [
                        {
                          type: 'course_update',
                          name: 'set_draft_grade',
                          parameters: [],
                        },
                      ];
        }
        push('classroom', t, actor, events);
      }
      if (rand() < 0.3) {
        push('login', t + 5 * MIN, actor, [
          {type: 'logout', name: 'logout', parameters: []},
        ]);
      }
    });
    // An account deleted since: the Directory no longer knows it.
    push(
      'login',
      nyTime(day, 9, 30),
      {email: `gone@${DOMAIN}`, profileId: '9999999'},
      [{type: 'login', name: 'login_success', parameters: []}],
    );
    push(
      'classroom',
      nyTime(day, 9, 40),
      {email: `gone@${DOMAIN}`, profileId: '9999999'},
      [{type: 'comment', name: 'commented_course_work', parameters: []}],
    );
  }
  for (const app of Object.keys(activities)) {
    activities[app].sort((a, b) =>
      a.id!.time! < b.id!.time! ? 1 : a.id!.time! > b.id!.time! ? -1 : 0,
    );
  }
  return {
    customerId: 'C0test',
    primaryDomain: DOMAIN,
    timeZone: TZ,
    orgUnits: () => orgUnits,
    users: () => users,
    activities: (app, start, end) =>
      (activities[app] ?? []).filter(a => {
        const t = Date.parse(a.id!.time!);
        return t >= start && t < end;
      }),
    userUsage: (date): UsageReport[] =>
      users.flatMap((u, i) => {
        const role = usageRole(i);
        return [
          {
            kind: 'admin#reports#usageReport',
            date,
            entity: {
              type: 'USER',
              userEmail: u.primaryEmail!,
              profileId: u.id!,
              customerId: 'C0test',
            },
            parameters: role
              ? [{name: 'classroom:role', stringValue: role}]
              : [{name: 'classroom:num_posts_created', intValue: '0'}],
          },
        ];
      }),
    courses: () => [],
    teachers: () => [],
    students: () => [],
    courseWork: () => [],
    submissions: () => [],
    announcements: () => [],
  };
}
