/**
 * The JSON the sidebar server functions return (and the static report renders).
 * Plain data only: strings, numbers, booleans, null, arrays and objects; no Dates, since
 * google.script.run cannot pass them and a static page must not depend on time zones.
 */
import type {Settings} from '../core/types';
import type {
  AccuracyRecord,
  AnomalyRecord,
  AnomalyStatus,
  CorrelationRecord,
  IncidentRecord,
  RunLogRecord,
  UnderuseRecord,
} from '../sheets/tables';

export type {Settings, AnomalyStatus};

export interface SchoolOption {
  id: string;
  name: string;
}

export interface ForecastPoint {
  week: string;
  weekStart: string;
  actual: number | null;
  forecast: number | null;
  lo80: number | null;
  hi80: number | null;
  lo95: number | null;
  hi95: number | null;
  backtest: boolean;
}

export interface ForecastChartData {
  schoolId: string;
  schoolName: string;
  metric: string;
  model: string;
  accuracyPct: number | null;
  mase: number | null;
  points: ForecastPoint[];
  /** The district and every school with a forecast, for the picker. */
  options: SchoolOption[];
}

export interface HeatmapData {
  /** The metric shown (pct_access: active / enrolled x 100). */
  metric: string;
  app: string;
  /** Week starts (YYYY-MM-DD), oldest first. */
  weeks: string[];
  schools: SchoolOption[];
  /** Schools with data; more than schools.length when only the lowest-access ones are shown. */
  totalSchools: number;
  /** [school][week]; null where there is no data or the group is closed. */
  student: (number | null)[][];
  teacher: (number | null)[][];
}

export type AnomalyItem = AnomalyRecord;
export type IncidentItem = IncidentRecord;
export type UnderuseItem = UnderuseRecord;
export type RunItem = RunLogRecord;

export interface Insight {
  kind: 'forecast' | 'anomaly' | 'underuse' | 'correlation' | 'quality';
  /** alert: needs a look; warning: worth knowing; info: context. */
  severity: 'alert' | 'warning' | 'info';
  schoolId: string;
  text: string;
}

export interface Progress {
  running: boolean;
  runId: string;
  trigger: string;
  phase: string;
  /** Units done and total in the current phase (days, schools); total 0 when unknown. */
  done: number;
  total: number;
  /** 0-100 over the whole run, or null when unknown. */
  pct: number | null;
  message: string;
  executions: number;
  started: string;
  updated: string;
  /** The last run's error, readable. */
  error: string;
}

export interface TriggerState {
  nightly: boolean;
  weekly: boolean;
  /** Hour (0-23, district time) of the nightly run. */
  hour: number;
  timeZone: string;
  /** Continuation triggers waiting to resume a long run. */
  continuations: number;
}

export interface SidebarState {
  settings: Settings;
  /** False until an admin has saved settings once. */
  saved: boolean;
  schools: SchoolOption[];
  triggers: TriggerState;
  lastRun: RunItem | null;
  progress: Progress;
  newAnomalies: number;
  /** Incidents not yet reviewed. */
  newIncidents: number;
  lookerTabs: string[];
}

export interface BackfillEstimate {
  startDate: string;
  endDate: string;
  days: number;
  schools: number;
  users: number;
  /** Service calls by kind and in total. */
  calls: Record<string, number>;
  totalCalls: number;
  /** Executions of up to budgetSeconds each. */
  executions: number;
  /** Minutes of trigger runtime (Apps Script allows 90 a day on consumer, 360 on Workspace). */
  runtimeMinutes: number;
  /** Days of nightly runs the backfill needs within the daily trigger runtime. */
  daysToComplete: number;
  recommendBigQuery: boolean;
  notes: string[];
}

export interface AnomalyUpdate {
  id: string;
  status: AnomalyStatus;
  note: string;
  statusChanged: string;
}

/** Everything the sidebar shows at once: what the static report renders. */
export interface Snapshot {
  generated: string;
  title: string;
  state: SidebarState;
  runs: RunItem[];
  forecast: ForecastChartData | null;
  /** Forecast charts of the schools with the largest shortfall against their forecast. */
  schoolForecasts: ForecastChartData[];
  accuracy: AccuracyRecord[];
  heatmap: HeatmapData | null;
  /** Incidents (anomaly flags grouped by event), most users affected first. */
  incidents: IncidentItem[];
  anomalies: AnomalyItem[];
  underuse: UnderuseItem[];
  correlations: CorrelationRecord[];
  insights: Insight[];
}
