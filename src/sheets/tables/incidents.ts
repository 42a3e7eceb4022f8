/**
 * The Incidents tab and lk_incidents: one row per real-world event, grouping the anomaly
 * flags it raised (see src/analysis/incidents.ts).
 */
import {METRIC_NAMES} from '../../core/labels';
import {
  adminTable,
  columns,
  type ColumnDecl,
  type TableSchema,
} from '../schema';
import type {AnomalyStatus} from './anomalies';

/** One incident: the flags of one real-world event (see src/analysis/incidents.ts). */
export interface IncidentRecord {
  /** Stable across runs (kept from the previous run's incident it continues). */
  id: string;
  /** district-wide, several schools, one school or one role. */
  kind: string;
  direction: 'drop' | 'surge';
  start: string;
  end: string;
  schoolDays: number;
  /** The line an admin reads first. */
  summary: string;
  schools: number;
  schoolsInView: number;
  schoolIds: string[];
  schoolNames: string[];
  roles: string[];
  metrics: string[];
  /** Users below (drop) or above (surge) expected on the worst day. */
  users: number | null;
  worstDay: string;
  changePct: number | null;
  severity: 'low' | 'medium' | 'high';
  /** outage, disengagement, or '' when the evidence names none. */
  cause: string;
  ongoing: boolean;
  flags: number;
  status: AnomalyStatus;
  note: string;
  firstFlagged: string;
  statusChanged: string;
}

/** The columns the admin tab and the Looker tab share. */
// prettier-ignore
const incidentCore: ColumnDecl<IncidentRecord>[] = [
  ['id', 'incident_id', 'Id', 'string', 'Stable incident id; each flag of the Anomalies tab names its incident.', {width: 110}],
  ['summary', 'summary', 'Summary', 'string', 'What happened, in one line.', {width: 460}],
  ['kind', 'kind', 'Kind', 'string', 'district-wide, several schools, one school or one role.', {width: 110}],
  ['direction', 'direction', 'Direction', 'string', 'drop or surge.', {width: 70}],
  ['start', 'start_date', 'From', 'date', 'First day of the incident.'],
  ['end', 'end_date', 'Until', 'date', 'Last day of the incident.'],
  ['schoolDays', 'school_days', 'School days', 'integer', 'School days from the first to the last day.'],
  ['schools', 'schools', 'Schools', 'integer', 'Schools touched.'],
  ['schoolsInView', 'schools_in_view', 'Of schools', 'integer', 'Schools analysed (unassigned accounts are not a school).'],
  ['roles', 'roles', 'Roles', 'list', 'Roles flagged (student, teacher).', {width: 120}],
  ['metrics', 'metrics', 'Metrics', 'list', 'Metrics flagged.', {width: 120, names: METRIC_NAMES}],
  ['users', 'users', 'Users below expected', 'integer', 'Users below expected (above, for a surge) on the worst day, summed over the schools and roles flagged.', {width: 110}],
  ['worstDay', 'worst_day', 'Worst day', 'date', 'The day of that count.'],
  ['changePct', 'change_pct', 'Change %', 'percent', 'Change against expected on the worst day, over the schools and roles flagged.'],
  ['severity', 'severity', 'Severity', 'string', 'Highest flag severity.', {width: 70}],
  ['cause', 'likely_cause', 'Likely cause', 'string', 'outage (broad, abrupt, over within days) or disengagement (sustained, one school or group); empty when the evidence names none.', {width: 110}],
  ['ongoing', 'ongoing', 'Ongoing', 'boolean', 'TRUE when the incident reaches the last analysed school day.'],
  ['flags', 'flags', 'Flags', 'integer', 'Anomaly flags grouped here.'],
  ['status', 'status', 'Status', 'string', 'new, acknowledged or explained (set by the admin; kept across runs).', {width: 100}],
];

// prettier-ignore
export const INCIDENTS = adminTable<IncidentRecord>({
  name: 'Incidents',
  description: "One row per real-world event (the anomaly flags it groups are in the Anomalies tab); the status is the admin's and survives re-runs.",
  columns: [
    ...incidentCore.slice(0, 9),
    ['schoolNames', 'school_names', 'School names', 'list', 'Schools.', {width: 260}],
    ...incidentCore.slice(9),
    ['note', 'note', 'Note', 'string', "The admin's explanation.", {width: 220}],
    ['firstFlagged', 'first_flagged', 'First flagged', 'timestamp', 'When the incident was first seen (UTC).'],
    ['statusChanged', 'status_changed', 'Status changed', 'timestamp', 'When the status last changed (UTC).'],
    ['schoolIds', 'school_ids', 'School ids', 'list', 'School ids.', {width: 160}],
  ],
});

/** An incident as shared with Looker Studio: school ids, no names or notes. */
export type LookerIncidentRecord = Omit<
  IncidentRecord,
  'schoolNames' | 'note' | 'firstFlagged' | 'statusChanged'
>;

// prettier-ignore
export const LK_INCIDENTS: TableSchema<LookerIncidentRecord> = {
  name: 'lk_incidents',
  description: "Incidents (anomaly flags grouped by event) with the admin's status (notes excluded).",
  looker: true,
  columns: columns([
    ...incidentCore.slice(0, 9),
    ['schoolIds', 'school_ids', 'school_ids', 'list', 'School ids touched, separated by "; ".'],
    ...incidentCore.slice(9),
  ] as unknown as ColumnDecl<LookerIncidentRecord>[]),
};

export function lookerIncident(i: IncidentRecord): LookerIncidentRecord {
  const out: Partial<IncidentRecord> = {...i};
  delete out.schoolNames;
  delete out.note;
  delete out.firstFlagged;
  delete out.statusChanged;
  return out as LookerIncidentRecord;
}
