/**
 * The Anomalies tab and lk_anomalies: one row per flagged drop or surge, with the admin's
 * status and note, the stable anomaly id, and the merge that keeps the admin's status
 * across runs.
 */
import {METRIC_NAMES} from '../../core/labels';
import type {Role} from '../../core/types';
import {
  adminTable,
  columns,
  SCHOOL_NAME_COLUMN,
  type ColumnDecl,
  type TableSchema,
} from '../schema';

export type AnomalyStatus = 'new' | 'acknowledged' | 'explained';
export const ANOMALY_STATUSES: ReadonlyArray<AnomalyStatus> = [
  'new',
  'acknowledged',
  'explained',
];

export interface AnomalyRecord {
  /** Stable across runs: the same school, role, metric, grain and date give the same id. */
  id: string;
  /** Day (`YYYY-MM-DD`) or the Monday of the week. */
  date: string;
  /** A sustained drop: its last day (or week); '' for a single day or week. */
  endDate: string;
  grain: 'day' | 'week';
  schoolId: string;
  schoolName: string;
  role: Role | 'all';
  metric: string;
  direction: 'drop' | 'surge';
  observed: number;
  expected: number;
  /** (observed - expected) / expected x 100. */
  changePct: number | null;
  score: number;
  severity: 'low' | 'medium' | 'high';
  /** The incident the flag belongs to (see src/analysis/incidents.ts). */
  incidentId: string;
  /** Set by the admin; survives re-runs. */
  status: AnomalyStatus;
  /** The admin's explanation (may name people: kept out of the Looker tabs). */
  note: string;
  /** When the anomaly was first flagged (run time, ISO UTC). */
  firstFlagged: string;
  /** When the admin last changed the status. */
  statusChanged: string;
}

/** The columns the admin tab and the Looker tab share: all but the admin's note and times. */
// prettier-ignore
const anomalyCore: ColumnDecl<AnomalyRecord>[] = [
  ['id', 'anomaly_id', 'Id', 'string', 'Stable anomaly id (same school, role, metric, grain and date).', {width: 110}],
  ['date', 'date', 'Date', 'date', 'Day, or Monday of the week.'],
  ['endDate', 'end_date', 'Until', 'date', 'Last day (or week) of a sustained drop; empty for a single day or week.'],
  ['grain', 'grain', 'Grain', 'string', 'day or week.', {width: 60}],
  ['schoolId', 'school_id', 'School id', 'string', 'School id.'],
  SCHOOL_NAME_COLUMN,
  ['role', 'role', 'Role', 'string', 'student, teacher or all.', {width: 80}],
  ['metric', 'metric', 'Metric', 'string', 'The series that moved.', {names: METRIC_NAMES}],
  ['direction', 'direction', 'Direction', 'string', 'drop or surge.', {width: 70}],
  ['observed', 'observed', 'Observed', 'number', 'Observed value.'],
  ['expected', 'expected', 'Expected', 'number', 'Value expected by the seasonal decomposition.'],
  ['changePct', 'change_pct', 'Change %', 'percent', '(observed - expected) / expected x 100.'],
  ['score', 'score', 'Score', 'number', 'Robust score of the remainder.'],
  ['severity', 'severity', 'Severity', 'string', 'low, medium or high.', {width: 70}],
  ['incidentId', 'incident_id', 'Incident', 'string', 'The incident the flag belongs to (Incidents tab).', {width: 110}],
  ['status', 'status', 'Status', 'string', 'new, acknowledged or explained (set by the admin).', {width: 100}],
];

// prettier-ignore
export const ANOMALIES = adminTable<AnomalyRecord>({
  name: 'Anomalies',
  description: "Unexpected drops and surges; the status column is the admin's and survives re-runs.",
  columns: [
    ...anomalyCore,
    ['note', 'note', 'Note', 'string', "The admin's explanation.", {width: 220}],
    ['firstFlagged', 'first_flagged', 'First flagged', 'timestamp', 'When the anomaly was first flagged (UTC).'],
    ['statusChanged', 'status_changed', 'Status changed', 'timestamp', 'When the status last changed (UTC).'],
  ],
});

export interface LookerAnomalyRecord {
  id: string;
  date: string;
  endDate: string;
  grain: string;
  schoolId: string;
  schoolName: string;
  role: string;
  metric: string;
  direction: string;
  observed: number;
  expected: number;
  changePct: number | null;
  score: number;
  severity: string;
  incidentId: string;
  status: string;
}

export const LK_ANOMALIES: TableSchema<LookerAnomalyRecord> = {
  name: 'lk_anomalies',
  description:
    "Flagged drops and surges with the admin's status (notes excluded).",
  looker: true,
  columns: columns(anomalyCore as unknown as ColumnDecl<LookerAnomalyRecord>[]),
};

/** An anomaly as shared with Looker Studio: the admin's free-text note stays out. */
export function lookerAnomaly(a: AnomalyRecord): LookerAnomalyRecord {
  return {
    id: a.id,
    date: a.date,
    endDate: a.endDate,
    grain: a.grain,
    schoolId: a.schoolId,
    schoolName: a.schoolName,
    role: a.role,
    metric: a.metric,
    direction: a.direction,
    observed: a.observed,
    expected: a.expected,
    changePct: a.changePct,
    score: a.score,
    severity: a.severity,
    incidentId: a.incidentId,
    status: a.status,
  };
}

/** FNV-1a over UTF-16 code units, two seeds: 64 bits rendered as 16 hex digits. */
export function hash64(s: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193 + 0x2a) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/** What names an anomaly: the same school, role, metric, grain and date are one anomaly. */
export interface AnomalyKey {
  schoolId: string;
  role: string;
  metric: string;
  grain: string;
  date: string;
}

/** The stable id of an anomaly: the same key gives the same id. */
export function anomalyId(a: AnomalyKey): string {
  return (
    'A' + hash64([a.schoolId, a.role, a.metric, a.grain, a.date].join('\u0001'))
  );
}

/**
 * Merges this run's anomalies with the tab's previous rows by id: the admin's status, note
 * and change time survive, and so does the first time the anomaly was flagged. Anomalies no
 * longer flagged are kept when the admin has acknowledged or explained them (their record of
 * what happened) and dropped when still `new`. A settled day's drop that the calendar now
 * explains (`calendarExplains`: a day it has since learned is a half day) was decided
 * without knowing it: still `new`, it is dropped too. Newest first.
 */
export function mergeAnomalies(
  fresh: ReadonlyArray<AnomalyRecord>,
  previous: ReadonlyArray<AnomalyRecord>,
  now: string,
  /**
   * Previous flags whose last day is before this day are settled: kept as they are (a
   * sustained drop still going on then is re-decided until it ends).
   */
  keepBefore = '',
  calendarExplains: (day: string) => boolean = () => false,
): AnomalyRecord[] {
  const prev = new Map(previous.map(p => [p.id, p]));
  const seen = new Set<string>();
  const out: AnomalyRecord[] = [];
  for (const f of fresh) {
    if (seen.has(f.id)) continue;
    seen.add(f.id);
    const p = prev.get(f.id);
    out.push(
      p
        ? {
            ...f,
            status: isStatus(p.status) ? p.status : 'new',
            note: p.note,
            firstFlagged: p.firstFlagged || now,
            statusChanged: p.statusChanged,
          }
        : {...f, status: 'new', note: '', firstFlagged: now, statusChanged: ''},
    );
  }
  for (const p of previous) {
    const last = p.endDate ? String(p.endDate) : String(p.date);
    const reviewed = p.status !== 'new' && isStatus(p.status);
    const explained =
      p.grain === 'day' &&
      p.direction === 'drop' &&
      !p.endDate &&
      calendarExplains(String(p.date));
    const settled = keepBefore !== '' && last < keepBefore && !explained;
    if (!seen.has(p.id) && (settled || reviewed)) {
      seen.add(p.id);
      out.push(p);
    }
  }
  out.sort(
    (x, y) =>
      (x.date < y.date ? 1 : x.date > y.date ? -1 : 0) ||
      (x.schoolName < y.schoolName
        ? -1
        : x.schoolName > y.schoolName
          ? 1
          : 0) ||
      (x.id < y.id ? -1 : 1),
  );
  return out;
}

export function isStatus(s: unknown): s is AnomalyStatus {
  return s === 'new' || s === 'acknowledged' || s === 'explained';
}
