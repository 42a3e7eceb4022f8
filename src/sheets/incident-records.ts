/**
 * Incidents as tab records (pure): the anomaly flags of the Anomalies tab grouped into
 * incidents, each named in one line, and merged with the previous run's incidents so an
 * incident keeps its id, and the admin's status, note and times, across re-runs.
 */
import {
  groupIncidents,
  incidentHeadline,
  type Incident,
} from '../analysis/incidents';
import {
  hash64,
  isStatus,
  type AnomalyRecord,
  type IncidentRecord,
} from './tables';

export interface IncidentContext {
  /** Schools analysed (unassigned accounts excluded). */
  schools: number;
  /** The last analysed day. */
  lastDay?: string;
  schoolWeekdays?: ReadonlyArray<number>;
  /** The calendar's closed periods (incidents start and end on school days). */
  closures?: ReadonlyArray<{start: string; end: string}>;
  /** Smallest incident at one school, in users (the settings' minimum group size). */
  minUsers?: number;
  /** School id -> name. */
  names: ReadonlyMap<string, string>;
}

function record(inc: Incident, ctx: IncidentContext): IncidentRecord {
  const name = (id: string) => ctx.names.get(id) ?? id;
  return {
    id: 'I' + hash64(inc.key),
    kind: inc.kind,
    direction: inc.direction,
    start: inc.start,
    end: inc.end,
    schoolDays: inc.schoolDays,
    summary: incidentHeadline(inc, ctx.schools, name),
    schools: inc.schoolIds.length,
    schoolsInView: ctx.schools,
    schoolIds: inc.schoolIds,
    schoolNames: inc.schoolIds.map(name),
    roles: inc.roles,
    metrics: inc.metrics,
    users: inc.users,
    worstDay: inc.worstDay,
    changePct: inc.changePct,
    severity: inc.severity,
    cause: inc.cause,
    ongoing: inc.ongoing,
    flags: inc.flagIds.length,
    status: 'new',
    note: '',
    firstFlagged: '',
    statusChanged: '',
  };
}

function overlaps(a: IncidentRecord, b: IncidentRecord): boolean {
  if (a.direction !== b.direction) return false;
  if (a.start > b.end || b.start > a.end) return false;
  const mine = new Set(a.schoolIds);
  return b.schoolIds.some(s => mine.has(s));
}

/**
 * This run's incidents from every flag of the Anomalies tab, merged with the previous
 * incidents: an incident with the same id, or else the previous incident of the same
 * direction and schools whose days it overlaps (a re-run may move a sustained drop's first
 * day), keeps that id with its status, note and first-seen time. Previous incidents no
 * longer found are kept when the admin reviewed them, dropped when still `new`. Sets each
 * flag's incidentId. Most users affected first.
 */
export function buildIncidentRecords(
  flags: AnomalyRecord[],
  previous: ReadonlyArray<IncidentRecord>,
  ctx: IncidentContext,
  now: string,
): IncidentRecord[] {
  const incidents = groupIncidents(flags, ctx);
  const byId = new Map(previous.map(p => [p.id, p]));
  const claimed = new Set<string>();
  const out: IncidentRecord[] = [];
  const incidentOf = new Map<string, string>();
  const fresh = incidents.map(inc => ({inc, rec: record(inc, ctx)}));
  // Exact ids first, so an overlap never takes an id its own incident still has.
  for (const f of fresh) {
    if (byId.has(f.rec.id)) claimed.add(f.rec.id);
  }
  for (const {inc, rec} of fresh) {
    let prev = byId.get(rec.id);
    if (!prev) {
      prev = previous.find(p => !claimed.has(p.id) && overlaps(rec, p));
      if (prev) claimed.add(prev.id);
    }
    const merged: IncidentRecord = prev
      ? {
          ...rec,
          id: prev.id,
          status: isStatus(prev.status) ? prev.status : 'new',
          note: prev.note,
          firstFlagged: prev.firstFlagged || now,
          statusChanged: prev.statusChanged,
        }
      : {...rec, firstFlagged: now};
    out.push(merged);
    for (const id of inc.flagIds) incidentOf.set(id, merged.id);
  }
  const kept = new Set(out.map(r => r.id));
  for (const p of previous) {
    if (kept.has(p.id) || p.status === 'new' || !isStatus(p.status)) continue;
    kept.add(p.id);
    out.push(p);
  }
  for (const f of flags) f.incidentId = incidentOf.get(f.id) ?? '';
  return out.sort(
    (a, b) =>
      (b.users ?? -1) - (a.users ?? -1) ||
      (a.start < b.start ? 1 : a.start > b.start ? -1 : 0) ||
      (a.id < b.id ? -1 : 1),
  );
}
