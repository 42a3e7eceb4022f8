/**
 * Everything the sidebar and the static report show, read from the output tabs: the
 * sidebar's state, the latest runs and the snapshot (forecast charts, heatmap, insights).
 * The analysis phase takes a snapshot after every run to draw the Dashboard and warm the
 * sidebar's view cache; the sidebar's server functions (src/ui/server.ts) serve it.
 */
import type {WeeklyFact} from '../core/types';
import {readProgress} from '../platform/progress';
import {hasSavedSettings, loadSettings} from '../platform/settings';
import {getTriggerState} from '../platform/triggers';
import {storeView} from '../platform/viewcache';
import {readFields, readRecords, readRecordsWhere} from './outputs';
import {
  ANOMALIES,
  CORRELATIONS,
  FORECASTS,
  FORECAST_ACCURACY,
  INCIDENTS,
  LOOKER_TABLES,
  RUN_LOG,
  UNDERUSE,
  WEEKLY_FACTS,
  type AnomalyRecord,
  type ForecastRecord,
  type IncidentRecord,
} from './tables';
import type {
  ForecastChartData,
  RunItem,
  SidebarState,
  Snapshot,
  UnderuseItem,
} from './view-types';
import {
  DISTRICT_ID,
  buildInsights,
  forecastChart,
  heatmap,
  naturalCompare,
  schoolNames,
} from './views';

export function ss(): GoogleAppsScript.Spreadsheet.Spreadsheet {
  return SpreadsheetApp.getActiveSpreadsheet();
}

export function isoNow(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A JSON round trip: drops undefined and anything a sidebar cannot receive. */
export function plain<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Weeks of weekly facts the heatmap and the insights look at. */
export const RECENT_WEEKS = 20;

/** School ids and names from the small tabs that carry names (not the fact tabs). */
export function schoolNameMap(): Map<string, string> {
  return schoolNames(
    readFields(FORECASTS, ['schoolId', 'schoolName']),
    readFields(UNDERUSE, ['schoolId', 'schoolName']),
    readFields(ANOMALIES, ['schoolId', 'schoolName']),
  );
}

/** The last RECENT_WEEKS weeks of weekly facts: a slice of the tab, not all of it. */
export function recentWeekly(): WeeklyFact[] {
  return readRecordsWhere(WEEKLY_FACTS, 'weekStart', {latest: RECENT_WEEKS});
}

export function getSidebarState(): SidebarState {
  const n = schoolNameMap();
  let ids = [...n.keys()];
  if (ids.length <= 1) {
    ids = readFields(WEEKLY_FACTS, ['schoolId']).map(f => f.schoolId);
  }
  const schools = ids
    .filter(id => id !== DISTRICT_ID)
    .map(id => ({id, name: n.get(id) ?? id}))
    .sort((a, b) => naturalCompare(a.name, b.name));
  const runs = getRecentRuns(1);
  const existing = new Set(
    ss()
      .getSheets()
      .map(s => s.getName()),
  );
  const newAnomalies = readRecordsWhere(
    ANOMALIES,
    'status',
    v => v === 'new',
  ).length;
  const newIncidents = readRecordsWhere(
    INCIDENTS,
    'status',
    v => v === 'new',
  ).length;
  return plain({
    settings: loadSettings(),
    saved: hasSavedSettings(),
    schools,
    triggers: getTriggerState(),
    lastRun: runs[0] ?? null,
    progress: readProgress(),
    newAnomalies,
    newIncidents,
    lookerTabs: LOOKER_TABLES.map(t => t.name).filter(t => existing.has(t)),
  });
}

/** The latest runs, newest first. */
export function getRecentRuns(limit = 10): RunItem[] {
  const n = Math.max(1, Math.min(50, Math.floor(Number(limit) || 10)));
  const runs = readRecords(RUN_LOG);
  return plain(runs.slice(-n).reverse());
}

/** Everything the sidebar shows, in one call (also the static report's input). */
export function getSnapshot(): Snapshot {
  const forecasts = readRecords(FORECASTS);
  const accuracy = readRecords(FORECAST_ACCURACY);
  const anomalies = readRecords(ANOMALIES);
  const incidents = readRecords(INCIDENTS);
  const weekly = recentWeekly();
  const underuse = readRecords(UNDERUSE).sort((a, b) => a.rank - b.rank);
  const correlations = readRecords(CORRELATIONS);
  const n = schoolNames(forecasts, anomalies, underuse, correlations);
  const snap = plain(
    snapshotOf({
      title: ss().getName(),
      generated: isoNow(),
      state: getSidebarState(),
      runs: getRecentRuns(10),
      forecasts,
      accuracy,
      anomalies,
      incidents,
      weekly,
      underuse,
      correlations,
      names: n,
    }),
  );
  // The job takes a snapshot after every run: the sidebar's first views come from it.
  storeView('insights', snap.insights);
  storeView('heatmap', snap.heatmap);
  storeView(
    `forecast:${DISTRICT_ID}`,
    snap.forecast ? {...snap.forecast, options: forecastOptions()} : null,
  );
  return snap;
}

export function forecastOptions(): {id: string; name: string}[] {
  const n = schoolNames(readFields(FORECASTS, ['schoolId', 'schoolName']));
  return [...n.entries()]
    .map(([k, name]) => ({id: k, name}))
    .sort((a, b) =>
      a.id === DISTRICT_ID
        ? -1
        : b.id === DISTRICT_ID
          ? 1
          : naturalCompare(a.name, b.name),
    );
}

/** Assembles a snapshot from records (pure; the local runner uses it too). */
export function snapshotOf(i: {
  title: string;
  generated: string;
  state: SidebarState;
  runs: RunItem[];
  forecasts: ForecastRecord[];
  accuracy: Snapshot['accuracy'];
  anomalies: AnomalyRecord[];
  incidents?: IncidentRecord[];
  weekly: WeeklyFact[];
  underuse: UnderuseItem[];
  correlations: Snapshot['correlations'];
  names: Map<string, string>;
}): Snapshot {
  const insights = buildInsights({
    forecasts: i.forecasts,
    weekly: i.weekly,
    anomalies: i.anomalies,
    incidents: i.incidents,
    underuse: i.underuse,
    correlations: i.correlations,
  });
  // The schools named by forecast insights, then the largest under-users, get their own chart.
  const featured: string[] = [];
  for (const s of insights) {
    if (s.kind !== 'forecast') continue;
    for (const id of s.schoolIds ?? [s.schoolId]) {
      if (id !== DISTRICT_ID && !featured.includes(id)) featured.push(id);
    }
  }
  const schoolForecasts = featured
    .slice(0, 3)
    .map(id => forecastChart(i.forecasts, i.accuracy, id))
    .filter((c): c is ForecastChartData => c !== null);
  return {
    generated: i.generated,
    title: i.title,
    state: i.state,
    runs: i.runs,
    forecast: forecastChart(i.forecasts, i.accuracy, DISTRICT_ID),
    schoolForecasts,
    accuracy: i.accuracy,
    heatmap: heatmap(i.weekly, i.names),
    incidents: (i.incidents ?? []).slice(0, 100),
    anomalies: i.anomalies.slice(0, 200),
    underuse: i.underuse,
    correlations: i.correlations,
    insights,
  };
}
