/**
 * The advanced services AdminReports, AdminDirectory, Classroom and BigQuery,
 * paging over a WorkspaceData (or a BigQuery backend) with the real services'
 * page sizes, retention windows, data latency, rate limits and error shapes.
 */
import {createHash} from 'node:crypto';
import type {Engine} from './engine';
import {zonedParts} from './tz';
import type {
  Activity,
  DirectoryUser,
  OrgUnit,
  StudentSubmission,
  UsageReport,
  WorkspaceData,
} from './workspace-data';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface ApiLimits {
  /** Activities older than this are gone (Reports API: 180 days). */
  activityRetentionDays: number;
  /** Usage reports older than this are gone (Reports API: 450 days). */
  usageRetentionDays: number;
  /** Delay before an activity shows up, by application ('*' for the rest). */
  activityLatencyMs: Record<string, number>;
  /** The newest usage date served is today (PST) minus this many days. */
  usageLagDays: number;
  /** That many of the newest served dates are partial (PARTIAL_DATA_AVAILABLE). */
  usagePartialDays: number;
  /** Share of rows a partial usage date holds. */
  usagePartialShare: number;
  /** Reports API queries per minute per user (over: 503). */
  reportsPerMinute: number;
  /** Activities filter queries per minute and per hour (over: 503). */
  reportsFilterPerMinute: number;
  reportsFilterPerHour: number;
  /** Directory API queries per minute per user (over: 403 userRateLimitExceeded). */
  directoryPerMinute: number;
  /** Classroom API queries per minute per user (over: 429 RESOURCE_EXHAUSTED). */
  classroomPerMinute: number;
}

export const DEFAULT_API_LIMITS: ApiLimits = {
  activityRetentionDays: 180,
  usageRetentionDays: 450,
  activityLatencyMs: {'*': 3 * HOUR, classroom: 10 * MINUTE},
  usageLagDays: 2,
  usagePartialDays: 1,
  usagePartialShare: 0.5,
  reportsPerMinute: 2400,
  reportsFilterPerMinute: 250,
  reportsFilterPerHour: 15000,
  directoryPerMinute: 2400,
  classroomPerMinute: 1200,
};

/**
 * The applications activities.list serves: the applicationName pattern of Admin SDK
 * reports_v1 (@googleapis/admin 37.0.0); test/contract holds this list to it.
 */
export const REPORT_APPLICATIONS = [
  'access_evaluation',
  'access_transparency',
  'admin',
  'admin_data_action',
  'assignments',
  'calendar',
  'chat',
  'chrome',
  'chrome_sync',
  'classroom',
  'cloud_search',
  'contacts',
  'context_aware_access',
  'data_migration',
  'data_studio',
  'directory_sync',
  'drive',
  'gcp',
  'gemini_in_workspace_apps',
  'gmail',
  'gplus',
  'graduation',
  'groups',
  'groups_enterprise',
  'jamboard',
  'keep',
  'ldap',
  'login',
  'meet',
  'meet_hardware',
  'mobile',
  'profile',
  'rules',
  'saml',
  'takeout',
  'tasks',
  'token',
  'user_accounts',
  'vault',
  'voice',
  'workspace_studio',
];

/** Applications whose parameters a user usage report names (its `parameters` pattern). */
export const USER_USAGE_APPLICATIONS = [
  'accounts',
  'calendar',
  'chat',
  'classroom',
  'cros',
  'device_management',
  'docs',
  'drive',
  'gmail',
  'gplus',
  'sites',
];

/** Applications whose parameters a customer usage report names. */
export const CUSTOMER_USAGE_APPLICATIONS = [
  ...USER_USAGE_APPLICATIONS,
  'app_maker',
  'apps_scripts',
  'meet',
].sort();

const COURSE_STATES = [
  'COURSE_STATE_UNSPECIFIED',
  'ACTIVE',
  'ARCHIVED',
  'PROVISIONED',
  'DECLINED',
  'SUSPENDED',
];
const ITEM_STATES = (prefix: string) => [
  `${prefix}_STATE_UNSPECIFIED`,
  'PUBLISHED',
  'DRAFT',
  'DELETED',
];
const PROJECTION = ['basic', 'custom', 'full'];
const VIEW_TYPE = ['admin_view', 'domain_public'];

/**
 * The values Google's reference pages allow for each enum query parameter, by method.
 * A request with another value is refused with 400, as the services do; test/contract
 * holds these lists to the contract.
 */
export const PARAMETER_ENUMS: Record<string, Record<string, string[]>> = {
  'directory.orgunits.list': {type: ['all', 'children', 'allIncludingParent']},
  'directory.users.list': {
    event: ['add', 'delete', 'makeAdmin', 'undelete', 'update'],
    orderBy: ['email', 'familyName', 'givenName'],
    projection: PROJECTION,
    sortOrder: ['ASCENDING', 'DESCENDING'],
    viewType: VIEW_TYPE,
  },
  'directory.users.get': {projection: PROJECTION, viewType: VIEW_TYPE},
  'classroom.courses.list': {courseStates: COURSE_STATES},
  'classroom.courses.courseWork.list': {
    courseWorkStates: ITEM_STATES('COURSE_WORK'),
  },
  'classroom.courses.courseWork.studentSubmissions.list': {
    states: [
      'SUBMISSION_STATE_UNSPECIFIED',
      'NEW',
      'CREATED',
      'TURNED_IN',
      'RETURNED',
      'RECLAIMED_BY_STUDENT',
    ],
    late: ['LATE_VALUES_UNSPECIFIED', 'LATE_ONLY', 'NOT_LATE_ONLY'],
  },
  'classroom.courses.announcements.list': {
    announcementStates: ITEM_STATES('ANNOUNCEMENT'),
  },
};

/** Sliding-window rate limit on the simulated clock. */
class RateWindow {
  private readonly hits: number[] = [];
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}
  take(now: number): boolean {
    while (this.hits.length && this.hits[0] <= now - this.windowMs)
      this.hits.shift();
    if (this.hits.length >= this.limit) return false;
    this.hits.push(now);
    return true;
  }
}

/** Opaque page tokens bound to the request they page through. */
function fingerprint(parts: unknown): string {
  return createHash('sha1')
    .update(JSON.stringify(parts))
    .digest('base64url')
    .slice(0, 16);
}
function makeToken(fp: string, offset: number, ...extras: number[]): string {
  return Buffer.from([fp, offset, ...extras].join('.')).toString('base64url');
}
function readToken(
  token: string,
  fp: string,
): {offset: number; extras: number[]} | null {
  const s = Buffer.from(String(token), 'base64url').toString();
  const m = /^([\w-]+)((?:\.\d+)+)$/.exec(s);
  if (!m || m[1] !== fp) return null;
  const [offset, ...extras] = m[2].slice(1).split('.').map(Number);
  return {offset, extras};
}

type Args = Record<string, unknown>;

class Api {
  constructor(
    readonly engine: Engine,
    readonly limits: ApiLimits,
  ) {}
  /** One API call: counted, charged, fault-injectable, rate-limited. */
  serve<T>(
    name: string,
    api: string,
    rate: (() => void) | null,
    fn: () => T,
    items: (r: T) => number,
  ): T {
    return this.engine.call(
      name,
      () => {
        if (rate) rate();
        const r = fn();
        this.engine.charge(items(r) * this.engine.costs.perApiItem);
        return this.engine.toRealm(r);
      },
      {api},
    );
  }
  bad(api: string, message: string, code = 400, reason?: string): Error {
    return this.engine.apiError(api, code, message, reason);
  }
  pageSize(
    api: string,
    v: unknown,
    def: number,
    max: number,
    strict: boolean,
  ): number {
    if (v === undefined || v === null || v === 0) return def;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || (strict && n > max)) {
      throw this.bad(
        api,
        `Invalid value '${String(v)}'. Values must be within the range: [1, ${max}]`,
        400,
        'invalid',
      );
    }
    return Math.min(n, max);
  }
  /** Refuses a value outside its enum, with the message style of the method's API. */
  enums(api: string, args: Args): void {
    for (const [param, allowed] of Object.entries(PARAMETER_ENUMS[api] ?? {})) {
      const v = args[param];
      if (v === undefined || v === null) continue;
      for (const x of Array.isArray(v) ? v : [v]) {
        if (allowed.includes(String(x))) continue;
        throw this.bad(
          api,
          api.startsWith('classroom.')
            ? `Invalid value at '${param}' (${param}), "${String(x)}"`
            : `Invalid string value: '${String(x)}'. Allowed values: [${allowed.join(', ')}]`,
          400,
          'invalid',
        );
      }
    }
  }
  /** Pages `all` with a token bound to `fp`. */
  page<T>(
    api: string,
    all: T[],
    size: number,
    token: unknown,
    fp: string,
  ): {items: T[]; next?: string; offset: number} {
    let offset = 0;
    if (token !== undefined && token !== null && token !== '') {
      const t = readToken(String(token), fp);
      if (!t) throw this.bad(api, 'Invalid page token.', 400, 'invalid');
      offset = t.offset;
    }
    const items = all.slice(offset, offset + size);
    const nextOffset = offset + items.length;
    return {
      items,
      offset,
      next: nextOffset < all.length ? makeToken(fp, nextOffset) : undefined,
    };
  }
}

function parseRfc3339(
  api: Api,
  name: string,
  field: string,
  v: unknown,
): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const s = String(v);
  const ms =
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s)
      ? Date.parse(s)
      : NaN;
  if (Number.isNaN(ms)) {
    throw api.bad(
      name,
      `Invalid value '${s}' for ${field}; it must be an RFC 3339 timestamp.`,
      400,
      'invalid',
    );
  }
  return ms;
}

/** `param<op>value` comma-separated, as Reports filters are written. */
function parseFilters(
  api: Api,
  name: string,
  filters: unknown,
): {param: string; op: string; value: string}[] {
  if (filters === undefined || filters === null || filters === '') return [];
  return String(filters)
    .split(',')
    .map(f => {
      const m = /^([\w:.-]+)(==|<>|<=|>=|<|>)(.*)$/.exec(f.trim());
      if (!m) throw api.bad(name, `Invalid filter: ${f}`, 400, 'invalid');
      return {param: m[1], op: m[2], value: m[3]};
    });
}

function compare(a: unknown, op: string, b: string): boolean {
  const an = Number(a);
  const bn = Number(b);
  const numeric =
    a !== '' &&
    a !== null &&
    a !== undefined &&
    !Number.isNaN(an) &&
    !Number.isNaN(bn);
  const x = numeric ? an : String(a);
  const y = numeric ? bn : b;
  switch (op) {
    case '==':
      return x === y;
    case '<>':
      return x !== y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    default:
      return x >= y;
  }
}

function paramValue(p: {
  value?: string | null;
  intValue?: string | null;
  boolValue?: boolean | null;
  multiValue?: string[] | null;
}): unknown {
  if (p.value !== undefined && p.value !== null) return p.value;
  if (p.intValue !== undefined && p.intValue !== null) return p.intValue;
  if (p.boolValue !== undefined && p.boolValue !== null)
    return String(p.boolValue);
  return p.multiValue?.join(',');
}

/** Users in an org unit or below it, by orgUnitID (`id:...`) or path. */
function usersUnder(
  data: WorkspaceData,
  orgUnitId: string,
): Set<string> | null {
  const ous = data.orgUnits();
  const id = orgUnitId.startsWith('id:') ? orgUnitId : `id:${orgUnitId}`;
  const ou = ous.find(o => o.orgUnitId === id || o.orgUnitPath === orgUnitId);
  if (!ou) return null;
  const path = ou.orgUnitPath ?? '/';
  const emails = new Set<string>();
  for (const u of data.users()) {
    const p = u.orgUnitPath ?? '/';
    if (p === path || p.startsWith(path === '/' ? '/' : `${path}/`)) {
      if (u.primaryEmail) emails.add(u.primaryEmail.toLowerCase());
    }
  }
  return emails;
}

const PST = 'GMT-8';
function pstDate(ms: number): string {
  const p = zonedParts(ms, PST);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}
function addDays(date: string, n: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + n * DAY;
  return new Date(t).toISOString().slice(0, 10);
}
function hashShare(s: string): number {
  return createHash('sha1').update(s).digest().readUInt32BE(0) / 2 ** 32;
}

/** A sorted Users.list result and the (user, key) sequence it was sorted from. */
class SortedUsers {
  constructor(
    private readonly users: DirectoryUser[],
    private readonly keys: string[],
    private readonly sorted: DirectoryUser[],
  ) {}
  /** The sorted list if `users` and `keys` are the same sequence as before. */
  reuse(users: DirectoryUser[], keys: string[]): DirectoryUser[] | undefined {
    if (users.length !== this.users.length) return undefined;
    for (let i = 0; i < users.length; i++) {
      if (users[i] !== this.users[i] || keys[i] !== this.keys[i])
        return undefined;
    }
    return this.sorted;
  }
}

/* ------------------------------------------------------------ AdminReports */

export function makeAdminReports(
  engine: Engine,
  data: WorkspaceData,
  limits?: Partial<ApiLimits>,
) {
  const L = {
    ...DEFAULT_API_LIMITS,
    ...limits,
    activityLatencyMs: {
      ...DEFAULT_API_LIMITS.activityLatencyMs,
      ...(limits?.activityLatencyMs ?? {}),
    },
  };
  const api = new Api(engine, L);
  const perMinute = new RateWindow(L.reportsPerMinute, MINUTE);
  const filterMinute = new RateWindow(L.reportsFilterPerMinute, MINUTE);
  const filterHour = new RateWindow(L.reportsFilterPerHour, HOUR);
  const limitGeneral = (name: string) => () => {
    if (!perMinute.take(engine.now())) {
      throw api.bad(
        name,
        "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user'.",
        503,
        'rateLimitExceeded',
      );
    }
  };
  // Result lists of recent activity queries, so paging does not re-scan the data.
  const cache = new Map<string, Activity[]>();
  const remember = (k: string, v: Activity[]) => {
    cache.set(k, v);
    if (cache.size > 16) cache.delete(cache.keys().next().value as string);
    return v;
  };

  const activitiesList = (
    userKey: string,
    applicationName: string,
    optionalArgs: Args = {},
  ) => {
    const name = 'reports.activities.list';
    const args = optionalArgs ?? {};
    const filtered =
      (userKey !== 'all' && userKey !== undefined) ||
      [
        'eventName',
        'filters',
        'orgUnitID',
        'actorIpAddress',
        'groupIdFilter',
      ].some(k => args[k] !== undefined && args[k] !== '');
    return api.serve(
      'AdminReports.Activities.list',
      name,
      () => {
        limitGeneral(name)();
        if (filtered) {
          const now = engine.now();
          if (!filterMinute.take(now) || !filterHour.take(now)) {
            throw api.bad(
              name,
              "Quota exceeded for quota metric 'Filter queries' and limit 'Filter queries per minute'.",
              503,
              'rateLimitExceeded',
            );
          }
        }
      },
      () => {
        if (!userKey)
          throw api.bad(name, 'Required parameter: userKey', 400, 'required');
        if (!REPORT_APPLICATIONS.includes(String(applicationName))) {
          throw api.bad(
            name,
            `Invalid value '${String(applicationName)}' for applicationName.`,
            400,
            'invalid',
          );
        }
        const app = String(applicationName);
        const now = engine.now();
        const size = api.pageSize(name, args.maxResults, 1000, 1000, true);
        const start = parseRfc3339(api, name, 'startTime', args.startTime);
        const end = parseRfc3339(api, name, 'endTime', args.endTime);
        if (start !== undefined && start > now)
          throw api.bad(
            name,
            'Start time can not be in the future.',
            400,
            'invalid',
          );
        if (start !== undefined && end !== undefined && start > end) {
          throw api.bad(
            name,
            'Start time must be less than or equal to end time.',
            400,
            'invalid',
          );
        }
        const fp = fingerprint([
          userKey,
          app,
          args.startTime,
          args.endTime,
          args.eventName,
          args.filters,
          args.orgUnitID,
          args.actorIpAddress,
        ]);
        // The first page fixes the window; later pages continue it.
        let visibleEnd: number;
        let from: number;
        if (args.pageToken) {
          const t = readToken(String(args.pageToken), fp);
          if (!t || t.extras.length !== 2) {
            throw api.bad(name, 'Invalid page token.', 400, 'invalid');
          }
          [visibleEnd, from] = t.extras;
        } else {
          const latency =
            L.activityLatencyMs[app] ?? L.activityLatencyMs['*'] ?? 0;
          visibleEnd = Math.min(end ?? now, now - latency);
          const retentionStart = now - L.activityRetentionDays * DAY;
          from = Math.max(start ?? retentionStart, retentionStart);
        }
        const key = `${fp}|${visibleEnd}|${from}`;
        let all = cache.get(key);
        if (!all) {
          let list =
            from < visibleEnd ? data.activities(app, from, visibleEnd) : [];
          if (userKey !== 'all') {
            const k = String(userKey).toLowerCase();
            list = list.filter(
              a =>
                a.actor?.email?.toLowerCase() === k ||
                a.actor?.profileId === userKey,
            );
          }
          if (args.eventName)
            list = list.filter(a =>
              a.events?.some(e => e.name === args.eventName),
            );
          const filters = parseFilters(api, name, args.filters);
          if (filters.length) {
            list = list.filter(a =>
              a.events?.some(
                e =>
                  (!args.eventName || e.name === args.eventName) &&
                  filters.every(f => {
                    const p = e.parameters?.find(x => x.name === f.param);
                    return p ? compare(paramValue(p), f.op, f.value) : false;
                  }),
              ),
            );
          }
          if (args.orgUnitID) {
            const emails = usersUnder(data, String(args.orgUnitID));
            if (!emails)
              throw api.bad(name, 'Org unit not found.', 404, 'notFound');
            list = list.filter(a =>
              emails.has(a.actor?.email?.toLowerCase() ?? ''),
            );
          }
          if (args.actorIpAddress)
            list = list.filter(a => a.ipAddress === args.actorIpAddress);
          all = remember(key, list);
        }
        let offset = 0;
        if (args.pageToken)
          offset = readToken(String(args.pageToken), fp)!.offset;
        const items = all.slice(offset, offset + size);
        const next =
          offset + items.length < all.length
            ? makeToken(fp, offset + items.length, visibleEnd, from)
            : undefined;
        const out: Record<string, unknown> = {
          kind: 'admin#reports#activities',
          etag: `"${fp}"`,
        };
        if (items.length) out.items = items;
        if (next) out.nextPageToken = next;
        return out;
      },
      r => ((r.items as unknown[]) ?? []).length,
    );
  };

  // The served rows of recent usage dates, for the next pages of a query (paging a large
  // district's report does not rebuild every user's report for each page).
  const usageRows = new Map<string, UsageReport[]>();
  /** The served rows of a usage date, the warnings they carry, or an error. */
  const usageFor = (
    name: string,
    date: unknown,
    apps: string[],
    continuation = false,
  ) => {
    const d = String(date);
    if (
      !/^\d{4}-\d{2}-\d{2}$/.test(d) ||
      Number.isNaN(Date.parse(`${d}T00:00:00Z`))
    ) {
      throw api.bad(
        name,
        `Invalid value '${d}' for date; it must be yyyy-mm-dd.`,
        400,
        'invalid',
      );
    }
    const today = pstDate(engine.now());
    const latest = addDays(today, -L.usageLagDays);
    if (d > latest) {
      throw api.bad(
        name,
        `Data for dates later than ${latest} is not yet available. Please check back later`,
        400,
        'invalid',
      );
    }
    const earliest = addDays(today, -L.usageRetentionDays);
    if (d < earliest) {
      throw api.bad(
        name,
        `Data for dates earlier than ${earliest} is not available.`,
        400,
        'invalid',
      );
    }
    const partial =
      d > addDays(latest, -L.usagePartialDays) || engine.partialByPlan(d);
    const key = `${d}|${partial}`;
    let rows = continuation ? usageRows.get(key) : undefined;
    const fresh = rows === undefined;
    rows ??= data.userUsage(d);
    const warnings: unknown[] = [];
    if (partial && fresh) {
      rows = rows.filter(
        r => hashShare(`${r.entity?.userEmail}|${d}`) < L.usagePartialShare,
      );
    }
    if (fresh) {
      usageRows.set(key, rows);
      if (usageRows.size > 4)
        usageRows.delete(usageRows.keys().next().value as string);
    }
    if (partial) {
      for (const app of apps.length ? apps : ['accounts', 'classroom']) {
        warnings.push({
          code: 'PARTIAL_DATA_AVAILABLE',
          message: `Partial data is available for date ${d} for application ${app}. Please check back later.`,
          data: [{key: 'application', value: app}],
        });
      }
    }
    return {rows, warnings};
  };

  /** `application:parameter` names of the applications the report covers. */
  const checkUsageParameters = (
    name: string,
    params: string[],
    apps: string[],
  ) => {
    for (const p of params) {
      const m = /^([a-z_]+):[a-z0-9_]+$/.exec(p);
      if (!m || !apps.includes(m[1])) {
        throw api.bad(
          name,
          `Invalid value '${p}'. Values must name a parameter of ${apps.join(', ')}`,
          400,
          'invalid',
        );
      }
    }
  };

  const selectParams = (r: UsageReport, params: string[]): UsageReport =>
    params.length
      ? {
          ...r,
          parameters: (r.parameters ?? []).filter(p =>
            params.includes(p.name ?? ''),
          ),
        }
      : r;

  const userUsageGet = (
    userKey: string,
    date: string,
    optionalArgs: Args = {},
  ) => {
    const name = 'reports.userUsageReport.get';
    const args = optionalArgs ?? {};
    return api.serve(
      'AdminReports.UserUsageReport.get',
      name,
      limitGeneral(name),
      () => {
        if (!userKey)
          throw api.bad(name, 'Required parameter: userKey', 400, 'required');
        const size = api.pageSize(name, args.maxResults, 1000, 1000, true);
        const params = args.parameters
          ? String(args.parameters)
              .split(',')
              .map(s => s.trim())
              .filter(Boolean)
          : [];
        checkUsageParameters(name, params, USER_USAGE_APPLICATIONS);
        const apps = [...new Set(params.map(p => p.split(':')[0]))];
        const {rows, warnings} = usageFor(
          name,
          date,
          apps,
          Boolean(args.pageToken),
        );
        let list = rows;
        if (userKey !== 'all') {
          const k = String(userKey).toLowerCase();
          list = list.filter(
            r =>
              r.entity?.userEmail?.toLowerCase() === k ||
              r.entity?.profileId === userKey,
          );
        }
        if (args.orgUnitID) {
          const emails = usersUnder(data, String(args.orgUnitID));
          if (!emails)
            throw api.bad(name, 'Org unit not found.', 404, 'notFound');
          list = list.filter(r =>
            emails.has(r.entity?.userEmail?.toLowerCase() ?? ''),
          );
        }
        const filters = parseFilters(api, name, args.filters);
        if (filters.length) {
          list = list.filter(r =>
            filters.every(f => {
              const p = r.parameters?.find(x => x.name === f.param);
              const v = p
                ? (p.intValue ??
                  p.stringValue ??
                  p.datetimeValue ??
                  (p.boolValue === undefined ? undefined : String(p.boolValue)))
                : undefined;
              return v !== undefined && compare(v, f.op, f.value);
            }),
          );
        }
        const fp = fingerprint([
          userKey,
          date,
          args.parameters,
          args.orgUnitID,
          args.filters,
        ]);
        const page = api.page(name, list, size, args.pageToken, fp);
        const out: Record<string, unknown> = {
          kind: 'admin#reports#usageReports',
          etag: `"${fp}"`,
        };
        if (page.items.length)
          out.usageReports = page.items.map(r => selectParams(r, params));
        if (page.next) out.nextPageToken = page.next;
        if (warnings.length) out.warnings = warnings;
        return out;
      },
      r => ((r.usageReports as unknown[]) ?? []).length,
    );
  };

  const customerUsageGet = (date: string, optionalArgs: Args = {}) => {
    const name = 'reports.customerUsageReports.get';
    const args = optionalArgs ?? {};
    return api.serve(
      'AdminReports.CustomerUsageReports.get',
      name,
      limitGeneral(name),
      () => {
        const params = args.parameters
          ? String(args.parameters)
              .split(',')
              .map(s => s.trim())
              .filter(Boolean)
          : [];
        checkUsageParameters(name, params, CUSTOMER_USAGE_APPLICATIONS);
        const apps = [...new Set(params.map(p => p.split(':')[0]))];
        const {rows, warnings} = usageFor(name, date, apps);
        let report: UsageReport;
        const own = data.customerUsage?.(String(date));
        if (own) {
          report = own;
        } else {
          // Sums of the users' integer parameters, plus the account count.
          const sums = new Map<string, number>();
          for (const r of rows) {
            for (const p of r.parameters ?? []) {
              if (p.intValue !== undefined && p.intValue !== null && p.name) {
                sums.set(p.name, (sums.get(p.name) ?? 0) + Number(p.intValue));
              }
            }
          }
          sums.set('accounts:num_users', data.users().length);
          report = {
            kind: 'admin#reports#usageReport',
            date: String(date),
            entity: {type: 'CUSTOMER', customerId: data.customerId},
            parameters: [...sums]
              .sort()
              .map(([n, v]) => ({name: n, intValue: String(v)})),
          };
        }
        const out: Record<string, unknown> = {
          kind: 'admin#reports#usageReports',
          etag: `"${fingerprint([date, args.parameters])}"`,
          usageReports: [selectParams(report, params)],
        };
        if (warnings.length) out.warnings = warnings;
        return out;
      },
      () => 1,
    );
  };

  return {
    Activities: {list: activitiesList},
    UserUsageReport: {get: userUsageGet},
    CustomerUsageReports: {get: customerUsageGet},
  };
}

/* ---------------------------------------------------------- AdminDirectory */

export function makeAdminDirectory(
  engine: Engine,
  data: WorkspaceData,
  limits?: Partial<ApiLimits>,
) {
  const L = {...DEFAULT_API_LIMITS, ...limits};
  const api = new Api(engine, L);
  const perMinute = new RateWindow(L.directoryPerMinute, MINUTE);
  const rate = (name: string) => () => {
    if (!perMinute.take(engine.now())) {
      throw api.bad(name, 'Rate limit exceeded', 403, 'userRateLimitExceeded');
    }
  };
  const checkCustomer = (name: string, customer: unknown) => {
    if (customer !== 'my_customer' && customer !== data.customerId) {
      throw api.bad(name, 'Bad Request', 400, 'badRequest');
    }
  };

  const orgunitsList = (customerId: string, optionalArgs: Args = {}) => {
    const name = 'directory.orgunits.list';
    const args = optionalArgs ?? {};
    return api.serve(
      'AdminDirectory.Orgunits.list',
      name,
      rate(name),
      () => {
        checkCustomer(name, customerId);
        api.enums(name, args);
        const type = String(args.type ?? 'children');
        const root = String(args.orgUnitPath ?? '/').replace(/\/+$/, '') || '/';
        const all = data.orgUnits();
        const under = (p: string) =>
          root === '/' ? p !== '/' : p.startsWith(`${root}/`);
        let list: OrgUnit[];
        if (type === 'children') {
          list = all.filter(
            o =>
              (o.parentOrgUnitPath ?? '/') === root && o.orgUnitPath !== root,
          );
        } else {
          list = all.filter(o => under(o.orgUnitPath ?? '/'));
          if (type === 'allIncludingParent') {
            const parent = all.find(o => o.orgUnitPath === root);
            if (parent) list = [parent, ...list];
          }
        }
        if (root !== '/' && !all.some(o => o.orgUnitPath === root)) {
          throw api.bad(name, 'Org unit not found', 404, 'notFound');
        }
        const out: Record<string, unknown> = {
          kind: 'admin#directory#orgUnits',
          etag: `"${fingerprint([root, type])}"`,
        };
        if (list.length) out.organizationUnits = list;
        return out;
      },
      r => ((r.organizationUnits as unknown[]) ?? []).length,
    );
  };

  /** The clauses of a Users.list query this fake understands. */
  const matchQuery = (
    name: string,
    query: string,
  ): ((u: DirectoryUser) => boolean) => {
    const clause = /\w+[:=]'[^']*'|\w+[:=]"[^"]*"|\w+[:=]\S+/g;
    const clauses = query.match(clause) ?? [];
    // Anything that is not a clause makes the query invalid.
    if (query.replace(clause, '').trim() !== '') {
      throw api.bad(name, 'Invalid Input', 400, 'invalid');
    }
    const tests = clauses.map(c => {
      const m = /^(\w+)([:=])['"]?(.*?)['"]?$/.exec(c)!;
      const [, field, op, value] = m;
      const lower = value.toLowerCase();
      switch (field) {
        case 'orgUnitPath':
          return (u: DirectoryUser) => {
            const p = u.orgUnitPath ?? '/';
            return p === value || value === '/' || p.startsWith(`${value}/`);
          };
        case 'isSuspended':
          return (u: DirectoryUser) =>
            Boolean(u.suspended) === (lower === 'true');
        case 'isArchived':
          return (u: DirectoryUser) =>
            Boolean(u.archived) === (lower === 'true');
        case 'isAdmin':
          return (u: DirectoryUser) =>
            Boolean(u.isAdmin) === (lower === 'true');
        case 'email':
          return (u: DirectoryUser) => {
            const e = (u.primaryEmail ?? '').toLowerCase();
            if (op === '=') return e === lower;
            return lower.endsWith('*')
              ? e.startsWith(lower.slice(0, -1))
              : e === lower;
          };
        default:
          throw api.bad(name, 'Invalid Input', 400, 'invalid');
      }
    });
    return u => tests.every(t => t(u));
  };

  // The last sorted listing per query: a page request sorts again only when the
  // matching users or their sort keys changed.
  const sortedUsers = new Map<string, SortedUsers>();
  const usersList = (optionalArgs: Args = {}) => {
    const name = 'directory.users.list';
    const args = optionalArgs ?? {};
    return api.serve(
      'AdminDirectory.Users.list',
      name,
      rate(name),
      () => {
        if (args.customer === undefined && args.domain === undefined) {
          throw api.bad(name, 'Bad Request', 400, 'badRequest');
        }
        if (args.customer !== undefined) checkCustomer(name, args.customer);
        if (args.domain !== undefined && args.domain !== data.primaryDomain) {
          throw api.bad(name, 'Domain not found.', 404, 'notFound');
        }
        api.enums(name, args);
        const size = api.pageSize(name, args.maxResults, 100, 500, true);
        const query = String(args.query ?? '');
        const test = matchQuery(name, query);
        const orderBy = String(args.orderBy ?? 'email');
        const keyOf = (u: DirectoryUser) =>
          orderBy === 'givenName'
            ? (u.name?.givenName ?? '')
            : orderBy === 'familyName'
              ? (u.name?.familyName ?? '')
              : (u.primaryEmail ?? '');
        const fp = fingerprint([
          args.customer,
          args.domain,
          query,
          orderBy,
          args.sortOrder,
        ]);
        const matched = data.users().filter(test);
        const keys = matched.map(keyOf);
        let list = sortedUsers.get(fp)?.reuse(matched, keys);
        if (!list) {
          // Keys computed once per user, not twice per comparison (the sort is stable).
          const order = keys.map((_k, i) => i);
          order.sort((a, b) =>
            keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0,
          );
          list = order.map(i => matched[i]);
          if (String(args.sortOrder ?? '').toUpperCase() === 'DESCENDING')
            list.reverse();
          sortedUsers.set(fp, new SortedUsers(matched, keys, list));
          if (sortedUsers.size > 8)
            sortedUsers.delete(sortedUsers.keys().next().value as string);
        }
        const page = api.page(name, list, size, args.pageToken, fp);
        const out: Record<string, unknown> = {
          kind: 'admin#directory#users',
          etag: `"${fp}"`,
        };
        if (page.items.length) out.users = page.items;
        if (page.next) out.nextPageToken = page.next;
        return out;
      },
      r => ((r.users as unknown[]) ?? []).length,
    );
  };

  const usersGet = (userKey: string, optionalArgs: Args = {}) => {
    const name = 'directory.users.get';
    return api.serve(
      'AdminDirectory.Users.get',
      name,
      rate(name),
      () => {
        api.enums(name, optionalArgs ?? {});
        const k = String(userKey ?? '').toLowerCase();
        const u = data
          .users()
          .find(x => x.primaryEmail?.toLowerCase() === k || x.id === userKey);
        if (!u)
          throw api.bad(name, 'Resource Not Found: userKey', 404, 'notFound');
        return u;
      },
      () => 1,
    );
  };

  return {
    Orgunits: {list: orgunitsList},
    Users: {list: usersList, get: usersGet},
  };
}

/* --------------------------------------------------------------- Classroom */

const CLASSROOM_MAX_PAGE = 1000;

/**
 * Whether an object created at `t` exists at `now` (both RFC 3339; none: always). The
 * Classroom data covers a whole period; the service shows it as of the simulated clock.
 */
function existed(t: string | null | undefined, now: string): boolean {
  if (!t) return true;
  if (t.length === 24 && t.endsWith('Z')) return t <= now;
  const ms = Date.parse(t);
  return !(ms > Date.parse(now));
}

type HistoryEntry = NonNullable<StudentSubmission['submissionHistory']>[number];

function entryTime(h: HistoryEntry): string {
  return h.stateHistory?.stateTimestamp ?? h.gradeHistory?.gradeTimestamp ?? '';
}

/**
 * Submissions as of `now`: those of course work not yet created are left out, and one
 * updated since is shown as it stood then (its history up to now, the state, grades and
 * update time that history gives; a submission not yet opened is NEW).
 */
export function submissionsAsOf(
  subs: StudentSubmission[],
  courseWork: {id?: string | null; creationTime?: string | null}[],
  now: string,
): StudentSubmission[] {
  const created = new Map<string, string | null | undefined>();
  for (const w of courseWork) created.set(String(w.id), w.creationTime);
  const out: StudentSubmission[] = [];
  for (const s of subs) {
    if (!existed(created.get(String(s.courseWorkId)), now)) continue;
    if (existed(s.updateTime, now) && existed(s.creationTime, now)) {
      out.push(s);
      continue;
    }
    const history = (s.submissionHistory ?? []).filter(h =>
      existed(entryTime(h), now),
    );
    const opened = !!s.creationTime && existed(s.creationTime, now);
    const view: StudentSubmission = {...s, state: opened ? 'CREATED' : 'NEW'};
    delete view.submissionHistory;
    delete view.updateTime;
    delete view.draftGrade;
    delete view.assignedGrade;
    if (!opened) delete view.creationTime;
    for (const h of history) {
      const t = entryTime(h);
      if (t) view.updateTime = t;
      if (h.stateHistory?.state) view.state = h.stateHistory.state;
      const g = h.gradeHistory;
      if (g?.gradeChangeType === 'DRAFT_GRADE_POINTS_EARNED_CHANGE')
        view.draftGrade = g.pointsEarned;
      if (g?.gradeChangeType === 'ASSIGNED_GRADE_POINTS_EARNED_CHANGE')
        view.assignedGrade = g.pointsEarned;
    }
    if (history.length) view.submissionHistory = history;
    out.push(view);
  }
  return out;
}

export function makeClassroom(
  engine: Engine,
  data: WorkspaceData,
  limits?: Partial<ApiLimits>,
) {
  const L = {...DEFAULT_API_LIMITS, ...limits};
  const api = new Api(engine, L);
  const perMinute = new RateWindow(L.classroomPerMinute, MINUTE);
  const rate = (name: string) => () => {
    if (!perMinute.take(engine.now())) {
      throw api.bad(
        name,
        "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user'.",
        429,
        'rateLimitExceeded',
      );
    }
  };
  const states = (v: unknown): string[] | null =>
    v === undefined || v === null
      ? null
      : (Array.isArray(v) ? v : [v]).map(String);
  // Courses by id and alias, rebuilt when the data hands out another list.
  let indexed: unknown = null;
  let byId = new Map<string, ReturnType<WorkspaceData['courses']>[number]>();
  const course = (name: string, courseId: string) => {
    const all = data.courses();
    if (all !== indexed) {
      indexed = all;
      byId = new Map();
      for (const x of all) {
        const alias = (x as {alias?: string}).alias;
        if (alias !== undefined && !byId.has(alias)) byId.set(alias, x);
      }
      // Ids win over aliases, and the first of a repeated id wins, as a find would.
      for (let i = all.length - 1; i >= 0; i--)
        byId.set(String(all[i].id), all[i]);
    }
    const c = byId.get(String(courseId));
    if (!c || !existed(c.creationTime, nowIso()))
      throw api.bad(name, 'Requested entity was not found.', 404, 'notFound');
    return c;
  };
  const nowIso = () => new Date(engine.now()).toISOString();
  const size = (name: string, v: unknown, def: number) => {
    if (
      v !== undefined &&
      v !== null &&
      (!Number.isInteger(Number(v)) || Number(v) < 0)
    ) {
      throw api.bad(
        name,
        'Request contains an invalid argument.',
        400,
        'invalid',
      );
    }
    return api.pageSize(name, v, def, CLASSROOM_MAX_PAGE, false);
  };
  const list =
    <T>(
      method: string,
      name: string,
      key: string,
      def: number,
      load: (args: Args) => T[],
      fpParts: (args: Args) => unknown[],
    ) =>
    (args: Args) =>
      api.serve(
        method,
        name,
        rate(name),
        () => {
          api.enums(name, args);
          const n = size(name, args.pageSize, def);
          const all = load(args);
          const fp = fingerprint([name, ...fpParts(args)]);
          const page = api.page(name, all, n, args.pageToken, fp);
          const out: Record<string, unknown> = {};
          if (page.items.length) out[key] = page.items;
          if (page.next) out.nextPageToken = page.next;
          return out;
        },
        r => ((r[key] as unknown[]) ?? []).length,
      );

  const coursesList = list(
    'Classroom.Courses.list',
    'classroom.courses.list',
    'courses',
    500,
    args => {
      const st = states(args.courseStates);
      const now = nowIso();
      let cs = data.courses().filter(c => existed(c.creationTime, now));
      if (st) cs = cs.filter(c => st.includes(c.courseState ?? ''));
      if (args.teacherId)
        cs = cs.filter(c =>
          data
            .teachers(c.id!)
            .some(
              t =>
                t.userId === args.teacherId ||
                t.profile?.emailAddress === args.teacherId,
            ),
        );
      if (args.studentId)
        cs = cs.filter(c =>
          data
            .students(c.id!)
            .some(
              s =>
                s.userId === args.studentId ||
                s.profile?.emailAddress === args.studentId,
            ),
        );
      return cs;
    },
    args => [states(args.courseStates), args.teacherId, args.studentId],
  );

  const byCourse =
    <T>(
      method: string,
      name: string,
      key: string,
      def: number,
      load: (courseId: string, args: Args) => T[],
    ) =>
    (courseId: string, optionalArgs: Args = {}) =>
      list(
        method,
        name,
        key,
        def,
        a => {
          course(name, courseId);
          return load(String(courseId), a);
        },
        a => [courseId, a.courseWorkStates, a.announcementStates, a.orderBy],
      )(optionalArgs ?? {});

  const byUpdate = <
    T extends {
      updateTime?: string | null;
      dueDate?: {
        year?: number | null;
        month?: number | null;
        day?: number | null;
      } | null;
    },
  >(
    items: T[],
    orderBy: unknown,
  ): T[] => {
    const [field, dir] = String(orderBy ?? 'updateTime desc').split(/\s+/);
    const k = (x: T) =>
      field === 'dueDate'
        ? x.dueDate
          ? `${x.dueDate.year}-${String(x.dueDate.month).padStart(2, '0')}-${String(x.dueDate.day).padStart(2, '0')}`
          : ''
        : (x.updateTime ?? '');
    const sorted = [...items].sort((a, b) =>
      k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0,
    );
    return dir === 'asc' ? sorted : sorted.reverse();
  };

  const submissionsList = (
    courseId: string,
    courseWorkId: string,
    optionalArgs: Args = {},
  ) => {
    const name = 'classroom.courses.courseWork.studentSubmissions.list';
    const args = optionalArgs ?? {};
    return list(
      'Classroom.Courses.CourseWork.StudentSubmissions.list',
      name,
      'studentSubmissions',
      CLASSROOM_MAX_PAGE,
      a => {
        course(name, courseId);
        const work = data.courseWork(String(courseId));
        let subs = submissionsAsOf(
          data.submissions(String(courseId)),
          work,
          nowIso(),
        );
        if (courseWorkId !== '-') {
          if (!work.some(w => w.id === courseWorkId)) {
            throw api.bad(
              name,
              'Requested entity was not found.',
              404,
              'notFound',
            );
          }
          subs = subs.filter(s => s.courseWorkId === courseWorkId);
        }
        const st = states(a.states);
        if (st) subs = subs.filter(s => st.includes(s.state ?? ''));
        if (a.late === 'LATE_ONLY') subs = subs.filter(s => s.late);
        if (a.late === 'NOT_LATE_ONLY') subs = subs.filter(s => !s.late);
        if (a.userId) subs = subs.filter(s => s.userId === a.userId);
        return subs;
      },
      a => [courseId, courseWorkId, states(a.states), a.late, a.userId],
    )(args);
  };

  return {
    Courses: {
      list: (optionalArgs: Args = {}) => coursesList(optionalArgs ?? {}),
      get: (id: string) =>
        api.serve(
          'Classroom.Courses.get',
          'classroom.courses.get',
          rate('classroom.courses.get'),
          () => course('classroom.courses.get', id),
          () => 1,
        ),
      Teachers: {
        list: byCourse(
          'Classroom.Courses.Teachers.list',
          'classroom.courses.teachers.list',
          'teachers',
          30,
          c => data.teachers(c),
        ),
      },
      Students: {
        list: byCourse(
          'Classroom.Courses.Students.list',
          'classroom.courses.students.list',
          'students',
          30,
          c => data.students(c),
        ),
      },
      CourseWork: {
        list: byCourse(
          'Classroom.Courses.CourseWork.list',
          'classroom.courses.courseWork.list',
          'courseWork',
          CLASSROOM_MAX_PAGE,
          (c, a) => {
            const st = states(a.courseWorkStates) ?? ['PUBLISHED'];
            const now = nowIso();
            return byUpdate(
              data
                .courseWork(c)
                .filter(
                  w =>
                    st.includes(w.state ?? 'PUBLISHED') &&
                    existed(w.creationTime, now),
                ),
              a.orderBy,
            );
          },
        ),
        StudentSubmissions: {list: submissionsList},
      },
      Announcements: {
        list: byCourse(
          'Classroom.Courses.Announcements.list',
          'classroom.courses.announcements.list',
          'announcements',
          CLASSROOM_MAX_PAGE,
          (c, a) => {
            const st = states(a.announcementStates) ?? ['PUBLISHED'];
            const now = nowIso();
            return byUpdate(
              data
                .announcements(c)
                .filter(
                  x =>
                    st.includes(x.state ?? 'PUBLISHED') &&
                    existed(x.creationTime, now),
                ),
              a.orderBy,
            );
          },
        ),
      },
    },
  };
}

/* ---------------------------------------------------------------- BigQuery */

export interface BigQueryResultsArgs {
  pageToken?: string;
  maxResults?: number;
  timeoutMs?: number;
  location?: string;
  startIndex?: string;
}

/**
 * What the BigQuery advanced service delegates to. Calls are synchronous, as in
 * Apps Script. A backend signals an API error by throwing an object with a
 * numeric HTTP `code` (and `message`, optional `reason`).
 */
export interface BigQueryBackend {
  query(
    request: GoogleAppsScript.BigQuery.Schema.QueryRequest,
    projectId: string,
  ): GoogleAppsScript.BigQuery.Schema.QueryResponse;
  getQueryResults(
    projectId: string,
    jobId: string,
    optionalArgs?: BigQueryResultsArgs,
  ): GoogleAppsScript.BigQuery.Schema.GetQueryResultsResponse;
}

export function makeBigQuery(engine: Engine, backend: BigQueryBackend) {
  const wrap = <T>(method: string, api: string, fn: () => T): T =>
    engine.call(
      method,
      () => {
        let r: T;
        try {
          r = fn();
        } catch (e) {
          const err = e as {code?: unknown; message?: unknown; reason?: string};
          if (typeof err?.code === 'number') {
            throw engine.apiError(
              api,
              err.code,
              String(err.message ?? ''),
              err.reason,
            );
          }
          throw engine.error(String(err?.message ?? e));
        }
        const rows = (r as {rows?: unknown[]})?.rows?.length ?? 0;
        engine.charge(rows * engine.costs.perApiItem);
        return engine.toRealm(r);
      },
      {api},
    );
  return {
    Jobs: {
      query: (
        resource: GoogleAppsScript.BigQuery.Schema.QueryRequest,
        projectId: string,
      ) =>
        wrap('BigQuery.Jobs.query', 'bigquery.jobs.query', () =>
          backend.query(
            JSON.parse(JSON.stringify(resource)),
            String(projectId),
          ),
        ),
      getQueryResults: (
        projectId: string,
        jobId: string,
        optionalArgs?: BigQueryResultsArgs,
      ) =>
        wrap(
          'BigQuery.Jobs.getQueryResults',
          'bigquery.jobs.getQueryResults',
          () =>
            backend.getQueryResults(
              String(projectId),
              String(jobId),
              optionalArgs
                ? JSON.parse(JSON.stringify(optionalArgs))
                : undefined,
            ),
        ),
    },
  };
}
