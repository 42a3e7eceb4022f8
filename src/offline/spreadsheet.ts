/**
 * In-memory SpreadsheetApp: one bound spreadsheet with sheets, ranges, values,
 * formulas, formats, conditional formats and charts, raising the errors the real
 * service raises (range sizes, duplicate names, the 10,000,000-cell limit).
 */
import type {Engine} from './engine';
import {formatSimpleDate, zonedParts, zonedToEpoch} from './tz';

export const MAX_CELLS = 10_000_000;
export const MAX_COLUMNS = 18_278;
export const MAX_CELL_CHARS = 50_000;
const DEFAULT_ROWS = 1000;
const DEFAULT_COLS = 26;

/** A stored formula; getValues cannot evaluate it and returns '#NAME?'. */
export class Formula {
  constructor(readonly text: string) {}
}
/** A stored date-time (epoch ms). */
class StoredDate {
  constructor(readonly ms: number) {}
}
type Stored = string | number | boolean | StoredDate | Formula;
/**
 * A value typed as text that implies a number format (`12%`, `$3.50`, a date).
 * Only these allocate; other conversions return the stored value itself.
 */
class Typed {
  constructor(
    readonly value: Stored,
    readonly format: string,
  ) {}
}

interface CellStyle {
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

function columnIndex(letters: string): number {
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

/** Apps Script's name for a JS value's type in "parameters (...) don't match" errors. */
function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) {
    return v.length && Array.isArray(v[0])
      ? 'number[][]'.replace('number', elementType(v[0][0]))
      : elementType(v[0]) + '[]';
  }
  if (typeof v === 'object') return 'Object';
  if (typeof v === 'number') return 'number';
  return typeof v === 'string' ? 'String' : typeof v;
}
function elementType(v: unknown): string {
  if (v instanceof Object && typeof (v as Date).getTime === 'function') {
    return 'Date';
  }
  return typeof v === 'string'
    ? 'String'
    : typeof v === 'number'
      ? 'number'
      : typeof v === 'boolean'
        ? 'Boolean'
        : 'Object';
}

function isDateLike(v: unknown): v is Date {
  return (
    typeof v === 'object' &&
    v !== null &&
    Object.prototype.toString.call(v) === '[object Date]'
  );
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
    }
    return s;
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
  conditionalRules: ConditionalFormatRule[] = [];
  charts: EmbeddedChart[] = [];
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
      row = this.rows[r - 1] = [];
    }
    row[c - 1] = v;
  }
  style(r: number, c: number): CellStyle | undefined {
    const row = this.styles[r - 1];
    return row === undefined ? undefined : row[c - 1];
  }
  /** Merges `patch` into the cell's style (styles are shared and never mutated). */
  setStyle(r: number, c: number, patch: CellStyle): void {
    let row = this.styles[r - 1];
    if (row === undefined) row = this.styles[r - 1] = [];
    row[c - 1] = this.book.mergeStyle(row[c - 1], patch);
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
      const styles = formats ? this.styles[r - 1] : undefined;
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
    for (const row of this.styles) {
      if (!row || row.length < at) continue;
      if (n > 0) insertSlots(row, at - 1, n);
      else row.splice(at - 1, -n);
    }
  }
}

/* ------------------------------------------------------------------ values */

const NUM_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const GROUPED_RE = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
const PCT_RE = /^([+-]?(?:\d+\.?\d*|\.\d+))%$/;
const CURRENCY_RE = /^(-?)\$(\d{1,3}(?:,\d{3})*(?:\.\d+)?|\d+(?:\.\d+)?)$/;
const ISO_DATE_RE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const US_DATE_RE =
  /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * What Sheets stores for a value written with setValue(s): strings are read as
 * if typed (numbers, percentages, currency, booleans, dates, `=` formulas), a
 * leading apostrophe forces text, and plain-text cells ('@') keep strings as is.
 */
function toStored(
  v: unknown,
  book: SpreadsheetStore,
  plainText: boolean,
): Stored | Typed {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? v : '#NUM!';
  if (typeof v === 'boolean') return v;
  if (isDateLike(v)) {
    const ms = v.getTime();
    return Number.isNaN(ms) ? '' : new StoredDate(ms);
  }
  const s = typeof v === 'string' ? v : String(v);
  if (s.length > MAX_CELL_CHARS) {
    throw book.engine.error(
      `Your input contains more than the maximum of ${MAX_CELL_CHARS} characters in a single cell.`,
    );
  }
  if (plainText) return s;
  if (s.startsWith("'")) return s.slice(1);
  if (s.startsWith('=') && s.length > 1) return new Formula(s);
  if (s === '') return '';
  if (NUM_RE.test(s)) return Number(s);
  if (GROUPED_RE.test(s)) return Number(s.replace(/,/g, ''));
  let m = PCT_RE.exec(s);
  if (m) return new Typed(Number(m[1]) / 100, '0%');
  m = CURRENCY_RE.exec(s);
  if (m) {
    const n = Number(m[2].replace(/,/g, ''));
    return new Typed(m[1] ? -n : n, '"$"#,##0.00');
  }
  const upper = s.toUpperCase();
  if (upper === 'TRUE' || upper === 'FALSE') return upper === 'TRUE';
  m = ISO_DATE_RE.exec(s);
  if (m) {
    const d = dateFromParts(book, +m[1], +m[2], +m[3], m[4], m[5], m[6]);
    if (d) return new Typed(d, m[4] ? 'yyyy-mm-dd h:mm:ss' : 'yyyy-mm-dd');
  }
  m = US_DATE_RE.exec(s);
  if (m) {
    const d = dateFromParts(book, +m[3], +m[1], +m[2], m[4], m[5], m[6]);
    if (d) return new Typed(d, m[4] ? 'm/d/yyyy h:mm:ss' : 'm/d/yyyy');
  }
  return s;
}

/**
 * Stores a converted value in a cell, with the number format the typed text
 * implies when the cell has none yet.
 */
function storeCell(m: SheetModel, r: number, c: number, s: Stored | Typed) {
  if (s instanceof Typed) {
    m.set(r, c, s.value);
    if (!m.style(r, c)?.numberFormat)
      m.setStyle(r, c, {numberFormat: s.format});
  } else {
    m.set(r, c, s);
  }
}

function dateFromParts(
  book: SpreadsheetStore,
  y: number,
  mo: number,
  d: number,
  h?: string,
  mi?: string,
  se?: string,
): StoredDate | null {
  if (mo < 1 || mo > 12 || d < 1) return null;
  const dim = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > dim) return null;
  const hh = h ? +h : 0;
  if (hh > 23) return null;
  return new StoredDate(
    zonedToEpoch(y, mo, d, hh, mi ? +mi : 0, se ? +se : 0, 0, book.tz()),
  );
}

/** The value getValues returns for a stored cell. */
function toValue(v: Stored, DateCtor: DateConstructor): unknown {
  if (typeof v !== 'object') return v;
  if (v instanceof StoredDate) return new DateCtor(v.ms);
  if (v instanceof Formula) return '#NAME?';
  return v;
}

function formatNumber(n: number, fmt: string): string {
  const f = fmt.replace(/"[^"]*"/g, m => m.slice(1, -1));
  const prefix = /^[^0#.,%]*/.exec(f)?.[0] ?? '';
  const core = f.slice(prefix.length);
  const pct = core.endsWith('%');
  const body = pct ? core.slice(0, -1) : core;
  const value = pct ? n * 100 : n;
  const dot = body.indexOf('.');
  const decimals = dot < 0 ? '' : body.slice(dot + 1);
  const minDec = (decimals.match(/0/g) ?? []).length;
  const maxDec = decimals.length;
  const grouped = body.includes(',');
  let s = Math.abs(value).toFixed(maxDec);
  if (maxDec > minDec) {
    const [i, d] = s.split('.');
    let dd = d.replace(/0+$/, '');
    if (dd.length < minDec) dd = dd.padEnd(minDec, '0');
    s = dd ? `${i}.${dd}` : i;
  }
  if (grouped) {
    const [i, d] = s.split('.');
    s =
      i.replace(/\B(?=(\d{3})+(?!\d))/g, ',') +
      (d !== undefined ? '.' + d : '');
  }
  return (
    (value < 0 && Number(s.replace(/,/g, '')) !== 0 ? '-' : '') +
    prefix +
    s +
    (pct ? '%' : '')
  );
}

/** Sheets' date patterns (mm is minutes next to h or s, else month). */
function formatSheetsDate(ms: number, tz: string, fmt: string): string {
  const p = zonedParts(ms, tz);
  const tokens =
    fmt.match(
      /yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am\/pm|a\/p|\.000|[^ymdhsa.]+|./gi,
    ) ?? [];
  const out: string[] = [];
  const ampm = /am\/pm|a\/p/i.test(fmt);
  tokens.forEach((t, i) => {
    const lower = t.toLowerCase();
    const prev =
      tokens
        .slice(0, i)
        .reverse()
        .find(x => /[a-z]/i.test(x))
        ?.toLowerCase() ?? '';
    const next =
      tokens
        .slice(i + 1)
        .find(x => /[a-z]/i.test(x))
        ?.toLowerCase() ?? '';
    const minuteCtx = prev.startsWith('h') || next.startsWith('s');
    const h12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
    switch (lower) {
      case 'yyyy':
        out.push(String(p.year));
        break;
      case 'yy':
        out.push(String(p.year % 100).padStart(2, '0'));
        break;
      case 'mmmm':
        out.push(formatSimpleDate(ms, tz, 'MMMM'));
        break;
      case 'mmm':
        out.push(formatSimpleDate(ms, tz, 'MMM'));
        break;
      case 'mm':
        out.push(String(minuteCtx ? p.minute : p.month).padStart(2, '0'));
        break;
      case 'm':
        out.push(String(minuteCtx ? p.minute : p.month));
        break;
      case 'dddd':
        out.push(formatSimpleDate(ms, tz, 'EEEE'));
        break;
      case 'ddd':
        out.push(formatSimpleDate(ms, tz, 'EEE'));
        break;
      case 'dd':
        out.push(String(p.day).padStart(2, '0'));
        break;
      case 'd':
        out.push(String(p.day));
        break;
      case 'hh':
        out.push(String(ampm ? h12 : p.hour).padStart(2, '0'));
        break;
      case 'h':
        out.push(String(ampm ? h12 : p.hour));
        break;
      case 'ss':
        out.push(String(p.second).padStart(2, '0'));
        break;
      case 's':
        out.push(String(p.second));
        break;
      case 'am/pm':
        out.push(p.hour < 12 ? 'AM' : 'PM');
        break;
      case 'a/p':
        out.push(p.hour < 12 ? 'A' : 'P');
        break;
      case '.000':
        out.push('.' + String(p.ms).padStart(3, '0'));
        break;
      default:
        out.push(t.replace(/"/g, ''));
    }
  });
  return out.join('');
}

function isDatePattern(fmt: string): boolean {
  return /[ymdhs]/i.test(fmt.replace(/"[^"]*"/g, ''));
}

function displayValue(v: Stored, fmt: string | undefined, tz: string): string {
  if (v === '') return '';
  if (v instanceof Formula) return '#NAME?';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'string') return v;
  if (v instanceof StoredDate) {
    if (fmt && isDatePattern(fmt)) return formatSheetsDate(v.ms, tz, fmt);
    const p = zonedParts(v.ms, tz);
    const date = `${p.month}/${p.day}/${p.year}`;
    return p.hour || p.minute || p.second
      ? `${date} ${p.hour}:${String(p.minute).padStart(2, '0')}:${String(p.second).padStart(2, '0')}`
      : date;
  }
  if (fmt === '@') return String(v);
  if (fmt && fmt !== 'General' && /[0#]/.test(fmt) && !isDatePattern(fmt)) {
    return formatNumber(v, fmt);
  }
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(10)));
}

/* -------------------------------------------------------------- the service */

export function makeSpreadsheetApp(book: SpreadsheetStore) {
  const engine = book.engine;
  const spreadsheet = new Spreadsheet(book);
  const ui = new Ui(book.host);
  return {
    getActiveSpreadsheet: () =>
      engine.call('SpreadsheetApp.getActiveSpreadsheet', () => spreadsheet),
    getActive: () => engine.call('SpreadsheetApp.getActive', () => spreadsheet),
    getActiveSheet: () =>
      engine.call('SpreadsheetApp.getActiveSheet', () =>
        spreadsheet.sheetObject(book.sheets[book.active]),
      ),
    getUi: () =>
      engine.call('SpreadsheetApp.getUi', () => {
        if (!book.host.uiAllowed()) {
          throw engine.error(
            'Cannot call SpreadsheetApp.getUi() from this context.',
          );
        }
        return ui;
      }),
    flush: () => engine.call('SpreadsheetApp.flush', () => undefined),
    openById: (id: string) =>
      engine.call('SpreadsheetApp.openById', () => {
        if (id === book.id) return spreadsheet;
        throw engine.error(
          'Unexpected error while getting the method or property openById on object SpreadsheetApp.',
        );
      }),
    newConditionalFormatRule: () =>
      engine.call(
        'SpreadsheetApp.newConditionalFormatRule',
        () => new ConditionalFormatRuleBuilder(book),
      ),
    InterpolationType: {
      NUMBER: 'NUMBER',
      PERCENT: 'PERCENT',
      PERCENTILE: 'PERCENTILE',
      MIN: 'MIN',
      MAX: 'MAX',
    },
    BooleanCriteria: {
      NUMBER_GREATER_THAN: 'NUMBER_GREATER_THAN',
      NUMBER_LESS_THAN: 'NUMBER_LESS_THAN',
      NUMBER_BETWEEN: 'NUMBER_BETWEEN',
      NUMBER_EQUAL_TO: 'NUMBER_EQUAL_TO',
      TEXT_CONTAINS: 'TEXT_CONTAINS',
      TEXT_EQUAL_TO: 'TEXT_EQUAL_TO',
      CELL_EMPTY: 'CELL_EMPTY',
      CELL_NOT_EMPTY: 'CELL_NOT_EMPTY',
      CUSTOM_FORMULA: 'CUSTOM_FORMULA',
    },
    WrapStrategy: {WRAP: 'WRAP', OVERFLOW: 'OVERFLOW', CLIP: 'CLIP'},
    BorderStyle: {
      SOLID: 'SOLID',
      DOTTED: 'DOTTED',
      DASHED: 'DASHED',
      SOLID_MEDIUM: 'SOLID_MEDIUM',
      SOLID_THICK: 'SOLID_THICK',
      DOUBLE: 'DOUBLE',
    },
    Dimension: {ROWS: 'ROWS', COLUMNS: 'COLUMNS'},
  };
}

export class Spreadsheet {
  // Weak: a deleted sheet's model must not outlive it through its facade.
  private readonly sheetObjects = new WeakMap<SheetModel, Sheet>();
  constructor(private readonly book: SpreadsheetStore) {}
  private get engine(): Engine {
    return this.book.engine;
  }
  /** The one facade object per sheet, as Apps Script hands out equal objects. */
  sheetObject(model: SheetModel): Sheet {
    let s = this.sheetObjects.get(model);
    if (!s) {
      s = new Sheet(this.book, model, this);
      this.sheetObjects.set(model, s);
    }
    return s;
  }
  private list<T>(items: T[]): T[] {
    const arr = new (this.engine.realm().Array)() as T[];
    for (const x of items) arr.push(x);
    return arr;
  }
  getId(): string {
    return this.engine.call('Spreadsheet.getId', () => this.book.id);
  }
  getName(): string {
    return this.engine.call('Spreadsheet.getName', () => this.book.name);
  }
  rename(name: string): void {
    this.engine.call('Spreadsheet.rename', () => {
      this.book.name = String(name);
    });
  }
  getUrl(): string {
    return this.engine.call(
      'Spreadsheet.getUrl',
      () => `https://docs.google.com/spreadsheets/d/${this.book.id}/edit`,
    );
  }
  getSpreadsheetTimeZone(): string {
    return this.engine.call(
      'Spreadsheet.getSpreadsheetTimeZone',
      () => this.book.timeZone,
    );
  }
  setSpreadsheetTimeZone(tz: string): void {
    this.engine.call('Spreadsheet.setSpreadsheetTimeZone', () => {
      this.book.timeZone = String(tz);
    });
  }
  getSpreadsheetLocale(): string {
    return this.engine.call('Spreadsheet.getSpreadsheetLocale', () => 'en_US');
  }
  getSheets(): Sheet[] {
    return this.engine.call('Spreadsheet.getSheets', () =>
      this.list(this.book.sheets.map(s => this.sheetObject(s))),
    );
  }
  getNumSheets(): number {
    return this.engine.call(
      'Spreadsheet.getNumSheets',
      () => this.book.sheets.length,
    );
  }
  getSheetByName(name: string): Sheet | null {
    return this.engine.call('Spreadsheet.getSheetByName', () => {
      const s = this.book.findSheet(String(name));
      return s ? this.sheetObject(s) : null;
    });
  }
  getSheetById(id: number): Sheet | null {
    return this.engine.call('Spreadsheet.getSheetById', () => {
      const s = this.book.sheets.find(x => x.id === id);
      return s ? this.sheetObject(s) : null;
    });
  }
  getActiveSheet(): Sheet {
    return this.engine.call('Spreadsheet.getActiveSheet', () =>
      this.sheetObject(this.book.sheets[this.book.active]),
    );
  }
  setActiveSheet(sheet: Sheet): Sheet {
    return this.engine.call('Spreadsheet.setActiveSheet', () => {
      const i = this.book.sheets.indexOf(sheet.model);
      if (i < 0) throw this.engine.error('Sheet not found.');
      this.book.active = i;
      return sheet;
    });
  }
  /** Moves the active sheet to a 1-based position; it stays active. */
  moveActiveSheet(pos: number): void {
    this.engine.call('Spreadsheet.moveActiveSheet', () => {
      const n = this.book.sheets.length;
      if (!Number.isInteger(pos) || pos < 1 || pos > n) {
        throw this.engine.error(`Sheet index ${pos} is out of range.`);
      }
      const [model] = this.book.sheets.splice(this.book.active, 1);
      this.book.sheets.splice(pos - 1, 0, model);
      this.book.active = pos - 1;
    });
  }
  insertSheet(a?: unknown, b?: unknown): Sheet {
    return this.engine.call('Spreadsheet.insertSheet', () => {
      let name: string | undefined;
      let index = this.book.sheets.length;
      if (typeof a === 'string') {
        name = a;
        if (typeof b === 'number') index = b;
      } else if (typeof a === 'number') {
        index = a;
      }
      if (index < 0 || index > this.book.sheets.length) {
        throw this.engine.error(`Sheet index ${index} is out of range.`);
      }
      if (name === undefined) {
        let n = this.book.sheets.length + 1;
        while (this.book.findSheet(`Sheet${n}`)) n++;
        name = `Sheet${n}`;
      }
      checkSheetName(this.engine, name);
      if (this.book.findSheet(name)) {
        throw this.engine.error(
          `A sheet with the name "${name}" already exists. Please enter another name.`,
        );
      }
      const model = this.book.addSheet(name, index);
      // insertSheet makes the new sheet the active one.
      this.book.active = this.book.sheets.indexOf(model);
      return this.sheetObject(model);
    });
  }
  deleteSheet(sheet: Sheet): void {
    this.engine.call('Spreadsheet.deleteSheet', () => {
      const i = this.book.sheets.indexOf(sheet.model);
      if (i < 0) throw this.engine.error('Sheet not found.');
      if (
        this.book.sheets.filter(s => !s.hidden || s === sheet.model).length <=
          1 ||
        this.book.sheets.length === 1
      ) {
        throw this.engine.error(
          "You can't remove all the sheets in a document.",
        );
      }
      this.book.sheets.splice(i, 1);
      sheet.deleted = true;
      if (
        this.book.active >= this.book.sheets.length ||
        this.book.active === i
      ) {
        this.book.active = 0;
      }
    });
  }
  getRange(a1: string): Range {
    return this.engine.call('Spreadsheet.getRange', () => {
      const m = /^(?:'((?:[^']|'')+)'|([^!]+))!(.+)$/.exec(String(a1));
      const model = m
        ? this.book.findSheet(
            m[1] !== undefined ? m[1].replace(/''/g, "'") : m[2],
          )
        : this.book.sheets[this.book.active];
      if (!model) throw this.engine.error('Range not found');
      return this.sheetObject(model).rangeFromA1(m ? m[3] : String(a1));
    });
  }
  toast(message: string, title = ''): void {
    this.engine.call('Spreadsheet.toast', () => {
      this.book.host.ui.toasts.push({
        message: String(message),
        title: String(title),
      });
    });
  }
  getOwner(): null {
    return null;
  }
}

function checkSheetName(engine: Engine, name: string): void {
  if (name.length > 100) {
    throw engine.error('Sheet names must be no longer than 100 characters.');
  }
  if (name.trim() === '') throw engine.error('Sheet name cannot be empty.');
}

export class Sheet {
  deleted = false;
  constructor(
    private readonly book: SpreadsheetStore,
    readonly model: SheetModel,
    private readonly parent: Spreadsheet,
  ) {}
  private get engine(): Engine {
    return this.book.engine;
  }
  private live(): SheetModel {
    if (this.deleted) throw this.engine.error('This sheet has been deleted.');
    return this.model;
  }
  getName(): string {
    return this.engine.call('Sheet.getName', () => this.live().name);
  }
  setName(name: string): Sheet {
    return this.engine.call('Sheet.setName', () => {
      const n = String(name);
      checkSheetName(this.engine, n);
      const other = this.book.findSheet(n);
      if (other && other !== this.model) {
        throw this.engine.error(
          `A sheet with the name "${n}" already exists. Please enter another name.`,
        );
      }
      this.live().name = n;
      return this;
    });
  }
  getSheetId(): number {
    return this.engine.call('Sheet.getSheetId', () => this.live().id);
  }
  getIndex(): number {
    return this.engine.call(
      'Sheet.getIndex',
      () => this.book.sheets.indexOf(this.live()) + 1,
    );
  }
  getParent(): Spreadsheet {
    return this.engine.call('Sheet.getParent', () => this.parent);
  }
  activate(): Sheet {
    return this.engine.call('Sheet.activate', () => {
      this.book.active = this.book.sheets.indexOf(this.live());
      return this;
    });
  }
  getRange(a: unknown, b?: unknown, c?: unknown, d?: unknown): Range {
    return this.engine.call('Sheet.getRange', () => {
      if (typeof a === 'string' && b === undefined) return this.rangeFromA1(a);
      const args = [a, b, c, d].filter(x => x !== undefined);
      if (!args.every(x => typeof x === 'number' && Number.isFinite(x))) {
        throw this.engine.error(
          `The parameters (${args.map(typeName).join(',')}) don't match the method signature for SpreadsheetApp.Sheet.getRange.`,
        );
      }
      const row = Math.floor(a as number);
      const col = Math.floor(b as number);
      const nr = c === undefined ? 1 : Math.floor(c as number);
      const nc = d === undefined ? 1 : Math.floor(d as number);
      return this.range(row, col, nr, nc);
    });
  }
  /** A range after the checks Apps Script makes on its coordinates. */
  range(row: number, col: number, nr: number, nc: number): Range {
    const m = this.live();
    if (row < 1)
      throw this.engine.error('The starting row of the range is too small.');
    if (col < 1)
      throw this.engine.error('The starting column of the range is too small.');
    if (nr < 1)
      throw this.engine.error(
        'The number of rows in the range must be at least 1.',
      );
    if (nc < 1)
      throw this.engine.error(
        'The number of columns in the range must be at least 1.',
      );
    if (row + nr - 1 > m.maxRows || col + nc - 1 > m.maxCols) {
      throw this.engine.error(
        'The coordinates of the range are outside the dimensions of the sheet.',
      );
    }
    return new Range(this.book, this, row, col, nr, nc);
  }
  rangeFromA1(a1: string): Range {
    const m = this.live();
    const s = a1.trim().replace(/\$/g, '').toUpperCase();
    let r = /^([A-Z]+)(\d+)(?::([A-Z]+)(\d*))?$/.exec(s);
    if (r) {
      const c1 = columnIndex(r[1]);
      const r1 = Number(r[2]);
      const c2 = r[3] ? columnIndex(r[3]) : c1;
      const r2 = r[3] ? (r[4] ? Number(r[4]) : m.maxRows) : r1;
      if (r1 < 1 || r2 < 1) throw this.engine.error('Range not found');
      return this.range(
        Math.min(r1, r2),
        Math.min(c1, c2),
        Math.abs(r2 - r1) + 1,
        Math.abs(c2 - c1) + 1,
      );
    }
    r = /^([A-Z]+):([A-Z]+)$/.exec(s);
    if (r) {
      const c1 = columnIndex(r[1]);
      const c2 = columnIndex(r[2]);
      return this.range(1, Math.min(c1, c2), m.maxRows, Math.abs(c2 - c1) + 1);
    }
    r = /^(\d+):(\d+)$/.exec(s);
    if (r) {
      const r1 = Number(r[1]);
      const r2 = Number(r[2]);
      if (r1 < 1 || r2 < 1) throw this.engine.error('Range not found');
      return this.range(Math.min(r1, r2), 1, Math.abs(r2 - r1) + 1, m.maxCols);
    }
    throw this.engine.error('Range not found');
  }
  getDataRange(): Range {
    return this.engine.call('Sheet.getDataRange', () => {
      const m = this.live();
      return this.range(
        1,
        1,
        Math.max(1, m.lastRow()),
        Math.max(1, m.lastColumn()),
      );
    });
  }
  getSheetValues(
    row: number,
    col: number,
    nr: number,
    nc: number,
  ): unknown[][] {
    return this.engine.call('Sheet.getSheetValues', () =>
      this.range(row, col, nr, nc).read(v =>
        toValue(v, this.engine.realm().Date),
      ),
    );
  }
  getLastRow(): number {
    return this.engine.call('Sheet.getLastRow', () => this.live().lastRow());
  }
  getLastColumn(): number {
    return this.engine.call('Sheet.getLastColumn', () =>
      this.live().lastColumn(),
    );
  }
  getMaxRows(): number {
    return this.engine.call('Sheet.getMaxRows', () => this.live().maxRows);
  }
  getMaxColumns(): number {
    return this.engine.call('Sheet.getMaxColumns', () => this.live().maxCols);
  }
  private growRows(n: number): void {
    const m = this.live();
    if (!(n >= 1))
      throw this.engine.error('The number of rows must be at least 1.');
    this.book.checkGrowth(n * m.maxCols);
  }
  private growCols(n: number): void {
    const m = this.live();
    if (!(n >= 1))
      throw this.engine.error('The number of columns must be at least 1.');
    if (m.maxCols + n > MAX_COLUMNS) {
      throw this.engine.error(
        `This action would increase the number of columns in the sheet above the limit of ${MAX_COLUMNS}.`,
      );
    }
    this.book.checkGrowth(n * m.maxRows);
  }
  insertRowsAfter(after: number, howMany: number): Sheet {
    return this.engine.call('Sheet.insertRowsAfter', () => {
      const m = this.live();
      if (after < 1 || after > m.maxRows)
        throw this.engine.error('Those rows are out of bounds.');
      this.growRows(howMany);
      m.shiftRows(after + 1, howMany);
      m.maxRows += howMany;
      return this;
    });
  }
  insertRowsBefore(before: number, howMany: number): Sheet {
    return this.engine.call('Sheet.insertRowsBefore', () => {
      const m = this.live();
      if (before < 1 || before > m.maxRows)
        throw this.engine.error('Those rows are out of bounds.');
      this.growRows(howMany);
      m.shiftRows(before, howMany);
      m.maxRows += howMany;
      return this;
    });
  }
  insertRows(rowIndex: number, numRows = 1): void {
    this.insertRowsBefore(rowIndex, numRows);
  }
  insertColumnsAfter(after: number, howMany: number): Sheet {
    return this.engine.call('Sheet.insertColumnsAfter', () => {
      const m = this.live();
      if (after < 1 || after > m.maxCols)
        throw this.engine.error('Those columns are out of bounds.');
      this.growCols(howMany);
      m.shiftCols(after + 1, howMany);
      m.maxCols += howMany;
      return this;
    });
  }
  insertColumnsBefore(before: number, howMany: number): Sheet {
    return this.engine.call('Sheet.insertColumnsBefore', () => {
      const m = this.live();
      if (before < 1 || before > m.maxCols)
        throw this.engine.error('Those columns are out of bounds.');
      this.growCols(howMany);
      m.shiftCols(before, howMany);
      m.maxCols += howMany;
      return this;
    });
  }
  deleteRows(position: number, howMany: number): void {
    this.engine.call('Sheet.deleteRows', () => {
      const m = this.live();
      if (position < 1 || howMany < 1 || position + howMany - 1 > m.maxRows) {
        throw this.engine.error('Those rows are out of bounds.');
      }
      if (m.maxRows - howMany <= m.frozenRows || howMany >= m.maxRows) {
        throw this.engine.error(
          'Sorry, it is not possible to delete all non-frozen rows.',
        );
      }
      m.shiftRows(position, -howMany);
      m.maxRows -= howMany;
    });
  }
  deleteRow(position: number): Sheet {
    this.deleteRows(position, 1);
    return this;
  }
  deleteColumns(position: number, howMany: number): void {
    this.engine.call('Sheet.deleteColumns', () => {
      const m = this.live();
      if (position < 1 || howMany < 1 || position + howMany - 1 > m.maxCols) {
        throw this.engine.error('Those columns are out of bounds.');
      }
      if (howMany >= m.maxCols) {
        throw this.engine.error(
          'Sorry, it is not possible to delete all non-frozen columns.',
        );
      }
      m.shiftCols(position, -howMany);
      m.maxCols -= howMany;
    });
  }
  appendRow(rowContents: unknown[]): Sheet {
    return this.engine.call('Sheet.appendRow', () => {
      const m = this.live();
      if (!Array.isArray(rowContents)) {
        throw this.engine.error(
          `The parameters (${typeName(rowContents)}) don't match the method signature for SpreadsheetApp.Sheet.appendRow.`,
        );
      }
      const r = m.lastRow() + 1;
      if (r > m.maxRows) {
        this.book.checkGrowth(m.maxCols);
        m.maxRows = r;
      }
      if (rowContents.length > m.maxCols) {
        this.growCols(rowContents.length - m.maxCols);
        m.maxCols = rowContents.length;
      }
      rowContents.forEach((v, i) => {
        const plain = m.style(r, i + 1)?.numberFormat === '@';
        storeCell(m, r, i + 1, toStored(v, this.book, plain));
      });
      return this;
    });
  }
  clear(): Sheet {
    return this.engine.call('Sheet.clear', () => {
      const m = this.live();
      m.rows = [];
      m.styles = [];
      return this;
    });
  }
  clearContents(): Sheet {
    return this.engine.call('Sheet.clearContents', () => {
      this.live().rows = [];
      return this;
    });
  }
  clearFormats(): Sheet {
    return this.engine.call('Sheet.clearFormats', () => {
      const m = this.live();
      const styles = m.styles;
      m.styles = [];
      styles.forEach((row, i) => {
        row?.forEach((s, j) => {
          if (s?.note !== undefined) m.setStyle(i + 1, j + 1, {note: s.note});
        });
      });
      return this;
    });
  }
  setFrozenRows(rows: number): void {
    this.engine.call('Sheet.setFrozenRows', () => {
      const m = this.live();
      if (rows < 0 || rows >= m.maxRows) {
        throw this.engine.error(
          "You can't freeze all visible rows on the sheet.",
        );
      }
      m.frozenRows = rows;
    });
  }
  getFrozenRows(): number {
    return this.engine.call(
      'Sheet.getFrozenRows',
      () => this.live().frozenRows,
    );
  }
  setFrozenColumns(cols: number): void {
    this.engine.call('Sheet.setFrozenColumns', () => {
      const m = this.live();
      if (cols < 0 || cols >= m.maxCols) {
        throw this.engine.error(
          "You can't freeze all visible columns on the sheet.",
        );
      }
      m.frozenCols = cols;
    });
  }
  getFrozenColumns(): number {
    return this.engine.call(
      'Sheet.getFrozenColumns',
      () => this.live().frozenCols,
    );
  }
  hideSheet(): Sheet {
    return this.engine.call('Sheet.hideSheet', () => {
      const m = this.live();
      if (this.book.sheets.filter(s => !s.hidden && s !== m).length === 0) {
        throw this.engine.error(
          'Sorry, it is not possible to hide all the sheets in a document.',
        );
      }
      m.hidden = true;
      return this;
    });
  }
  showSheet(): Sheet {
    return this.engine.call('Sheet.showSheet', () => {
      this.live().hidden = false;
      return this;
    });
  }
  isSheetHidden(): boolean {
    return this.engine.call('Sheet.isSheetHidden', () => this.live().hidden);
  }
  setColumnWidth(col: number, width: number): Sheet {
    return this.engine.call('Sheet.setColumnWidth', () => {
      this.live().columnWidths.set(col, width);
      return this;
    });
  }
  setColumnWidths(start: number, num: number, width: number): Sheet {
    return this.engine.call('Sheet.setColumnWidths', () => {
      for (let c = start; c < start + num; c++)
        this.live().columnWidths.set(c, width);
      return this;
    });
  }
  getColumnWidth(col: number): number {
    return this.engine.call(
      'Sheet.getColumnWidth',
      () => this.live().columnWidths.get(col) ?? 100,
    );
  }
  autoResizeColumns(start: number, num: number): Sheet {
    return this.engine.call('Sheet.autoResizeColumns', () => {
      const m = this.live();
      if (start < 1 || num < 1 || start + num - 1 > m.maxCols) {
        throw this.engine.error('Those columns are out of bounds.');
      }
      for (let c = start; c < start + num; c++) {
        let w = 0;
        for (let r = 1; r <= m.rows.length; r++) {
          const v = m.get(r, c);
          if (v !== '')
            w = Math.max(
              w,
              displayValue(v, m.style(r, c)?.numberFormat, this.book.tz())
                .length,
            );
        }
        m.columnWidths.set(c, Math.max(30, Math.min(1000, 7 * w + 10)));
      }
      return this;
    });
  }
  autoResizeColumn(col: number): Sheet {
    return this.autoResizeColumns(col, 1);
  }
  setConditionalFormatRules(rules: ConditionalFormatRule[]): void {
    this.engine.call('Sheet.setConditionalFormatRules', () => {
      if (
        !Array.isArray(rules) ||
        rules.some(r => !(r instanceof ConditionalFormatRule))
      ) {
        throw this.engine.error(
          "The parameters (Object) don't match the method signature for SpreadsheetApp.Sheet.setConditionalFormatRules.",
        );
      }
      this.live().conditionalRules = [...rules];
    });
  }
  getConditionalFormatRules(): ConditionalFormatRule[] {
    return this.engine.call('Sheet.getConditionalFormatRules', () => {
      const arr = new (this.engine.realm().Array)() as ConditionalFormatRule[];
      for (const r of this.live().conditionalRules) arr.push(r);
      return arr;
    });
  }
  newChart(): EmbeddedChartBuilder {
    return this.engine.call(
      'Sheet.newChart',
      () => new EmbeddedChartBuilder(this.book, this),
    );
  }
  insertChart(chart: EmbeddedChart): void {
    this.engine.call('Sheet.insertChart', () => {
      if (!(chart instanceof EmbeddedChart)) {
        throw this.engine.error(
          "The parameters (Object) don't match the method signature for SpreadsheetApp.Sheet.insertChart.",
        );
      }
      chart.chartId = this.book.newChartId();
      this.live().charts.push(chart);
    });
  }
  updateChart(chart: EmbeddedChart): void {
    this.engine.call('Sheet.updateChart', () => {
      const charts = this.live().charts;
      const i = charts.findIndex(c => c.chartId === chart.chartId);
      if (i < 0)
        throw this.engine.error('The chart does not exist on this sheet.');
      charts[i] = chart;
    });
  }
  getCharts(): EmbeddedChart[] {
    return this.engine.call('Sheet.getCharts', () => {
      const arr = new (this.engine.realm().Array)() as EmbeddedChart[];
      for (const c of this.live().charts) arr.push(c);
      return arr;
    });
  }
  removeChart(chart: EmbeddedChart): void {
    this.engine.call('Sheet.removeChart', () => {
      const charts = this.live().charts;
      const i = charts.findIndex(c => c.chartId === chart.chartId);
      if (i >= 0) charts.splice(i, 1);
    });
  }
}

type Grid<T> = T[][];

export class Range {
  constructor(
    private readonly book: SpreadsheetStore,
    private readonly sheet: Sheet,
    readonly row: number,
    readonly col: number,
    readonly numRows: number,
    readonly numCols: number,
  ) {}
  private get engine(): Engine {
    return this.book.engine;
  }
  private get m(): SheetModel {
    if (this.sheet.deleted)
      throw this.engine.error('This sheet has been deleted.');
    return this.sheet.model;
  }
  private cells(): number {
    return this.numRows * this.numCols;
  }
  /** A grid of per-cell values, built in the current realm. */
  read<T>(fn: (v: Stored, r: number, c: number) => T): Grid<T> {
    // Realm literals filled in order: packed arrays, as the product's own are.
    const realm = this.engine.realm();
    const out = realm.newArray() as Grid<T>;
    const m = this.m;
    for (let i = 0; i < this.numRows; i++) {
      const row = realm.newArray() as T[];
      const src = m.rows[this.row - 1 + i];
      for (let j = 0; j < this.numCols; j++) {
        const v = src ? src[this.col - 1 + j] : undefined;
        row.push(fn(v === undefined ? '' : v, this.row + i, this.col + j));
      }
      out.push(row);
    }
    return out;
  }
  /** getValues' grid: read() without a callback per cell (the hottest read). */
  private readValues(): unknown[][] {
    const realm = this.engine.realm();
    const DateCtor = realm.Date;
    const out = realm.newArray() as unknown[][];
    const rows = this.m.rows;
    const c0 = this.col - 1;
    const nc = this.numCols;
    for (let i = 0; i < this.numRows; i++) {
      const row = realm.newArray();
      const src = rows[this.row - 1 + i];
      if (src === undefined) {
        for (let j = 0; j < nc; j++) row.push('');
      } else {
        for (let j = 0; j < nc; j++) {
          const v = src[c0 + j];
          row.push(
            v === undefined
              ? ''
              : typeof v === 'object'
                ? toValue(v, DateCtor)
                : v,
          );
        }
      }
      out.push(row);
    }
    return out;
  }
  /** Checks a 2-D argument's shape with Apps Script's messages. */
  private checkGrid(values: unknown, method: string): unknown[][] {
    if (!Array.isArray(values) || values.some(r => !Array.isArray(r))) {
      throw this.engine.error(
        `The parameters (${typeName(values)}) don't match the method signature for SpreadsheetApp.Range.${method}.`,
      );
    }
    if (values.length !== this.numRows) {
      throw this.engine.error(
        `The number of rows in the data does not match the number of rows in the range. The data has ${values.length} but the range has ${this.numRows}.`,
      );
    }
    for (const r of values as unknown[][]) {
      if (r.length !== this.numCols) {
        throw this.engine.error(
          `The number of columns in the data does not match the number of columns in the range. The data has ${r.length} but the range has ${this.numCols}.`,
        );
      }
    }
    return values as unknown[][];
  }
  private readCost(): {extraCost: number} {
    return {extraCost: this.cells() * this.engine.costs.perCellRead};
  }
  private writeCost(): {extraCost: number} {
    return {extraCost: this.cells() * this.engine.costs.perCellWrite};
  }
  private eachCell(fn: (r: number, c: number) => void): void {
    for (let r = this.row; r < this.row + this.numRows; r++) {
      for (let c = this.col; c < this.col + this.numCols; c++) fn(r, c);
    }
  }
  private writeValue(r: number, c: number, v: unknown): void {
    const m = this.m;
    const st = m.style(r, c);
    storeCell(m, r, c, toStored(v, this.book, st?.numberFormat === '@'));
  }

  getValues(): unknown[][] {
    return this.engine.call(
      'Range.getValues',
      () => this.readValues(),
      this.readCost(),
    );
  }
  getValue(): unknown {
    return this.engine.call('Range.getValue', () =>
      toValue(this.m.get(this.row, this.col), this.engine.realm().Date),
    );
  }
  getDisplayValues(): string[][] {
    const tz = this.book.tz();
    return this.engine.call(
      'Range.getDisplayValues',
      () =>
        this.read((v, r, c) =>
          displayValue(v, this.m.style(r, c)?.numberFormat, tz),
        ),
      this.readCost(),
    );
  }
  getDisplayValue(): string {
    return this.engine.call('Range.getDisplayValue', () =>
      displayValue(
        this.m.get(this.row, this.col),
        this.m.style(this.row, this.col)?.numberFormat,
        this.book.tz(),
      ),
    );
  }
  getFormulas(): string[][] {
    return this.engine.call(
      'Range.getFormulas',
      () => this.read(v => (v instanceof Formula ? v.text : '')),
      this.readCost(),
    );
  }
  getFormula(): string {
    return this.engine.call('Range.getFormula', () => {
      const v = this.m.get(this.row, this.col);
      return v instanceof Formula ? v.text : '';
    });
  }
  setValues(values: unknown[][]): Range {
    return this.engine.call(
      'Range.setValues',
      () => {
        const grid = this.checkGrid(values, 'setValues');
        // Convert every cell first so a bad cell leaves the range untouched.
        const m = this.m;
        const {row: r0, col: c0, numRows, numCols} = this;
        // A hole in a sparse row leaves its cell as it was (undefined here).
        const stored: (Stored | Typed | undefined)[][] = new Array(numRows);
        for (let i = 0; i < numRows; i++) {
          const src = grid[i];
          const styles = m.styles[r0 - 1 + i];
          const out: (Stored | Typed | undefined)[] = new Array(numCols);
          for (let j = 0; j < numCols; j++) {
            const v = src[j];
            if (v === undefined && !(j in src)) continue;
            const st = styles === undefined ? undefined : styles[c0 - 1 + j];
            out[j] = toStored(v, this.book, st?.numberFormat === '@');
          }
          stored[i] = out;
        }
        for (let i = 0; i < numRows; i++) {
          const out = stored[i];
          for (let j = 0; j < numCols; j++) {
            const s = out[j];
            if (s !== undefined) storeCell(m, r0 + i, c0 + j, s);
          }
        }
        return this;
      },
      this.writeCost(),
    );
  }
  setValue(value: unknown): Range {
    return this.engine.call(
      'Range.setValue',
      () => {
        this.eachCell((r, c) => this.writeValue(r, c, value));
        return this;
      },
      this.writeCost(),
    );
  }
  setFormula(formula: string): Range {
    return this.engine.call(
      'Range.setFormula',
      () => {
        const f = String(formula);
        this.eachCell((r, c) =>
          this.m.set(r, c, f.startsWith('=') ? new Formula(f) : f),
        );
        return this;
      },
      this.writeCost(),
    );
  }
  setFormulas(formulas: string[][]): Range {
    return this.engine.call(
      'Range.setFormulas',
      () => {
        const grid = this.checkGrid(formulas, 'setFormulas');
        grid.forEach((row, i) =>
          row.forEach((f, j) => {
            const s = String(f ?? '');
            this.m.set(
              this.row + i,
              this.col + j,
              s.startsWith('=') ? new Formula(s) : s,
            );
          }),
        );
        return this;
      },
      this.writeCost(),
    );
  }
  private setStyleAll(method: string, patch: CellStyle): Range {
    return this.engine.call(
      `Range.${method}`,
      () => {
        this.eachCell((r, c) => this.m.setStyle(r, c, patch));
        return this;
      },
      this.writeCost(),
    );
  }
  private setStyleGrid<T>(
    method: string,
    grid: T[][],
    patch: (v: T) => CellStyle,
  ): Range {
    return this.engine.call(
      `Range.${method}`,
      () => {
        const g = this.checkGrid(grid, method) as T[][];
        const m = this.m;
        // One patch per distinct value, so merges are memoised across cells.
        const patches = new Map<T, CellStyle>();
        for (let i = 0; i < g.length; i++) {
          const row = g[i];
          for (let j = 0; j < row.length; j++) {
            const v = row[j];
            // Holes of a sparse row leave their cells as they were.
            if (v === undefined && !(j in row)) continue;
            let p = patches.get(v);
            if (p === undefined) {
              p = patch(v);
              patches.set(v, p);
            }
            m.setStyle(this.row + i, this.col + j, p);
          }
        }
        return this;
      },
      this.writeCost(),
    );
  }
  private getStyleGrid<T>(
    method: string,
    get: (s: CellStyle | undefined) => T,
  ): T[][] {
    return this.engine.call(
      `Range.${method}`,
      () => this.read((_v, r, c) => get(this.m.style(r, c))),
      this.readCost(),
    );
  }
  setNumberFormat(format: string): Range {
    return this.setStyleAll('setNumberFormat', {numberFormat: String(format)});
  }
  setNumberFormats(formats: string[][]): Range {
    return this.setStyleGrid('setNumberFormats', formats, f => ({
      numberFormat: String(f),
    }));
  }
  getNumberFormat(): string {
    return this.engine.call(
      'Range.getNumberFormat',
      () => this.m.style(this.row, this.col)?.numberFormat ?? 'General',
    );
  }
  getNumberFormats(): string[][] {
    return this.getStyleGrid(
      'getNumberFormats',
      s => s?.numberFormat ?? 'General',
    );
  }
  setFontWeight(weight: string | null): Range {
    return this.setStyleAll('setFontWeight', {fontWeight: weight ?? 'normal'});
  }
  setFontWeights(weights: string[][]): Range {
    return this.setStyleGrid('setFontWeights', weights, w => ({
      fontWeight: w ?? 'normal',
    }));
  }
  getFontWeight(): string {
    return this.engine.call(
      'Range.getFontWeight',
      () => this.m.style(this.row, this.col)?.fontWeight ?? 'normal',
    );
  }
  setFontStyle(style: string | null): Range {
    return this.setStyleAll('setFontStyle', {fontStyle: style ?? 'normal'});
  }
  setFontSize(size: number): Range {
    return this.setStyleAll('setFontSize', {fontSize: size});
  }
  setFontColor(color: string | null): Range {
    return this.setStyleAll('setFontColor', {fontColor: color ?? '#000000'});
  }
  setFontColors(colors: string[][]): Range {
    return this.setStyleGrid('setFontColors', colors, c => ({
      fontColor: c ?? '#000000',
    }));
  }
  getFontColor(): string {
    return this.engine.call(
      'Range.getFontColor',
      () => this.m.style(this.row, this.col)?.fontColor ?? '#000000',
    );
  }
  setBackground(color: string | null): Range {
    return this.setStyleAll('setBackground', {background: color ?? '#ffffff'});
  }
  setBackgrounds(colors: string[][]): Range {
    return this.setStyleGrid('setBackgrounds', colors, c => ({
      background: c ?? '#ffffff',
    }));
  }
  getBackground(): string {
    return this.engine.call(
      'Range.getBackground',
      () => this.m.style(this.row, this.col)?.background ?? '#ffffff',
    );
  }
  getBackgrounds(): string[][] {
    return this.getStyleGrid('getBackgrounds', s => s?.background ?? '#ffffff');
  }
  setHorizontalAlignment(alignment: string | null): Range {
    return this.setStyleAll('setHorizontalAlignment', {
      horizontalAlignment: alignment ?? 'general',
    });
  }
  setHorizontalAlignments(alignments: string[][]): Range {
    return this.setStyleGrid('setHorizontalAlignments', alignments, a => ({
      horizontalAlignment: a ?? 'general',
    }));
  }
  getHorizontalAlignment(): string {
    return this.engine.call(
      'Range.getHorizontalAlignment',
      () => this.m.style(this.row, this.col)?.horizontalAlignment ?? 'general',
    );
  }
  setVerticalAlignment(alignment: string | null): Range {
    return this.setStyleAll('setVerticalAlignment', {
      verticalAlignment: alignment ?? 'bottom',
    });
  }
  setWrap(wrap: boolean): Range {
    return this.setStyleAll('setWrap', {wrap: Boolean(wrap)});
  }
  setWrapStrategy(strategy: string): Range {
    return this.setStyleAll('setWrapStrategy', {
      wrap: String(strategy) === 'WRAP',
    });
  }
  getWrap(): boolean {
    return this.engine.call(
      'Range.getWrap',
      () => this.m.style(this.row, this.col)?.wrap ?? false,
    );
  }
  setBorder(): Range {
    return this.engine.call('Range.setBorder', () => this);
  }
  setNote(note: string | null): Range {
    return this.setStyleAll('setNote', {note: note ?? ''});
  }
  getNote(): string {
    return this.engine.call(
      'Range.getNote',
      () => this.m.style(this.row, this.col)?.note ?? '',
    );
  }
  clear(options?: {contentsOnly?: boolean; formatOnly?: boolean}): Range {
    return this.engine.call('Range.clear', () => {
      const contents = !options?.formatOnly;
      const formats = !options?.contentsOnly;
      this.m.clear(
        this.row,
        this.col,
        this.numRows,
        this.numCols,
        contents,
        formats,
      );
      return this;
    });
  }
  clearContent(): Range {
    return this.engine.call('Range.clearContent', () => {
      this.m.clear(this.row, this.col, this.numRows, this.numCols, true, false);
      return this;
    });
  }
  clearFormat(): Range {
    return this.engine.call('Range.clearFormat', () => {
      this.m.clear(this.row, this.col, this.numRows, this.numCols, false, true);
      return this;
    });
  }
  isBlank(): boolean {
    return this.engine.call('Range.isBlank', () => {
      let blank = true;
      this.eachCell((r, c) => {
        if (this.m.get(r, c) !== '') blank = false;
      });
      return blank;
    });
  }
  getRow(): number {
    return this.engine.call('Range.getRow', () => this.row);
  }
  getColumn(): number {
    return this.engine.call('Range.getColumn', () => this.col);
  }
  getLastRow(): number {
    return this.engine.call(
      'Range.getLastRow',
      () => this.row + this.numRows - 1,
    );
  }
  getLastColumn(): number {
    return this.engine.call(
      'Range.getLastColumn',
      () => this.col + this.numCols - 1,
    );
  }
  getNumRows(): number {
    return this.engine.call('Range.getNumRows', () => this.numRows);
  }
  getNumColumns(): number {
    return this.engine.call('Range.getNumColumns', () => this.numCols);
  }
  getHeight(): number {
    return this.getNumRows();
  }
  getWidth(): number {
    return this.getNumColumns();
  }
  getA1Notation(): string {
    return this.engine.call('Range.getA1Notation', () => this.a1());
  }
  a1(): string {
    const tl = columnLetter(this.col) + this.row;
    if (this.numRows === 1 && this.numCols === 1) return tl;
    return `${tl}:${columnLetter(this.col + this.numCols - 1)}${this.row + this.numRows - 1}`;
  }
  getSheet(): Sheet {
    return this.engine.call('Range.getSheet', () => this.sheet);
  }
  offset(
    rowOffset: number,
    colOffset: number,
    numRows?: number,
    numCols?: number,
  ): Range {
    return this.engine.call('Range.offset', () =>
      this.sheet.range(
        this.row + rowOffset,
        this.col + colOffset,
        numRows ?? this.numRows,
        numCols ?? this.numCols,
      ),
    );
  }
  activate(): Range {
    return this.engine.call('Range.activate', () => this);
  }
}

/* ----------------------------------------------------- conditional formats */

interface GradientPoint {
  color: string;
  type: string;
  value: string;
}

export class ConditionalFormatRule {
  constructor(
    private readonly book: SpreadsheetStore,
    readonly ranges: Range[],
    readonly gradient: {
      min?: GradientPoint;
      mid?: GradientPoint;
      max?: GradientPoint;
    } | null,
    readonly boolean: {
      criteria: string;
      values: unknown[];
      background?: string;
      fontColor?: string;
      bold?: boolean;
    } | null,
  ) {}
  getRanges(): Range[] {
    return this.book.engine.call('ConditionalFormatRule.getRanges', () => {
      const arr = new (this.book.engine.realm().Array)() as Range[];
      for (const r of this.ranges) arr.push(r);
      return arr;
    });
  }
  getGradientCondition(): object | null {
    const g = this.gradient;
    if (!g) return null;
    return {
      getMinColor: () => g.min?.color ?? '',
      getMinType: () => g.min?.type ?? 'MIN',
      getMinValue: () => g.min?.value ?? '',
      getMidColor: () => g.mid?.color ?? '',
      getMidType: () => g.mid?.type ?? null,
      getMidValue: () => g.mid?.value ?? '',
      getMaxColor: () => g.max?.color ?? '',
      getMaxType: () => g.max?.type ?? 'MAX',
      getMaxValue: () => g.max?.value ?? '',
    };
  }
  getBooleanCondition(): object | null {
    const b = this.boolean;
    if (!b) return null;
    return {
      getCriteriaType: () => b.criteria,
      getCriteriaValues: () => [...b.values],
      getBackground: () => b.background ?? null,
      getFontColor: () => b.fontColor ?? null,
      getBold: () => b.bold ?? null,
    };
  }
  copy(): ConditionalFormatRuleBuilder {
    const builder = new ConditionalFormatRuleBuilder(this.book);
    builder.ranges = [...this.ranges];
    builder.gradient = this.gradient ? {...this.gradient} : null;
    builder.bool = this.boolean
      ? {...this.boolean, values: [...this.boolean.values]}
      : null;
    return builder;
  }
}

export class ConditionalFormatRuleBuilder {
  ranges: Range[] = [];
  gradient: {
    min?: GradientPoint;
    mid?: GradientPoint;
    max?: GradientPoint;
  } | null = null;
  bool: {
    criteria: string;
    values: unknown[];
    background?: string;
    fontColor?: string;
    bold?: boolean;
  } | null = null;
  constructor(private readonly book: SpreadsheetStore) {}
  private g() {
    this.bool = null;
    return (this.gradient ??= {});
  }
  private b(criteria?: string, values: unknown[] = []) {
    this.gradient = null;
    this.bool ??= {criteria: 'CUSTOM_FORMULA', values: []};
    if (criteria) {
      this.bool.criteria = criteria;
      this.bool.values = values;
    }
    return this;
  }
  setRanges(ranges: Range[]): this {
    this.ranges = [...ranges];
    return this;
  }
  setGradientMinpoint(color: string): this {
    this.g().min = {color, type: 'MIN', value: ''};
    return this;
  }
  setGradientMaxpoint(color: string): this {
    this.g().max = {color, type: 'MAX', value: ''};
    return this;
  }
  setGradientMinpointWithValue(
    color: string,
    type: string,
    value: string,
  ): this {
    this.g().min = {color, type: String(type), value: String(value)};
    return this;
  }
  setGradientMidpointWithValue(
    color: string,
    type: string,
    value: string,
  ): this {
    this.g().mid = {color, type: String(type), value: String(value)};
    return this;
  }
  setGradientMaxpointWithValue(
    color: string,
    type: string,
    value: string,
  ): this {
    this.g().max = {color, type: String(type), value: String(value)};
    return this;
  }
  whenNumberGreaterThan(n: number): this {
    return this.b('NUMBER_GREATER_THAN', [n]);
  }
  whenNumberGreaterThanOrEqualTo(n: number): this {
    return this.b('NUMBER_GREATER_THAN_OR_EQUAL_TO', [n]);
  }
  whenNumberLessThan(n: number): this {
    return this.b('NUMBER_LESS_THAN', [n]);
  }
  whenNumberLessThanOrEqualTo(n: number): this {
    return this.b('NUMBER_LESS_THAN_OR_EQUAL_TO', [n]);
  }
  whenNumberBetween(a: number, b: number): this {
    return this.b('NUMBER_BETWEEN', [a, b]);
  }
  whenNumberEqualTo(n: number): this {
    return this.b('NUMBER_EQUAL_TO', [n]);
  }
  whenTextContains(t: string): this {
    return this.b('TEXT_CONTAINS', [t]);
  }
  whenTextEqualTo(t: string): this {
    return this.b('TEXT_EQUAL_TO', [t]);
  }
  whenFormulaSatisfied(f: string): this {
    return this.b('CUSTOM_FORMULA', [f]);
  }
  whenCellEmpty(): this {
    return this.b('CELL_EMPTY');
  }
  whenCellNotEmpty(): this {
    return this.b('CELL_NOT_EMPTY');
  }
  setBackground(color: string | null): this {
    this.b().bool!.background = color ?? undefined;
    return this;
  }
  setFontColor(color: string | null): this {
    this.b().bool!.fontColor = color ?? undefined;
    return this;
  }
  setBold(bold: boolean): this {
    this.b().bool!.bold = bold;
    return this;
  }
  build(): ConditionalFormatRule {
    const engine = this.book.engine;
    return engine.call('ConditionalFormatRuleBuilder.build', () => {
      if (!this.gradient && !this.bool) {
        throw engine.error('Conditional format rule must have a condition.');
      }
      if (this.gradient && (!this.gradient.min || !this.gradient.max)) {
        throw engine.error('Gradient rules require a minpoint and a maxpoint.');
      }
      return new ConditionalFormatRule(
        this.book,
        [...this.ranges],
        this.gradient ? {...this.gradient} : null,
        this.bool ? {...this.bool, values: [...this.bool.values]} : null,
      );
    });
  }
}

/* ------------------------------------------------------------------- charts */

export const ChartType = {
  AREA: 'AREA',
  BAR: 'BAR',
  BUBBLE: 'BUBBLE',
  CANDLESTICK: 'CANDLESTICK',
  COLUMN: 'COLUMN',
  COMBO: 'COMBO',
  GAUGE: 'GAUGE',
  GEO: 'GEO',
  HISTOGRAM: 'HISTOGRAM',
  LINE: 'LINE',
  ORG: 'ORG',
  PIE: 'PIE',
  RADAR: 'RADAR',
  SANKEY: 'SANKEY',
  SCATTER: 'SCATTER',
  SPARKLINE: 'SPARKLINE',
  STEPPED_AREA: 'STEPPED_AREA',
  TABLE: 'TABLE',
  TIMELINE: 'TIMELINE',
  TREEMAP: 'TREEMAP',
  WATERFALL: 'WATERFALL',
} as const;

export function makeCharts() {
  return {
    ChartType: {...ChartType},
    Position: {TOP: 'TOP', RIGHT: 'RIGHT', BOTTOM: 'BOTTOM', NONE: 'NONE'},
    CurveStyle: {NORMAL: 'NORMAL', SMOOTH: 'SMOOTH'},
    PointStyle: {
      NONE: 'NONE',
      TINY: 'TINY',
      MEDIUM: 'MEDIUM',
      LARGE: 'LARGE',
      HUGE: 'HUGE',
    },
    ChartHiddenDimensionStrategy: {
      IGNORE_BOTH: 'IGNORE_BOTH',
      IGNORE_ROWS: 'IGNORE_ROWS',
      IGNORE_COLUMNS: 'IGNORE_COLUMNS',
      SHOW_BOTH: 'SHOW_BOTH',
    },
    ChartMergeStrategy: {
      MERGE_COLUMNS: 'MERGE_COLUMNS',
      MERGE_ROWS: 'MERGE_ROWS',
    },
  };
}

interface ChartSpec {
  type: string;
  ranges: Range[];
  options: Record<string, unknown>;
  position: {row: number; col: number; offsetX: number; offsetY: number};
}

export class EmbeddedChart {
  chartId = 0;
  constructor(
    private readonly book: SpreadsheetStore,
    private readonly sheet: Sheet,
    readonly spec: ChartSpec,
  ) {}
  getChartId(): number {
    return this.chartId;
  }
  getId(): string {
    return `u${this.chartId}`;
  }
  getType(): string {
    return this.spec.type;
  }
  getRanges(): Range[] {
    const arr = new (this.book.engine.realm().Array)() as Range[];
    for (const r of this.spec.ranges) arr.push(r);
    return arr;
  }
  getOptions(): {get(option: string): unknown} {
    const options = this.spec.options;
    return {get: (o: string) => (o in options ? options[o] : null)};
  }
  getContainerInfo() {
    const p = this.spec.position;
    return {
      getAnchorRow: () => p.row,
      getAnchorColumn: () => p.col,
      getOffsetX: () => p.offsetX,
      getOffsetY: () => p.offsetY,
    };
  }
  modify(): EmbeddedChartBuilder {
    const b = new EmbeddedChartBuilder(this.book, this.sheet);
    b.spec = {
      ...this.spec,
      ranges: [...this.spec.ranges],
      options: {...this.spec.options},
      position: {...this.spec.position},
    };
    b.chartId = this.chartId;
    return b;
  }
}

export class EmbeddedChartBuilder {
  spec: ChartSpec = {
    type: ChartType.COLUMN,
    ranges: [],
    options: {},
    position: {row: 1, col: 1, offsetX: 0, offsetY: 0},
  };
  chartId = 0;
  constructor(
    private readonly book: SpreadsheetStore,
    private readonly sheet: Sheet,
  ) {}
  addRange(range: Range): this {
    this.spec.ranges.push(range);
    return this;
  }
  removeRange(range: Range): this {
    this.spec.ranges = this.spec.ranges.filter(r => r !== range);
    return this;
  }
  clearRanges(): this {
    this.spec.ranges = [];
    return this;
  }
  setChartType(type: string): this {
    if (!(String(type) in ChartType)) {
      throw this.book.engine.error('Invalid argument: type');
    }
    this.spec.type = String(type);
    return this;
  }
  setPosition(
    anchorRow: number,
    anchorCol: number,
    offsetX: number,
    offsetY: number,
  ): this {
    this.spec.position = {row: anchorRow, col: anchorCol, offsetX, offsetY};
    return this;
  }
  setOption(option: string, value: unknown): this {
    this.spec.options[String(option)] = value;
    return this;
  }
  setNumHeaders(n: number): this {
    return this.setOption('numHeaders', n);
  }
  setTransposeRowsAndColumns(t: boolean): this {
    return this.setOption('transposeRowsAndColumns', t);
  }
  setHiddenDimensionStrategy(s: string): this {
    return this.setOption('hiddenDimensionStrategy', s);
  }
  setMergeStrategy(s: string): this {
    return this.setOption('mergeStrategy', s);
  }
  getChartType(): string {
    return this.spec.type;
  }
  getRanges(): Range[] {
    return [...this.spec.ranges];
  }
  private as(type: string): this {
    this.spec.type = type;
    return this;
  }
  asLineChart(): this {
    return this.as(ChartType.LINE);
  }
  asColumnChart(): this {
    return this.as(ChartType.COLUMN);
  }
  asBarChart(): this {
    return this.as(ChartType.BAR);
  }
  asAreaChart(): this {
    return this.as(ChartType.AREA);
  }
  asPieChart(): this {
    return this.as(ChartType.PIE);
  }
  asScatterChart(): this {
    return this.as(ChartType.SCATTER);
  }
  asComboChart(): this {
    return this.as(ChartType.COMBO);
  }
  asTableChart(): this {
    return this.as(ChartType.TABLE);
  }
  setTitle(title: string): this {
    return this.setOption('title', title);
  }
  setXAxisTitle(title: string): this {
    return this.setOption('hAxis.title', title);
  }
  setYAxisTitle(title: string): this {
    return this.setOption('vAxis.title', title);
  }
  setLegendPosition(p: string): this {
    return this.setOption('legend.position', p);
  }
  setColors(colors: string[]): this {
    return this.setOption('colors', [...colors]);
  }
  setStacked(): this {
    return this.setOption('isStacked', true);
  }
  setCurveStyle(s: string): this {
    return this.setOption('curveType', s);
  }
  build(): EmbeddedChart {
    const engine = this.book.engine;
    return engine.call('EmbeddedChartBuilder.build', () => {
      if (this.spec.ranges.length === 0) {
        throw engine.error('The chart has no data ranges.');
      }
      const chart = new EmbeddedChart(this.book, this.sheet, {
        ...this.spec,
        ranges: [...this.spec.ranges],
        options: {...this.spec.options},
        position: {...this.spec.position},
      });
      chart.chartId = this.chartId;
      return chart;
    });
  }
}

/* ------------------------------------------------------------------------ UI */

const ButtonSet = {
  OK: 'OK',
  OK_CANCEL: 'OK_CANCEL',
  YES_NO: 'YES_NO',
  YES_NO_CANCEL: 'YES_NO_CANCEL',
};
const Button = {
  CLOSE: 'CLOSE',
  OK: 'OK',
  CANCEL: 'CANCEL',
  YES: 'YES',
  NO: 'NO',
};

interface HtmlLike {
  getContent(): string;
  getTitle?(): string;
  getWidth?(): number;
}

export class Ui {
  readonly ButtonSet = ButtonSet;
  readonly Button = Button;
  constructor(private readonly host: SpreadsheetHost) {}
  createMenu(caption: string): Menu {
    return this.host.engine.call(
      'Ui.createMenu',
      () => new Menu(this.host, String(caption)),
    );
  }
  createAddonMenu(): Menu {
    return this.host.engine.call(
      'Ui.createAddonMenu',
      () => new Menu(this.host, 'Add-on'),
    );
  }
  showSidebar(html: HtmlLike): void {
    this.host.engine.call('Ui.showSidebar', () => {
      this.host.ui.sidebars.push({
        title: html.getTitle ? html.getTitle() : '',
        html: html.getContent(),
        width: html.getWidth ? html.getWidth() : undefined,
      });
    });
  }
  showModalDialog(html: HtmlLike, title: string): void {
    this.host.engine.call('Ui.showModalDialog', () => {
      this.host.ui.dialogs.push({
        title: String(title),
        html: html.getContent(),
        modal: true,
      });
    });
  }
  showModelessDialog(html: HtmlLike, title: string): void {
    this.host.engine.call('Ui.showModelessDialog', () => {
      this.host.ui.dialogs.push({
        title: String(title),
        html: html.getContent(),
        modal: false,
      });
    });
  }
  private answer(buttons: string): {button: string; text?: string} {
    const next = this.host.ui.responses.shift();
    if (next) return next;
    return {button: buttons.startsWith('YES') ? Button.YES : Button.OK};
  }
  alert(a: string, b?: unknown, c?: unknown): string {
    return this.host.engine.call('Ui.alert', () => {
      let title = '';
      let prompt = String(a);
      let buttons = ButtonSet.OK;
      if (typeof b === 'string' && !(b in ButtonSet)) {
        title = String(a);
        prompt = b;
        if (c !== undefined) buttons = String(c);
      } else if (b !== undefined) {
        buttons = String(b);
      }
      this.host.ui.alerts.push({title, prompt, buttons});
      return this.answer(buttons).button;
    });
  }
  prompt(a: string, b?: unknown, c?: unknown) {
    return this.host.engine.call('Ui.prompt', () => {
      let title = '';
      let prompt = String(a);
      let buttons = ButtonSet.OK;
      if (typeof b === 'string' && !(b in ButtonSet)) {
        title = String(a);
        prompt = b;
        if (c !== undefined) buttons = String(c);
      } else if (b !== undefined) {
        buttons = String(b);
      }
      this.host.ui.alerts.push({title, prompt, buttons});
      const ans = this.answer(buttons);
      return {
        getSelectedButton: () => ans.button,
        getResponseText: () => ans.text ?? '',
      };
    });
  }
}

export class Menu {
  private readonly items: ({caption: string; functionName: string} | null)[] =
    [];
  constructor(
    private readonly host: SpreadsheetHost,
    private readonly name: string,
  ) {}
  addItem(caption: string, functionName: string): Menu {
    this.items.push({
      caption: String(caption),
      functionName: String(functionName),
    });
    return this;
  }
  addSeparator(): Menu {
    this.items.push(null);
    return this;
  }
  addSubMenu(menu: Menu): Menu {
    for (const item of menu.items) this.items.push(item);
    return this;
  }
  addToUi(): void {
    this.host.engine.call('Menu.addToUi', () => {
      const menus = this.host.ui.menus;
      const i = menus.findIndex(m => m.name === this.name);
      const entry = {name: this.name, items: [...this.items]};
      if (i >= 0) menus[i] = entry;
      else menus.push(entry);
    });
  }
}
