/**
 * Canonical daily facts (pure).
 *
 * A DayAccumulator collects one day partition's clean events per pseudonymous user,
 * survives being saved and restored when the day is split across executions, and
 * finally turns into DailyFact rows per school x role x app plus, for exact weekly
 * distinct counts, the sorted short keys of the users active in each group.
 *
 * Definitions (the same for every source):
 * - activeUsers: distinct users with at least one counted event of the app that day;
 *   the `workspace` row counts users active in any app.
 * - events: counted events (failed logins and security alerts are not engagement).
 * - logins: login_success events (login and workspace rows; 0 elsewhere, where
 *   loginsPerActive is null).
 * - sessionMinutes (workspace row, flagged `estimated`): per user, the day's login and
 *   activity timestamps are split into sessions at gaps over 30 minutes; a session lasts
 *   from its first to its last event plus 5 minutes for the activity after the last event.
 * - pctAccess = activeUsers / enrolledUsers x 100; engagementIndex = events per 1,000
 *   enrolled users; both null when nobody is enrolled.
 */
import type {DailyFact, FactFlag, Role} from '../core/types';
import {shortKey} from '../core/privacy';

export const SESSION_GAP_MINUTES = 30;
export const SESSION_TAIL_MINUTES = 5;
/** The school of users the Directory does not place in any school. */
export const NO_SCHOOL = '_none';
export const WORKSPACE_APP = 'workspace';
export const ROLE_ORDER: Role[] = ['student', 'teacher', 'staff', 'unknown'];

/** Per-app counters, in this order. */
export const METRICS = [
  'events',
  'assignmentsCreated',
  'submissionsTurnedIn',
  'lateSubmissions',
  'workReturned',
  'gradesEntered',
  'comments',
  'announcements',
] as const;
export type Metric = (typeof METRICS)[number];
const M = METRICS.length;
const METRIC_INDEX: Record<Metric, number> = Object.fromEntries(
  METRICS.map((m, i) => [m, i]),
) as Record<Metric, number>;

/** Event kinds (see clean/activities) and the metric each adds to besides `events`. */
const KIND_METRIC: Record<string, Metric | null> = {
  login: null,
  logout: null,
  activity: null,
  created: 'assignmentsCreated',
  turned_in: 'submissionsTurnedIn',
  returned: 'workReturned',
  grade: 'gradesEntered',
  comment: 'comments',
  announcement: 'announcements',
};

/**
 * One user's day. Plain arrays rather than a Map and a Set per user: a large district's
 * day holds tens of thousands of these while its pages are read, and they outlive the
 * young generation.
 */
interface UserDay {
  /** Apps (bit per app index) the user was active in. */
  active: number;
  /** Counters per app index (null: none yet), METRICS order. */
  counts: (number[] | null)[];
  logins: number;
  /** Event minutes, unsorted, repeats allowed (sessionMinutes reads a repeat as nothing). */
  minutes: number[];
}

export interface Attribution {
  schoolId: string;
  role: Role;
}

/** A school x role group to report even when nobody in it was active. */
export interface EnrolledGroup {
  schoolId: string;
  role: Role;
  enrolled: number;
}

export interface FinalizeOptions {
  day: string;
  /** Apps to report rows for (workspace is added). */
  apps: string[];
  /** School and role of a user key; null when the Directory does not know the user. */
  attribute: (userKey: string) => Attribution | null;
  groups: EnrolledGroup[];
  /** Flags of the whole day partition (partial, imputed). */
  flags: FactFlag[];
  /** False when the source has no event timestamps (session minutes unknown). */
  timestamps: boolean;
  product?: string;
}

export interface DayFacts {
  facts: DailyFact[];
  /** Group key (schoolId \t role \t app) -> sorted short user keys. */
  userSets: Map<string, string[]>;
  /** Active user keys the Directory could not place (users in no school). */
  unplacedUsers: number;
}

export function groupKey(schoolId: string, role: string, app: string): string {
  return `${schoolId}\t${role}\t${app}`;
}

export function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** Estimated session minutes of one user's sorted distinct event minutes. */
export function sessionMinutes(sortedMinutes: number[]): number {
  if (sortedMinutes.length === 0) return 0;
  let total = 0;
  let start = sortedMinutes[0];
  let last = start;
  for (let i = 1; i < sortedMinutes.length; i++) {
    const m = sortedMinutes[i];
    if (m - last > SESSION_GAP_MINUTES) {
      total += last - start + SESSION_TAIL_MINUTES;
      start = m;
    }
    last = m;
  }
  return total + (last - start + SESSION_TAIL_MINUTES);
}

export class DayAccumulator {
  private readonly users = new Map<string, UserDay>();
  /** Counters known only per group (e.g. Classroom history on days past retention). */
  private readonly groupCounts = new Map<string, number[]>();

  constructor(readonly apps: readonly string[]) {}

  private appIndex(app: string): number {
    const i = this.apps.indexOf(app);
    if (i < 0)
      throw new Error(`app "${app}" is not one of ${this.apps.join(', ')}`);
    return i;
  }

  private user(key: string): UserDay {
    let u = this.users.get(key);
    if (!u) {
      u = {
        active: 0,
        counts: new Array<number[] | null>(this.apps.length).fill(null),
        logins: 0,
        minutes: [],
      };
      this.users.set(key, u);
    }
    return u;
  }

  private counters(u: UserDay, appIdx: number): number[] {
    let c = u.counts[appIdx];
    if (!c) {
      c = new Array<number>(M).fill(0);
      u.counts[appIdx] = c;
    }
    return c;
  }

  get userCount(): number {
    return this.users.size;
  }

  /**
   * One clean event. `minute` is minutes since local midnight (null when unknown).
   * Returns false for kinds that are not engagement (nothing is counted).
   */
  addEvent(
    userKey: string,
    app: string,
    kind: string,
    late: boolean,
    minute: number | null,
  ): boolean {
    if (!(kind in KIND_METRIC)) return false;
    const u = this.user(userKey);
    const i = this.appIndex(app);
    u.active |= 1 << i;
    const c = this.counters(u, i);
    c[0]++;
    const metric = KIND_METRIC[kind];
    if (metric) c[METRIC_INDEX[metric]]++;
    if (kind === 'turned_in' && late) c[METRIC_INDEX.lateSubmissions]++;
    if (kind === 'login') u.logins++;
    if (minute !== null) {
      const ms = u.minutes;
      // Events of one minute often come together: skip the repeat at hand.
      if (ms.length === 0 || ms[ms.length - 1] !== minute) ms.push(minute);
    }
    return true;
  }

  /**
   * Activity known from a usage report rather than from events: the user was active in
   * the app. A login counts as one login event (the report has no per-day login count);
   * other activity adds no event (events then come from addGroupCounts).
   */
  addUsage(userKey: string, app: string, login: boolean): void {
    const u = this.user(userKey);
    const i = this.appIndex(app);
    u.active |= 1 << i;
    const c = this.counters(u, i);
    if (login) {
      c[0]++;
      u.logins++;
    }
  }

  /** Adds counters that are known per school x role, not per user. */
  addGroupCounts(
    schoolId: string,
    role: Role,
    app: string,
    metric: Metric,
    n: number,
  ): void {
    this.appIndex(app);
    const k = groupKey(schoolId, role, app);
    let c = this.groupCounts.get(k);
    if (!c) {
      c = new Array<number>(M).fill(0);
      this.groupCounts.set(k, c);
    }
    c[METRIC_INDEX[metric]] += n;
    if (metric !== 'events' && metric !== 'lateSubmissions') c[0] += n;
  }

  finalize(opt: FinalizeOptions): DayFacts {
    const product = opt.product ?? '';
    const appsOut = [
      ...opt.apps.filter(a => a !== WORKSPACE_APP),
      WORKSPACE_APP,
    ];
    const wsOut = appsOut.length - 1;
    interface Agg {
      schoolId: string;
      role: Role;
      app: string;
      /** Ranks of the role and app in the row order (compareGroupKeys). */
      roleRank: number;
      appRank: number;
      users: string[];
      counts: number[];
      logins: number;
      session: number;
    }
    const aggs = new Map<string, Agg>();
    const agg = (school: string, role: Role, app: string): Agg => {
      const k = groupKey(school, role, app);
      let a = aggs.get(k);
      if (!a) {
        a = {
          schoolId: school,
          role,
          app,
          roleRank: ROLE_ORDER.indexOf(role),
          appRank: appRank(appsOut, app),
          users: [],
          counts: new Array<number>(M).fill(0),
          logins: 0,
          session: 0,
        };
        aggs.set(k, a);
      }
      return a;
    };
    // A school and role's groups by appsOut index: the user loop finds its groups without
    // building a key string per user and app.
    const slotsBy = new Map<string, Map<string, (Agg | undefined)[]>>();
    const slotsOf = (school: string, role: Role): (Agg | undefined)[] => {
      let byRole = slotsBy.get(school);
      if (byRole === undefined) {
        byRole = new Map();
        slotsBy.set(school, byRole);
      }
      let slots = byRole.get(role);
      if (slots === undefined) {
        slots = new Array<Agg | undefined>(appsOut.length).fill(undefined);
        byRole.set(role, slots);
      }
      return slots;
    };
    const enrolled = new Map<string, number>();
    for (const g of opt.groups) {
      enrolled.set(`${g.schoolId}\t${g.role}`, g.enrolled);
      for (const app of appsOut) agg(g.schoolId, g.role, app);
    }
    let unplaced = 0;
    // Per accumulator app: its index in appsOut (-1: not reported).
    const outIndex = this.apps.map(a => appsOut.indexOf(a));
    for (const [key, u] of this.users) {
      const at = opt.attribute(key);
      const school = at?.schoolId ?? NO_SCHOOL;
      const role: Role = at?.role ?? 'unknown';
      if (!at || at.schoolId === NO_SCHOOL) unplaced++;
      const slots = slotsOf(school, role);
      const ws = (slots[wsOut] ??= agg(school, role, WORKSPACE_APP));
      const short = shortKey(key);
      let any = false;
      for (let appIdx = 0; appIdx < u.counts.length; appIdx++) {
        const c = u.counts[appIdx];
        const j = outIndex[appIdx];
        if (!c || !(j >= 0) || !(u.active & (1 << appIdx))) continue;
        const app = this.apps[appIdx];
        const a = (slots[j] ??= agg(school, role, app));
        a.users.push(short);
        for (let i = 0; i < M; i++) {
          a.counts[i] += c[i];
          ws.counts[i] += c[i];
        }
        if (app === 'login') a.logins += u.logins;
        any = true;
      }
      if (!any) continue;
      ws.users.push(short);
      ws.logins += u.logins;
      if (u.minutes.length > 0) {
        ws.session += sessionMinutes(sortNumbers(u.minutes));
      }
    }
    for (const [k, c] of this.groupCounts) {
      const [school, role, app] = k.split('\t');
      if (!appsOut.includes(app)) continue;
      const a = agg(school, role as Role, app);
      const ws = agg(school, role as Role, WORKSPACE_APP);
      for (let i = 0; i < M; i++) {
        a.counts[i] += c[i];
        ws.counts[i] += c[i];
      }
    }
    const facts: DailyFact[] = [];
    const userSets = new Map<string, string[]>();
    // compareGroupKeys' order, read from the groups' fields (a sort splits no keys).
    // Every row's flags are one of two lists: each sorted once, copied per row (rows
    // are merged later by pushing onto their flags).
    const rowFlags = sortFlags(opt.flags);
    const wsFlags = opt.flags.includes('estimated')
      ? rowFlags
      : sortFlags([...opt.flags, 'estimated']);
    const sortedAggs = [...aggs.values()].sort((x, y) =>
      x.schoolId !== y.schoolId
        ? x.schoolId < y.schoolId
          ? -1
          : 1
        : x.roleRank - y.roleRank || x.appRank - y.appRank,
    );
    for (const a of sortedAggs) {
      const {schoolId, role, app} = a;
      const k = groupKey(schoolId, role, app);
      // Sorted, then repeats (two keys sharing their short prefix) dropped: no Set per group.
      const sorted = distinctStrings(a.users.sort());
      userSets.set(k, sorted);
      const enr = enrolled.get(`${schoolId}\t${role}`) ?? 0;
      const active = sorted.length;
      const isLoginApp = app === 'login' || app === WORKSPACE_APP;
      let flags = rowFlags;
      let session: number | null = null;
      if (app === WORKSPACE_APP && opt.timestamps) {
        session = a.session;
        flags = wsFlags;
      }
      const c = a.counts;
      facts.push({
        date: opt.day,
        schoolId,
        role,
        app,
        product,
        activeUsers: active,
        enrolledUsers: enr,
        pctAccess: enr > 0 ? round4((active / enr) * 100) : null,
        events: c[0],
        engagementIndex: enr > 0 ? round4((c[0] / enr) * 1000) : null,
        logins: isLoginApp ? a.logins : 0,
        loginsPerActive:
          isLoginApp && active > 0 ? round4(a.logins / active) : null,
        sessionMinutes: session,
        assignmentsCreated: c[METRIC_INDEX.assignmentsCreated],
        submissionsTurnedIn: c[METRIC_INDEX.submissionsTurnedIn],
        lateSubmissions: c[METRIC_INDEX.lateSubmissions],
        workReturned: c[METRIC_INDEX.workReturned],
        gradesEntered: c[METRIC_INDEX.gradesEntered],
        comments: c[METRIC_INDEX.comments],
        announcements: c[METRIC_INDEX.announcements],
        flags: flags.slice(),
      });
    }
    return {facts, userSets, unplacedUsers: unplaced};
  }

  /** Compact text form (user keys are base64url, so `|;:,` never occur in them). */
  serialize(): string {
    const lines: string[] = [this.apps.join(',')];
    for (const [key, u] of this.users) {
      const counts = u.counts
        .map((c, i) => (c ? `${i}:${trimZeros(c).join(',')}` : ''))
        .filter(part => part !== '')
        .join(';');
      const minutes = distinctSorted(u.minutes).join(',');
      lines.push(`${key}|${u.logins}|${counts}|${minutes}|${u.active}`);
    }
    for (const [k, c] of this.groupCounts) {
      lines.push(`#${k.split('\t').join('|')}|${trimZeros(c).join(',')}`);
    }
    return lines.join('\n');
  }

  static deserialize(text: string): DayAccumulator {
    const lines = text.split('\n');
    const acc = new DayAccumulator(lines[0] ? lines[0].split(',') : []);
    for (let li = 1; li < lines.length; li++) {
      const line = lines[li];
      if (!line) continue;
      if (line[0] === '#') {
        const [school, role, app, nums] = line.slice(1).split('|');
        acc.groupCounts.set(groupKey(school, role, app), padCounts(nums));
        continue;
      }
      const [key, logins, counts, minutes, active] = line.split('|');
      const u: UserDay = {
        active: Number(active) || 0,
        counts: new Array<number[] | null>(acc.apps.length).fill(null),
        logins: Number(logins) || 0,
        minutes: minutes ? minutes.split(',').map(Number) : [],
      };
      if (counts) {
        for (const part of counts.split(';')) {
          const [i, nums] = part.split(':');
          u.counts[Number(i)] = padCounts(nums);
        }
      }
      acc.users.set(key, u);
    }
    return acc;
  }
}

/** A sorted list without its repeats (`v` itself when it has none). */
function distinctStrings(v: string[]): string[] {
  for (let i = 1; i < v.length; i++) {
    if (v[i] === v[i - 1]) return v.filter((x, j) => j === 0 || x !== v[j - 1]);
  }
  return v;
}

/**
 * `v` sorted ascending in place, as `v.sort((a, b) => a - b)` sorts it. A user's minutes
 * are a few numbers: an insertion sort orders them without the work arrays every
 * Array.prototype.sort call allocates (the largest allocation of a day's finalize).
 * Both sorts are stable, so they agree wherever the comparison is consistent, i.e. when
 * no value is NaN; an array holding NaN takes Array.prototype.sort.
 */
export function sortNumbers(v: number[]): number[] {
  const n = v.length;
  if (n > SMALL_SORT) return v.sort((a, b) => a - b);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(v[i])) return v.sort((a, b) => a - b);
  }
  for (let i = 1; i < n; i++) {
    const x = v[i];
    let j = i - 1;
    while (j >= 0 && v[j] > x) {
      v[j + 1] = v[j];
      j--;
    }
    v[j + 1] = x;
  }
  return v;
}

/** Longest array sortNumbers sorts by insertion (quadratic: keep it small). */
const SMALL_SORT = 32;

/** The distinct values of `v`, ascending (sorts `v` in place). */
function distinctSorted(v: number[]): number[] {
  sortNumbers(v);
  return v.filter((x, i) => i === 0 || x !== v[i - 1]);
}

function trimZeros(c: number[]): number[] {
  let n = c.length;
  while (n > 1 && c[n - 1] === 0) n--;
  return c.slice(0, n);
}

function padCounts(text: string | undefined): number[] {
  const c = new Array<number>(M).fill(0);
  if (!text) return c;
  text.split(',').forEach((v, i) => {
    if (i < M) c[i] = Number(v) || 0;
  });
  return c;
}

const FLAG_ORDER: FactFlag[] = [
  'partial',
  'imputed',
  'estimated',
  'suppressed',
  'closed',
];

export function sortFlags(flags: FactFlag[]): FactFlag[] {
  return [...new Set(flags)].sort(
    (a, b) => FLAG_ORDER.indexOf(a) - FLAG_ORDER.indexOf(b),
  );
}

/** Rows sort by school, then role in ROLE_ORDER, then app in the given order. */
export function compareGroupKeys(
  apps: string[],
): (a: string, b: string) => number {
  return (a, b) => {
    const [sa, ra, aa] = a.split('\t');
    const [sb, rb, ab] = b.split('\t');
    if (sa !== sb) return sa < sb ? -1 : 1;
    const r = ROLE_ORDER.indexOf(ra as Role) - ROLE_ORDER.indexOf(rb as Role);
    if (r !== 0) return r;
    return appRank(apps, aa) - appRank(apps, ab);
  };
}

function appRank(apps: string[], app: string): number {
  const i = apps.indexOf(app);
  return i < 0 ? apps.length : i;
}

/** Compares facts in the store's order: date, school, role, app, product. */
export function compareFacts(a: DailyFact, b: DailyFact): number {
  if (a.date !== b.date) return a.date < b.date ? -1 : 1;
  if (a.schoolId !== b.schoolId) return a.schoolId < b.schoolId ? -1 : 1;
  const r = ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role);
  if (r !== 0) return r;
  if (a.app !== b.app) return a.app < b.app ? -1 : 1;
  if (a.product !== b.product) return a.product < b.product ? -1 : 1;
  return 0;
}
