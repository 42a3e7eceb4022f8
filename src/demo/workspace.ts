/**
 * The demo district served as WorkspaceData: Reports activities and usage reports,
 * Directory org units and users, Classroom courses, rosters, coursework, submissions
 * and announcements, in the shapes of Google's API descriptions.
 *
 * Activities are generated per day on demand and kept in a bounded cache. Returned
 * objects share frozen sub-objects (actors, course parameters); treat them as
 * read-only.
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
} from '../offline/workspace-data';
import {DAY_MS, isoDate, parseIsoDate, rfc3339} from './dates';
import {
  APP_LOGIN,
  Bundle,
  BUNDLE_SPAN,
  EVENT,
  EVENT_NAMES,
  EVENT_TYPES,
  EventGenerator,
  RawEvent,
  SubmissionOutcome,
} from './events';
import {CourseSpec, DistrictModel, Salt, UserSpec} from './model';
import {announcementText, workTitle} from './names';
import {hash4, Rng, u4} from './random';

type Param = NonNullable<
  NonNullable<Activity['events']>[number]['parameters']
>[number];
type UsageParam = NonNullable<UsageReport['parameters']>[number];

const constParam = (p: Param): Param => freezeDeep(p);
const HAS_GRADE = [
  constParam({name: 'has_grade', boolValue: false}),
  constParam({name: 'has_grade', boolValue: true}),
];
const IS_LATE = [
  constParam({name: 'is_late', boolValue: false}),
  constParam({name: 'is_late', boolValue: true}),
];
const STATE_TURNED_IN = constParam({
  name: 'submission_state',
  value: 'turned_in',
});
const STATE_RETURNED = constParam({
  name: 'submission_state',
  value: 'returned',
});
const TYPE_ASSIGNMENT = constParam({
  name: 'course_work_type',
  value: 'assignment',
});
const TYPE_QUESTION = constParam({name: 'course_work_type', value: 'question'});
const NO_TARGET = constParam({name: 'impacted_users', value: ''});
const SUSPENDED = [
  freezeDeep<UsageParam>({name: 'accounts:is_suspended', boolValue: false}),
  freezeDeep<UsageParam>({name: 'accounts:is_suspended', boolValue: true}),
];
const ROLE_TEACHER = freezeDeep<UsageParam>({
  name: 'classroom:role',
  stringValue: 'teacher',
});
const ROLE_STUDENT = freezeDeep<UsageParam>({
  name: 'classroom:role',
  stringValue: 'student',
});
const COUNT_NAMES = [
  'classroom:num_courses_created',
  'classroom:num_posts_created',
];
const counts: UsageParam[][] = [[], []];

/** Integer usage parameters take few distinct values: share them. */
function countParam(which: 0 | 1, n: number): UsageParam {
  let p = counts[which][n];
  if (!p) {
    p = freezeDeep<UsageParam>({name: COUNT_NAMES[which], intValue: String(n)});
    counts[which][n] = p;
  }
  return p;
}

/** Share of activities the Reports API delivers twice (same id.time and uniqueQualifier). */
export const DUPLICATE_RATE = 0.004;
const HOUR = 3600000;

interface DayData {
  /** Raw events per school slot (schools, then users in no school), before delivery faults. */
  raw: RawEvent[][];
  /** Activities per application, newest first, with their times for slicing. */
  apps: Map<string, {items: Activity[]; ms: Float64Array}>;
  size: number;
}

/**
 * Users and courses are served frozen: the offline runtime copies a frozen host value
 * into an execution's realm once and hands out that copy again (read-only, as an API
 * response is to the bundle), so a record listed again is not copied again. Activities,
 * Classroom work and submissions stay unfrozen: an activity is served about twice, and a
 * copy kept per record would cost more in lookups and memory than it saves. An already
 * frozen part is taken as frozen throughout (only this function freezes).
 */
function freezeDeep<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    for (const v of Object.values(o as object)) freezeDeep(v);
    Object.freeze(o);
  }
  return o;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function PAD10(h: number): string {
  const s = String(h);
  return s.length >= 10 ? s : '0000000000'.slice(s.length) + s;
}

function tag(h: number, n: number): string {
  let s = '';
  let x = h >>> 0;
  for (let i = 0; i < n; i++) {
    s += B64[x & 63];
    x = (x >>> 6) | ((Math.imul(x, 2654435761) & 63) << 26);
  }
  return s;
}

/**
 * Schools whose Classroom objects (coursework, submissions, announcements over the whole
 * period) stay in memory: enough for a default district's sweep without rebuilding.
 */
const CLASSROOM_CACHE_SCHOOLS = 64;

/**
 * Courses whose submissions stay built as API objects. A school's submissions are kept
 * as the generator's compact outcomes (a default district has about 680,000, over 500 MB
 * as API objects) and built per course when listed; a sweep pages one course at a time.
 */
const SUBMISSION_LISTS_KEPT = 32;

export class DemoWorkspaceData implements WorkspaceData {
  readonly customerId: string;
  readonly primaryDomain: string;
  readonly timeZone = 'America/New_York';
  readonly gen: EventGenerator;
  private readonly dayCache = new Map<number, DayData>();
  private cachedActivities = 0;
  private readonly cacheBudget: number;
  private readonly actorCache = new Map<number, Activity['actor']>();
  private readonly courseParams = new Map<string, Param[]>();
  private readonly classroomCache = new Map<
    number,
    {
      courseWork: Map<string, CourseWork[]>;
      submissions: Map<string, SubmissionOutcome[]>;
      announcements: Map<string, Announcement[]>;
    }
  >();
  private readonly submissionLists = new Map<string, StudentSubmission[]>();
  private usersCache: DirectoryUser[] | null = null;
  private readonly etagPrefix: string;
  private readonly homeIp = new Map<number, string>();
  private readonly userParams = new Map<number, Param>();
  private readonly cwParams = new Map<string, Param[]>();

  constructor(
    readonly m: DistrictModel,
    opts: {cacheActivities?: number} = {},
  ) {
    this.customerId = m.customerId;
    this.primaryDomain = m.domain;
    this.gen = new EventGenerator(m);
    this.cacheBudget = opts.cacheActivities ?? 60_000;
    this.etagPrefix = tag(hash4(m.seed, 0xe7a9), 16);
  }

  // --- Directory ------------------------------------------------------------------

  orgUnits(): OrgUnit[] {
    const out: OrgUnit[] = [];
    const ids = new Map<string, string>();
    const add = (path: string, description: string, id?: string) => {
      if (ids.has(path)) return;
      const slash = path.lastIndexOf('/');
      const parent = slash <= 0 ? '/' : path.slice(0, slash);
      const orgUnitId =
        id ??
        'id:03ph' +
          (hash4(this.m.seed, 0x0b, hashPath(path)) >>> 0).toString(36);
      ids.set(path, orgUnitId);
      out.push({
        kind: 'admin#directory#orgUnit',
        etag: `"${tag(hash4(this.m.seed, 0x0e, hashPath(path)), 27)}"`,
        name: path.slice(slash + 1),
        description,
        orgUnitPath: path,
        orgUnitId,
        parentOrgUnitPath: parent,
        parentOrgUnitId:
          parent === '/' ? this.rootOrgUnitId() : ids.get(parent),
        blockInheritance: false,
      });
    };
    add('/Schools', 'All schools');
    for (const s of this.m.schools) {
      add(`/Schools/${s.borough}`, `${s.borough} schools`);
    }
    for (const s of this.m.schools) {
      add(s.orgUnitPath, `${s.name} (${s.level})`, s.orgUnitId);
      add(`${s.orgUnitPath}/Teachers`, 'Teachers');
      add(`${s.orgUnitPath}/Staff`, 'Administrators and support staff');
      add(`${s.orgUnitPath}/Students`, 'Students');
      for (const y of s.classOf)
        add(`${s.orgUnitPath}/Students/Class of ${y}`, `Graduating ${y}`);
    }
    add('/District Office', 'Central office staff');
    add('/Students Unassigned', 'New arrivals not yet placed in a school');
    return out;
  }

  private rootOrgUnitId(): string {
    return 'id:03ph' + (hash4(this.m.seed, 0x0b, 0) >>> 0).toString(36);
  }

  users(): DirectoryUser[] {
    if (this.usersCache) return this.usersCache.slice();
    const endMs = this.m.utc(this.m.nDays, 0);
    this.usersCache = this.m.users.map(u => {
      const last = this.lastLogin(u, this.m.nDays - 1, true);
      const user: DirectoryUser = {
        kind: 'admin#directory#user',
        id: u.id,
        etag: `"${tag(hash4(this.m.seed, 0x0f, u.index), 27)}"`,
        primaryEmail: u.email,
        name: {
          givenName: u.givenName,
          familyName: u.familyName,
          fullName: `${u.givenName} ${u.familyName}`,
        },
        isAdmin: u.orgUnitPath === '/',
        isDelegatedAdmin: false,
        lastLoginTime: last > 0 ? rfc3339(last) : '1970-01-01T00:00:00.000Z',
        creationTime: rfc3339(u.createdMs),
        agreedToTerms: true,
        suspended: u.suspendedFrom * DAY_MS < endMs,
        archived: false,
        changePasswordAtNextLogin: false,
        ipWhitelisted: false,
        emails: [{address: u.email, primary: true}],
        customerId: this.customerId,
        orgUnitPath: u.orgUnitPath,
        isMailboxSetup: true,
        isEnrolledIn2Sv: u.role === 'teacher' || u.role === 'staff',
        isEnforcedIn2Sv: false,
        includeInGlobalAddressList: true,
      };
      if (user.suspended) user.suspensionReason = 'ADMIN';
      return freezeDeep(user);
    });
    return this.usersCache.slice();
  }

  /** UTC ms of a user's last login on or before period day i (0 when never). */
  lastLogin(u: UserSpec, i: number, scan = false): number {
    if (scan) {
      // One look-up: walk back without building the user's bitmap.
      for (let d = Math.min(i, this.m.nDays - 1); d >= 0; d--) {
        if (this.m.isActive(u, d)) {
          return this.m.utc(d, this.m.sessionStart(u, d, 0));
        }
      }
      return 0;
    }
    let bits = this.activeBits.get(u.index);
    if (!bits) {
      bits = new Uint32Array((this.m.nDays + 31) >>> 5);
      for (let d = 0; d < this.m.nDays; d++) {
        if (this.m.isActive(u, d)) bits[d >>> 5] |= 1 << (d & 31);
      }
      this.activeBits.set(u.index, bits);
    }
    for (let d = Math.min(i, this.m.nDays - 1); d >= 0; d--) {
      const w = bits[d >>> 5];
      if (w === 0) {
        d &= ~31;
        continue;
      }
      if (w & (1 << (d & 31))) {
        return this.m.utc(d, this.m.sessionStart(u, d, 0));
      }
    }
    return 0;
  }

  /** Days each user was active, one bit per period day (built on first need). */
  private readonly activeBits = new Map<number, Uint32Array>();

  // --- Reports: activities ----------------------------------------------------------

  activities(
    applicationName: string,
    startMs: number,
    endMs: number,
  ): Activity[] {
    const m = this.m;
    if (!(endMs > startMs)) return [];
    const lo = Math.max(startMs, m.utc(0, 0));
    const hi = Math.min(endMs, m.utc(m.nDays, 0));
    if (!(hi > lo)) return [];
    const firstDay = Math.max(
      0,
      Math.floor((lo - 5 * HOUR) / DAY_MS) - m.startDay - 1,
    );
    const lastDay = Math.min(
      m.nDays - 1,
      Math.floor((hi - 4 * HOUR) / DAY_MS) - m.startDay + 1,
    );
    const out: Activity[] = [];
    for (let i = lastDay; i >= firstDay; i--) {
      if (m.utc(i, 0) >= hi || m.utc(i + 1, 0) <= lo) continue;
      const app = this.day(i).apps.get(applicationName);
      if (!app) continue;
      // Newest first: times descend; take those in [lo, hi).
      const a = firstIndexBelow(app.ms, hi);
      const b = firstIndexBelow(app.ms, lo);
      for (let k = a; k < b; k++) out.push(app.items[k]);
    }
    return out;
  }

  /** Raw events of a period day per school slot, before delivery faults (cached). */
  rawDay(i: number): RawEvent[][] {
    return this.day(i).raw;
  }

  private day(i: number): DayData {
    const hit = this.dayCache.get(i);
    if (hit) {
      this.dayCache.delete(i);
      this.dayCache.set(i, hit);
      return hit;
    }
    const d = this.buildDay(i);
    this.dayCache.set(i, d);
    this.cachedActivities += d.size;
    while (this.cachedActivities > this.cacheBudget && this.dayCache.size > 1) {
      const oldest = this.dayCache.keys().next().value as number;
      this.cachedActivities -= this.dayCache.get(oldest)!.size;
      this.dayCache.delete(oldest);
    }
    return d;
  }

  /** Whether a raw event reaches the Reports API (missing and partial days drop some). */
  delivered(school: number, i: number, e: {app: number; ms: number}): boolean {
    if (!this.m.issueDays.has(i)) return true;
    const cut = this.m.issueCutoff.get(
      `${school}:${i}:${e.app === APP_LOGIN ? 'login' : 'classroom'}`,
    );
    if (cut === undefined) return true;
    return e.ms - this.m.utc(i, 0) < cut;
  }

  /** Whether the Reports API delivers this delivered event a second time. */
  duplicated(school: number, i: number, seq: number): boolean {
    return (
      u4(this.m.seed, school + 7, i * 65536 + seq, Salt.Duplicate) <
      DUPLICATE_RATE
    );
  }

  private buildDay(i: number): DayData {
    const m = this.m;
    const raw: RawEvent[][] = [];
    const login: Activity[] = [];
    const loginMs: number[] = [];
    const classroom: Activity[] = [];
    const classroomMs: number[] = [];
    const slots = m.schools.length + 1;
    for (let s = 0; s < slots; s++) {
      const school = s < m.schools.length ? s : -1;
      const evs = this.gen.schoolDay(school, i);
      raw.push(evs);
      let seq = 0;
      for (const e of evs) {
        seq++;
        if (!this.delivered(s, i, e)) continue;
        const act = this.toActivity(e, s, i, seq);
        const list = e.app === APP_LOGIN ? login : classroom;
        const times = e.app === APP_LOGIN ? loginMs : classroomMs;
        list.push(act);
        times.push(e.ms);
        if (this.duplicated(s, i, seq)) {
          list.push({...act, id: {...act.id}});
          times.push(e.ms);
        }
      }
    }
    const apps = new Map<string, {items: Activity[]; ms: Float64Array}>();
    let size = 0;
    for (const [name, list, times] of [
      ['login', login, loginMs],
      ['classroom', classroom, classroomMs],
    ] as const) {
      // Newest first; ties keep generation order, so the result is deterministic.
      const order = new Uint32Array(list.length);
      for (let k = 0; k < order.length; k++) order[k] = k;
      order.sort((a, b) => times[b] - times[a] || a - b);
      const items = new Array<Activity>(list.length);
      const ms = new Float64Array(list.length);
      for (let k = 0; k < order.length; k++) {
        items[k] = list[order[k]];
        ms[k] = times[order[k]];
      }
      apps.set(name, {items, ms});
      size += list.length;
    }
    return {raw, apps, size};
  }

  private actor(ui: number): Activity['actor'] {
    let a = this.actorCache.get(ui);
    if (!a) {
      const u = this.m.users[ui];
      a = Object.freeze({callerType: 'USER', email: u.email, profileId: u.id});
      this.actorCache.set(ui, a);
    }
    return a;
  }

  private courseParam(c: CourseSpec): Param[] {
    let p = this.courseParams.get(c.id);
    if (!p) {
      p = freezeDeep([
        {name: 'course_id', value: c.id},
        {name: 'course_title', value: c.name},
      ]);
      this.courseParams.set(c.id, p);
    }
    return p;
  }

  private ip(e: RawEvent, school: number, i: number): string {
    const m = this.m;
    const local = e.ms - m.utc(i, 0);
    const s = m.schools[school];
    const kind = m.cal.days[i].kind;
    if (
      s &&
      (kind === 'school' || kind === 'staff') &&
      local >= 7.4 * HOUR &&
      local < 15.5 * HOUR
    ) {
      return s.ip;
    }
    let home = this.homeIp.get(e.actor);
    if (home === undefined) {
      home = this.homeAddress(e.actor);
      this.homeIp.set(e.actor, home);
    }
    return home;
  }

  /** A user's home address: carrier-grade NAT space, some IPv6 (documentation ranges). */
  private homeAddress(actor: number): string {
    const h = hash4(this.m.seed, actor, 0, Salt.Home);
    if ((h & 15) < 2) {
      return `2001:db8:${(h >>> 4) & 0xffff}:${(h >>> 20).toString(16)}::${(actor & 0xfff).toString(16)}`;
    }
    return `100.${64 + ((h >>> 4) & 63)}.${(h >>> 10) & 255}.${1 + ((h >>> 18) % 254)}`;
  }

  private toActivity(
    e: RawEvent,
    school: number,
    i: number,
    seq: number,
  ): Activity {
    const m = this.m;
    const h1 = hash4(m.seed, school + 11, i * 65536 + seq, Salt.Qualifier);
    const h2 = hash4(h1, school, i, seq);
    const q = String(1 + (h1 % 922337202)) + PAD10(h2);
    const appName = e.app === APP_LOGIN ? 'login' : 'classroom';
    return {
      kind: 'audit#activity',
      id: {
        time: fastRfc3339(e.ms),
        uniqueQualifier: (h2 & 1) === 1 ? '-' + q : q,
        applicationName: appName,
        customerId: m.customerId,
      },
      etag:
        '"' + this.etagPrefix + h1.toString(36) + '/' + h2.toString(36) + '"',
      actor: this.actor(e.actor),
      ownerDomain: m.domain,
      ipAddress: this.ip(e, school, i),
      events:
        e.app === APP_LOGIN
          ? this.loginEvents(e)
          : [
              {
                type: EVENT_TYPES[e.name],
                name: EVENT_NAMES[e.name],
                parameters: this.params(e),
              },
            ],
    };
  }

  private readonly sharedLoginEvents = new Map<Param[], Activity['events']>();

  /** Login events are identical from one sign-in to the next: one frozen list each. */
  private loginEvents(e: RawEvent): Activity['events'] {
    const params = this.params(e);
    let list = this.sharedLoginEvents.get(params);
    if (!list) {
      list = freezeDeep([
        {
          type: EVENT_TYPES[e.name],
          name: EVENT_NAMES[e.name],
          parameters: params,
        },
      ]);
      this.sharedLoginEvents.set(params, list);
    }
    return list;
  }

  private static readonly LOGIN_PARAMS = freezeDeep<Param[]>([
    {name: 'login_type', value: 'google_password'},
    {name: 'login_challenge_method', multiValue: ['password']},
    {name: 'is_suspicious', boolValue: false},
  ]);
  private static readonly SAML_PARAMS = freezeDeep<Param[]>([
    {name: 'login_type', value: 'saml'},
    {name: 'is_suspicious', boolValue: false},
  ]);
  private static readonly LOGOUT_PARAMS = freezeDeep<Param[]>([
    {name: 'login_type', value: 'google_password'},
  ]);
  private static readonly FAILURE_PARAMS = freezeDeep<Param[]>([
    {name: 'login_type', value: 'google_password'},
    {name: 'login_challenge_method', multiValue: ['password']},
    {name: 'login_failure_type', value: 'login_failure_invalid_password'},
    {name: 'is_suspicious', boolValue: false},
  ]);

  private params(e: RawEvent): Param[] {
    const m = this.m;
    switch (e.name) {
      case EVENT.loginSuccess:
        // Staff sign in through the district's identity provider.
        return m.users[e.actor].role === 'staff'
          ? DemoWorkspaceData.SAML_PARAMS
          : DemoWorkspaceData.LOGIN_PARAMS;
      case EVENT.logout:
        return DemoWorkspaceData.LOGOUT_PARAMS;
      case EVENT.loginFailure:
        return DemoWorkspaceData.FAILURE_PARAMS;
      default:
        break;
    }
    const c = e.course!;
    const cw = e.cw;
    const out: Param[] = cw ? [...this.cwParam(cw)] : [...this.courseParam(c)];
    const target = e.target >= 0 ? this.impacted(e.target) : NO_TARGET;
    switch (e.name) {
      case EVENT.createdCourse:
        break;
      case EVENT.joinedCourse:
        out.push({name: 'course_role', value: e.courseRole || 'student'});
        out.push({name: 'course_join_method', value: 'join_code'});
        break;
      case EVENT.publishedCourseWork:
        out.push(
          cw!.workType === 'ASSIGNMENT' ? TYPE_ASSIGNMENT : TYPE_QUESTION,
        );
        break;
      case EVENT.publishedAnnouncement:
        out.push({name: 'post_id', value: e.postId});
        break;
      case EVENT.turnedIn:
        out.push(
          {name: 'submission_id', value: e.postId},
          HAS_GRADE[0],
          IS_LATE[e.late ? 1 : 0],
          STATE_TURNED_IN,
        );
        break;
      case EVENT.returned:
        out.push(
          {name: 'submission_id', value: e.postId},
          HAS_GRADE[e.hasGrade ? 1 : 0],
          IS_LATE[e.late ? 1 : 0],
          target,
          STATE_RETURNED,
        );
        break;
      case EVENT.setGrade:
        out.push({name: 'submission_id', value: e.postId}, target);
        break;
      case EVENT.commentedSubmissionPrivate:
        out.push(target);
        break;
      case EVENT.commentedCourseWork:
        break;
      default:
        break;
    }
    return out;
  }

  /** course_id, course_title, course_work_title and post_id of a coursework, shared. */
  private cwParam(cw: {
    id: string;
    title: string;
    course: CourseSpec;
  }): Param[] {
    let p = this.cwParams.get(cw.id);
    if (!p) {
      p = freezeDeep([
        ...this.courseParam(cw.course),
        {name: 'course_work_title', value: this.cwTitle(cw)},
        {name: 'post_id', value: cw.id},
      ]);
      this.cwParams.set(cw.id, p);
      if (this.cwParams.size > 200_000) this.cwParams.clear();
    }
    return p;
  }

  private impacted(ui: number): Param {
    let p = this.userParams.get(ui);
    if (!p) {
      p = Object.freeze({
        name: 'impacted_users',
        value: this.m.users[ui].email,
      });
      this.userParams.set(ui, p);
    }
    return p;
  }

  cwTitle(cw: {id: string; title: string}): string {
    if (!cw.title) {
      const n = Number(cw.id);
      cw.title = workTitle(
        new Rng(
          this.m.seed,
          0x717e,
          n % 2147483647,
          Math.floor(n / 2147483647),
        ),
        1 + (n % 40),
      );
    }
    return cw.title;
  }

  // --- Reports: usage ---------------------------------------------------------------

  userUsage(date: string): UsageReport[] {
    const m = this.m;
    const dn = parseIsoDate(date);
    if (dn === null) return [];
    const i = dn - m.startDay;
    if (i < 0 || i >= m.nDays) return [];
    // Usage counts what users did, delivered to the audit log or not. Classroom events
    // all come from coursework bundles, so the day's logins need not be generated.
    const posts = new Map<number, number>();
    const created = new Map<number, number>();
    for (let sl = 0; sl < m.schools.length; sl++) {
      for (let p = Math.max(0, i - BUNDLE_SPAN); p <= i; p++) {
        const evs = this.gen.bundle(sl, p).byDay.get(i);
        if (!evs) continue;
        for (const e of evs) {
          if (
            e.name === EVENT.publishedCourseWork ||
            e.name === EVENT.publishedAnnouncement ||
            e.name === EVENT.commentedCourseWork ||
            e.name === EVENT.commentedSubmissionPrivate
          ) {
            posts.set(e.actor, (posts.get(e.actor) ?? 0) + 1);
          }
          if (e.name === EVENT.createdCourse) {
            created.set(e.actor, (created.get(e.actor) ?? 0) + 1);
          }
        }
      }
    }
    const dayEnd = m.utc(i + 1, 0);
    const etagTail = (hash4(m.seed, dn, 0x05a9) >>> 0).toString(36) + '"';
    const out: UsageReport[] = [];
    for (const u of m.users) {
      if (u.createdMs >= dayEnd) continue;
      const fixed = this.usageFixed(u);
      const last = this.lastLogin(u, i);
      const suspended = m.startDay + i >= u.suspendedFrom;
      const nCreated = created.get(u.index) ?? 0;
      const nPosts = posts.get(u.index) ?? 0;
      // Most users' reports repeat the previous day's values: reuse the frozen list.
      let params = fixed.params;
      if (
        !params ||
        fixed.last !== last ||
        fixed.suspended !== suspended ||
        fixed.created !== nCreated ||
        fixed.posts !== nPosts
      ) {
        const lastParams = this.lastLoginParams(last);
        const list: UsageParam[] = fixed.accounts.slice();
        list.push(SUSPENDED[suspended ? 1 : 0], lastParams[0], lastParams[1]);
        if (u.role === 'teacher' || u.role === 'student') {
          list.push(
            u.role === 'teacher' ? ROLE_TEACHER : ROLE_STUDENT,
            countParam(0, nCreated),
            countParam(1, nPosts),
          );
          if (last > 0) list.push(lastParams[2], lastParams[3], lastParams[4]);
        }
        params = Object.freeze(list) as UsageParam[];
        fixed.params = params;
        fixed.last = last;
        fixed.suspended = suspended;
        fixed.created = nCreated;
        fixed.posts = nPosts;
      }
      out.push({
        kind: 'admin#reports#usageReport',
        date,
        etag: fixed.etag + etagTail,
        entity: fixed.entity,
        parameters: params,
      });
    }
    return out;
  }

  private readonly fixedUsage = new Map<
    number,
    {
      accounts: UsageParam[];
      entity: UsageReport['entity'];
      etag: string;
      params: UsageParam[] | null;
      last: number;
      suspended: boolean;
      created: number;
      posts: number;
    }
  >();

  /** The parts of a user's usage report that do not change from day to day (shared). */
  private usageFixed(u: UserSpec) {
    let f = this.fixedUsage.get(u.index);
    if (!f) {
      const m = this.m;
      f = {
        accounts: freezeDeep<UsageParam[]>([
          {name: 'accounts:first_name', stringValue: u.givenName},
          {name: 'accounts:last_name', stringValue: u.familyName},
          {name: 'accounts:creation_time', datetimeValue: rfc3339(u.createdMs)},
          {
            name: 'accounts:timestamp_creation',
            intValue: String(u.createdMs) + '000',
          },
          {name: 'accounts:is_disabled', boolValue: false},
          {
            name: 'accounts:used_quota_in_mb',
            intValue: String(20 + (hash4(m.seed, u.index, 0x9a) % 900)),
          },
        ]),
        entity: freezeDeep({
          customerId: m.customerId,
          userEmail: u.email,
          profileId: u.id,
          type: 'USER',
        }),
        etag: '"' + tag(hash4(m.seed, u.index, 0x05a8), 12) + '/',
        params: null,
        last: -1,
        suspended: false,
        created: -1,
        posts: -1,
      };
      this.fixedUsage.set(u.index, f);
    }
    return f;
  }

  /** last_login_time and the interaction times for a last-login instant. */
  private lastLoginParams(last: number): UsageParam[] {
    const iso = last > 0 ? rfc3339(last) : '1970-01-01T00:00:00.000Z';
    const usec = last > 0 ? String(last) + '000' : '0';
    return freezeDeep<UsageParam[]>([
      {name: 'accounts:last_login_time', datetimeValue: iso},
      {name: 'accounts:timestamp_last_login', intValue: usec},
      {name: 'classroom:timestamp_last_interaction', intValue: usec},
      {name: 'classroom:classroom_last_usage_date_usec', intValue: usec},
      {name: 'classroom:last_interaction_time', datetimeValue: iso},
    ]);
  }

  // --- Classroom ----------------------------------------------------------------------

  private allCourses(): CourseSpec[] {
    const out: CourseSpec[] = [];
    for (const y of this.m.schoolYears()) {
      for (let s = 0; s < this.m.schools.length; s++)
        out.push(...this.m.courses(s, y));
    }
    return out;
  }

  courses(): Course[] {
    // Built once: a Classroom sweep lists the courses, then pages each course's data.
    this.courseList ??= this.buildCourses();
    return this.courseList;
  }

  private courseList: Course[] | null = null;

  private buildCourses(): Course[] {
    const m = this.m;
    const years = m.schoolYears();
    const current = years[years.length - 1];
    return this.allCourses().map(c => {
      const createdMs = m.utc(
        c.createdDay,
        9 * HOUR + (hash4(m.seed, c.index, c.school) % (6 * HOUR)),
      );
      return freezeDeep({
        id: c.id,
        name: c.name,
        section: c.section,
        descriptionHeading: `${c.name} ${c.section}`,
        room: String(100 + (hash4(m.seed, c.school, c.index) % 300)),
        ownerId: m.users[c.teacher].id,
        creationTime: rfc3339(createdMs),
        updateTime: rfc3339(createdMs + 3600000),
        enrollmentCode: c.enrollmentCode,
        courseState: c.year === current ? 'ACTIVE' : 'ARCHIVED',
        alternateLink: `https://classroom.google.com/c/${c.id}`,
        teacherGroupEmail: `${c.enrollmentCode}_teachers@${m.domain}`,
        courseGroupEmail: `${c.enrollmentCode}@${m.domain}`,
        guardiansEnabled: false,
        calendarId: `classroom${c.id}@group.calendar.google.com`,
      });
    });
  }

  private profile(ui: number) {
    const u = this.m.users[ui];
    return {
      id: u.id,
      name: {
        givenName: u.givenName,
        familyName: u.familyName,
        fullName: `${u.givenName} ${u.familyName}`,
      },
      emailAddress: u.email,
    };
  }

  teachers(courseId: string): Teacher[] {
    const c = this.m.courseById_(courseId);
    if (!c) return [];
    return [
      {
        courseId,
        userId: this.m.users[c.teacher].id,
        profile: this.profile(c.teacher),
      },
    ];
  }

  students(courseId: string): Student[] {
    const c = this.m.courseById_(courseId);
    if (!c) return [];
    return Array.from(c.students, ui => ({
      courseId,
      userId: this.m.users[ui].id,
      profile: this.profile(ui),
    }));
  }

  courseWork(courseId: string): CourseWork[] {
    const c = this.m.courseById_(courseId);
    if (!c) return [];
    return this.classroomOf(c.school).courseWork.get(courseId) ?? [];
  }

  submissions(courseId: string): StudentSubmission[] {
    const c = this.m.courseById_(courseId);
    if (!c) return [];
    const hit = this.submissionLists.get(courseId);
    if (hit) return hit;
    const outcomes = this.classroomOf(c.school).submissions.get(courseId);
    const list = outcomes ? outcomes.map(o => this.toSubmission(o)) : [];
    this.submissionLists.set(courseId, list);
    if (this.submissionLists.size > SUBMISSION_LISTS_KEPT) {
      this.submissionLists.delete(
        this.submissionLists.keys().next().value as string,
      );
    }
    return list;
  }

  announcements(courseId: string): Announcement[] {
    const c = this.m.courseById_(courseId);
    if (!c) return [];
    return this.classroomOf(c.school).announcements.get(courseId) ?? [];
  }

  /** Classroom objects of one school over the whole period (built once, few kept). */
  private classroomOf(school: number) {
    const hit = this.classroomCache.get(school);
    if (hit) return hit;
    const m = this.m;
    const courseWork = new Map<string, CourseWork[]>();
    const submissions = new Map<string, SubmissionOutcome[]>();
    const announcements = new Map<string, Announcement[]>();
    for (let p = 0; p < m.nDays; p++) {
      const b: Bundle = this.gen.bundle(school, p, true);
      for (const cw of b.courseWork) {
        const list = courseWork.get(cw.course.id) ?? [];
        list.push(this.toCourseWork(cw));
        courseWork.set(cw.course.id, list);
      }
      for (const o of b.outcomes ?? []) {
        const list = submissions.get(o.cw.course.id) ?? [];
        list.push(o);
        submissions.set(o.cw.course.id, list);
      }
      for (const a of b.announcements) {
        const list = announcements.get(a.course.id) ?? [];
        const text =
          a.text ||
          announcementText(new Rng(m.seed, Number(a.id) % 2147483647));
        list.push({
          courseId: a.course.id,
          id: a.id,
          text,
          state: 'PUBLISHED',
          alternateLink: `https://classroom.google.com/c/${a.course.id}/p/${a.id}`,
          creationTime: rfc3339(a.ms),
          updateTime: rfc3339(a.ms),
          assigneeMode: 'ALL_STUDENTS',
          creatorUserId: m.users[a.creator].id,
        });
        announcements.set(a.course.id, list);
      }
    }
    // The API lists newest first (updateTime desc).
    for (const list of courseWork.values()) list.reverse();
    for (const list of announcements.values()) list.reverse();
    const entry = {courseWork, submissions, announcements};
    this.classroomCache.set(school, entry);
    if (this.classroomCache.size > CLASSROOM_CACHE_SCHOOLS) {
      this.classroomCache.delete(
        this.classroomCache.keys().next().value as number,
      );
    }
    return entry;
  }

  private toCourseWork(cw: Bundle['courseWork'][number]): CourseWork {
    const m = this.m;
    // Due date and time are UTC in the API: 23:59 in New York is early next morning.
    const due = new Date(cw.dueMs);
    const out: CourseWork = {
      courseId: cw.course.id,
      id: cw.id,
      title: this.cwTitle(cw),
      description: 'Complete and turn in by the due date.',
      state: 'PUBLISHED',
      alternateLink: `https://classroom.google.com/c/${cw.course.id}/a/${cw.id}/details`,
      creationTime: rfc3339(cw.publishMs - 20 * 60000),
      updateTime: rfc3339(cw.publishMs),
      dueDate: {
        year: due.getUTCFullYear(),
        month: due.getUTCMonth() + 1,
        day: due.getUTCDate(),
      },
      dueTime: {hours: due.getUTCHours(), minutes: due.getUTCMinutes()},
      workType: cw.workType,
      submissionModificationMode: 'MODIFIABLE_UNTIL_TURNED_IN',
      assigneeMode: 'ALL_STUDENTS',
      creatorUserId: m.users[cw.creator].id,
    };
    if (cw.maxPoints !== null) out.maxPoints = cw.maxPoints;
    return out;
  }

  private toSubmission(o: SubmissionOutcome): StudentSubmission {
    const m = this.m;
    const student = m.users[o.student].id;
    const teacher = m.users[o.cw.creator].id;
    const history: NonNullable<StudentSubmission['submissionHistory']> = [];
    const base: StudentSubmission = {
      courseId: o.cw.course.id,
      courseWorkId: o.cw.id,
      id: o.id,
      userId: student,
      state: 'NEW',
      late: o.late,
      alternateLink: `https://classroom.google.com/c/${o.cw.course.id}/a/${o.cw.id}/submissions/by-status/and-sort-last-name/student/${student}`,
      courseWorkType: o.cw.workType,
      associatedWithDeveloper: false,
    };
    if (Number.isNaN(o.openedMs)) return base;
    base.creationTime = rfc3339(o.openedMs);
    let update = o.openedMs;
    history.push({
      stateHistory: {
        state: 'CREATED',
        stateTimestamp: rfc3339(o.openedMs),
        actorUserId: student,
      },
    });
    base.state = 'CREATED';
    if (!Number.isNaN(o.turnedInMs)) {
      history.push({
        stateHistory: {
          state: 'TURNED_IN',
          stateTimestamp: rfc3339(o.turnedInMs),
          actorUserId: student,
        },
      });
      base.state = 'TURNED_IN';
      update = o.turnedInMs;
    }
    if (!Number.isNaN(o.gradeMs) && o.cw.maxPoints !== null) {
      history.push({
        gradeHistory: {
          pointsEarned: o.grade,
          maxPoints: o.cw.maxPoints,
          gradeTimestamp: rfc3339(o.gradeMs),
          actorUserId: teacher,
          gradeChangeType: 'DRAFT_GRADE_POINTS_EARNED_CHANGE',
        },
      });
      base.draftGrade = o.grade;
      update = o.gradeMs;
    }
    if (!Number.isNaN(o.returnedMs)) {
      if (!Number.isNaN(o.gradeMs) && o.cw.maxPoints !== null) {
        history.push({
          gradeHistory: {
            pointsEarned: o.grade,
            maxPoints: o.cw.maxPoints,
            gradeTimestamp: rfc3339(o.returnedMs),
            actorUserId: teacher,
            gradeChangeType: 'ASSIGNED_GRADE_POINTS_EARNED_CHANGE',
          },
        });
        base.assignedGrade = o.grade;
      }
      history.push({
        stateHistory: {
          state: 'RETURNED',
          stateTimestamp: rfc3339(o.returnedMs),
          actorUserId: teacher,
        },
      });
      base.state = 'RETURNED';
      update = o.returnedMs;
    }
    base.updateTime = rfc3339(update);
    base.submissionHistory = history;
    return base;
  }

  /** The date (YYYY-MM-DD) of a period day. */
  date(i: number): string {
    return isoDate(this.m.startDay + i);
  }
}

const PAD3: string[] = [];
for (let i = 0; i < 1000; i++) {
  PAD3.push(i < 10 ? '00' + i : i < 100 ? '0' + i : String(i));
}
const MILLIS = PAD3.map(x => '.' + x + 'Z');
let clock: string[] | null = null;
const datePrefix = new Map<number, string>();

/** `HH:MM:SS` for every second of a day, built once. */
function clockStrings(): string[] {
  if (clock) return clock;
  const two = (n: number) => (n < 10 ? '0' + n : String(n));
  clock = new Array<string>(86400);
  for (let k = 0; k < 86400; k++) {
    clock[k] =
      two(Math.floor(k / 3600)) +
      ':' +
      two(Math.floor(k / 60) % 60) +
      ':' +
      two(k % 60);
  }
  return clock;
}

/** RFC 3339 in UTC with milliseconds (as Date.toISOString), without a Date per call. */
export function fastRfc3339(ms: number): string {
  const d = Math.floor(ms / DAY_MS);
  let prefix = datePrefix.get(d);
  if (prefix === undefined) {
    prefix = new Date(d * DAY_MS).toISOString().slice(0, 11);
    datePrefix.set(d, prefix);
  }
  const r = ms - d * DAY_MS;
  const sec = Math.floor(r / 1000);
  return prefix + clockStrings()[sec] + MILLIS[r - sec * 1000];
}

function hashPath(path: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) {
    h ^= path.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** In a descending array, the first index whose value is below `x`. */
function firstIndexBelow(desc: Float64Array, x: number): number {
  let lo = 0;
  let hi = desc.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (desc[mid] >= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
