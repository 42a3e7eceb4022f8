/**
 * The AdminReports fake: activities.list and the user and customer usage reports over a
 * WorkspaceData, with the Reports API's retention windows, data latency, partial days,
 * filters and rate limits.
 */
import {createHash} from 'node:crypto';
import type {Engine} from '../engine';
import {zonedParts} from '../tz';
import type {Activity, UsageReport, WorkspaceData} from '../workspace-data';
import {
  Api,
  DAY,
  DEFAULT_API_LIMITS,
  fingerprint,
  HOUR,
  makeToken,
  MINUTE,
  parseRfc3339,
  RateWindow,
  readToken,
  type ApiLimits,
  type Args,
} from './api';
import {
  CUSTOMER_USAGE_APPLICATIONS,
  REPORT_APPLICATIONS,
  USER_USAGE_APPLICATIONS,
} from './contract';

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
  const filterMinute = new RateWindow(L.reportsFilterPerMinute, MINUTE);
  const filterHour = new RateWindow(L.reportsFilterPerHour, HOUR);
  const limitGeneral = api.perMinute(L.reportsPerMinute, name =>
    api.bad(
      name,
      "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user'.",
      503,
      'rateLimitExceeded',
    ),
  );
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
      args.fields,
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
      args.fields,
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
      args.fields,
    );
  };

  return {
    Activities: {list: activitiesList},
    UserUsageReport: {get: userUsageGet},
    CustomerUsageReports: {get: customerUsageGet},
  };
}
