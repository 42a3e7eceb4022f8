/**
 * The server side of the sidebar and the menu (Apps Script layer). Every function returns
 * plain JSON (no Dates) and throws Errors whose messages read well in the sidebar.
 */
import {attributionRules, schoolPathOf} from '../clean/attribution';
import {InputError} from '../core/errors';
import {effectiveStartDate} from '../core/settings';
import {estimateIngest} from '../sources/estimate';
import {productTitle} from '../core/labels';
import type {Settings} from '../core/types';
import {writeDashboard} from '../sheets/dashboard';
import {readRecords, readRecordsWhere} from '../sheets/outputs';
import {
  ANOMALIES,
  CORRELATIONS,
  FORECASTS,
  FORECAST_ACCURACY,
  INCIDENTS,
  LK_ANOMALIES,
  LK_INCIDENTS,
  UNDERUSE,
  WEEKLY_FACTS,
  anomalyId,
  isStatus,
  type AnomalyKey,
  type TableSchema,
} from '../sheets/tables';
import {readTable, sanitizeCell} from '../sheets/writer';
import {sendAnomalyDigest} from '../pipeline/alerts';
import {
  getRecentRuns,
  getSidebarState,
  getSnapshot,
  isoNow,
  plain,
  recentWeekly,
  schoolNameMap,
  snapshotOf,
  ss,
  forecastOptions,
} from '../sheets/snapshot';
import {lookerLinksForActive, type LookerLinks} from './looker';
import {readProgress} from '../platform/progress';
import {bumpDataVersion, cachedView} from '../platform/viewcache';
import {
  loadSettings,
  saveSettings as storeSettings,
} from '../platform/settings';
import {
  installTriggers as install,
  removeTriggers as remove,
  runNow as queueRun,
  type QueuedRun,
} from '../platform/triggers';
import type {
  AnomalyItem,
  AnomalyUpdate,
  BackfillEstimate,
  ForecastChartData,
  HeatmapData,
  IncidentItem,
  Insight,
  Progress,
  TriggerState,
  UnderuseItem,
} from '../sheets/view-types';
import {
  DISTRICT_ID,
  buildInsights,
  forecastChart,
  heatmap,
} from '../sheets/views';

export {getRecentRuns, getSidebarState, getSnapshot, snapshotOf};

// ---------------------------------------------------------------------------------------
// State, settings, runs.

export function saveSettings(input: unknown): Settings {
  return plain(storeSettings(input));
}

export function getProgress(): Progress {
  return plain(readProgress());
}

export function runNow(): QueuedRun {
  return plain(queueRun());
}

export function installTriggers(): TriggerState {
  return plain(install());
}

export function removeTriggers(): TriggerState {
  return plain(remove());
}

/** Estimates a backfill from `startDate` (default: the settings) to yesterday. */
export function estimateBackfill(input?: {
  startDate?: string;
}): BackfillEstimate {
  const settings = loadSettings();
  return plain(
    backfillEstimateFor(settings, districtSize(settings), input?.startDate),
  );
}

/**
 * The cost of backfilling from `startDate` (default: the settings' first day) to yesterday
 * for a district of this size (Setup's preview asks it for the schools it found).
 */
export function backfillEstimateFor(
  settings: Settings,
  size: {schools: number; users: number},
  startDate?: string,
): BackfillEstimate {
  const tz = settings.timeZone;
  const today = Utilities.formatDate(new Date(), tz, 'yyyy-MM-dd');
  const yesterday = Utilities.formatDate(
    new Date(Date.now() - 86400000),
    tz,
    'yyyy-MM-dd',
  );
  const start =
    startDate !== undefined && startDate !== ''
      ? startDate
      : effectiveStartDate(settings, today);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start)) {
    throw new InputError('startDate', `"${start}" is not a YYYY-MM-DD date`);
  }
  if (start > yesterday) {
    throw new InputError(
      'startDate',
      `${start} is after yesterday (${yesterday})`,
    );
  }
  return estimateIngest({
    startDate: start,
    endDate: yesterday,
    schools: size.schools,
    users: size.users,
    budgetSeconds: settings.budgetSeconds,
  });
}

/**
 * Schools and users: from the latest weekly facts when there are any, otherwise from one
 * pass over the Directory (org unit paths only).
 */
function districtSize(settings: Settings): {schools: number; users: number} {
  const weekly = readRecordsWhere(WEEKLY_FACTS, 'weekStart', {latest: 1});
  if (weekly.length) {
    const last = weekly.reduce(
      (m, f) => (f.weekStart > m ? f.weekStart : m),
      '',
    );
    const latest = weekly.filter(f => f.weekStart === last && !f.product);
    const enrolled = new Map<string, number>();
    for (const f of latest) {
      const k = `${f.schoolId}\t${f.role}`;
      enrolled.set(k, Math.max(enrolled.get(k) ?? 0, f.enrolledUsers));
    }
    return {
      schools: new Set(latest.map(f => f.schoolId)).size,
      users: [...enrolled.values()].reduce((a, b) => a + b, 0),
    };
  }
  const rules = attributionRules(settings);
  const ous = new Set<string>();
  let count = 0;
  let pageToken: string | undefined;
  const users =
    typeof AdminDirectory === 'undefined' ? undefined : AdminDirectory?.Users;
  if (!users) {
    throw new Error(
      'The Admin SDK Directory service is not enabled for this script, so the district size is unknown.',
    );
  }
  do {
    const page = users.list({
      customer: 'my_customer',
      maxResults: 500,
      pageToken,
      fields: 'nextPageToken,users(orgUnitPath)',
    });
    for (const u of page.users ?? []) {
      count++;
      const school = schoolPathOf(u.orgUnitPath ?? '/', rules);
      if (school) ous.add(school);
    }
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken);
  return {schools: ous.size, users: count};
}

// ---------------------------------------------------------------------------------------
// Views.

export function getForecastChart(schoolId?: string): ForecastChartData | null {
  const id = typeof schoolId === 'string' && schoolId ? schoolId : DISTRICT_ID;
  return cachedView(`forecast:${id}`, () => forecastChartOf(id));
}

function forecastChartOf(id: string): ForecastChartData | null {
  // Only this school's rows; the picker lists every school with a forecast.
  const mine = readRecordsWhere(FORECASTS, 'schoolId', v => v === id);
  const chart = forecastChart(mine, readRecords(FORECAST_ACCURACY), id);
  if (chart) chart.options = forecastOptions();
  return plain(chart);
}

export function getHeatmap(): HeatmapData | null {
  return cachedView('heatmap', () =>
    plain(heatmap(recentWeekly(), schoolNameMap())),
  );
}

export function getAnomalies(filter?: {status?: string}): AnomalyItem[] {
  let list = readRecords(ANOMALIES);
  if (filter?.status && filter.status !== 'all') {
    list = list.filter(a => a.status === filter.status);
  }
  return plain(list.slice(0, 200));
}

/** Incidents, most users affected first; `status` filters ('all' or absent: every one). */
export function getIncidents(filter?: {status?: string}): IncidentItem[] {
  let list = readRecords(INCIDENTS);
  if (filter?.status && filter.status !== 'all') {
    list = list.filter(i => i.status === filter.status);
  }
  return plain(list.slice(0, 100));
}

export function getUnderuse(): UnderuseItem[] {
  return plain(readRecords(UNDERUSE).sort((a, b) => a.rank - b.rank));
}

export function getInsights(): Insight[] {
  return cachedView('insights', () => insightsNow());
}

function insightsNow(): Insight[] {
  return plain(
    buildInsights({
      forecasts: readRecords(FORECASTS),
      weekly: recentWeekly(),
      anomalies: readRecords(ANOMALIES),
      incidents: readRecords(INCIDENTS),
      underuse: readRecords(UNDERUSE),
      correlations: readRecords(CORRELATIONS),
    }),
  );
}

// ---------------------------------------------------------------------------------------
// Anomaly status.

const ID_RE = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * Sets an anomaly's status (and optional note) in the Anomalies tab and its Looker twin.
 * Takes the document lock, so it never interleaves with the job's merge of anomalies.
 */
export function acknowledgeAnomaly(
  id: string,
  status: string,
  note?: string,
): AnomalyUpdate {
  return setStatus(ANOMALIES, LK_ANOMALIES, 'anomaly', id, status, note);
}

/**
 * Sets an incident's status (and optional note) in the Incidents tab and its Looker twin;
 * the next run keeps it (see src/sheets/incident-records.ts).
 */
export function acknowledgeIncident(
  id: string,
  status: string,
  note?: string,
): AnomalyUpdate {
  return setStatus(INCIDENTS, LK_INCIDENTS, 'incident', id, status, note);
}

function setStatus<
  R extends {
    id: string;
    status: string;
    note: string;
    statusChanged: string;
  },
>(
  schema: TableSchema<R>,
  lookerSchema: {name: string; columns: ReadonlyArray<{key: string}>},
  what: 'anomaly' | 'incident',
  id: string,
  status: string,
  note?: string,
): AnomalyUpdate {
  if (typeof id !== 'string' || !ID_RE.test(id)) {
    throw new InputError('id', `is not an ${what} id`);
  }
  if (!isStatus(status)) {
    throw new InputError('status', 'must be new, acknowledged or explained');
  }
  const cleanNote =
    note === undefined || note === null
      ? undefined
      : String(note).trim().slice(0, 500);
  const lock = LockService.getDocumentLock();
  if (!lock.tryLock(15000)) {
    throw new Error(
      'The job is writing results right now; try again in a minute.',
    );
  }
  try {
    const book = ss();
    const sheet = book.getSheetByName(schema.name);
    const table = readTable(schema.name, book);
    if (!sheet || !table) {
      throw new Error(
        `There is no ${schema.name} tab yet: run the analysis first.`,
      );
    }
    const label = (field: keyof R) =>
      schema.columns.find(c => c.field === field)!.label;
    const col = (field: keyof R) => table.headers.indexOf(label(field));
    const idCol = col('id');
    const row = table.rows.findIndex(r => String(r[idCol]) === id);
    if (idCol < 0 || row < 0) {
      throw new Error(
        `${what === 'anomaly' ? 'Anomaly' : 'Incident'} ${id} is no longer in the ${schema.name} tab; refresh the list.`,
      );
    }
    const values = table.rows[row].slice();
    const statusChanged = isoNow();
    values[col('status')] = status;
    if (cleanNote !== undefined) values[col('note')] = cleanNote;
    values[col('statusChanged')] = statusChanged;
    sheet
      .getRange(row + 2, 1, 1, values.length)
      .setValues([values.map(v => sanitizeCell(v))]);
    const lk = book.getSheetByName(lookerSchema.name);
    const lkTable = lk ? readTable(lookerSchema.name, book) : null;
    if (lk && lkTable) {
      const idKey = lookerSchema.columns[0].key;
      const i = lkTable.rows.findIndex(
        r => String(r[lkTable.headers.indexOf(idKey)]) === id,
      );
      const s = lkTable.headers.indexOf('status');
      if (i >= 0 && s >= 0) lk.getRange(i + 2, s + 1).setValue(status);
    }
    bumpDataVersion();
    const finalNote = String(values[col('note')] ?? '');
    return {id, status, note: finalNote, statusChanged};
  } finally {
    lock.releaseLock();
  }
}

/** The id an anomaly of these coordinates has (for links from other views). */
export function anomalyIdOf(a: AnomalyKey): string {
  return anomalyId(a);
}

// ---------------------------------------------------------------------------------------
// Looker Studio and alerts.

export function getLookerLinks(): LookerLinks {
  return plain(lookerLinksForActive());
}

export function sendDigestNow(): {sent: number; recipients: number} {
  return sendAnomalyDigest();
}

// ---------------------------------------------------------------------------------------
// Dashboard.

/** Rebuilds the Dashboard tab from the output tabs (menu item; the job calls it after a run). */
export function refreshDashboard(): {rows: number; charts: number} {
  const snap = getSnapshot();
  const r = writeDashboard({
    title: productTitle(snap.title),
    updated: snap.generated,
    forecast: snap.forecast,
    heatmap: snap.heatmap,
    anomalies: snap.anomalies,
    insights: snap.insights,
  });
  const charts = (r.layout.forecast ? 1 : 0) + (r.layout.timeline ? 1 : 0);
  return {rows: r.rows + 1, charts};
}
