/**
 * The demo district (any WorkspaceData) as the BigQuery export: one activity row per
 * event, the actor's org unit as `org_unit_name_path`, ingestion time partitions some
 * hours after the event, one usage row per user and date.
 */
import type {WorkspaceData} from '../workspace-data';
import {DuckDbBigQuery, DuckDbBigQueryOptions} from './jobs';
import {
  ActivityRow,
  CLASSROOM_FIELDS,
  DAY_MS,
  ExportTables,
  LOGIN_FIELDS,
  UsageRow,
} from './tables';

export interface ExportOptions {
  /** The period of activity exported, in epoch ms [startMs, endMs). */
  startMs: number;
  endMs: number;
  /** Applications exported (record_type). */
  apps?: string[];
  /** Delay from event to ingestion (the row's partition). Default: 0 to 20 hours, by event. */
  ingestionDelayMs?: (
    row: {time_usec: number; email: string | null},
    index: number,
  ) => number;
  /** Days from a usage date to its ingestion. Default 2. */
  usageDelayDays?: number;
}

function param(
  ev: {parameters?: unknown},
  name: string,
):
  | {
      value?: string;
      boolValue?: boolean;
      intValue?: string;
      multiValue?: string[];
    }
  | undefined {
  const ps = Array.isArray(ev.parameters) ? ev.parameters : [];
  return ps.find((p: {name?: string}) => p?.name === name);
}

function structOf(
  ev: {parameters?: unknown},
  fields: Record<string, 'VARCHAR' | 'BOOLEAN' | 'BIGINT'>,
): Record<string, string | boolean | number | null> | null {
  const out: Record<string, string | boolean | number | null> = {};
  let any = false;
  for (const [f, type] of Object.entries(fields)) {
    const p = param(ev, f);
    let v: string | boolean | number | null = null;
    if (p) {
      if (type === 'BOOLEAN') {
        v =
          typeof p.boolValue === 'boolean'
            ? p.boolValue
            : typeof p.value === 'string'
              ? p.value.toLowerCase() === 'true'
              : null;
      } else if (type === 'BIGINT') {
        v =
          p.intValue !== undefined
            ? Number(p.intValue)
            : p.value !== undefined
              ? Number(p.value)
              : null;
      } else {
        v =
          p.value ??
          (p.multiValue ? p.multiValue.join(',') : (p.intValue ?? null));
      }
      any = true;
    }
    out[f] = v;
  }
  return any ? out : null;
}

function hash32(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

/** The demo district (any WorkspaceData) in the export's table layout. */
export function exportRowsFromWorkspace(
  data: WorkspaceData,
  opt: ExportOptions,
): ExportTables {
  const apps = opt.apps ?? ['login', 'classroom'];
  const users = data.users();
  const byEmail = new Map<string, (typeof users)[number]>();
  const byId = new Map<string, (typeof users)[number]>();
  for (const u of users) {
    if (u.primaryEmail) byEmail.set(u.primaryEmail.toLowerCase(), u);
    if (u.id) byId.set(String(u.id), u);
  }
  const root = data.primaryDomain;
  const pathOf = (ou: string | null | undefined): string[] => [
    root,
    ...String(ou ?? '/')
      .split('/')
      .filter(s => s !== ''),
  ];
  const delay =
    opt.ingestionDelayMs ??
    ((r: {time_usec: number; email: string | null}) =>
      (hash32(`${r.time_usec}|${r.email}`) % 1200) * 60_000);
  const activity: ActivityRow[] = [];
  // The Reports API may page an activity twice; the export holds each event once.
  const seen = new Set<string>();
  for (const app of apps) {
    // Day by day keeps the working set small for a large district.
    for (let s = opt.startMs; s < opt.endMs; s += DAY_MS) {
      const e = Math.min(opt.endMs, s + DAY_MS);
      for (const a of data.activities(app, s, e)) {
        const ms = Date.parse(String(a.id?.time));
        if (!Number.isFinite(ms)) continue;
        const key = `${app}|${a.id?.time}|${a.id?.uniqueQualifier}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const actor = a.actor ?? {};
        const user =
          (actor.profileId ? byId.get(String(actor.profileId)) : undefined) ??
          (actor.email
            ? byEmail.get(String(actor.email).toLowerCase())
            : undefined);
        const email = actor.email ?? user?.primaryEmail ?? null;
        for (const ev of a.events ?? []) {
          if (!ev.name) continue;
          const row: ActivityRow = {
            time_usec: ms * 1000,
            email,
            event_type: ev.type ?? null,
            event_name: ev.name,
            record_type: app,
            org_unit_name_path: user ? pathOf(user.orgUnitPath) : null,
            ip_address: a.ipAddress ?? null,
            domain_name: root,
            login: app === 'login' ? structOf(ev, LOGIN_FIELDS) : null,
            classroom:
              app === 'classroom' ? structOf(ev, CLASSROOM_FIELDS) : null,
            ingestedMs: 0,
          };
          row.ingestedMs = ms + delay(row, activity.length);
          activity.push(row);
        }
      }
    }
  }
  const usage: UsageRow[] = [];
  const usageDelay = (opt.usageDelayDays ?? 2) * DAY_MS;
  for (
    let s = Math.floor(opt.startMs / DAY_MS) * DAY_MS;
    s < opt.endMs;
    s += DAY_MS
  ) {
    const date = new Date(s).toISOString().slice(0, 10);
    for (const r of data.userUsage(date)) {
      const email = r.entity?.userEmail;
      if (!email) continue;
      const ps = r.parameters ?? [];
      const get = (n: string) => ps.find(p => p.name === n);
      const role = get('classroom:role')?.stringValue ?? null;
      const posts = get('classroom:num_posts_created')?.intValue;
      const courses = get('classroom:num_courses_created')?.intValue;
      const lastLogin =
        get('accounts:last_login_time')?.datetimeValue ??
        get('accounts:timestamp_last_login')?.datetimeValue;
      const lastInteraction =
        get('classroom:last_interaction_time')?.datetimeValue ??
        get('classroom:timestamp_last_interaction')?.datetimeValue;
      usage.push({
        date,
        record_type: 'user',
        user_email: email,
        domain_name: root,
        accounts: {
          last_login_time: lastLogin ? Date.parse(lastLogin) * 1000 : null,
        },
        classroom: {
          role,
          num_posts_created:
            posts !== undefined && posts !== null ? Number(posts) : null,
          num_courses_created:
            courses !== undefined && courses !== null ? Number(courses) : null,
          last_interaction_time: lastInteraction
            ? Date.parse(lastInteraction) * 1000
            : null,
        },
        ingestedMs: s + usageDelay,
      });
    }
  }
  return {activity, usage};
}

/** A DuckDB BigQuery backend loaded with a WorkspaceData's export rows. */
export function createWorkspaceBigQuery(
  data: WorkspaceData,
  exportOptions: ExportOptions,
  options: DuckDbBigQueryOptions,
): DuckDbBigQuery {
  return new DuckDbBigQuery(
    exportRowsFromWorkspace(data, exportOptions),
    options,
  );
}
