/**
 * The `Calendar` tab: the district calendar an admin reads and edits, one row per closed
 * period, testing window, half day or possible outage, from every source (inferred from
 * activity, imported from a Google Calendar or an iCalendar feed, entered by the admin).
 *
 * Reading validates each row; a row with a problem is never dropped or rewritten: it stays
 * as the admin typed it, with the problem in the Problem column and a warning naming its row.
 * Writing replaces only the product's own rows (unreviewed inferred rows, and the imported
 * rows of a refreshed origin), keeping the admin's Confirmed and Note values.
 */
import type {CalendarEntry, CalendarKind, CalendarSource} from '../core/types';
import {isIsoDate} from '../core/settings';
import {CALENDAR_KINDS, CALENDAR_SOURCES} from '../metrics/calendar/merge';
import {
  type Cell,
  type CellInput,
  type TableData,
  readTable,
  replaceTab,
} from './writer';

type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;

export const CALENDAR_TAB = 'Calendar';

/** The columns the product writes, in order; the admin may add others (they are kept). */
export const CALENDAR_HEADERS = [
  'Start',
  'End',
  'Kind',
  'Name',
  'Source',
  'Confirmed',
  'Note',
  'Origin',
  'Problem',
] as const;
type Column = (typeof CALENDAR_HEADERS)[number];
const COL: Record<Column, number> = Object.fromEntries(
  CALENDAR_HEADERS.map((h, i) => [h, i]),
) as Record<Column, number>;

/** Origin of inferred rows. */
export const INFERRED_ORIGIN = 'activity';

/** One data row of the tab, as read. */
export interface CalendarRow {
  /** Row number in the sheet (the header is row 1). */
  row: number;
  /** The row's cells in CALENDAR_HEADERS order (Problem as last written). */
  cells: Cell[];
  /** Cells of the admin's own extra columns, in `extraHeaders` order. */
  extra: Cell[];
  /** The validated entry; null when the row has a problem. */
  entry: CalendarEntry | null;
  origin: string;
  note: string;
  /** What is wrong with the row ('' when valid). */
  problem: string;
}

export interface CalendarTabRead {
  entries: CalendarEntry[];
  /** One per problem row: `Calendar row N: ...`. */
  warnings: string[];
  rows: CalendarRow[];
  /** Columns the admin added, kept on every rewrite. */
  extraHeaders: string[];
}

/** Identifies an entry across rewrites (the sidebar confirms and rejects by key). */
export function entryKey(e: CalendarEntry): string {
  return [e.source, e.start, e.end, e.kind, e.name].join('|');
}

function text(v: Cell | undefined): string {
  if (v === undefined || v === null) return '';
  return String(v).trim();
}

function normKind(s: string): string {
  const k = s.toLowerCase().replace(/[\s_]+/g, '-');
  if (k === 'outage') return 'possible-outage';
  if (k === 'halfday' || k === 'early-dismissal') return 'half-day';
  return k;
}

/** yes / no / blank; checkboxes (true/false) too. Undefined when unreadable. */
function parseConfirmed(v: Cell | undefined): boolean | null | undefined {
  if (typeof v === 'boolean') return v;
  const s = text(v).toLowerCase();
  if (s === '') return null;
  if (['yes', 'y', 'true', 'confirmed'].includes(s)) return true;
  if (['no', 'n', 'false', 'rejected'].includes(s)) return false;
  return undefined;
}

function confirmedCell(c: boolean | null): string {
  return c === null ? '' : c ? 'yes' : 'no';
}

/** Validates one row's cells; returns the entry or the problems found. */
function parseRow(cells: Cell[]): {
  entry: CalendarEntry | null;
  problem: string;
} {
  const problems: string[] = [];
  const start = text(cells[COL.Start]);
  const endRaw = text(cells[COL.End]);
  const end = endRaw === '' ? start : endRaw;
  if (start === '') problems.push('Start is blank');
  else if (!isIsoDate(start)) {
    problems.push(`Start "${start}" is not a date (YYYY-MM-DD)`);
  }
  if (endRaw !== '' && !isIsoDate(endRaw)) {
    problems.push(`End "${endRaw}" is not a date (YYYY-MM-DD)`);
  }
  if (isIsoDate(start) && isIsoDate(end) && end < start) {
    problems.push(`End ${end} is before Start ${start}`);
  }
  const kindRaw = text(cells[COL.Kind]);
  const kind = kindRaw === '' ? 'holiday' : normKind(kindRaw);
  if (!CALENDAR_KINDS.includes(kind as CalendarKind)) {
    problems.push(
      `Kind "${kindRaw}" is not one of ${CALENDAR_KINDS.join(', ')}`,
    );
  }
  const sourceRaw = text(cells[COL.Source]);
  const source = sourceRaw === '' ? 'entered' : sourceRaw.toLowerCase();
  if (!CALENDAR_SOURCES.includes(source as CalendarSource)) {
    problems.push(
      `Source "${sourceRaw}" is not one of ${CALENDAR_SOURCES.join(', ')}`,
    );
  }
  const confirmed = parseConfirmed(cells[COL.Confirmed]);
  if (confirmed === undefined) {
    problems.push(
      `Confirmed "${text(cells[COL.Confirmed])}" is not yes, no or blank`,
    );
  }
  if (problems.length > 0) return {entry: null, problem: problems.join('; ')};
  return {
    entry: {
      name: text(cells[COL.Name]).slice(0, 200) || kind,
      start,
      end,
      kind: kind as CalendarKind,
      source: source as CalendarSource,
      confirmed: confirmed as boolean | null,
    },
    problem: '',
  };
}

function isBlankRow(cells: ReadonlyArray<Cell>): boolean {
  return cells.every(c => text(c) === '');
}

/**
 * Validates the tab's rows. Columns are found by header (any order, any case); a row
 * with a problem is returned with its cells as read and a warning, never dropped.
 */
export function parseCalendarTab(table: TableData | null): CalendarTabRead {
  const out: CalendarTabRead = {
    entries: [],
    warnings: [],
    rows: [],
    extraHeaders: [],
  };
  if (!table || table.headers.length === 0) return out;
  const lower = table.headers.map(h => text(h).toLowerCase());
  const idx = CALENDAR_HEADERS.map(h => lower.indexOf(h.toLowerCase()));
  const extraIdx: number[] = [];
  lower.forEach((h, i) => {
    if (!idx.includes(i) && h !== '') {
      extraIdx.push(i);
      out.extraHeaders.push(text(table.headers[i]));
    }
  });
  const missing = idx[COL.Start] < 0;
  table.rows.forEach((raw, i) => {
    const row = i + 2;
    const cells = idx.map(j => (j >= 0 ? (raw[j] ?? '') : ''));
    const extra = extraIdx.map(j => raw[j] ?? '');
    if (isBlankRow(cells.slice(0, COL.Problem)) && isBlankRow(extra)) return;
    const parsed = missing
      ? {entry: null, problem: 'the tab has no Start column'}
      : parseRow(cells);
    if (parsed.problem) {
      out.warnings.push(`${CALENDAR_TAB} row ${row}: ${parsed.problem}`);
    } else {
      out.entries.push(parsed.entry!);
    }
    out.rows.push({
      row,
      cells,
      extra,
      entry: parsed.entry,
      origin: text(cells[COL.Origin]),
      note: text(cells[COL.Note]),
      problem: parsed.problem,
    });
  });
  return out;
}

/** Reads the Calendar tab of a spreadsheet (the active one by default), or given values. */
export function readCalendarTab(
  from?: Spreadsheet | TableData | ReadonlyArray<ReadonlyArray<Cell>>,
): CalendarTabRead {
  if (Array.isArray(from)) {
    const values = from as ReadonlyArray<ReadonlyArray<Cell>>;
    if (values.length === 0) return parseCalendarTab(null);
    return parseCalendarTab({
      headers: values[0].map(h => String(h)),
      rows: values.slice(1).map(r => [...r]),
    });
  }
  if (from && 'headers' in from && 'rows' in from) {
    return parseCalendarTab(from as TableData);
  }
  return parseCalendarTab(
    readTable(CALENDAR_TAB, from as Spreadsheet | undefined),
  );
}

/** The entries of one imported calendar. */
export interface ImportedCalendar {
  /** A label for the calendar ('Google Calendar', 'iCal feed'): its rows are replaced together. */
  origin: string;
  entries: ReadonlyArray<CalendarEntry>;
}

/** What a rewrite changes; anything not listed stays as it is. */
export interface CalendarTabUpdate {
  /** Replaces the inferred rows the admin has not reviewed; reviewed ones are carried over. */
  inferred?: ReadonlyArray<CalendarEntry>;
  /** Replaces the imported rows of each origin listed. */
  imported?: ReadonlyArray<ImportedCalendar>;
  /** Admin decisions: the row whose entryKey matches gets the Confirmed value. */
  decisions?: ReadonlyArray<{key: string; confirmed: boolean | null}>;
}

interface PlannedRow {
  entry: CalendarEntry | null;
  cells: CellInput[];
  extra: CellInput[];
  problem: string;
}

function overlaps(a: CalendarEntry, b: CalendarEntry): boolean {
  return a.start <= b.end && b.start <= a.end;
}

function rowOf(
  e: CalendarEntry,
  note: string,
  origin: string,
  extra: CellInput[],
): PlannedRow {
  const cells: CellInput[] = [];
  cells[COL.Start] = e.start;
  cells[COL.End] = e.end;
  cells[COL.Kind] = e.kind;
  cells[COL.Name] = e.name;
  cells[COL.Source] = e.source;
  cells[COL.Confirmed] = confirmedCell(e.confirmed);
  cells[COL.Note] = note;
  cells[COL.Origin] = origin;
  cells[COL.Problem] = '';
  return {entry: e, cells, extra, problem: ''};
}

/**
 * The rows after an update (pure): admin rows, problem rows, reviewed rows and the
 * imported rows of calendars not refreshed are kept; new inferred entries inherit the
 * Confirmed value and Note of an overlapping inferred row of the same kind, new imported
 * ones those of the same period. Problem rows first (so the admin sees them), then by date.
 */
export function planCalendarTab(
  current: CalendarTabRead,
  update: CalendarTabUpdate,
): {headers: string[]; rows: CellInput[][]} {
  const blankExtra = (): CellInput[] => current.extraHeaders.map(() => '');
  const kept: PlannedRow[] = [];
  const oldInferred: CalendarRow[] = [];
  const oldImported = new Map<string, CalendarRow[]>();
  const refreshed = new Set((update.imported ?? []).map(c => c.origin));
  for (const r of current.rows) {
    const e = r.entry;
    if (e && e.source === 'inferred' && update.inferred) {
      oldInferred.push(r);
      continue;
    }
    if (e && e.source === 'imported' && refreshed.has(r.origin)) {
      const list = oldImported.get(r.origin) ?? [];
      list.push(r);
      oldImported.set(r.origin, list);
      continue;
    }
    const cells: CellInput[] = [...r.cells];
    cells[COL.Problem] = r.problem;
    kept.push({entry: e, cells, extra: [...r.extra], problem: r.problem});
  }
  if (update.inferred) {
    const used = new Set<CalendarRow>();
    for (const e of update.inferred) {
      const prior = oldInferred.find(
        r => r.entry!.kind === e.kind && overlaps(r.entry!, e),
      );
      if (prior) used.add(prior);
      const entry: CalendarEntry = {
        ...e,
        source: 'inferred',
        confirmed: prior ? prior.entry!.confirmed : e.confirmed,
      };
      kept.push(
        rowOf(
          entry,
          prior?.note ?? '',
          INFERRED_ORIGIN,
          prior ? [...prior.extra] : blankExtra(),
        ),
      );
    }
    // The admin's verdict on a period the inference no longer finds is still the admin's.
    for (const r of oldInferred) {
      if (!used.has(r) && r.entry!.confirmed !== null) {
        kept.push(rowOf(r.entry!, r.note, r.origin, [...r.extra]));
      }
    }
  }
  for (const cal of update.imported ?? []) {
    const prior = new Map(
      (oldImported.get(cal.origin) ?? []).map(r => [entryKey(r.entry!), r]),
    );
    const seen = new Set<string>();
    for (const e of cal.entries) {
      const entry: CalendarEntry = {...e, source: 'imported'};
      const key = entryKey(entry);
      if (seen.has(key)) continue; // one row per period, however often the feed repeats it
      seen.add(key);
      const p = prior.get(key);
      if (p) entry.confirmed = p.entry!.confirmed;
      kept.push(
        rowOf(
          entry,
          p?.note ?? '',
          cal.origin,
          p ? [...p.extra] : blankExtra(),
        ),
      );
    }
  }
  const decisions = new Map(
    (update.decisions ?? []).map(d => [d.key, d.confirmed]),
  );
  for (const r of kept) {
    if (!r.entry) continue;
    const d = decisions.get(entryKey(r.entry));
    if (d !== undefined) {
      r.entry = {...r.entry, confirmed: d};
      r.cells[COL.Confirmed] = confirmedCell(d);
    }
  }
  const rank = (r: PlannedRow) =>
    r.entry ? CALENDAR_SOURCES.indexOf(r.entry.source) : -1;
  kept.sort((a, b) => {
    if (!a.entry !== !b.entry) return a.entry ? 1 : -1;
    if (!a.entry || !b.entry) return 0; // problem rows keep their order
    if (a.entry.start !== b.entry.start) {
      return a.entry.start < b.entry.start ? -1 : 1;
    }
    if (a.entry.end !== b.entry.end) return a.entry.end < b.entry.end ? -1 : 1;
    return rank(b) - rank(a);
  });
  return {
    headers: [...CALENDAR_HEADERS, ...current.extraHeaders],
    rows: kept.map(r => [...r.cells, ...r.extra]),
  };
}

const PROBLEM_FILL = '#fce8e6';

/**
 * Rewrites the Calendar tab with an update (see planCalendarTab), in place so the sheet
 * keeps its id, with one setValues: the tab is either the old one or the new one. Cells
 * go through the writer's formula-injection guard. Returns the tab as now written.
 */
export function writeCalendarTab(
  update: CalendarTabUpdate,
  spreadsheet?: Spreadsheet,
): CalendarTabRead {
  const ss = spreadsheet ?? SpreadsheetApp.getActiveSpreadsheet();
  const current = readCalendarTab(ss);
  const {headers, rows} = planCalendarTab(current, update);
  const problemRows = rows
    .map((r, i) => (r[COL.Problem] ? i + 2 : 0))
    .filter(n => n > 0);
  replaceTab(CALENDAR_TAB, headers, rows, {
    spreadsheet: ss,
    keepSheetId: true,
    numberFormats: headers.map((_, j) =>
      j === COL.Start || j === COL.End ? 'yyyy-mm-dd' : null,
    ),
    columnWidths: headers.map((_, j) =>
      j === COL.Name || j === COL.Note || j === COL.Problem ? 220 : null,
    ),
    decorate: sheet => {
      const width = headers.length;
      if (rows.length > 0) {
        sheet.getRange(2, 1, rows.length, width).setBackground(null);
      }
      for (const n of problemRows) {
        sheet.getRange(n, 1, 1, width).setBackground(PROBLEM_FILL);
      }
    },
  });
  return readCalendarTab(ss);
}
