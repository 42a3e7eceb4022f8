/**
 * The analysis phase (Apps Script layer): reads the stored facts, runs every analysis
 * (forecasts, anomalies, correlation, under-utilisation), and writes the result tabs, the
 * Looker tabs and the dashboard. Each analysis lives in src/analysis; this module only
 * feeds it and maps its rows onto the tab records.
 */
import {
  calendarExplainsDrop,
  detectDailyAnomalies,
  detectWeeklyAnomalies,
} from '../analysis/anomalies';
import type {Settings} from '../core/types';
import {addDays, isoWeek} from '../clean/dates';
import {productTitle} from '../core/labels';
import {writeDashboard} from '../sheets/dashboard';
import {writeOutputs, writeTable, writeTableTail} from '../sheets/outputs';
import {LK_DAILY, lookerFact} from '../sheets/tables';
import {getSnapshot} from '../sheets/snapshot';
import {ANALYSIS_SETTLED_PROPERTY} from '../platform/settings';
import {NO_SCHOOL} from '../metrics/facts';
import {weekEnded} from '../metrics/weekly';
import {readFacts, readQuality, readSchools} from './ingest';
import {refreshCalendarSources} from './calendar-sources';
import {effectiveCalendar} from './calendar';
import {withSchoolDays} from '../metrics/calendar/activity';
import {SheetBlobStore} from './store';
import {modelsToReuse, saveModels} from './model-store';
import {
  DIMENSION_LABELS,
  analyseEquity,
  type EquityResult,
} from '../analysis/equity';
import {equityTables} from '../sheets/equity-tables';
import type {WeekPrints} from '../sheets/weekly-tabs';
import {datasetOf, type ImportState} from '../sources/learnplatform/importer';
import {IMPORT_BLOB} from '../sources/learnplatform/source';
import {replaceTab, trimHead} from '../sheets/writer';
import type {EquityRecord, EquityTestRecord} from '../sheets/tables';
import {
  correlationRecords,
  forecastRecords,
  underuseRecords,
  anomalyRecord,
  UNASSIGNED_NAME,
  type SchoolNames,
} from './records';

export interface AnalysisResult {
  rowsWritten: number;
  summary: string;
}

/** Milliseconds the phase is expected to need, so an execution only starts it with room. */
export function estimateAnalysisMs(): number {
  const schools = Math.max(1, readSchools().length);
  return 20_000 + schools * 100;
}

/** ISO week of a date, memoised per run (every Looker row carries one). */
function isoWeekMemo(): (date: string) => string {
  const weeks = new Map<string, string>();
  return date => {
    let w = weeks.get(date);
    if (w === undefined) {
      w = isoWeek(date).week;
      weeks.set(date, w);
    }
    return w;
  };
}

/**
 * Document property: the day before which anomaly flags and `lk_daily` rows are settled.
 * Each run re-decides only the last RESCORE_DAYS days (re-fetches settle within days), so
 * a weekly run reads and writes in proportion to its newest weeks, not to the history.
 * Unset (a new spreadsheet): the first run analyses and writes everything.
 */
export const SETTLED_PROPERTY = ANALYSIS_SETTLED_PROPERTY;
/** Days at the end of the history whose flags and Looker rows each run re-decides. */
export const RESCORE_DAYS = 63;
/** Daily history the decomposition sees before the re-decided days (44 weeks). */
export const CONTEXT_DAYS = 308;

/**
 * Cells `lk_daily` may use: it holds the newest days that fit (40 schools: about 300
 * days); the whole history stays in `Daily facts`, its archive and `lk_weekly`.
 */
export const LK_DAILY_CELLS = 2_000_000;

/** The facts of the newest whole days, at most `maxRows` of them (facts sorted by date). */
function newestDays<T extends {date: string}>(
  facts: T[],
  maxRows: number,
): T[] {
  if (facts.length <= maxRows) return facts;
  let start = facts.length - maxRows;
  while (start < facts.length && facts[start].date === facts[start - 1].date)
    start++;
  return facts.slice(start);
}

export function analyseAndWrite(given: Settings): AnalysisResult {
  // Imported calendars first: the calendar of this run reads the Calendar tab they update.
  const calendarWarnings = refreshCalendarSources(given).warnings;
  const props = PropertiesService.getDocumentProperties();
  const settled = props.getProperty(SETTLED_PROPERTY) ?? '';
  const isoWeekOf = isoWeekMemo();
  const read = readFacts(given, {
    dailySince: settled ? addDays(settled, -CONTEXT_DAYS) : undefined,
  });
  const daily = read.daily;
  const ss = SpreadsheetApp.getActiveSpreadsheet();
  const blobs = new SheetBlobStore(ss);
  // Every analysis reads the calendar learned from the activity (with what the admin
  // entered on top), never the bare default; weeks count their school days by it.
  const learned = effectiveCalendar(given, daily, blobs, ss);
  const settings: Settings = {...given, calendar: learned.calendar};
  const weekly = withSchoolDays(read.weekly, learned.calendar);
  const schools = readSchools().filter(s => s.id !== NO_SCHOOL);
  const names: SchoolNames = new Map(schools.map(s => [s.id, s.name]));
  names.set(NO_SCHOOL, UNASSIGNED_NAME);
  if (daily.length === 0) {
    return {
      rowsWritten: 0,
      summary: ['No facts yet: nothing to analyse.', ...calendarWarnings].join(
        ' ',
      ),
    };
  }
  const lastDay = daily.reduce((m, f) => (f.date > m ? f.date : m), '');
  // Accounts under no school are not a school: no anomalies, ranks or school rows of their own.
  const schoolDaily = daily.filter(f => f.schoolId !== NO_SCHOOL);
  const schoolWeekly = weekly.filter(f => f.schoolId !== NO_SCHOOL);
  const schoolsInView = distinctSchools(schoolDaily);
  // Each week has one fact per school and role: decide each week once.
  const endedWeeks = new Map<string, boolean>();
  const ended = (weekStart: string): boolean => {
    let e = endedWeeks.get(weekStart);
    if (e === undefined) {
      e = weekEnded(weekStart, lastDay, settings.calendar);
      endedWeeks.set(weekStart, e);
    }
    return e;
  };
  const anomalyRows = [
    ...detectDailyAnomalies(schoolDaily, settings.calendar, settings, {
      metrics: ['activeUsers'],
    }),
    ...detectWeeklyAnomalies(
      schoolWeekly.filter(f => ended(f.weekStart)),
      settings.calendar,
      settings,
      {
        metrics: ['activeUsers'],
      },
    ),
  ];
  const anomalies = anomalyRows
    // A flag is re-decided while its last day is unsettled (an ongoing sustained drop).
    .filter(a => (a.endDate || a.date) >= settled)
    .map(a => anomalyRecord(a, names));

  const chosen = modelsToReuse(blobs, weekly, settled);
  const fc = forecastRecords(weekly, settings, names, chosen?.models, lastDay);
  if (!chosen) saveModels(blobs, weekly, fc.models);
  const correlations = correlationRecords(weekly, settings, names);
  const underuse = underuseRecords(schoolWeekly, settings, names, schools);

  const equity =
    settings.source === 'learnplatform' ? learnPlatformEquity() : null;
  // The sidebar's acknowledge takes the document lock too: a status set mid-run is merged,
  // never overwritten.
  const docLock = LockService.getDocumentLock();
  docLock.waitLock(30_000);
  // The weekly tabs' prints: dropped before the write (a write cut short leaves none, so
  // the next run writes whole) and kept once the tabs hold the new rows.
  const previousPrints = settled ? weekPrints(blobs) : null;
  if (blobs.get(WEEKLY_PRINTS_BLOB) !== null) blobs.delete(WEEKLY_PRINTS_BLOB);
  let results: ReturnType<typeof writeOutputs>;
  try {
    results = writeOutputs(
      {
        equity: equity?.records,
        equityTests: equity?.tests,
        weekly,
        weeklyPrints: {
          previous: previousPrints,
          save: p => blobs.put(WEEKLY_PRINTS_BLOB, JSON.stringify(p)),
        },
        forecasts: fc.forecasts,
        accuracy: fc.accuracy,
        anomalies,
        anomaliesSettledBefore: settled,
        calendarExplainsDrop: calendarExplainsDrop(settings.calendar),
        incidentContext: {
          schools: schoolsInView,
          lastDay,
          schoolWeekdays: settings.calendar.schoolWeekdays,
          closures: settings.calendar.closures,
          minUsers: settings.minGroupSize,
          names,
        },
        correlations,
        underuse,
        quality: readQuality(),
        settings,
      },
      {minGroupSize: settings.minGroupSize, isoWeekOf},
    );
  } finally {
    docLock.releaseLock();
  }
  if (equity) {
    // The LearnPlatform breakdowns that have no admin twin (states, products, shares).
    for (const t of equityTables(equity.result)) {
      results.push(replaceTab(t.name, t.header, t.rows));
    }
  }
  // The store owns `Daily facts`; only its Looker twin is written here: from the settled
  // day on when the tab allows it, else whole.
  const looker = (facts: typeof daily) =>
    facts.map(f => lookerFact(f, settings.minGroupSize, isoWeekOf));
  const tail = settled
    ? writeTableTail(
        LK_DAILY,
        looker(daily.slice(firstOnOrAfter(daily, settled))),
        'date',
        settled,
      )
    : null;
  const lkRows = Math.floor(LK_DAILY_CELLS / LK_DAILY.columns.length);
  if (tail) {
    trimHead(LK_DAILY.name, 'date', lkRows);
    results.push(tail);
  } else {
    const all = settled ? readFacts(settings).daily : daily;
    results.push(writeTable(LK_DAILY, looker(newestDays(all, lkRows))));
  }
  const nextSettled = addDays(lastDay, -RESCORE_DAYS);
  if (nextSettled > settled) props.setProperty(SETTLED_PROPERTY, nextSettled);
  const snap = getSnapshot();
  writeDashboard({
    title: productTitle(snap.title),
    updated: snap.generated,
    forecast: snap.forecast,
    heatmap: snap.heatmap,
    anomalies: snap.anomalies,
    insights: snap.insights,
  });
  const rowsWritten = results.reduce((n, r) => n + r.rows, 0);
  const forecastNote = `${fc.accuracy.length} series forecast`;
  return {
    rowsWritten,
    summary: [
      `${schools.length} schools, ${daily.length} daily facts, ${forecastNote}, ${anomalies.length} anomalies, ${underuse.filter(u => u.flagged).length} schools under-using.`,
      ...calendarWarnings,
    ].join(' '),
  };
}

/** Blob of what `Weekly facts` and `lk_weekly` hold (see sheets/weekly-tabs). */
export const WEEKLY_PRINTS_BLOB = 'weekly:prints';

function weekPrints(blobs: SheetBlobStore): WeekPrints | null {
  const text = blobs.get(WEEKLY_PRINTS_BLOB);
  if (!text) return null;
  try {
    return JSON.parse(text) as WeekPrints;
  } catch {
    return null;
  }
}

/** Index of the first fact dated `day` or later (facts sorted by date). */
function firstOnOrAfter(facts: ReadonlyArray<{date: string}>, day: string) {
  let lo = 0;
  let hi = facts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (facts[mid].date < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Schools with facts (facts of a school and day come together: one set entry a run). */
function distinctSchools(facts: ReadonlyArray<{schoolId: string}>): number {
  const ids = new Set<string>();
  let last: string | null = null;
  for (const f of facts) {
    if (f.schoolId === last) continue;
    last = f.schoolId;
    ids.add(last);
  }
  return ids.size;
}

/** The equity breakdowns of an imported LearnPlatform data set (null until it is imported). */
function learnPlatformEquity(): {
  result: EquityResult;
  records: EquityRecord[];
  tests: EquityTestRecord[];
} | null {
  const text = new SheetBlobStore(SpreadsheetApp.getActiveSpreadsheet()).get(
    IMPORT_BLOB,
  );
  if (!text) return null;
  const state = JSON.parse(text) as ImportState;
  if (state.pending.length) return null;
  const result = analyseEquity(datasetOf(state));
  const records: EquityRecord[] = result.groups.map(g => ({
    dimension: DIMENSION_LABELS[g.dimension],
    band: g.level,
    bandLow: g.lower,
    bandHigh: g.upper,
    districts: g.withData,
    pctAccess: g.metrics.pctAccess?.mean ?? null,
    engagementIndex: g.metrics.engagement?.mean ?? null,
    suppressed: g.suppressed,
  }));
  const tests: EquityTestRecord[] = [];
  for (const t of result.tests) {
    if (t.kruskal) {
      tests.push({
        dimension: DIMENSION_LABELS[t.dimension],
        metric: t.metric,
        test: 'Kruskal-Wallis',
        statistic: t.kruskal.h,
        df: t.kruskal.df,
        pValue: t.kruskal.p,
        groups: t.levels.length,
        significant: t.kruskal.p < 0.05,
      });
    }
    for (const w of t.welch) {
      tests.push({
        dimension: DIMENSION_LABELS[t.dimension],
        metric: `${t.metric}: ${w.a} vs ${w.b}`,
        test: 'Welch t',
        statistic: w.t,
        df: w.df,
        pValue: w.pAdjusted,
        groups: 2,
        significant: w.pAdjusted < 0.05,
      });
    }
  }
  return {result, records, tests};
}
