/**
 * Writes the analysis results to their tabs (Apps Script layer): each admin tab and its
 * Looker twin replaced atomically, the anomaly statuses merged by id, the data dictionary
 * rebuilt from the schemas. Tabs whose results are not given are left as they are.
 */
import type {DataQualityRow} from '../clean/quality';
import type {DailyFact, Settings, WeeklyFact} from '../core/types';
import {
  ANOMALIES,
  CORRELATIONS,
  DAILY_FACTS,
  DATA_QUALITY,
  EQUITY,
  EQUITY_TESTS,
  FORECASTS,
  FORECAST_ACCURACY,
  INCIDENTS,
  LK_ANOMALIES,
  LK_CORRELATION,
  LK_INCIDENTS,
  LK_DAILY,
  LK_DATA_DICTIONARY,
  LK_DATA_QUALITY,
  LK_EQUITY,
  LK_FORECAST,
  LK_FORECAST_ACCURACY,
  LK_UNDERUSE,
  LK_WEEKLY,
  RUN_LOG,
  SETTINGS_TAB,
  UNDERUSE,
  WEEKLY_FACTS,
  dataDictionary,
  fromRows,
  lookerAnomaly,
  lookerEquity,
  lookerFact,
  lookerIncident,
  mergeAnomalies,
  settingsRecords,
  tabArgs,
  type AccuracyRecord,
  type AnomalyRecord,
  type CorrelationRecord,
  type EquityRecord,
  type EquityTestRecord,
  type ForecastRecord,
  type RunLogRecord,
  type TableSchema,
  type UnderuseRecord,
} from './tables';
import {
  appendRows,
  readTable,
  replaceTab,
  rewriteTail,
  sanitizeCell,
  type TabOptions,
  type WriteResult,
} from './writer';
import {buildIncidentRecords, type IncidentContext} from './incident-records';
import {writeWeeklyTabs, type WeekPrints} from './weekly-tabs';

import {bumpDataVersion} from '../platform/viewcache';

type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;

export interface OutputBundle {
  daily?: DailyFact[];
  weekly?: WeeklyFact[];
  /**
   * What `Weekly facts` and `lk_weekly` hold (the prints their last write kept): given,
   * they are rewritten from the first week that changed, and `save` gets the new prints.
   */
  weeklyPrints?: {
    previous: WeekPrints | null;
    save(prints: WeekPrints): void;
  };
  forecasts?: ForecastRecord[];
  accuracy?: AccuracyRecord[];
  /** This run's anomalies; statuses set by the admin are kept. */
  anomalies?: AnomalyRecord[];
  /**
   * Flags dated before this day were decided by earlier runs and are kept as they are;
   * `anomalies` then holds only flags of this day and later.
   */
  anomaliesSettledBefore?: string;
  /** Days on which the calendar now explains a drop (see mergeAnomalies). */
  calendarExplainsDrop?: (day: string) => boolean;
  /** What grouping the flags into incidents needs (the Incidents tab is written with them). */
  incidentContext?: IncidentContext;
  correlations?: CorrelationRecord[];
  underuse?: UnderuseRecord[];
  equity?: EquityRecord[];
  equityTests?: EquityTestRecord[];
  quality?: DataQualityRow[];
  settings?: Settings;
}

export interface OutputOptions {
  spreadsheet?: Spreadsheet;
  /** Run time, ISO UTC (the first-flagged time of new anomalies). */
  now?: string;
  /** ISO week of a YYYY-MM-DD day (for lk_daily). */
  isoWeekOf?: (date: string) => string;
  minGroupSize?: number;
  /** Rows per setValues for the big fact tabs (default: one call). */
  chunkRows?: number;
}

/** Writes one schema's records; Looker tabs keep their sheet id so linked reports survive. */
export function writeTable<R>(
  schema: TableSchema<R>,
  records: ReadonlyArray<R>,
  opts?: {
    spreadsheet?: Spreadsheet;
    chunkRows?: number;
    decorate?: TabOptions['decorate'];
  },
): WriteResult {
  const a = tabArgs(schema, records);
  return replaceTab(a.name, a.headers, a.rows, {
    spreadsheet: opts?.spreadsheet,
    numberFormats: a.numberFormats,
    columnWidths: a.columnWidths,
    keepSheetId: schema.looker,
    hidden: schema.hidden,
    chunkRows: opts?.chunkRows,
    decorate: opts?.decorate,
  });
}

/**
 * Rewrites a schema's tab from the first row whose `keyColumn` is at least `fromKey`
 * (`records` holds every record of those keys, sorted); null when the tab cannot be
 * extended in place and must be written whole (see rewriteTail).
 */
export function writeTableTail<R>(
  schema: TableSchema<R>,
  records: ReadonlyArray<R>,
  keyColumn: string,
  fromKey: string,
  opts?: {spreadsheet?: Spreadsheet},
): WriteResult | null {
  const a = tabArgs(schema, records);
  return rewriteTail(a.name, a.headers, a.rows, keyColumn, fromKey, {
    spreadsheet: opts?.spreadsheet,
    numberFormats: a.numberFormats,
  });
}

/** Reads a schema's tab back to records ([] when the tab does not exist). */
export function readRecords<R>(
  schema: TableSchema<R>,
  spreadsheet?: Spreadsheet,
): R[] {
  const t = readTable(schema.name, spreadsheet);
  if (!t || t.headers.length === 0) return [];
  return fromRows(schema, t.headers, t.rows);
}

function simpleIsoWeek(date: string): string {
  // ISO 8601: the week with the year's first Thursday is week 1.
  const [y, m, d] = date.split('-').map(Number);
  const t = Date.UTC(y, m - 1, d);
  const dow = (new Date(t).getUTCDay() + 6) % 7;
  const thursday = t + (3 - dow) * 86400000;
  const ty = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(ty, 0, 1)) / (7 * 86400000)) + 1;
  return `${ty}-W${String(week).padStart(2, '0')}`;
}

/** Writes every result given; returns what each tab received. */
export function writeOutputs(
  bundle: OutputBundle,
  opts: OutputOptions = {},
): WriteResult[] {
  const ss = opts.spreadsheet;
  const out: WriteResult[] = [];
  const min = opts.minGroupSize ?? bundle.settings?.minGroupSize ?? 10;
  const weekOf = opts.isoWeekOf ?? simpleIsoWeek;
  const now = opts.now ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const w = <R>(
    schema: TableSchema<R>,
    records: ReadonlyArray<R>,
    chunk?: number,
  ) =>
    out.push(writeTable(schema, records, {spreadsheet: ss, chunkRows: chunk}));

  if (bundle.daily) {
    w(DAILY_FACTS, bundle.daily, opts.chunkRows);
    w(
      LK_DAILY,
      bundle.daily.map(f => lookerFact(f, min, weekOf)),
      opts.chunkRows,
    );
  }
  if (bundle.weekly && bundle.weeklyPrints) {
    const written = writeWeeklyTabs(bundle.weekly, {
      spreadsheet: ss,
      minGroupSize: min,
      isoWeekOf: weekOf,
      chunkRows: opts.chunkRows,
      previous: bundle.weeklyPrints.previous,
    });
    out.push(...written.results);
    bundle.weeklyPrints.save(written.prints);
  } else if (bundle.weekly) {
    w(WEEKLY_FACTS, bundle.weekly, opts.chunkRows);
    w(
      LK_WEEKLY,
      bundle.weekly.map(f => lookerFact(f, min, weekOf)),
      opts.chunkRows,
    );
  }
  if (bundle.forecasts) {
    w(FORECASTS, bundle.forecasts);
    w(LK_FORECAST, bundle.forecasts);
  }
  if (bundle.accuracy) {
    w(FORECAST_ACCURACY, bundle.accuracy);
    w(LK_FORECAST_ACCURACY, bundle.accuracy);
  }
  if (bundle.anomalies) {
    const merged = mergeAnomalies(
      bundle.anomalies,
      readRecords(ANOMALIES, ss),
      now,
      bundle.anomaliesSettledBefore,
      bundle.calendarExplainsDrop,
    );
    if (bundle.incidentContext) {
      // Every flag of the tab, settled ones included: an incident may span both.
      const incidents = buildIncidentRecords(
        merged,
        readRecords(INCIDENTS, ss),
        bundle.incidentContext,
        now,
      );
      w(INCIDENTS, incidents);
      w(LK_INCIDENTS, incidents.map(lookerIncident));
    }
    w(ANOMALIES, merged);
    w(LK_ANOMALIES, merged.map(lookerAnomaly));
  }
  if (bundle.correlations) {
    w(CORRELATIONS, bundle.correlations);
    w(LK_CORRELATION, bundle.correlations);
  }
  if (bundle.underuse) {
    w(UNDERUSE, bundle.underuse);
    w(LK_UNDERUSE, bundle.underuse);
  }
  if (bundle.equity) {
    w(EQUITY, bundle.equity);
    w(LK_EQUITY, bundle.equity.map(lookerEquity));
  }
  if (bundle.equityTests) w(EQUITY_TESTS, bundle.equityTests);
  if (bundle.quality) {
    w(DATA_QUALITY, bundle.quality);
    w(LK_DATA_QUALITY, bundle.quality);
  }
  if (bundle.settings) w(SETTINGS_TAB, settingsRecords(bundle.settings));
  w(LK_DATA_DICTIONARY, dataDictionary());
  bumpDataVersion();
  return out;
}

/** Appends one run to the run log (one setValues). */
export function appendRunLog(
  run: RunLogRecord,
  spreadsheet?: Spreadsheet,
): WriteResult {
  const a = tabArgs(RUN_LOG, [run]);
  return appendRows(a.name, a.headers, a.rows, {
    spreadsheet,
    numberFormats: a.numberFormats,
    columnWidths: a.columnWidths,
  });
}

/**
 * Updates one run in the run log (a run logged as `running` and finished later), or
 * appends it when it is not there. Rewrites only that row.
 */
export function upsertRunLog(
  run: RunLogRecord,
  spreadsheet?: Spreadsheet,
): void {
  const ss = spreadsheet ?? SpreadsheetApp.getActiveSpreadsheet();
  const sheet = ss.getSheetByName(RUN_LOG.name);
  const a = tabArgs(RUN_LOG, [run]);
  if (sheet) extendHeader(sheet, a.headers);
  if (sheet && sheet.getLastRow() > 1) {
    const ids = sheet.getRange(2, 1, sheet.getLastRow() - 1, 1).getValues();
    for (let i = ids.length - 1; i >= 0; i--) {
      if (String(ids[i][0]) === run.runId) {
        sheet
          .getRange(i + 2, 1, 1, a.headers.length)
          .setValues(a.rows.map(r => r.map(v => sanitizeCell(v))));
        return;
      }
    }
  }
  appendRunLog(run, ss);
}

/**
 * A Run log tab of an earlier version has the leading columns only: it gains the new
 * headers (its rows keep their values, the new cells stay blank).
 */
function extendHeader(
  sheet: GoogleAppsScript.Spreadsheet.Sheet,
  headers: string[],
): void {
  const width = Math.max(sheet.getLastColumn(), 1);
  const current = sheet
    .getRange(1, 1, 1, width)
    .getValues()[0]
    .map(h => String(h));
  while (current.length && current[current.length - 1] === '') current.pop();
  if (
    current.length >= headers.length ||
    !current.length ||
    !current.every((h, j) => h === headers[j])
  ) {
    return;
  }
  if (sheet.getMaxColumns() < headers.length) {
    sheet.insertColumnsAfter(
      sheet.getMaxColumns(),
      headers.length - sheet.getMaxColumns(),
    );
  }
  sheet
    .getRange(1, current.length + 1, 1, headers.length - current.length)
    .setValues([headers.slice(current.length)]);
}

/** Index (0-based) of a schema field's column in a header row, by label or key. */
function columnOf<R>(
  schema: TableSchema<R>,
  headers: string[],
  field: keyof R,
): number {
  const c = schema.columns.find(x => x.field === field);
  if (!c) return -1;
  const i = headers.indexOf(schema.looker ? c.key : c.label);
  return i >= 0 ? i : headers.indexOf(c.key);
}

/** A tab with rows below its header: the sheet, its extent and its header row. */
function openTab(
  ss: Spreadsheet,
  name: string,
): {
  sheet: GoogleAppsScript.Spreadsheet.Sheet;
  lastRow: number;
  lastCol: number;
  headers: string[];
} | null {
  const sheet = ss.getSheetByName(name);
  if (!sheet) return null;
  const lastRow = sheet.getLastRow();
  const lastCol = sheet.getLastColumn();
  if (lastRow < 2 || lastCol < 1) return null;
  const headers = sheet
    .getRange(1, 1, 1, lastCol)
    .getValues()[0]
    .map(h => String(h));
  return {sheet, lastRow, lastCol, headers};
}

/**
 * Reads only the rows whose `field` passes `keep`: one read of that column, then one read of
 * the block of rows from the first match to the last. Rows of a tab are grouped (by week,
 * by school), so the sidebar reads a slice of a large tab instead of all of it.
 */
export function readRecordsWhere<R>(
  schema: TableSchema<R>,
  field: keyof R,
  keep: ((value: string) => boolean) | {latest: number},
  spreadsheet?: Spreadsheet,
): R[] {
  const ss = spreadsheet ?? SpreadsheetApp.getActiveSpreadsheet();
  const tab = openTab(ss, schema.name);
  if (!tab) return [];
  const {sheet, lastRow, lastCol, headers} = tab;
  const col = columnOf(schema, headers, field);
  if (col < 0) return readRecords(schema, ss);
  const values = sheet.getRange(2, col + 1, lastRow - 1, 1).getValues();
  let test: (value: string) => boolean;
  if (typeof keep === 'function') {
    test = keep;
  } else {
    // The rows holding the `latest` largest values of the field (the last weeks).
    const distinct = [...new Set(values.map(v => cellText(v[0])))]
      .filter(v => v)
      .sort();
    const cutoff = distinct[Math.max(0, distinct.length - keep.latest)] ?? '';
    test = v => v !== '' && v >= cutoff;
  }
  let first = -1;
  let last = -1;
  for (let i = 0; i < values.length; i++) {
    if (test(cellText(values[i][0]))) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first < 0) return [];
  const block = sheet
    .getRange(first + 2, 1, last - first + 1, lastCol)
    .getValues();
  const rows = block.filter(r => test(cellText(r[col])));
  return fromRows(schema, headers, rows);
}

/** The distinct values of one or more fields (one read of their columns' span). */
export function readFields<R, K extends keyof R>(
  schema: TableSchema<R>,
  fields: K[],
  spreadsheet?: Spreadsheet,
): Pick<R, K>[] {
  const ss = spreadsheet ?? SpreadsheetApp.getActiveSpreadsheet();
  const tab = openTab(ss, schema.name);
  if (!tab) return [];
  const {sheet, lastRow, headers} = tab;
  const cols = fields.map(f => columnOf(schema, headers, f));
  if (cols.some(c => c < 0)) return readRecords(schema, ss);
  const lo = Math.min(...cols);
  const hi = Math.max(...cols);
  const block = sheet.getRange(2, lo + 1, lastRow - 1, hi - lo + 1).getValues();
  const sub = headers.slice(lo, hi + 1);
  const seen = new Set<string>();
  const out: Pick<R, K>[] = [];
  for (const r of fromRows(schema, sub, block)) {
    const pick = {} as Pick<R, K>;
    for (const f of fields) pick[f] = r[f];
    const k = JSON.stringify(pick);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(pick);
    }
  }
  return out;
}

function cellText(v: unknown): string {
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return v === null || v === undefined ? '' : String(v);
}
