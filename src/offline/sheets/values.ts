/**
 * Values in and out of cells: what Sheets stores for a value written (strings read as
 * if typed), what getValues returns, and Apps Script's names for argument types.
 */
import {
  Formula,
  MAX_CELL_CHARS,
  SheetModel,
  SpreadsheetStore,
  Stored,
  StoredDate,
  Typed,
} from './model';
import {zonedToEpoch} from '../tz';

/** Apps Script's name for a JS value's type in "parameters (...) don't match" errors. */
export function typeName(v: unknown): string {
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
export function toStored(
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
export function storeCell(
  m: SheetModel,
  r: number,
  c: number,
  s: Stored | Typed,
) {
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
export function toValue(v: Stored, DateCtor: DateConstructor): unknown {
  if (typeof v !== 'object') return v;
  if (v instanceof StoredDate) return new DateCtor(v.ms);
  if (v instanceof Formula) return '#NAME?';
  return v;
}
