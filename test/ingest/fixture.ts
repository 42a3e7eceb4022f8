/**
 * A small seeded district for ingest tests, served through the offline runtime's fake
 * services: org units, users, login and Classroom activities (with duplicates and
 * malformed records), usage reports, courses, rosters, coursework, submissions and
 * announcements. It also returns the clean events it generated, so tests can compute the
 * expected facts independently of the product code.
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
import {intlOffset} from '../clean/zone-helper';
import {makeRandom} from '../../src/offline/engine';

export interface FixtureOptions {
  schools: number;
  students: number;
  teachers: number;
  from: string;
  to: string;
  seed: number;
  timeZone: string;
  /** Duplicate this share of activities (default 0.03). */
  duplicates?: number;
}

export interface TruthEvent {
  ms: number;
  day: string;
  userId: string;
  app: 'login' | 'classroom';
  kind: string;
  late: boolean;
}

export interface FixtureUser {
  id: string;
  email: string;
  school: number; // -1: none
  role: 'student' | 'teacher' | 'staff';
  suspended: boolean;
}

const DAY = 86_400_000;

export function localMidnight(day: string, tz: string): number {
  const off = intlOffset(tz);
  const wall = Date.parse(`${day}T00:00:00Z`);
  let g = wall - off(wall) * 60_000;
  g = wall - off(g) * 60_000;
  return wall - off(g) * 60_000;
}

export function localDayOf(ms: number, tz: string): string {
  const off = intlOffset(tz)(ms);
  return new Date(ms + off * 60_000).toISOString().slice(0, 10);
}

function dayList(from: string, to: string): string[] {
  const out: string[] = [];
  for (
    let t = Date.parse(`${from}T00:00:00Z`);
    t <= Date.parse(`${to}T00:00:00Z`);
    t += DAY
  ) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

export interface Fixture {
  data: WorkspaceData;
  truth: TruthEvent[];
  users: FixtureUser[];
  schoolIds: string[];
  /** Activities served for one application, newest first (duplicates included). */
  served: Record<string, Activity[]>;
  malformedPerDay: number;
}

export function makeFixture(opt: FixtureOptions): Fixture {
  const r = makeRandom(opt.seed);
  const tz = opt.timeZone;
  const customerId = 'C0fixture';
  const domain = 'district.example.org';
  const orgUnits: OrgUnit[] = [
    {
      orgUnitId: 'id:root',
      orgUnitPath: '/',
      name: 'district',
      parentOrgUnitPath: '',
    },
    {
      orgUnitId: 'id:schools',
      orgUnitPath: '/Schools',
      name: 'Schools',
      parentOrgUnitPath: '/',
    },
    {
      orgUnitId: 'id:office',
      orgUnitPath: '/District Office',
      name: 'District Office',
      parentOrgUnitPath: '/',
    },
  ];
  const schoolIds: string[] = [];
  const users: FixtureUser[] = [];
  let uid = 100000;
  for (let s = 0; s < opt.schools; s++) {
    const name =
      s === 1
        ? "P.S. 002 O'Keeffe & Sons"
        : `PS ${String(s + 1).padStart(3, '0')}`;
    const path = `/Schools/${name}`;
    const id = `id:03ph${s}x`;
    schoolIds.push(id);
    orgUnits.push({
      orgUnitId: id,
      orgUnitPath: path,
      name,
      parentOrgUnitPath: '/Schools',
    });
    orgUnits.push({
      orgUnitId: `${id}s`,
      orgUnitPath: `${path}/Students`,
      name: 'Students',
      parentOrgUnitPath: path,
    });
    orgUnits.push({
      orgUnitId: `${id}t`,
      orgUnitPath: `${path}/Teachers`,
      name: 'Teachers',
      parentOrgUnitPath: path,
    });
    for (let i = 0; i < opt.students; i++) {
      users.push({
        id: String(uid++),
        email: `s${s}.${i}+x@${domain}`,
        school: s,
        role: 'student',
        suspended: i === 0 && s === 0,
      });
    }
    for (let i = 0; i < opt.teachers; i++) {
      users.push({
        id: String(uid++),
        email: `t${s}.${i}@${domain}`,
        school: s,
        role: 'teacher',
        suspended: false,
      });
    }
  }
  for (let i = 0; i < 3; i++) {
    users.push({
      id: String(uid++),
      email: `office${i}@${domain}`,
      school: -1,
      role: 'staff',
      suspended: false,
    });
  }
  const directory: DirectoryUser[] = users.map(u => ({
    id: u.id,
    primaryEmail: u.email,
    orgUnitPath:
      u.school < 0
        ? '/District Office'
        : `${orgUnits.find(o => o.orgUnitId === schoolIds[u.school])!.orgUnitPath}/${u.role === 'student' ? 'Students' : 'Teachers'}`,
    suspended: u.suspended,
    name: {fullName: `User ${u.id}`},
  }));

  // Courses: per school two courses, taught by teachers 0 and 1; school 0 has a third with no teacher.
  const courses: Course[] = [];
  const teachersOf = new Map<string, Teacher[]>();
  const studentsOf = new Map<string, Student[]>();
  const courseOfStudent = new Map<string, string>();
  const courseOfTeacher = new Map<string, string>();
  for (let s = 0; s < opt.schools; s++) {
    const st = users.filter(u => u.school === s && u.role === 'student');
    const te = users.filter(u => u.school === s && u.role === 'teacher');
    for (let c = 0; c < 2; c++) {
      const id = `${7000 + s * 10 + c}`;
      courses.push({
        id,
        name: `Course ${c} of ${s}`,
        ownerId: te[c].id,
        courseState: 'ACTIVE',
        creationTime: '2024-08-01T12:00:00Z',
      });
      teachersOf.set(id, [{courseId: id, userId: te[c].id}]);
      const half = st.filter((_, i) => i % 2 === c && i < st.length - 1); // the last student is in no course
      studentsOf.set(
        id,
        half.map(u => ({courseId: id, userId: u.id})),
      );
      for (const u of half) courseOfStudent.set(u.id, id);
      courseOfTeacher.set(te[c].id, id);
    }
  }
  courses.push({
    id: '7999',
    name: 'Orphan',
    ownerId: users[0].id,
    courseState: 'ACTIVE',
  });
  teachersOf.set('7999', []);
  studentsOf.set('7999', []);

  // Events.
  const truth: TruthEvent[] = [];
  const activities: Record<string, Activity[]> = {login: [], classroom: []};
  let uq = 1;
  const push = (
    app: 'login' | 'classroom',
    u: FixtureUser,
    ms: number,
    name: string,
    params: Activity['events'] extends (infer E)[] | null | undefined
      ? E extends {parameters?: infer P}
        ? P
        : never
      : never,
    kind: string,
    late: boolean,
  ) => {
    const a: Activity = {
      kind: 'admin#reports#activity',
      id: {
        time: new Date(ms).toISOString(),
        uniqueQualifier: String(-(uq++ * 7919)),
        applicationName: app,
        customerId,
      },
      actor: {email: u.email, profileId: u.id, callerType: 'USER'},
      events: [
        {
          type: app === 'login' ? 'login' : 'course_work_update',
          name,
          parameters: params ?? [],
        },
      ],
    };
    activities[app].push(a);
    if (r() < (opt.duplicates ?? 0.03))
      activities[app].push(JSON.parse(JSON.stringify(a)));
    truth.push({ms, day: localDayOf(ms, tz), userId: u.id, app, kind, late});
  };
  const courseWork = new Map<string, CourseWork[]>();
  const submissions = new Map<string, StudentSubmission[]>();
  const announcements = new Map<string, Announcement[]>();
  let cwSeq = 1;
  let malformedPerDay = 0;
  // Records without a readable time are served with the day they were placed in.
  const placed = new Map<Activity, number>();
  for (const day of dayList(opt.from, opt.to)) {
    const start = localMidnight(day, tz);
    const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
    const weekend = dow === 0 || dow === 6;
    for (const u of users) {
      if (u.suspended) continue;
      const p = weekend ? 0.08 : u.role === 'student' ? 0.7 : 0.9;
      if (r() >= p) continue;
      let minute = 7 * 60 + Math.floor(r() * 180);
      const at = () => start + minute * 60_000 + Math.floor(r() * 59_000);
      push(
        'login',
        u,
        at(),
        'login_success',
        [{name: 'login_type', value: 'google_password'}],
        'login',
        false,
      );
      if (u.role === 'staff') continue;
      const n =
        u.role === 'teacher' ? 3 + Math.floor(r() * 6) : Math.floor(r() * 5);
      for (let k = 0; k < n; k++) {
        minute += 1 + Math.floor(r() * (r() < 0.2 ? 60 : 15));
        const ms = at();
        const x = r();
        if (u.role === 'teacher') {
          const course = courseOfTeacher.get(u.id);
          if (x < 0.2 && course) {
            push(
              'classroom',
              u,
              ms,
              'published_course_work',
              [{name: 'course_id', value: course}],
              'created',
              false,
            );
            const list = courseWork.get(course) ?? [];
            list.push({
              id: `cw${cwSeq++}`,
              courseId: course,
              creationTime: new Date(ms).toISOString(),
              creatorUserId: u.id,
              state: 'PUBLISHED',
              workType: 'ASSIGNMENT',
            });
            courseWork.set(course, list);
          } else if (x < 0.55) {
            push('classroom', u, ms, 'set_grade', [], 'grade', false);
          } else if (x < 0.75) {
            push(
              'classroom',
              u,
              ms,
              'changed_submission_state',
              [{name: 'submission_state', value: 'returned'}],
              'returned',
              false,
            );
          } else if (x < 0.85 && course) {
            push(
              'classroom',
              u,
              ms,
              'published_announcement',
              [],
              'announcement',
              false,
            );
            const list = announcements.get(course) ?? [];
            list.push({
              id: `an${cwSeq++}`,
              courseId: course,
              creationTime: new Date(ms).toISOString(),
              creatorUserId: u.id,
              state: 'PUBLISHED',
            });
            announcements.set(course, list);
          } else {
            push(
              'classroom',
              u,
              ms,
              'commented_course_work',
              [],
              'comment',
              false,
            );
          }
        } else {
          if (x < 0.4) {
            const late = r() < 0.2;
            const course = courseOfStudent.get(u.id);
            push(
              'classroom',
              u,
              ms,
              'changed_submission_state',
              [
                {
                  name: 'submission_state',
                  value: r() < 0.5 ? 'TURNED_IN' : 'turned_in',
                },
                {name: 'is_late', boolValue: late},
              ],
              'turned_in',
              late,
            );
            if (course) {
              const cws = (courseWork.get(course) ?? []).filter(
                c => Date.parse(c.creationTime!) < ms,
              );
              const cw = cws.length ? cws[cws.length - 1].id! : 'ghost';
              const list = submissions.get(course) ?? [];
              list.push({
                id: `sub${cwSeq++}`,
                courseId: course,
                courseWorkId: cw,
                userId: u.id,
                state: 'TURNED_IN',
                late,
                creationTime: new Date(ms - 60_000).toISOString(),
                submissionHistory: [
                  {
                    stateHistory: {
                      state: 'CREATED',
                      stateTimestamp: new Date(ms - 60_000).toISOString(),
                      actorUserId: u.id,
                    },
                  },
                  {
                    stateHistory: {
                      state: 'TURNED_IN',
                      stateTimestamp: new Date(ms).toISOString(),
                      actorUserId: u.id,
                    },
                  },
                ],
              });
              submissions.set(course, list);
            }
          } else if (x < 0.9) {
            push(
              'classroom',
              u,
              ms,
              'user_joined_course',
              [{name: 'course_role', value: 'student'}],
              'activity',
              false,
            );
          } else {
            push(
              'classroom',
              u,
              ms,
              'commented_submission_private',
              [],
              'comment',
              false,
            );
          }
        }
      }
      if (r() < 0.3) {
        minute += 5 + Math.floor(r() * 20);
        push('login', u, at(), 'logout', [], 'logout', false);
      }
    }
    // Malformed records, recorded in data quality and never counted.
    const mid = start + 12 * 3_600_000;
    activities.classroom.push(
      {
        kind: 'admin#reports#activity',
        id: {time: new Date(mid).toISOString(), uniqueQualifier: `9${uq++}`},
        actor: {callerType: 'KEY'},
        events: [{name: 'created_course'}],
      },
      {
        kind: 'admin#reports#activity',
        id: {
          time: new Date(mid + 1000).toISOString(),
          uniqueQualifier: `9${uq++}`,
        },
        actor: {email: users[1].email, profileId: users[1].id},
        events: [{name: 'mystery_event'}],
      },
      {
        kind: 'admin#reports#activity',
        id: {
          time: new Date(mid + 2000).toISOString(),
          uniqueQualifier: `not-a-number-${uq++}`,
        },
        actor: {email: users[1].email, profileId: users[1].id},
        events: [
          {
            name: 'teleported',
            parameters: [{name: 'count', intValue: 'twelve'}],
          },
        ],
      },
    );
    const stray: Activity = {
      kind: 'admin#reports#activity',
      id: {uniqueQualifier: `9${uq++}`} as Activity['id'],
      actor: {email: users[2].email},
      events: [{name: 'login_success'}],
    };
    placed.set(stray, mid);
    activities.login.push(stray);
    // Not a record at all.
    const garbage = `garbage ${day}` as unknown as Activity;
    placed.set(garbage, mid);
    activities.classroom.push(garbage);
    malformedPerDay = 5;
  }
  for (const list of Object.values(activities)) {
    list.sort((a, b) =>
      (a.id?.time ?? '') < (b.id?.time ?? '')
        ? 1
        : (a.id?.time ?? '') > (b.id?.time ?? '')
          ? -1
          : 0,
    );
  }
  const timesDesc = (app: string) =>
    activities[app].map(a =>
      a.id?.time ? Date.parse(a.id.time) : (placed.get(a) ?? NaN),
    );
  const times: Record<string, number[]> = {
    login: timesDesc('login'),
    classroom: timesDesc('classroom'),
  };

  // Last login / interaction per user, for the usage reports.
  const loginsBy = new Map<string, number[]>();
  const interactBy = new Map<string, number[]>();
  for (const t of truth) {
    const m =
      t.app === 'login' && t.kind === 'login'
        ? loginsBy
        : t.app === 'classroom'
          ? interactBy
          : null;
    if (!m) continue;
    const list = m.get(t.userId) ?? [];
    list.push(t.ms);
    m.set(t.userId, list);
  }
  for (const m of [loginsBy, interactBy])
    for (const l of m.values()) l.sort((a, b) => a - b);
  const lastBefore = (list: number[] | undefined, end: number) => {
    if (!list) return null;
    let best: number | null = null;
    for (const t of list) if (t < end) best = t;
    return best;
  };

  const data: WorkspaceData = {
    customerId,
    primaryDomain: domain,
    timeZone: tz,
    orgUnits: () => orgUnits,
    users: () => directory,
    activities(app, startMs, endMs) {
      const list = activities[app] ?? [];
      const t = times[app] ?? [];
      return list.filter((_, i) => !(t[i] < startMs) && !(t[i] >= endMs));
    },
    userUsage(date) {
      const end = Date.parse(`${date}T00:00:00Z`) + DAY + 8 * 3_600_000;
      return users.map(u => {
        const login = lastBefore(loginsBy.get(u.id), end);
        const inter = lastBefore(interactBy.get(u.id), end);
        const params: NonNullable<UsageReport['parameters']> = [
          {
            name: 'accounts:last_login_time',
            datetimeValue: new Date(login ?? 0).toISOString(),
          },
        ];
        if (u.role !== 'staff')
          params.push({name: 'classroom:role', stringValue: u.role});
        if (inter !== null) {
          params.push({
            name: 'classroom:timestamp_last_interaction',
            intValue: String(inter * 1000),
          });
        }
        return {
          kind: 'admin#reports#usageReport',
          date,
          entity: {
            type: 'USER',
            userEmail: u.email,
            profileId: u.id,
            customerId,
          },
          parameters: params,
        };
      });
    },
    courses: () => courses,
    teachers: id => teachersOf.get(id) ?? [],
    students: id => studentsOf.get(id) ?? [],
    courseWork: id => courseWork.get(id) ?? [],
    submissions: id => submissions.get(id) ?? [],
    announcements: id => announcements.get(id) ?? [],
  };
  return {data, truth, users, schoolIds, served: activities, malformedPerDay};
}
