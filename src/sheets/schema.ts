/**
 * What a tab schema is (pure): column types, the column declaration, and the generic
 * conversions between records and sheet rows that every tab shares.
 *
 * Admin tabs carry readable headers; the Looker Studio tabs (prefix `lk_`) carry stable
 * snake_case headers, one type per column, ISO dates as text. Both are described by the
 * same column specs, so the data dictionary can never drift from the tabs it describes.
 * The tabs themselves are declared in `tables/`, one file per area.
 */
import type {ValueNames} from '../core/labels';

/** Cell types. Dates, weeks and timestamps are ISO text so every reader sees the same value. */
export type ColumnType =
  | 'string'
  | 'date' // YYYY-MM-DD
  | 'week' // ISO week, YYYY-Www
  | 'timestamp' // YYYY-MM-DDTHH:MM:SSZ (UTC)
  | 'integer'
  | 'number'
  | 'percent' // a number on the 0-100 scale
  | 'boolean'
  | 'list'; // string[] joined with '; '

export type CellValue = string | number | boolean | null;

export interface ColumnSpec<R> {
  field: keyof R & string;
  /** snake_case header of the Looker tab (also the stable key of the column). */
  key: string;
  /** Header of the admin tab. */
  label: string;
  type: ColumnType;
  description: string;
  /** Number format override. */
  format?: string;
  /** Column width in pixels. */
  width?: number;
  /**
   * Readable names of the column's values (metric ids): the admin tab shows the label,
   * the Looker tab the snake_case key; both read back to the id.
   */
  names?: ValueNames;
}

function shownValue(v: unknown, names: ValueNames, looker: boolean): unknown {
  if (Array.isArray(v)) return v.map(x => shownValue(x, names, looker));
  if (typeof v !== 'string') return v;
  const n = names[v];
  return n ? (looker ? n.key : n.label) : v;
}

function readValue(v: unknown, names: ValueNames): unknown {
  if (Array.isArray(v)) return v.map(x => readValue(x, names));
  if (typeof v !== 'string' || v === '') return v;
  if (names[v]) return v;
  for (const [id, n] of Object.entries(names)) {
    if (n.key === v || n.label === v) return id;
  }
  return v;
}

export interface TableSchema<R> {
  /** Tab name. */
  name: string;
  description: string;
  columns: ReadonlyArray<ColumnSpec<R>>;
  /** Looker tab: snake_case headers, in the data dictionary. */
  looker: boolean;
  /** Column key whose value is a partition replaced as a whole on re-runs (a day). */
  partitionKey?: string;
  /** Internal store: hidden from the admin. */
  hidden?: boolean;
}

/** The prefix of every Looker Studio tab. */
export const LOOKER_PREFIX = 'lk_';

const DEFAULT_FORMATS: Record<ColumnType, string> = {
  string: '@',
  date: '@',
  week: '@',
  timestamp: '@',
  integer: '#,##0',
  number: '#,##0.00',
  percent: '0.0',
  boolean: 'General',
  list: '@',
};

const DEFAULT_WIDTHS: Record<ColumnType, number> = {
  string: 140,
  date: 95,
  week: 80,
  timestamp: 165,
  integer: 80,
  number: 90,
  percent: 80,
  boolean: 70,
  list: 140,
};

/** Turns one field value into the cell value its column type calls for. */
export function toCell(v: unknown, type: ColumnType): CellValue {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'integer':
    case 'number':
    case 'percent': {
      const n = typeof v === 'number' ? v : Number(v);
      if (!Number.isFinite(n)) return null;
      return type === 'integer' ? Math.round(n) : n;
    }
    case 'boolean':
      return v === true || v === 'TRUE' || v === 'true';
    case 'list':
      return Array.isArray(v) ? v.map(String).join('; ') : String(v);
    case 'timestamp':
      if (v instanceof Date) return v.toISOString().replace(/\.\d{3}Z$/, 'Z');
      return String(v);
    case 'date':
      if (v instanceof Date) return v.toISOString().slice(0, 10);
      return String(v);
    default:
      return String(v);
  }
}

/** Reads one cell back into a field value. Blank numbers are null, not zero. */
export function fromCell(v: unknown, type: ColumnType): unknown {
  switch (type) {
    case 'integer':
    case 'number':
    case 'percent': {
      if (v === '' || v === null || v === undefined) return null;
      const n = typeof v === 'number' ? v : Number(v);
      return Number.isFinite(n) ? n : null;
    }
    case 'boolean':
      return v === true || v === 'TRUE' || v === 'true';
    case 'list':
      return v === '' || v === null || v === undefined
        ? []
        : String(v)
            .split(';')
            .map(s => s.trim())
            .filter(s => s);
    default: {
      if (v === null || v === undefined) return '';
      const s = String(v);
      // A plain-text cell keeps the apostrophe the writer put before a formula-like value.
      return s.charCodeAt(0) === 39 && /^'[=+\-@\t\r\n]/.test(s)
        ? s.slice(1)
        : s;
    }
  }
}

/** Header row of a tab. */
export function headersOf<R>(schema: TableSchema<R>): string[] {
  return schema.columns.map(c => (schema.looker ? c.key : c.label));
}

/** Records to rows, in column order. */
export function toRows<R>(
  schema: TableSchema<R>,
  records: ReadonlyArray<R>,
): CellValue[][] {
  const cols = schema.columns;
  return records.map(r =>
    cols.map(c =>
      toCell(
        c.names ? shownValue(r[c.field], c.names, schema.looker) : r[c.field],
        c.type,
      ),
    ),
  );
}

/** Everything replaceTab needs for a schema and its records. */
export function tabArgs<R>(
  schema: TableSchema<R>,
  records: ReadonlyArray<R>,
): {
  name: string;
  headers: string[];
  rows: CellValue[][];
  numberFormats: string[];
  columnWidths: number[];
} {
  return {
    name: schema.name,
    headers: headersOf(schema),
    rows: toRows(schema, records),
    numberFormats: schema.columns.map(c => c.format ?? DEFAULT_FORMATS[c.type]),
    columnWidths: schema.columns.map(c => c.width ?? DEFAULT_WIDTHS[c.type]),
  };
}

/**
 * Rows read from a tab back to records. Columns are matched by header (label or key), so a
 * column moved by hand is still found; a missing column yields its type's blank.
 */
export function fromRows<R>(
  schema: TableSchema<R>,
  headers: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<unknown>>,
): R[] {
  const idx = schema.columns.map(c => {
    const i = headers.indexOf(c.label);
    return i >= 0 ? i : headers.indexOf(c.key);
  });
  const cols = schema.columns;
  const out: R[] = [];
  for (const row of rows) {
    const rec: Record<string, unknown> = {};
    for (let j = 0; j < cols.length; j++) {
      const c = cols[j];
      const v = fromCell(idx[j] >= 0 ? row[idx[j]] : null, c.type);
      rec[c.field as string] = c.names ? readValue(v, c.names) : v;
    }
    out.push(rec as R);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Declaring a tab.

/** What a column may add to its five required parts. */
export interface ColumnExtra {
  format?: string;
  width?: number;
  names?: ValueNames;
}

/**
 * One column as declared: the record field, the Looker key, the admin label, the type, the
 * note the data dictionary shows, and optionally a format, a width or value names.
 */
export type ColumnDecl<R> = readonly [
  field: keyof R & string,
  key: string,
  label: string,
  type: ColumnType,
  note: string,
  extra?: ColumnExtra,
];

/** Column declarations to column specs, in order. */
export function columns<R>(
  decls: ReadonlyArray<ColumnDecl<R>>,
): ColumnSpec<R>[] {
  return decls.map(([field, key, label, type, description, extra]) => ({
    field,
    key,
    label,
    type,
    description,
    ...extra,
  }));
}

/** One tab as declared: its name, what it holds and its columns. */
export interface TableDecl<R> {
  name: string;
  description: string;
  columns: ReadonlyArray<ColumnDecl<R>>;
  partitionKey?: string;
}

/** An admin tab from its declaration. */
export function adminTable<R>(decl: TableDecl<R>): TableSchema<R> {
  const {name, description, partitionKey} = decl;
  return {
    name,
    description,
    looker: false,
    columns: columns(decl.columns),
    ...(partitionKey ? {partitionKey} : {}),
  };
}

/**
 * A Looker column as declared: its header is its key, so it has no separate label.
 */
export type LookerColumnDecl<R> = readonly [
  field: keyof R & string,
  key: string,
  type: ColumnType,
  note: string,
  extra?: ColumnExtra,
];

/** A Looker Studio tab declared in its own right (not the twin of an admin tab). */
export function lookerTable<R>(decl: {
  name: string;
  description: string;
  columns: ReadonlyArray<LookerColumnDecl<R>>;
}): TableSchema<R> {
  return {
    name: decl.name,
    description: decl.description,
    looker: true,
    columns: columns(
      decl.columns.map(
        ([field, key, type, note, extra]) =>
          [field, key, key, type, note, extra] as const,
      ),
    ),
  };
}

/** The Looker twin of an admin tab: the same columns under their snake_case keys. */
export function lookerOf<R>(
  schema: TableSchema<R>,
  name: string,
  description: string,
): TableSchema<R> {
  return {name, description, looker: true, columns: schema.columns};
}

/** The school-name column most per-school tabs show. */
export const SCHOOL_NAME_COLUMN = [
  'schoolName',
  'school_name',
  'School',
  'string',
  'School name.',
  {width: 180},
] as const;
