/**
 * The analysis phase (Apps Script layer): reads the stored facts, runs every analysis
 * (forecasts, anomalies, correlation, under-utilisation), and writes the result tabs, the
 * Looker tabs and the dashboard. Each analysis lives in src/analysis; this module only
 * feeds it and maps its rows onto the tab records.
 */
import {
  detectDailyAnomalies,
  detectWeeklyAnomalies,
} from '../analysis/anomalies';
import type {AnomalyRow} from '../analysis/anomalies';
import type {Settings, WeeklyFact} from '../core/types';
import {writeDashboard} from '../sheets/dashboard';
import {readRecords, writeOutputs, writeTable} from '../sheets/outputs';
import {
  FORECASTS,
  LK_DAILY,
  anomalyId,
  lookerFact,
  type AnomalyRecord,
} from '../sheets/tables';
import {getSnapshot} from '../ui/server';
import {readFacts, readQuality, readSchools} from './ingest';
import {
  correlationRecords,
  forecastRecords,
  underuseRecords,
  type SchoolNames,
} from './records';

export interface AnalysisResult {
  rowsWritten: number;
  summary: string;
}

/** Milliseconds the phase is expected to need, so an execution only starts it with room. */
export function estimateAnalysisMs(
  settings: Settings,
  forecasts: boolean,
): number {
  const schools = Math.max(1, readSchools().length);
  return 20_000 + schools * (forecasts ? 90 : 15);
}

function isoWeekOf(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = Date.UTC(y, m - 1, d);
  const dow = (new Date(t).getUTCDay() + 6) % 7;
  const thursday = t + (3 - dow) * 86_400_000;
  const ty = new Date(thursday).getUTCFullYear();
  const week =
    Math.floor((thursday - Date.UTC(ty, 0, 1)) / (7 * 86_400_000)) + 1;
  return `${ty}-W${String(week).padStart(2, '0')}`;
}

function anomalyRecord(a: AnomalyRow, names: SchoolNames): AnomalyRecord {
  return {
    id: anomalyId({
      schoolId: a.schoolId,
      role: a.role,
      metric: a.metric,
      grain: a.grain,
      date: a.date,
    }),
    date: a.date,
    grain: a.grain,
    schoolId: a.schoolId,
    schoolName: names.get(a.schoolId) ?? a.schoolId,
    role: a.role,
    metric: a.metric,
    direction: a.direction,
    observed: a.observed,
    expected: a.expected,
    changePct: a.changePct,
    score: a.score,
    severity: a.severity,
    status: 'new',
    note: '',
    firstFlagged: '',
    statusChanged: '',
  };
}

export function analyseAndWrite(
  settings: Settings,
  opts: {forecasts: boolean},
): AnalysisResult {
  const {daily, weekly} = readFacts(settings);
  const schools = readSchools();
  const names: SchoolNames = new Map(schools.map(s => [s.id, s.name]));
  if (daily.length === 0) {
    return {rowsWritten: 0, summary: 'No facts yet: nothing to analyse.'};
  }
  const anomalyRows = [
    ...detectDailyAnomalies(daily, settings.calendar, settings, {
      metrics: ['activeUsers'],
    }),
    ...detectWeeklyAnomalies(
      completeWeeks(weekly),
      settings.calendar,
      settings,
      {
        metrics: ['activeUsers'],
      },
    ),
  ];
  const anomalies = anomalyRows.map(a => anomalyRecord(a, names));

  const fc = opts.forecasts ? forecastRecords(weekly, settings, names) : null;
  const correlations = correlationRecords(weekly, settings, names);
  const underuse = underuseRecords(weekly, settings, names, schools);

  const results = writeOutputs(
    {
      weekly,
      forecasts: fc?.forecasts,
      accuracy: fc?.accuracy,
      anomalies,
      correlations,
      underuse,
      quality: readQuality(),
      settings,
    },
    {minGroupSize: settings.minGroupSize, isoWeekOf},
  );
  // The store owns `Daily facts`; only its Looker twin is rebuilt here.
  results.push(
    writeTable(
      LK_DAILY,
      daily.map(f => lookerFact(f, settings.minGroupSize, isoWeekOf)),
    ),
  );
  const snap = getSnapshot();
  writeDashboard({
    title: snap.title,
    updated: snap.generated,
    forecast: snap.forecast,
    heatmap: snap.heatmap,
    anomalies: snap.anomalies,
    insights: snap.insights,
  });
  const rowsWritten = results.reduce((n, r) => n + r.rows, 0);
  const forecastNote = fc
    ? `${fc.accuracy.length} forecasts`
    : `${readRecords(FORECASTS).length > 0 ? 'forecasts kept' : 'no forecasts yet'}`;
  return {
    rowsWritten,
    summary: `${names.size} schools, ${daily.length} daily facts, ${forecastNote}, ${anomalies.length} anomalies, ${underuse.filter(u => u.flagged).length} schools under-using.`,
  };
}

/** Weeks that have ended: the current, partial week would read as a drop. */
function completeWeeks(weekly: WeeklyFact[]): WeeklyFact[] {
  const last = weekly.reduce((m, f) => (f.weekStart > m ? f.weekStart : m), '');
  return weekly.filter(f => f.weekStart !== last);
}
