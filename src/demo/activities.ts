/**
 * The demo district's Reports API activities (login and classroom): raw events of a day
 * from the generator, dropped or delivered twice as the district's data issues say,
 * shaped as audit activities and kept per day in a bounded cache.
 */
import type {Activity} from '../offline/workspace-data';
import {
  base36u32,
  fastRfc3339,
  firstIndexBelow,
  freezeDeep,
  HOUR,
  pad10u32,
  tag,
} from './api-values';
import {courseWorkTitle} from './classroom';
import {DAY_MS} from './dates';
import {
  APP_LOGIN,
  EVENT,
  EVENT_NAMES,
  EVENT_TYPES,
  EventGenerator,
  RawEvent,
} from './events';
import {CourseSpec, DistrictModel, Salt} from './model';
import {hash4, u4} from './random';

type Param = NonNullable<
  NonNullable<Activity['events']>[number]['parameters']
>[number];

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

/** Share of activities the Reports API delivers twice (same id.time and uniqueQualifier). */
export const DUPLICATE_RATE = 0.004;

interface DayData {
  /** Raw events per school slot (schools, then users in no school), before delivery faults. */
  raw: RawEvent[][];
  /** Activities per application, newest first, with their times for slicing. */
  apps: Map<string, {items: Activity[]; ms: Float64Array}>;
  size: number;
}

/** Positions in an event list for sort keys (more than a day's events of any district). */
const POSITIONS = 2 ** 21;

/**
 * Indices of `times` newest first, ties in list order (so the result is deterministic).
 * Each event gets one exact number, its age from the newest times POSITIONS plus its
 * position, so a native numeric sort orders them without a comparator call per pair.
 */
export function newestFirst(times: readonly number[]): Uint32Array {
  const n = times.length;
  const order = new Uint32Array(n);
  let lo = Infinity;
  let hi = -Infinity;
  let whole = true;
  for (let k = 0; k < n; k++) {
    const t = times[k];
    if (t < lo) lo = t;
    if (t > hi) hi = t;
    if (!Number.isInteger(t)) whole = false;
  }
  // Keys stay exact integers below 2^53: ages under 2^31 ms, positions under 2^21.
  if (whole && n < POSITIONS && !(hi - lo >= 2 ** 31)) {
    const keys = new Float64Array(n);
    for (let k = 0; k < n; k++) keys[k] = (hi - times[k]) * POSITIONS + k;
    keys.sort();
    for (let k = 0; k < n; k++) order[k] = keys[k] % POSITIONS;
    return order;
  }
  for (let k = 0; k < n; k++) order[k] = k;
  order.sort((a, b) => times[b] - times[a] || a - b);
  return order;
}

export class DemoActivities {
  private readonly dayCache = new Map<number, DayData>();
  private cachedActivities = 0;
  private readonly cacheBudget: number;
  /** Frozen actors and home addresses by user index (arrays: looked up per activity). */
  private readonly actorCache: (Activity['actor'] | undefined)[] = [];
  private readonly courseParams = new Map<string, Param[]>();
  private readonly etagPrefix: string;
  private readonly homeIp: (string | undefined)[] = [];
  private readonly userParams = new Map<number, Param>();
  private readonly cwParams = new Map<string, Param[]>();

  constructor(
    readonly m: DistrictModel,
    readonly gen: EventGenerator,
    cacheActivities = 60_000,
  ) {
    this.cacheBudget = cacheActivities;
    this.etagPrefix = tag(hash4(m.seed, 0xe7a9), 16);
  }

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
      const order = newestFirst(times);
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
    let a = this.actorCache[ui];
    if (a === undefined) {
      const u = this.m.users[ui];
      a = Object.freeze({callerType: 'USER', email: u.email, profileId: u.id});
      this.actorCache[ui] = a;
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
    let home = this.homeIp[e.actor];
    if (home === undefined) {
      home = this.homeAddress(e.actor);
      this.homeIp[e.actor] = home;
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
    const q = String(1 + (h1 % 922337202)) + pad10u32(h2);
    const appName = e.app === APP_LOGIN ? 'login' : 'classroom';
    return {
      kind: 'audit#activity',
      id: {
        time: fastRfc3339(e.ms),
        uniqueQualifier: (h2 & 1) === 1 ? '-' + q : q,
        applicationName: appName,
        customerId: m.customerId,
      },
      etag: '"' + this.etagPrefix + base36u32(h1) + '/' + base36u32(h2) + '"',
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
          ? DemoActivities.SAML_PARAMS
          : DemoActivities.LOGIN_PARAMS;
      case EVENT.logout:
        return DemoActivities.LOGOUT_PARAMS;
      case EVENT.loginFailure:
        return DemoActivities.FAILURE_PARAMS;
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
        {name: 'course_work_title', value: courseWorkTitle(this.m, cw)},
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
}
