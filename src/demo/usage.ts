/**
 * The demo district's Reports API user usage reports: one per user and date, with the
 * account, sign-in and Classroom parameters of Google's usage report, counted from what
 * users did whether or not the audit log delivered it.
 */
import type {UsageReport} from '../offline/workspace-data';
import {freezeDeep, tag} from './api-values';
import {parseIsoDate, rfc3339} from './dates';
import {BUNDLE_SPAN, EVENT, EventGenerator} from './events';
import type {DemoDirectory} from './directory';
import {DistrictModel, UserSpec} from './model';
import {hash4} from './random';

type UsageParam = NonNullable<UsageReport['parameters']>[number];

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

export class DemoUsage {
  constructor(
    readonly m: DistrictModel,
    private readonly gen: EventGenerator,
    private readonly directory: DemoDirectory,
  ) {}

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
      const last = this.directory.lastLogin(u, i);
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
}
