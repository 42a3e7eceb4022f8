/**
 * The atomic tab writer (Apps Script layer, over SpreadsheetApp).
 *
 * A tab is rebuilt in a temporary sheet and swapped in only once it is complete, so a run
 * that fails half way leaves the previous tab untouched. Every value from outside the
 * product passes through sanitizeCell, so it can never become a formula.
 */

type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;
type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

/** A value the writer accepts for a cell. */
export type CellInput = string | number | boolean | Date | null | undefined;
/** A value as it is handed to Range.setValues. */
export type Cell = string | number | boolean;

/** Google Sheets' per-spreadsheet cell limit. */
export const MAX_CELLS = 10_000_000;
/** Google Sheets' per-cell character limit. */
export const MAX_CELL_CHARS = 50_000;
/** Sheet names are limited to 100 characters. */
const MAX_SHEET_NAME = 100;
const TEMP_PREFIX = '~tmp~';
const OLD_PREFIX = '~old~';

/** Characters that make Sheets read a typed value as a formula (or a DDE payload in exports). */
const FORMULA_LEAD = /^[=+\-@\t\r\n]/;

/**
 * Makes a value safe to write: strings that Sheets would read as a formula get an apostrophe
 * (Sheets' text prefix), non-finite numbers become blanks, Dates become ISO 8601 UTC strings,
 * and over-long strings are cut to the cell limit.
 */
export function sanitizeCell(v: CellInput): Cell {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? v : '';
  if (typeof v === 'boolean') return v;
  if (v instanceof Date) {
    return isNaN(v.getTime()) ? '' : v.toISOString();
  }
  let s = String(v);
  if (FORMULA_LEAD.test(s)) s = "'" + s;
  if (s.length > MAX_CELL_CHARS) s = s.slice(0, MAX_CELL_CHARS);
  return s;
}

export interface TabOptions {
  /** The spreadsheet to write to; the active one by default. */
  spreadsheet?: Spreadsheet;
  /** Number format per column ('@' plain text, '0', '0.0', 'yyyy-mm-dd'...); null leaves the default. */
  numberFormats?: ReadonlyArray<string | null>;
  /** Width in pixels per column; null leaves the default. */
  columnWidths?: ReadonlyArray<number | null>;
  /** Rows frozen at the top (default 1: the header). */
  frozenRows?: number;
  frozenColumns?: number;
  /** Bold header row with a light fill (default true). */
  styleHeader?: boolean;
  /**
   * Rows per setValues call. Default: everything in one call. Chunks still land in the
   * temporary sheet, so the swap stays atomic.
   */
  chunkRows?: number;
  /**
   * Rewrite the existing sheet in place with one padded setValues instead of swapping sheets,
   * so the sheet keeps its id (Looker Studio data sources and charts point at the sheet id).
   */
  keepSheetId?: boolean;
  /** Hide the tab (internal stores). */
  hidden?: boolean;
  /** Tab colour, e.g. '#1a73e8'. */
  tabColor?: string;
  /** Called with the finished sheet before it is swapped in (extra formatting, rules, charts). */
  decorate?: (sheet: Sheet) => void;
}

export interface WriteResult {
  sheetName: string;
  sheetId: number;
  /** Data rows written (header excluded). */
  rows: number;
  columns: number;
  setValuesCalls: number;
  /** 'swap' (temporary sheet renamed) or 'inPlace' (same sheet, one padded write). */
  mode: 'swap' | 'inPlace';
}

function active(opts?: TabOptions): Spreadsheet {
  return opts?.spreadsheet ?? SpreadsheetApp.getActiveSpreadsheet();
}

function auxName(prefix: string, name: string): string {
  return (prefix + name).slice(0, MAX_SHEET_NAME);
}

function checkName(name: string): void {
  if (!name || name.length > MAX_SHEET_NAME) {
    throw new Error(
      `Tab name "${name}" must be 1 to ${MAX_SHEET_NAME} characters`,
    );
  }
  if (name.startsWith(TEMP_PREFIX) || name.startsWith(OLD_PREFIX)) {
    throw new Error(`Tab name "${name}" uses a reserved prefix`);
  }
}

/** Builds the header + data block as setValues wants it: rectangular and sanitized. */
export function buildValues(
  name: string,
  headers: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<CellInput>>,
): Cell[][] {
  if (headers.length === 0) throw new Error(`Tab "${name}" has no columns`);
  const width = headers.length;
  const out: Cell[][] = new Array(rows.length + 1);
  out[0] = headers.map(h => sanitizeCell(h));
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (r.length !== width) {
      throw new Error(
        `Tab "${name}": row ${i + 1} has ${r.length} values for ${width} columns`,
      );
    }
    const o: Cell[] = new Array(width);
    for (let j = 0; j < width; j++) o[j] = sanitizeCell(r[j]);
    out[i + 1] = o;
  }
  return out;
}

function cellsOf(sheet: Sheet): number {
  return sheet.getMaxRows() * sheet.getMaxColumns();
}

/** Grows or shrinks a sheet's grid to exactly rows x cols (at least 2 rows: one may be frozen). */
function resizeGrid(sheet: Sheet, rows: number, cols: number): void {
  const wantRows = Math.max(rows, 2);
  const maxRows = sheet.getMaxRows();
  const maxCols = sheet.getMaxColumns();
  // Shrink before growing, so the grid never passes through a size larger than both.
  if (maxCols > cols) sheet.deleteColumns(cols + 1, maxCols - cols);
  if (maxRows > wantRows) sheet.deleteRows(wantRows + 1, maxRows - wantRows);
  if (maxRows < wantRows) sheet.insertRowsAfter(maxRows, wantRows - maxRows);
  if (maxCols < cols) sheet.insertColumnsAfter(maxCols, cols - maxCols);
}

function applyColumnFormats(
  sheet: Sheet,
  dataRows: number,
  width: number,
  opts: TabOptions | undefined,
): void {
  const formats = opts?.numberFormats;
  if (!formats || dataRows === 0) return;
  // One call for the whole data block when any column has a format.
  if (formats.some(f => f)) {
    const row = Array.from({length: width}, (_, j) => formats[j] ?? 'General');
    const block: string[][] = new Array(dataRows);
    for (let i = 0; i < dataRows; i++) block[i] = row;
    sheet.getRange(2, 1, dataRows, width).setNumberFormats(block);
  }
}

function applyLayout(sheet: Sheet, width: number, opts?: TabOptions): void {
  if (opts?.styleHeader !== false) {
    sheet
      .getRange(1, 1, 1, width)
      .setFontWeight('bold')
      .setBackground('#e8eaed');
  }
  const frozen = opts?.frozenRows ?? 1;
  sheet.setFrozenRows(frozen);
  if (opts?.frozenColumns) sheet.setFrozenColumns(opts.frozenColumns);
  const widths = opts?.columnWidths;
  if (widths) {
    for (let j = 0; j < width; j++) {
      const w = widths[j];
      if (w) sheet.setColumnWidth(j + 1, w);
    }
  }
  if (opts?.tabColor) sheet.setTabColor(opts.tabColor);
  if (opts?.decorate) opts.decorate(sheet);
  if (opts?.hidden) sheet.hideSheet();
}

function writeBlock(
  sheet: Sheet,
  values: Cell[][],
  width: number,
  chunkRows: number | undefined,
): number {
  const chunk =
    chunkRows && chunkRows > 0 ? Math.floor(chunkRows) : values.length;
  let calls = 0;
  for (let start = 0; start < values.length; start += chunk) {
    const part = values.slice(start, start + chunk);
    sheet.getRange(start + 1, 1, part.length, width).setValues(part);
    calls++;
  }
  return calls;
}

/** Deletes leftovers of an earlier run that failed part way through a swap. */
function removeLeftovers(ss: Spreadsheet, name: string): void {
  for (const prefix of [TEMP_PREFIX, OLD_PREFIX]) {
    const s = ss.getSheetByName(auxName(prefix, name));
    if (!s) continue;
    if (prefix === OLD_PREFIX && !ss.getSheetByName(name)) {
      // The swap stopped between renames: the old tab is the only complete copy.
      s.setName(name);
    } else {
      ss.deleteSheet(s);
    }
  }
}

/**
 * Replaces tab `name` with `headers` + `rows`: written into a temporary sheet with one
 * batched setValues (or `chunkRows` chunks), formatted, then swapped in for the old tab
 * at the same position. On any error before the swap, the temporary sheet is removed and
 * the old tab is left as it was.
 */
export function replaceTab(
  name: string,
  headers: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<CellInput>>,
  opts?: TabOptions,
): WriteResult {
  checkName(name);
  const values = buildValues(name, headers, rows);
  const width = headers.length;
  const ss = active(opts);
  removeLeftovers(ss, name);
  const old = ss.getSheetByName(name);

  const needed = Math.max(values.length, 2) * width;
  let total = 0;
  for (const s of ss.getSheets()) total += cellsOf(s);
  const others = total - (old ? cellsOf(old) : 0);
  if (others + needed > MAX_CELLS) {
    throw new Error(
      `Tab "${name}" needs ${needed} cells; the spreadsheet would exceed Google Sheets' ` +
        `limit of ${MAX_CELLS} cells (${others} used by other tabs). Archive or roll up old detail.`,
    );
  }
  // A new sheet starts with a default grid; count it while both copies exist.
  const swapPeak = total + Math.max(needed, 26_000);
  if (old && (opts?.keepSheetId || swapPeak > MAX_CELLS)) {
    return rewriteInPlace(old, name, values, width, opts);
  }

  const tempName = auxName(TEMP_PREFIX, name);
  const index = old ? old.getIndex() - 1 : ss.getNumSheets();
  const temp = ss.insertSheet(tempName, index);
  let calls = 0;
  try {
    resizeGrid(temp, values.length, width);
    applyColumnFormats(temp, values.length - 1, width, opts);
    calls = writeBlock(temp, values, width, opts?.chunkRows);
    applyLayout(temp, width, opts);
  } catch (e) {
    ss.deleteSheet(temp);
    throw e;
  }
  if (old) {
    const oldName = auxName(OLD_PREFIX, name);
    old.setName(oldName);
    try {
      temp.setName(name);
    } catch (e) {
      old.setName(name);
      ss.deleteSheet(temp);
      throw e;
    }
    ss.deleteSheet(old);
  } else {
    temp.setName(name);
  }
  return {
    sheetName: name,
    sheetId: temp.getSheetId(),
    rows: rows.length,
    columns: width,
    setValuesCalls: calls,
    mode: 'swap',
  };
}

/**
 * Rewrites an existing sheet with one setValues padded with blanks over the old extent, so
 * the single call is the moment the tab changes from the old content to the new.
 */
function rewriteInPlace(
  sheet: Sheet,
  name: string,
  values: Cell[][],
  width: number,
  opts?: TabOptions,
): WriteResult {
  const oldRows = sheet.getLastRow();
  const oldCols = sheet.getLastColumn();
  const R = Math.max(values.length, oldRows, 2);
  const C = Math.max(width, oldCols);
  const maxRows = sheet.getMaxRows();
  if (maxRows < R) sheet.insertRowsAfter(maxRows, R - maxRows);
  const maxCols = sheet.getMaxColumns();
  if (maxCols < C) sheet.insertColumnsAfter(maxCols, C - maxCols);
  const padded: Cell[][] = new Array(R);
  for (let i = 0; i < R; i++) {
    const src = values[i];
    const row: Cell[] = new Array(C);
    for (let j = 0; j < C; j++) row[j] = src && j < width ? src[j] : '';
    padded[i] = row;
  }
  applyColumnFormats(sheet, values.length - 1, width, opts);
  sheet.getRange(1, 1, R, C).setValues(padded);
  // Trimming only removes blank cells; a failure here leaves a correct tab.
  resizeGrid(sheet, values.length, width);
  applyLayout(sheet, width, opts);
  return {
    sheetName: name,
    sheetId: sheet.getSheetId(),
    rows: values.length - 1,
    columns: width,
    setValuesCalls: 1,
    mode: 'inPlace',
  };
}

/** A tab read back: header and data rows, Dates as ISO strings. */
export interface TableData {
  headers: string[];
  rows: Cell[][];
}

function normaliseRead(v: unknown, tz: string): Cell {
  if (v instanceof Date) {
    // Midnight in the spreadsheet's zone is a date cell; the script's own zone (getHours)
    // can differ from it, so the time is read in the spreadsheet's.
    const full = Utilities.formatDate(v, tz, "yyyy-MM-dd'T'HH:mm:ss");
    return full.endsWith('T00:00:00') ? full.slice(0, 10) : full;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return v === null || v === undefined ? '' : String(v);
}

/** Reads a tab written by replaceTab (one getValues); null when the tab does not exist. */
export function readTable(
  name: string,
  spreadsheet?: Spreadsheet,
): TableData | null {
  const ss = spreadsheet ?? SpreadsheetApp.getActiveSpreadsheet();
  // A run stopped between the two renames of a swap leaves the complete old tab under its
  // helper name until the next run restores it; read that instead of nothing.
  const sheet =
    ss.getSheetByName(name) ?? ss.getSheetByName(auxName(OLD_PREFIX, name));
  if (!sheet) return null;
  const lastRow = sheet.getLastRow();
  const lastCol = sheet.getLastColumn();
  if (lastRow < 1 || lastCol < 1) return {headers: [], rows: []};
  const tz = ss.getSpreadsheetTimeZone();
  const raw = sheet.getRange(1, 1, lastRow, lastCol).getValues();
  const headers = raw[0].map(h => String(h));
  const rows = raw.slice(1).map(r => r.map(v => normaliseRead(v, tz)));
  return {headers, rows};
}

/** Maps the columns of a read table onto `headers`; missing columns become blanks. */
function align(table: TableData, headers: ReadonlyArray<string>): Cell[][] {
  const idx = headers.map(h => table.headers.indexOf(h));
  return table.rows.map(r => idx.map(i => (i >= 0 ? r[i] : '')));
}

/**
 * Replaces the partitions (e.g. days) present in `rows` and keeps every other partition:
 * re-running a day replaces it and never duplicates it. The partition is the value of
 * column `partitionColumn`. The merged table is sorted by partition and swapped in
 * atomically with replaceTab.
 */
export function replacePartitions(
  name: string,
  headers: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<CellInput>>,
  partitionColumn: string,
  opts?: TabOptions,
): WriteResult & {partitionsReplaced: number; rowsKept: number} {
  const p = headers.indexOf(partitionColumn);
  if (p < 0) {
    throw new Error(
      `Tab "${name}" has no partition column "${partitionColumn}"`,
    );
  }
  const fresh = buildValues(name, headers, rows).slice(1);
  const replaced = new Set(fresh.map(r => String(r[p])));
  const existing = readTable(name, opts?.spreadsheet);
  const kept = existing
    ? align(existing, headers).filter(r => !replaced.has(String(r[p])))
    : [];
  const merged = kept.concat(fresh);
  // Stable sort by partition keeps rows within a partition in their written order.
  const order = merged.map((r, i) => ({k: String(r[p]), i}));
  order.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i));
  const sorted = order.map(o => merged[o.i]);
  // Values are already sanitized; strip the apostrophe sanitizeCell added so it is not doubled.
  const result = replaceTab(name, headers, sorted.map(unsanitizeRow), opts);
  return {
    ...result,
    partitionsReplaced: replaced.size,
    rowsKept: kept.length,
  };
}

/** Sets the column number formats on `n` rows from `first` (nothing when none is set). */
function formatRows(
  sheet: Sheet,
  first: number,
  n: number,
  width: number,
  formats: TabOptions['numberFormats'],
): void {
  if (n <= 0 || !formats || !formats.some(f => f)) return;
  const row = Array.from({length: width}, (_, j) => formats[j] ?? 'General');
  sheet
    .getRange(first, 1, n, width)
    .setNumberFormats(Array.from({length: n}, () => row));
}

function unsanitizeRow(r: Cell[]): Cell[] {
  return r.map(v =>
    typeof v === 'string' && v.startsWith("'") && FORMULA_LEAD.test(v.slice(1))
      ? v.slice(1)
      : v,
  );
}

/**
 * Appends rows under an existing header with one setValues (the run log, for example).
 * Creates the tab with its header when it does not exist; refuses a tab whose header differs.
 */
export function appendRows(
  name: string,
  headers: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<CellInput>>,
  opts?: TabOptions,
): WriteResult {
  checkName(name);
  const ss = active(opts);
  const sheet = ss.getSheetByName(name);
  if (!sheet) return replaceTab(name, headers, rows, opts);
  const values = buildValues(name, headers, rows);
  const width = headers.length;
  const lastCol = Math.max(sheet.getLastColumn(), 1);
  const current = sheet
    .getRange(1, 1, 1, lastCol)
    .getValues()[0]
    .map(h => String(h));
  const same =
    current.length >= width &&
    headers.every((h, j) => current[j] === values[0][j]);
  if (!same) {
    throw new Error(
      `Tab "${name}" has columns [${current.join(', ')}], expected [${headers.join(', ')}]`,
    );
  }
  const data = values.slice(1);
  if (data.length === 0) {
    return {
      sheetName: name,
      sheetId: sheet.getSheetId(),
      rows: 0,
      columns: width,
      setValuesCalls: 0,
      mode: 'inPlace',
    };
  }
  const start = sheet.getLastRow() + 1;
  const need = start + data.length - 1;
  const maxRows = sheet.getMaxRows();
  if (need > maxRows) sheet.insertRowsAfter(maxRows, need - maxRows);
  formatRows(sheet, start, data.length, width, opts?.numberFormats);
  sheet.getRange(start, 1, data.length, width).setValues(data);
  return {
    sheetName: name,
    sheetId: sheet.getSheetId(),
    rows: data.length,
    columns: width,
    setValuesCalls: 1,
    mode: 'inPlace',
  };
}

/**
 * Rewrites the rows of a tab sorted by `keyColumn` from the first row whose key is at
 * least `fromKey` to the end, with `rows` (every row of those keys, sorted), in one padded
 * setValues: the rows before stay as they are and the sheet keeps its id. A big fact tab
 * whose older days never change is then written in proportion to its newest days, not
 * to its whole history. One setValues lands whole or not at all, so a run stopped here
 * leaves the previous rows, which the next run rewrites.
 *
 * Returns null (and writes nothing) when the tab is missing, its header differs or its key
 * column is not sorted (a hand-edited tab): the caller then rewrites the whole tab.
 */
export function rewriteTail(
  name: string,
  headers: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<CellInput>>,
  keyColumn: string,
  fromKey: string,
  opts?: TabOptions,
): WriteResult | null {
  checkName(name);
  const ss = active(opts);
  const sheet = ss.getSheetByName(name);
  const k = headers.indexOf(keyColumn);
  if (!sheet || k < 0) return null;
  const width = headers.length;
  if (sheet.getLastColumn() !== width) return null;
  const values = buildValues(name, headers, rows);
  const current = sheet.getRange(1, 1, 1, width).getValues()[0];
  if (!headers.every((h, j) => String(current[j]) === values[0][j]))
    return null;
  const data = values.slice(1);
  for (const r of data) if (String(r[k]) < fromKey) return null;
  const last = sheet.getLastRow();
  const tz = ss.getSpreadsheetTimeZone();
  const keys = last > 1 ? readKeys(sheet, k, last, tz) : [];
  let start = keys.length;
  for (let i = 0; i < keys.length; i++) {
    if (i > 0 && keys[i] < keys[i - 1]) return null;
    if (start === keys.length && keys[i] >= fromKey) start = i;
  }
  const oldExtent = keys.length - start;
  const block = data.slice();
  while (block.length < oldExtent) block.push(new Array<Cell>(width).fill(''));
  const firstRow = start + 2;
  if (block.length) {
    const need = firstRow + block.length - 1;
    const maxRows = sheet.getMaxRows();
    if (need > maxRows) sheet.insertRowsAfter(maxRows, need - maxRows);
    // Rows the tab held already carry the column formats; only new rows need them.
    const added = block.length - oldExtent;
    formatRows(sheet, firstRow + oldExtent, added, width, opts?.numberFormats);
    sheet.getRange(firstRow, 1, block.length, width).setValues(block);
  }
  return {
    sheetName: name,
    sheetId: sheet.getSheetId(),
    rows: data.length,
    columns: width,
    setValuesCalls: block.length ? 1 : 0,
    mode: 'inPlace',
  };
}

/** The key column (0-based `k`) of rows 2..last as text, in one pass over one read. */
function readKeys(sheet: Sheet, k: number, last: number, tz: string): string[] {
  const values = sheet.getRange(2, k + 1, last - 1, 1).getValues();
  const keys = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i][0];
    // A text cell is its own key; anything else reads as normaliseRead gives it.
    keys[i] = typeof v === 'string' ? v : String(normaliseRead(v, tz));
  }
  return keys;
}

/**
 * Deletes the oldest rows of a tab sorted by `keyColumn`, whole keys at a time, until at
 * most `maxRows` data rows remain (one deleteRows). Returns the rows deleted.
 */
export function trimHead(
  name: string,
  keyColumn: string,
  maxRows: number,
  opts?: TabOptions,
): number {
  const ss = active(opts);
  const sheet = ss.getSheetByName(name);
  if (!sheet) return 0;
  const last = sheet.getLastRow();
  const excess = last - 1 - maxRows;
  if (excess <= 0) return 0;
  const width = sheet.getLastColumn();
  const header = sheet.getRange(1, 1, 1, width).getValues()[0].map(String);
  const k = header.indexOf(keyColumn);
  if (k < 0) return 0;
  const tz = ss.getSpreadsheetTimeZone();
  const keys = readKeys(sheet, k, last, tz);
  let n = excess;
  while (n < keys.length && keys[n] === keys[n - 1]) n++;
  if (n >= keys.length) n = keys.length - 1;
  if (n <= 0) return 0;
  sheet.deleteRows(2, n);
  return n;
}
