/**
 * The in-memory workbook behind the SpreadsheetApp fake: the book (sheets, interned
 * cell styles, the 10,000,000-cell limit) and each sheet's cells and formats.
 */
import type {Engine} from '../engine';

export const MAX_CELLS = 10_000_000;
export const MAX_COLUMNS = 18_278;
export const MAX_CELL_CHARS = 50_000;
export const DEFAULT_ROWS = 1000;
export const DEFAULT_COLS = 26;

/** A stored formula; getValues cannot evaluate it and returns '#NAME?'. */
export class Formula {
  constructor(readonly text: string) {}
}
/** A stored date-time (epoch ms). */
export class StoredDate {
  constructor(readonly ms: number) {}
}
export type Stored = string | number | boolean | StoredDate | Formula;
/**
 * A value typed as text that implies a number format (`12%`, `$3.50`, a date).
 * Only these allocate; other conversions return the stored value itself.
 */
export class Typed {
  constructor(
    readonly value: Stored,
    readonly format: string,
  ) {}
}

export interface CellStyle {
  numberFormat?: string;
  background?: string;
  fontColor?: string;
  fontWeight?: string;
  fontStyle?: string;
  fontSize?: number;
  horizontalAlignment?: string;
  verticalAlignment?: string;
  wrap?: boolean;
  note?: string;
}

const NO_STYLE: CellStyle = Object.freeze({});
const MAX_SHARED_STYLE_ROWS = 10_000;
/**
 * A new row's value list is allocated at the sheet's width (up to this many columns):
 * filled cell by cell, a list grown from empty keeps about twice the slots it uses.
 */
const ROW_PREALLOC_MAX = 64;

const STYLE_KEYS: ReadonlyArray<keyof CellStyle> = [
  'numberFormat',
  'background',
  'fontColor',
  'fontWeight',
  'fontStyle',
  'fontSize',
  'horizontalAlignment',
  'verticalAlignment',
  'wrap',
  'note',
];

/** Column letters for a 1-based index (1 -> A, 27 -> AA). */
export function columnLetter(col: number): string {
  let s = '';
  let n = col;
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export function columnIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/**
 * Inserts `n` empty slots at index `at` (0-based) of a row list: moves the tail in
 * place instead of spreading `n` arguments into splice (no argument-count limit,
 * no temporary array). A list shorter than `at` has nothing to move.
 */
function insertSlots<T>(list: (T | undefined)[], at: number, n: number): void {
  const len = list.length;
  if (len <= at) return;
  list.length = len + n;
  list.copyWithin(at + n, at, len);
  list.fill(undefined, at, at + n);
}

export interface UiRecord {
  menus: {
    name: string;
    items: ({caption: string; functionName: string} | null)[];
  }[];
  sidebars: {title: string; html: string; width?: number}[];
  dialogs: {title: string; html: string; modal: boolean}[];
  alerts: {title: string; prompt: string; buttons: string}[];
  toasts: {message: string; title: string}[];
  /** Buttons the next alerts/prompts answer with, in order (default OK/YES). */
  responses: {button: string; text?: string}[];
}

export interface SpreadsheetHost {
  engine: Engine;
  ui: UiRecord;
  /** Whether the running execution may show UI (not from a time-driven trigger). */
  uiAllowed(): boolean;
}

export class SpreadsheetStore {
  readonly id: string;
  name: string;
  timeZone: string;
  readonly sheets: SheetModel[] = [];
  active = 0;
  private nextSheetId = 0;
  private nextChartId = 1;
  private readonly styleTable = new Map<string, CellStyle>();
  private readonly merges = new WeakMap<
    CellStyle,
    WeakMap<CellStyle, CellStyle>
  >();
  /** A number per interned style, to key row style lists by content. */
  private readonly styleIds = new Map<CellStyle, number>();
  /** Frozen row style lists by content, shared by every row that has those styles. */
  private readonly styleRows = new Map<string, (CellStyle | undefined)[]>();
  constructor(
    readonly host: SpreadsheetHost,
    opts: {id?: string; name?: string; timeZone: string},
  ) {
    this.id = opts.id ?? '1OfflineSpreadsheet0000000000000000000000000';
    this.name = opts.name ?? 'Classroom Pulse';
    this.timeZone = opts.timeZone;
    this.addSheet('Sheet1', 0);
  }
  get engine(): Engine {
    return this.host.engine;
  }
  cells(): number {
    return this.sheets.reduce((n, s) => n + s.maxRows * s.maxCols, 0);
  }
  /** Throws as Sheets does when a change would pass the workbook's cell limit. */
  checkGrowth(extra: number): void {
    if (this.cells() + extra > MAX_CELLS) {
      throw this.engine.error(
        `This action would increase the number of cells in the workbook above the limit of ${MAX_CELLS} cells.`,
      );
    }
  }
  findSheet(name: string): SheetModel | undefined {
    return this.sheets.find(s => s.name === name);
  }
  addSheet(
    name: string,
    index: number,
    rows = DEFAULT_ROWS,
    cols = DEFAULT_COLS,
  ): SheetModel {
    if (this.sheets.length) this.checkGrowth(rows * cols);
    const sheet = new SheetModel(this, this.nextSheetId++, name, rows, cols);
    this.sheets.splice(index, 0, sheet);
    return sheet;
  }
  /**
   * The one frozen object for a style's content. A sheet holds millions of cells with a
   * handful of distinct styles; one object per cell made the book most of the heap.
   */
  internStyle(style: CellStyle): CellStyle {
    let key = '';
    for (const k of STYLE_KEYS) {
      const v = style[k];
      key += v === undefined ? '\u0000' : `${typeof v}:${String(v)}\u0000`;
    }
    let s = this.styleTable.get(key);
    if (s === undefined) {
      const copy: CellStyle = {};
      for (const k of STYLE_KEYS) {
        if (style[k] !== undefined)
          (copy as Record<string, unknown>)[k] = style[k];
      }
      s = Object.freeze(copy);
      this.styleTable.set(key, s);
      this.styleIds.set(s, this.styleIds.size + 1);
    }
    return s;
  }
  /**
   * The shared frozen list with the same styles as `row`. Most rows of a tab carry the
   * same column formats: one list per distinct content instead of one per row halves a
   * long tab's memory. Rows are copied before they change (SheetModel.writableStyles).
   */
  shareStyleRow(row: (CellStyle | undefined)[]): (CellStyle | undefined)[] {
    let key = '';
    for (let c = 0; c < row.length; c++) {
      const s = row[c];
      key += s === undefined ? ',' : this.styleIds.get(s) + ',';
    }
    let shared = this.styleRows.get(key);
    if (shared === undefined) {
      // Distinct row styles are few; a book with very many keeps the rest unshared.
      if (this.styleRows.size >= MAX_SHARED_STYLE_ROWS) return row;
      shared = Object.freeze(row.slice()) as (CellStyle | undefined)[];
      this.styleRows.set(key, shared);
    }
    return shared;
  }
  /** `base` with `patch` applied, interned; memoised by the two objects' identity. */
  mergeStyle(base: CellStyle | undefined, patch: CellStyle): CellStyle {
    const from = base ?? NO_STYLE;
    let byPatch = this.merges.get(from);
    if (byPatch === undefined) {
      byPatch = new WeakMap();
      this.merges.set(from, byPatch);
    }
    let s = byPatch.get(patch);
    if (s === undefined) {
      s = this.internStyle(base ? {...base, ...patch} : patch);
      byPatch.set(patch, s);
    }
    return s;
  }
  newChartId(): number {
    return this.nextChartId++;
  }
  /** Time zone for dates parsed from strings and displayed values. */
  tz(): string {
    return this.timeZone;
  }
}

export class SheetModel {
  rows: (Stored[] | undefined)[] = [];
  /**
   * Formats and notes by row then column (0-based), beside `rows` rather than in
   * one map keyed by cell, so inserting or deleting rows moves whole row slots.
   */
  styles: ((CellStyle | undefined)[] | undefined)[] = [];
  hidden = false;
  frozenRows = 0;
  frozenCols = 0;
  columnWidths = new Map<number, number>();
  constructor(
    readonly book: SpreadsheetStore,
    readonly id: number,
    public name: string,
    public maxRows: number,
    public maxCols: number,
  ) {}

  get(r: number, c: number): Stored {
    const row = this.rows[r - 1];
    const v = row ? row[c - 1] : undefined;
    return v === undefined ? '' : v;
  }
  set(r: number, c: number, v: Stored): void {
    let row = this.rows[r - 1];
    if (!row) {
      if (v === '') return;
      row = this.rows[r - 1] = new Array<Stored>(
        this.maxCols <= ROW_PREALLOC_MAX ? Math.max(c, this.maxCols) : c,
      );
    }
    row[c - 1] = v;
  }
  style(r: number, c: number): CellStyle | undefined {
    const row = this.styles[r - 1];
    return row === undefined ? undefined : row[c - 1];
  }
  /** Merges `patch` into the cell's style (styles are shared and never mutated). */
  setStyle(r: number, c: number, patch: CellStyle): void {
    const row = this.writableStyles(r);
    row[c - 1] = this.book.mergeStyle(row[c - 1], patch);
  }
  /** Row r's own style list, copied first when it is a shared one. */
  private writableStyles(r: number): (CellStyle | undefined)[] {
    let row = this.styles[r - 1];
    if (row === undefined) row = this.styles[r - 1] = [];
    else if (Object.isFrozen(row)) row = this.styles[r - 1] = row.slice();
    return row;
  }
  /** Shares the style lists of rows r1..r1+n-1 with rows of the same styles. */
  shareStyles(r1: number, n: number): void {
    const end = Math.min(r1 - 1 + n, this.styles.length);
    for (let i = r1 - 1; i < end; i++) {
      const row = this.styles[i];
      if (row !== undefined && !Object.isFrozen(row))
        this.styles[i] = this.book.shareStyleRow(row);
    }
  }
  lastRow(): number {
    for (let r = this.rows.length; r >= 1; r--) {
      const row = this.rows[r - 1];
      if (row && row.some(v => v !== '' && v !== undefined)) return r;
    }
    return 0;
  }
  lastColumn(): number {
    let m = 0;
    for (const row of this.rows) {
      if (!row) continue;
      for (let c = row.length; c > m; c--) {
        const v = row[c - 1];
        if (v !== '' && v !== undefined) {
          m = c;
          break;
        }
      }
    }
    return m;
  }
  clear(
    r1: number,
    c1: number,
    nr: number,
    nc: number,
    contents: boolean,
    formats: boolean,
  ): void {
    for (let r = r1; r < r1 + nr; r++) {
      if (contents) {
        const row = this.rows[r - 1];
        if (row)
          for (let c = c1; c < c1 + nc && c <= row.length; c++) row[c - 1] = '';
      }
      const styles =
        formats && this.styles[r - 1] ? this.writableStyles(r) : undefined;
      if (styles) {
        for (let c = c1; c < c1 + nc && c <= styles.length; c++) {
          const s = styles[c - 1];
          if (s)
            styles[c - 1] =
              s.note !== undefined
                ? this.book.internStyle({note: s.note})
                : undefined;
        }
      }
    }
    if (formats) this.shareStyles(r1, nr);
  }
  /** Moves rows and styles at index >= `at` down by `n` (n < 0 deletes). */
  shiftRows(at: number, n: number): void {
    if (n > 0) {
      insertSlots(this.rows, at - 1, n);
      insertSlots(this.styles, at - 1, n);
    } else {
      this.rows.splice(at - 1, -n);
      this.styles.splice(at - 1, -n);
    }
  }
  /** Moves cells and styles at column >= `at` right by `n` (n < 0 deletes). */
  shiftCols(at: number, n: number): void {
    for (const row of this.rows) {
      if (!row || row.length < at) continue;
      if (n > 0) {
        insertSlots(row, at - 1, n);
        row.fill('', at - 1, at - 1 + n);
      } else row.splice(at - 1, -n);
    }
    for (let i = 0; i < this.styles.length; i++) {
      const row = this.styles[i];
      if (!row || row.length < at) continue;
      const own = this.writableStyles(i + 1);
      if (n > 0) insertSlots(own, at - 1, n);
      else own.splice(at - 1, -n);
    }
    this.shareStyles(1, this.styles.length);
  }
}
