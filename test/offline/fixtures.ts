/**
 * A small deterministic district behind the fake Google services in tests.
 */
import type {
  Activity,
  Announcement,
  Course,
  CourseWork,
  DirectoryUser,
  OrgUnit,
  Student,
  StudentSubmission,
  Teacher,
  UsageReport,
  WorkspaceData,
} from '../../src/offline/workspace-data';

export const NOW = Date.UTC(2025, 2, 10, 15, 0, 0); // Monday 2025-03-10 11:00 EDT
const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface FixtureOptions {
  users?: number;
  /** Login activities per day, spread over the day. */
  loginsPerDay?: number;
  /** Days of activity history before NOW. */
  days?: number;
  courses?: number;
}

export function makeDistrict(opts: FixtureOptions = {}): WorkspaceData {
  const nUsers = opts.users ?? 1200;
  const perDay = opts.loginsPerDay ?? 48;
  const days = opts.days ?? 200;
  const nCourses = opts.courses ?? 40;
  const orgUnits: OrgUnit[] = [
    {
      orgUnitId: 'id:schools',
      orgUnitPath: '/Schools',
      name: 'Schools',
      parentOrgUnitPath: '/',
      parentOrgUnitId: 'id:root',
    },
    {
      orgUnitId: 'id:lincoln',
      orgUnitPath: '/Schools/Lincoln',
      name: 'Lincoln',
      parentOrgUnitPath: '/Schools',
      parentOrgUnitId: 'id:schools',
    },
    {
      orgUnitId: 'id:lincoln-st',
      orgUnitPath: '/Schools/Lincoln/Students',
      name: 'Students',
      parentOrgUnitPath: '/Schools/Lincoln',
      parentOrgUnitId: 'id:lincoln',
    },
    {
      orgUnitId: 'id:adams',
      orgUnitPath: '/Schools/Adams',
      name: 'Adams',
      parentOrgUnitPath: '/Schools',
      parentOrgUnitId: 'id:schools',
    },
    {
      orgUnitId: 'id:staff',
      orgUnitPath: '/Staff',
      name: 'Staff',
      parentOrgUnitPath: '/',
      parentOrgUnitId: 'id:root',
    },
  ];
  const users: DirectoryUser[] = [];
  for (let i = 0; i < nUsers; i++) {
    const ou =
      i % 3 === 0
        ? '/Schools/Lincoln/Students'
        : i % 3 === 1
          ? '/Schools/Adams'
          : '/Staff';
    users.push({
      id: `u${i}`,
      primaryEmail: `user${String(i).padStart(5, '0')}@district.example.org`,
      orgUnitPath: ou,
      suspended: i % 97 === 0,
      name: {
        givenName: `Given${i}`,
        familyName: `Family${i}`,
        fullName: `Given${i} Family${i}`,
      },
    });
  }
  const logins: Activity[] = [];
  let q = 0;
  for (let d = days; d >= 0; d--) {
    for (let k = 0; k < perDay; k++) {
      const t = NOW - d * DAY + Math.floor((k * DAY) / perDay) - DAY / 2;
      if (t > NOW) continue;
      const u = users[(d * perDay + k) % nUsers];
      logins.push({
        kind: 'audit#activity',
        id: {
          time: new Date(t).toISOString(),
          uniqueQualifier: String(++q),
          applicationName: 'login',
          customerId: 'C01abc',
        },
        actor: {email: u.primaryEmail!, profileId: u.id!},
        ipAddress: k % 2 ? '10.0.0.1' : '10.0.0.2',
        events: [
          {
            type: 'login',
            name: k % 10 === 0 ? 'login_failure' : 'login_success',
            parameters: [
              {name: 'login_type', value: k % 4 ? 'google_password' : 'saml'},
            ],
          },
        ],
      });
    }
  }
  logins.sort((a, b) => (a.id!.time! < b.id!.time! ? 1 : -1));
  const courses: Course[] = [];
  const teachers = new Map<string, Teacher[]>();
  const students = new Map<string, Student[]>();
  const work = new Map<string, CourseWork[]>();
  const subs = new Map<string, StudentSubmission[]>();
  const ann = new Map<string, Announcement[]>();
  for (let c = 0; c < nCourses; c++) {
    const id = String(100000 + c);
    courses.push({
      id,
      name: `Course ${c}`,
      courseState: c % 10 === 9 ? 'ARCHIVED' : 'ACTIVE',
      ownerId: `u${c}`,
      creationTime: '2024-08-20T12:00:00Z',
      updateTime: '2025-01-05T12:00:00Z',
    });
    teachers.set(id, [
      {
        courseId: id,
        userId: `u${(c * 3 + 2) % nUsers}`,
        profile: {
          id: `u${(c * 3 + 2) % nUsers}`,
          emailAddress: users[(c * 3 + 2) % nUsers].primaryEmail,
        },
      },
    ]);
    const st: Student[] = [];
    for (let s = 0; s < 45; s++) {
      const u = users[(c * 45 + s * 3) % nUsers];
      st.push({
        courseId: id,
        userId: u.id,
        profile: {id: u.id, emailAddress: u.primaryEmail},
      });
    }
    students.set(id, st);
    const cw: CourseWork[] = [];
    const sb: StudentSubmission[] = [];
    for (let w = 0; w < 6; w++) {
      const wid = `${id}-w${w}`;
      cw.push({
        id: wid,
        courseId: id,
        title: `Work ${w}`,
        state: w === 5 ? 'DRAFT' : 'PUBLISHED',
        workType: 'ASSIGNMENT',
        creationTime: new Date(NOW - (30 - w) * DAY).toISOString(),
        updateTime: new Date(NOW - (30 - w) * DAY + HOUR).toISOString(),
      });
      for (const s of st.slice(0, 10)) {
        sb.push({
          id: `${wid}-${s.userId}`,
          courseId: id,
          courseWorkId: wid,
          userId: s.userId,
          state: w % 2 ? 'TURNED_IN' : 'CREATED',
          late: w === 3,
        });
      }
    }
    work.set(id, cw);
    subs.set(id, sb);
    ann.set(id, [
      {
        id: `${id}-a0`,
        courseId: id,
        text: 'Welcome',
        state: 'PUBLISHED',
        creationTime: '2025-01-06T12:00:00Z',
        updateTime: '2025-01-06T12:00:00Z',
      },
    ]);
  }
  return {
    customerId: 'C01abc',
    primaryDomain: 'district.example.org',
    timeZone: 'America/New_York',
    orgUnits: () => orgUnits,
    users: () => users,
    activities: (app, start, end) =>
      app === 'login'
        ? logins.filter(a => {
            const t = Date.parse(a.id!.time!);
            return t >= start && t < end;
          })
        : [],
    userUsage: (date): UsageReport[] =>
      users.slice(0, 300).map((u, i) => ({
        kind: 'admin#reports#usageReport',
        date,
        entity: {
          type: 'USER',
          userEmail: u.primaryEmail!,
          profileId: u.id!,
          customerId: 'C01abc',
        },
        parameters: [
          {
            name: 'classroom:role',
            stringValue: i % 3 === 2 ? 'teacher' : 'student',
          },
          {name: 'classroom:num_posts_created', intValue: String(i % 4)},
          {
            name: 'accounts:last_login_time',
            datetimeValue: `${date}T12:00:00.000Z`,
          },
        ],
      })),
    courses: () => courses,
    teachers: id => teachers.get(id) ?? [],
    students: id => students.get(id) ?? [],
    courseWork: id => work.get(id) ?? [],
    submissions: id => subs.get(id) ?? [],
    announcements: id => ann.get(id) ?? [],
  };
}
