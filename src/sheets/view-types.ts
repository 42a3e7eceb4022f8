/**
 * The JSON the sidebar server functions return (and the static report renders).
 * Plain data only: strings, numbers, booleans, null, arrays and objects; no Dates, since
 * google.script.run cannot pass them and a static page must not depend on time zones.
 */
import type {AccuracySummary} from './accuracy';
import type {Settings} from '../core/types';
import type {
  AccuracyRecord,
  AnomalyRecord,
  AnomalyStatus,
  CorrelationRecord,
  ForecastRecord,
  IncidentRecord,
  RunLogRecord,
  UnderuseRecord,
} from './tables';

export type {Settings, AnomalyStatus};
export type {Progress, TriggerState} from '../platform/types';
export type {BackfillEstimate} from '../sources/estimate';
import type {Progress, TriggerState} from '../platform/types';
import type {BackfillEstimate} from '../sources/estimate';
import type {SetupPreviewCore} from '../clean/orgunits';

export interface SchoolOption {
  id: string;
  name: string;
}

/** One week of a forecast chart: the Forecasts tab's row without its school and model. */
export type ForecastPoint = Pick<
  ForecastRecord,
  | 'week'
  | 'weekStart'
  | 'actual'
  | 'forecast'
  | 'lo80'
  | 'hi80'
  | 'lo95'
  | 'hi95'
  | 'backtest'
>;

export interface ForecastChartData {
  schoolId: string;
  schoolName: string;
  metric: string;
  model: string;
  accuracyPct: number | null;
  mase: number | null;
  /** The district series' accuracy and the schools' median and spread (for the metric). */
  accuracySummary: AccuracySummary;
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
  /** The schools a finding about several names, furthest first. */
  schoolIds?: string[];
  text: string;
  /** The day or the week's Monday the finding is about, when it is about one. */
  date?: string;
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

/** One day of the calendar view. */
export interface CalendarDayItem {
  date: string;
  /** closed: no school; half-day; open: a school day; weekend: not a school weekday. */
  status: 'open' | 'closed' | 'half-day' | 'weekend';
  /** Name of the closure, half day or testing window ('' when none). */
  label: string;
  testing: boolean;
  /** Source of what decides the day ('' for a plain school day or weekend). */
  source: '' | 'inferred' | 'imported' | 'entered';
  /** yes / no / '' (not reviewed) for what decides the day. */
  confirmed: '' | 'yes' | 'no';
  /** A possible outage waits for the admin on this day (the day stays a school day). */
  possibleOutage: boolean;
}

/** An entry waiting for the admin's confirmation. */
export interface CalendarReviewItem {
  key: string;
  name: string;
  start: string;
  end: string;
  kind: string;
  source: 'inferred' | 'imported' | 'entered';
}

export interface CalendarSourceItem {
  origin: string;
  label: string;
  ok: boolean;
  checked: string;
  lastSuccess: string;
  rows: number;
  error: string;
}

export interface CalendarView {
  today: string;
  /** Weeks from the current one, Monday to Sunday. */
  weeks: {weekStart: string; days: CalendarDayItem[]}[];
  toConfirm: CalendarReviewItem[];
  sources: CalendarSourceItem[];
  /** Problem rows of the Calendar tab and source failures, as sentences. */
  warnings: string[];
}

/** One piece of Setup's directory scan (getSetupDirectory). */
export interface SetupDirectoryPage {
  /** Every org unit (first piece only; null after). */
  units: {path: string; name: string}[] | null;
  /** Active and suspended-or-archived users per org unit path, in this piece. */
  census: Record<string, [number, number]>;
  nextPageToken: string | null;
  usersRead: number;
  calls: {orgUnits: number; users: number};
  /** When the counts come from the last run's Directory read: when it was made. */
  countedAt: string | null;
}

/** What saving a choice of org units would select (previewSetup). */
export interface SetupPreview extends SetupPreviewCore {
  /** The org unit settings that saving would store. */
  settings: Pick<
    Settings,
    | 'orgUnitRules'
    | 'schoolUnits'
    | 'studentUnits'
    | 'teacherUnits'
    | 'schoolOuDepth'
    | 'schoolOuPattern'
    | 'studentOuPattern'
    | 'teacherOuPattern'
  >;
  settingsBytes: number;
  estimate: BackfillEstimate | null;
  estimateError: string | null;
  /** Google API calls the preview made (none: it works on the scan). */
  calls: number;
}
