/**
 * The Dashboard tab: native Sheets charts over blocks of data laid out on the tab itself
 * (so the charts never point at a tab that a later run replaces): forecast against actual,
 * the anomaly timeline, and the student-teacher heatmap as conditional-format gradients.
 * The layout is computed purely (dashboardLayout); writeDashboard puts it in a sheet,
 * swapped in atomically like every other tab.
 */
import {metricLabel} from '../core/labels';
import {accuracyLines} from './accuracy';
import type {
  AnomalyItem,
  ForecastChartData,
  HeatmapData,
  Insight,
} from './view-types';
import type {CellValue} from './tables';
import {replaceTab, type WriteResult} from './writer';

export const DASHBOARD_TAB = 'Dashboard';

export interface DashboardInput {
  title: string;
  /** ISO UTC time of the run. */
  updated: string;
  forecast: ForecastChartData | null;
  heatmap: HeatmapData | null;
  anomalies: ReadonlyArray<AnomalyItem>;
  insights: ReadonlyArray<Insight>;
}

/** A block of the layout: 1-based top-left cell and size, header row included. */
export interface Block {
  row: number;
  col: number;
  rows: number;
  cols: number;
}

export interface DashboardLayout {
  values: CellValue[][];
  width: number;
  forecast: Block | null;
  timeline: Block | null;
  heatStudent: Block | null;
  heatTeacher: Block | null;
  heatGap: Block | null;
  /** Largest % access in the two heatmap grids (the gradient's top). */
  heatMax: number;
  /** Largest |student - teacher| gap (the diverging gradient's span). */
  gapSpan: number;
}

/** Rows a chart of CHART_HEIGHT px covers, so blocks below never hide behind it. */
const CHART_ROWS = 17;
const CHART_WIDTH = 620;
const CHART_HEIGHT = 320;
const MIN_WIDTH = 8;

function mondayOf(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = Date.UTC(y, m - 1, d);
  const dow = (new Date(t).getUTCDay() + 6) % 7;
  return new Date(t - dow * 86400000).toISOString().slice(0, 10);
}

/** Anomaly counts per week (drops, surges), every week from the first to the last. */
export function anomalyWeeks(
  anomalies: ReadonlyArray<AnomalyItem>,
  maxWeeks = 26,
): {week: string; drops: number; surges: number}[] {
  const counts = new Map<string, {drops: number; surges: number}>();
  for (const a of anomalies) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(a.date)) continue;
    const w = mondayOf(a.date);
    const c = counts.get(w) ?? {drops: 0, surges: 0};
    if (a.direction === 'drop') c.drops++;
    else c.surges++;
    counts.set(w, c);
  }
  const keys = [...counts.keys()].sort();
  if (keys.length === 0) return [];
  const out: {week: string; drops: number; surges: number}[] = [];
  const last = Date.parse(`${keys[keys.length - 1]}T00:00:00Z`);
  for (
    let t = Date.parse(`${keys[0]}T00:00:00Z`);
    t <= last;
    t += 7 * 86400000
  ) {
    const w = new Date(t).toISOString().slice(0, 10);
    out.push({week: w, ...(counts.get(w) ?? {drops: 0, surges: 0})});
  }
  return out.slice(-maxWeeks);
}

/** The dashboard's cells and where each block sits (pure). */
export function dashboardLayout(input: DashboardInput): DashboardLayout {
  const hm = input.heatmap;
  const width = Math.max(MIN_WIDTH, hm ? hm.weeks.length + 1 : 0);
  const rows: CellValue[][] = [];
  const push = (cells: CellValue[]) => {
    const r: CellValue[] = cells.slice(0, width);
    while (r.length < width) r.push(null);
    rows.push(r);
  };
  const pad = (until: number) => {
    while (rows.length < until) push([]);
  };
  push([input.title]);
  push([`Updated ${input.updated.replace('T', ' ').replace('Z', ' UTC')}`]);
  push([]);
  if (input.insights.length) {
    push(['Insights']);
    for (const i of input.insights.slice(0, 6)) push([i.text]);
    push([]);
  }

  let forecast: Block | null = null;
  const f = input.forecast;
  if (f && f.points.length) {
    push([
      `Forecast vs actual: ${f.schoolName}, ${metricLabel(f.metric)} (${f.model || 'model n/a'})`,
    ]);
    const start = rows.length + 1;
    push([
      'Week start',
      'Actual',
      'Forecast',
      '80% low',
      '80% high',
      '95% low',
      '95% high',
    ]);
    for (const p of f.points) {
      push([p.weekStart, p.actual, p.forecast, p.lo80, p.hi80, p.lo95, p.hi95]);
    }
    forecast = {row: start, col: 1, rows: f.points.length + 1, cols: 7};
    pad(start - 1 + CHART_ROWS);
    // Below the chart: the district series' figure and the schools' median and spread,
    // each named (a district total forecasts better than any one school).
    if (f.accuracySummary) {
      for (const line of accuracyLines(f.accuracySummary)) push([line]);
    }
    push([]);
  }

  let timeline: Block | null = null;
  const weeks = anomalyWeeks(input.anomalies);
  if (weeks.length) {
    push(['Anomaly timeline (per week)']);
    const start = rows.length + 1;
    push(['Week start', 'Drops', 'Surges']);
    for (const w of weeks) push([w.week, w.drops, w.surges]);
    timeline = {row: start, col: 1, rows: weeks.length + 1, cols: 3};
    pad(start - 1 + CHART_ROWS);
    push([]);
  }

  let heatStudent: Block | null = null;
  let heatTeacher: Block | null = null;
  let heatGap: Block | null = null;
  let heatMax = 0;
  let gapSpan = 0;
  if (hm && hm.schools.length && hm.weeks.length) {
    const grid = (
      title: string,
      value: (s: number, w: number) => number | null,
    ): Block => {
      push([title]);
      const start = rows.length + 1;
      push(['School', ...hm.weeks]);
      hm.schools.forEach((sc, s) => {
        push([sc.name, ...hm.weeks.map((_, w) => value(s, w))]);
      });
      push([]);
      return {
        row: start,
        col: 1,
        rows: hm.schools.length + 1,
        cols: hm.weeks.length + 1,
      };
    };
    for (const g of [hm.student, hm.teacher]) {
      for (const r of g)
        for (const v of r) if (v !== null && v > heatMax) heatMax = v;
    }
    const gap = (s: number, w: number) => {
      const a = hm.student[s]?.[w] ?? null;
      const b = hm.teacher[s]?.[w] ?? null;
      if (a === null || b === null) return null;
      const d = Math.round((a - b) * 10) / 10;
      gapSpan = Math.max(gapSpan, Math.abs(d));
      return d;
    };
    heatStudent = grid(
      `Students: ${hm.app} % access by school and week`,
      (s, w) => hm.student[s]?.[w] ?? null,
    );
    heatTeacher = grid(
      `Teachers: ${hm.app} % access by school and week`,
      (s, w) => hm.teacher[s]?.[w] ?? null,
    );
    heatGap = grid('Students minus teachers (percentage points)', gap);
  }
  if (rows.length < 2) push([]);
  return {
    values: rows,
    width,
    forecast,
    timeline,
    heatStudent,
    heatTeacher,
    heatGap,
    heatMax,
    gapSpan,
  };
}

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

function range(sheet: Sheet, b: Block): GoogleAppsScript.Spreadsheet.Range {
  return sheet.getRange(b.row, b.col, b.rows, b.cols);
}

function decorate(sheet: Sheet, l: DashboardLayout): void {
  sheet.getRange(1, 1).setFontWeight('bold').setFontSize(14);
  sheet.setColumnWidth(1, 170);
  for (let c = 2; c <= l.width; c++) sheet.setColumnWidth(c, 62);
  const headerStyle = (b: Block | null) => {
    if (!b) return;
    sheet.getRange(b.row - 1, 1).setFontWeight('bold');
    sheet
      .getRange(b.row, b.col, 1, b.cols)
      .setFontWeight('bold')
      .setBackground('#e8eaed');
  };
  [l.forecast, l.timeline, l.heatStudent, l.heatTeacher, l.heatGap].forEach(
    headerStyle,
  );
  const anchorCol = 9;

  if (l.forecast) {
    const b = l.forecast;
    sheet.getRange(b.row + 1, 2, b.rows - 1, 6).setNumberFormat('#,##0');
    const chart = sheet
      .newChart()
      .setChartType(Charts.ChartType.LINE)
      .addRange(range(sheet, b))
      .setNumHeaders(1)
      .setPosition(b.row - 1, anchorCol, 0, 0)
      .setOption('title', 'Forecast vs actual')
      .setOption('width', CHART_WIDTH)
      .setOption('height', CHART_HEIGHT)
      .setOption('colors', [
        '#1a73e8',
        '#e37400',
        '#f9ab00',
        '#f9ab00',
        '#fdd663',
        '#fdd663',
      ])
      .setOption('series', {
        1: {lineDashStyle: [6, 4]},
        2: {lineDashStyle: [2, 2], lineWidth: 1},
        3: {lineDashStyle: [2, 2], lineWidth: 1},
        4: {lineDashStyle: [1, 3], lineWidth: 1},
        5: {lineDashStyle: [1, 3], lineWidth: 1},
      })
      .setOption('legend', {position: 'bottom'})
      .build();
    sheet.insertChart(chart);
  }
  if (l.timeline) {
    const b = l.timeline;
    const chart = sheet
      .newChart()
      .setChartType(Charts.ChartType.COLUMN)
      .addRange(range(sheet, b))
      .setNumHeaders(1)
      .setPosition(b.row - 1, anchorCol, 0, 0)
      .setOption('title', 'Anomalies per week')
      .setOption('isStacked', true)
      .setOption('width', CHART_WIDTH)
      .setOption('height', CHART_HEIGHT)
      .setOption('colors', ['#d93025', '#1e8e3e'])
      .setOption('legend', {position: 'bottom'})
      .build();
    sheet.insertChart(chart);
  }
  const rules: GoogleAppsScript.Spreadsheet.ConditionalFormatRule[] = [];
  const NUMBER = SpreadsheetApp.InterpolationType.NUMBER;
  for (const b of [l.heatStudent, l.heatTeacher]) {
    if (!b) continue;
    const cells = sheet.getRange(b.row + 1, 2, b.rows - 1, b.cols - 1);
    cells.setNumberFormat('0.0');
    rules.push(
      SpreadsheetApp.newConditionalFormatRule()
        .setGradientMinpointWithValue('#ffffff', NUMBER, '0')
        .setGradientMaxpointWithValue(
          '#137333',
          NUMBER,
          String(Math.max(1, Math.ceil(l.heatMax))),
        )
        .setRanges([cells])
        .build(),
    );
  }
  if (l.heatGap) {
    const b = l.heatGap;
    const cells = sheet.getRange(b.row + 1, 2, b.rows - 1, b.cols - 1);
    cells.setNumberFormat('+0.0;-0.0;0');
    const span = String(Math.max(1, Math.ceil(l.gapSpan)));
    rules.push(
      SpreadsheetApp.newConditionalFormatRule()
        .setGradientMinpointWithValue('#d93025', NUMBER, `-${span}`)
        .setGradientMidpointWithValue('#ffffff', NUMBER, '0')
        .setGradientMaxpointWithValue('#1a73e8', NUMBER, span)
        .setRanges([cells])
        .build(),
    );
  }
  if (rules.length) sheet.setConditionalFormatRules(rules);
}

/** Rebuilds the Dashboard tab from the sidebar's data; one setValues, then charts and rules. */
export function writeDashboard(
  input: DashboardInput,
  spreadsheet?: GoogleAppsScript.Spreadsheet.Spreadsheet,
): WriteResult & {layout: DashboardLayout} {
  const l = dashboardLayout(input);
  const [head, ...rest] = l.values;
  const numberFormats = Array.from({length: l.width}, (_, j) =>
    j === 0 ? '@' : null,
  );
  const result = replaceTab(
    DASHBOARD_TAB,
    head.map(v => (v === null ? '' : String(v))),
    rest,
    {
      spreadsheet,
      styleHeader: false,
      frozenRows: 0,
      numberFormats,
      decorate: sheet => decorate(sheet, l),
    },
  );
  showFirst(spreadsheet ?? SpreadsheetApp.getActiveSpreadsheet());
  return {...result, layout: l};
}

/**
 * The Dashboard is the first tab and the one a reader lands on; the blank `Sheet1` a new
 * spreadsheet starts with goes once the Dashboard exists (only while it is still empty).
 */
function showFirst(ss: GoogleAppsScript.Spreadsheet.Spreadsheet): void {
  const dash = ss.getSheetByName(DASHBOARD_TAB);
  if (!dash) return;
  const blank = ss.getSheetByName('Sheet1');
  if (blank && blank.getLastRow() === 0 && blank.getLastColumn() === 0) {
    ss.deleteSheet(blank);
  }
  ss.setActiveSheet(dash);
  if (dash.getIndex() !== 1) ss.moveActiveSheet(1);
}
