/**
 * The fact store over Sheets (Apps Script layer). See docs/storage.md.
 *
 * - `Daily facts` (schema DAILY_FACTS): the long-term store of daily facts, one row per
 *   day x school x role x app, sorted by day. A day partition is replaced with one batched
 *   setValues: in place when its row count is unchanged, otherwise the rows from that day
 *   to the end are rewritten in one call, padded with blanks over the old extent, so a
 *   re-run never duplicates a day and a failure never half-writes one.
 * - `_pulse_archive` (hidden): old days moved out of `Daily facts` when it passes its cell
 *   budget, packed one row per day x school (3 cells instead of ~190), losslessly.
 * - `_pulse_store` (hidden): named text blobs of any size (the Directory snapshot, paused
 *   day state, per-day user sets, closed weeks, data-quality findings), chunked into
 *   cells. A blob is rewritten by appending a new version and then deleting the old one,
 *   so a reader always finds one complete version.
 */
import type {DailyFact, FactFlag, Role} from '../core/types';
import {DAILY_FACTS, fromCell, headersOf, tabArgs} from '../sheets/tables';
import {sanitizeCell} from '../sheets/writer';
import type {BlobStore} from '../sources/source';

type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;
type Sheet = GoogleAppsScript.Spreadsheet.Sheet;
type Range = GoogleAppsScript.Spreadsheet.Range;
type Cell = string | number | boolean;

export const STORE_TAB = '_pulse_store';
export const ARCHIVE_TAB = '_pulse_archive';
export const DAILY_TAB = DAILY_FACTS.name;
/** Characters of blob text per cell (Sheets allows 50,000). */
export const BLOB_CHUNK = 45_000;
/** Cells `Daily facts` may use before its oldest days move to the archive. */
export const DAILY_CELL_BUDGET = 3_000_000;
/** Cells the archive may use before its oldest days are rolled up to weekly facts only. */
export const ARCHIVE_CELL_BUDGET = 4_000_000;
/** Marks stored text so Sheets never reads it as a number, date or formula. */
const MARK = '|';

function text(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return s.startsWith(MARK) ? s.slice(1) : s;
}

/** Blank rows kept below the data when a tab grows: an eighth of it, 200 to 5,000 rows. */
export function growthRows(lastNeeded: number): number {
  return Math.max(200, Math.min(5_000, Math.ceil(lastNeeded / 8)));
}

/**
 * Grows the grid to hold row `lastNeeded`, with headroom: a tab that gains a day of rows
 * a night is then extended every few nights, not on every write (inserting rows is one
 * of the dearest Sheets operations). Blank grid rows count against the 10 million cell
 * limit, so the headroom is bounded (at most 5,000 rows).
 */
function ensureRows(sheet: Sheet, lastNeeded: number): void {
  const max = sheet.getMaxRows();
  if (max < lastNeeded)
    sheet.insertRowsAfter(max, lastNeeded + growthRows(lastNeeded) - max);
}

/** A new sheet's grid is 1,000 x 26; unused columns would count against the cell limit. */
function trimColumns(sh: Sheet, width: number): void {
  const max = sh.getMaxColumns();
  if (max > width) sh.deleteColumns(width + 1, max - width);
}

/**
 * The tab `name`, set up with its header row (then `setUp`) when it has none. An
 * execution stopped between inserting the tab and writing its header leaves a tab
 * without one: the set-up runs whenever the header is missing.
 */
function tabWithHeader(
  ss: Spreadsheet,
  name: string,
  headers: string[],
  setUp: (sh: Sheet, header: Range) => void,
): Sheet {
  let sh = ss.getSheetByName(name);
  const fresh = !sh;
  if (!sh) sh = ss.insertSheet(name);
  if (fresh || sh.getRange(1, 1).getValue() === '') {
    trimColumns(sh, headers.length);
    const header = sh.getRange(1, 1, 1, headers.length);
    header.setValues([headers]);
    sh.setFrozenRows(1);
    setUp(sh, header);
  }
  return sh;
}

function hiddenSheet(ss: Spreadsheet, name: string, headers: string[]): Sheet {
  return tabWithHeader(ss, name, headers, sh => sh.hideSheet());
}

/* ------------------------------------------------------------ blob store -- */

interface BlobRow {
  row: number;
  key: string;
  version: number;
  part: number;
  parts: number;
}

export class SheetBlobStore implements BlobStore {
  private sheet: Sheet | null = null;
  private index: BlobRow[] | null = null;
  /** setValues / deleteRows / getValues calls made (a cost measure). */
  writes = 0;

  constructor(private readonly ss: Spreadsheet) {}

  private sh(): Sheet {
    if (!this.sheet) {
      this.sheet = hiddenSheet(this.ss, STORE_TAB, [
        'key',
        'version',
        'part',
        'parts',
        'data',
      ]);
    }
    return this.sheet;
  }

  private rows(): BlobRow[] {
    if (!this.index) {
      const sh = this.sh();
      const last = sh.getLastRow();
      this.index = [];
      if (last >= 2) {
        const meta = sh.getRange(2, 1, last - 1, 4).getValues();
        meta.forEach((m, i) => {
          const key = text(m[0]);
          if (!key) return;
          this.index!.push({
            row: i + 2,
            key,
            version: Number(m[1]) || 0,
            part: Number(m[2]) || 0,
            parts: Number(m[3]) || 0,
          });
        });
      }
    }
    return this.index;
  }

  /** The newest complete version of `key`: its rows, contiguous and in part order. */
  private latest(key: string): BlobRow[] | null {
    const byVersion = new Map<number, BlobRow[]>();
    for (const r of this.rows()) {
      if (r.key !== key) continue;
      const list = byVersion.get(r.version) ?? [];
      list.push(r);
      byVersion.set(r.version, list);
    }
    const versions = [...byVersion.keys()].sort((a, b) => b - a);
    for (const v of versions) {
      const list = byVersion.get(v)!.sort((a, b) => a.part - b.part);
      if (list.length === list[0].parts && list.every((r, i) => r.part === i))
        return list;
    }
    return null;
  }

  get(key: string): string | null {
    return this.getParts(key)?.join('') ?? null;
  }

  getParts(key: string): string[] | null {
    const list = this.latest(key);
    if (!list) return null;
    const first = list[0].row;
    const last = list[list.length - 1].row;
    const values = this.sh()
      .getRange(first, 5, last - first + 1, 1)
      .getValues();
    const byRow = new Map(values.map((v, i) => [first + i, text(v[0])]));
    return list.map(r => byRow.get(r.row) ?? '');
  }

  put(key: string, value: string): void {
    const sh = this.sh();
    const rows = this.rows();
    const version =
      rows
        .filter(r => r.key === key)
        .reduce((m, r) => Math.max(m, r.version), 0) + 1;
    const parts: string[] = [];
    for (let i = 0; i < value.length; i += BLOB_CHUNK)
      parts.push(value.slice(i, i + BLOB_CHUNK));
    if (!parts.length) parts.push('');
    const start = Math.max(sh.getLastRow(), 1) + 1;
    ensureRows(sh, start + parts.length - 1);
    const block: Cell[][] = parts.map((p, i) => [
      MARK + key,
      version,
      i,
      parts.length,
      MARK + p,
    ]);
    const range = sh.getRange(start, 1, parts.length, 5);
    range.setNumberFormats(parts.map(() => ['@', '0', '0', '0', '@']));
    range.setValues(block);
    this.writes++;
    parts.forEach((_, i) =>
      rows.push({row: start + i, key, version, part: i, parts: parts.length}),
    );
    this.removeRows(r => r.key === key && r.version !== version);
  }

  delete(key: string): void {
    this.removeRows(r => r.key === key);
  }

  keys(prefix: string): string[] {
    return [
      ...new Set(
        this.rows()
          .filter(r => r.key.startsWith(prefix))
          .map(r => r.key),
      ),
    ].sort();
  }

  /** Deletes matching rows, bottom-up in contiguous blocks, and renumbers the rest. */
  private removeRows(test: (r: BlobRow) => boolean): void {
    const rows = this.rows();
    const doomed = rows
      .filter(test)
      .map(r => r.row)
      .sort((a, b) => a - b);
    if (!doomed.length) return;
    const sh = this.sh();
    let j = doomed.length - 1;
    while (j >= 0) {
      let i = j;
      while (i > 0 && doomed[i - 1] === doomed[i] - 1) i--;
      sh.deleteRows(doomed[i], j - i + 1);
      this.writes++;
      j = i - 1;
    }
    const keep = rows.filter(r => !test(r));
    for (const r of keep) {
      let above = 0;
      while (above < doomed.length && doomed[above] < r.row) above++;
      r.row -= above;
    }
    this.index = keep;
  }
}

/* ------------------------------------------------------------ daily facts -- */

const FACT_ARGS = tabArgs(DAILY_FACTS, []);
const FACT_HEADERS = headersOf(DAILY_FACTS);
const WIDTH = FACT_HEADERS.length;

function factRows(facts: DailyFact[]): Cell[][] {
  return tabArgs(DAILY_FACTS, facts).rows.map(r => r.map(v => sanitizeCell(v)));
}

export function normaliseDay(v: unknown): string {
  if (typeof v === 'string') return v.startsWith("'") ? v.slice(1) : v;
  if (v instanceof Date) {
    const tz = SpreadsheetApp.getActiveSpreadsheet().getSpreadsheetTimeZone();
    return Utilities.formatDate(v, tz, 'yyyy-MM-dd');
  }
  return v === null || v === undefined ? '' : String(v);
}

/** Rows of the date column read at first, from the end of `Daily facts`. */
const TAIL_ROWS = 4_096;

export class DailyFactStore {
  private sheet: Sheet | null = null;
  /**
   * Dates of the tab's last data rows, from row `base` to the last data row: loaded from
   * the end and extended upwards only as far as a call needs, so a nightly run that
   * touches the latest days never reads the whole column.
   */
  private dates: string[] | null = null;
  private base = 2;
  /** setValues calls made (a cost measure). */
  writes = 0;
  /** Fact rows written (day partitions replaced) by this instance. */
  rowsWritten = 0;

  constructor(private readonly ss: Spreadsheet) {}

  private sh(): Sheet {
    if (!this.sheet) {
      this.sheet = tabWithHeader(this.ss, DAILY_TAB, FACT_HEADERS, (_sh, h) =>
        h.setFontWeight('bold'),
      );
    }
    return this.sheet;
  }

  private readDates(first: number, n: number): string[] {
    return this.sh()
      .getRange(first, 1, n, 1)
      .getValues()
      .map(r => normaliseDay(r[0]));
  }

  /** The loaded tail of the date column (row i + base). */
  private tail(): string[] {
    if (!this.dates) {
      const last = this.sh().getLastRow();
      const n = Math.min(Math.max(0, last - 1), TAIL_ROWS);
      this.base = last - n + 1;
      this.dates = n > 0 ? this.readDates(this.base, n) : [];
      if (n === 0) this.base = 2;
      // Blank rows left by a shrinking rewrite sit only at the end.
      while (this.dates.length && this.dates[this.dates.length - 1] === '')
        this.dates.pop();
    }
    return this.dates;
  }

  /** Extends the loaded tail upwards until it starts before `day` (or at row 2). */
  private cover(day: string): string[] {
    let dates = this.tail();
    while (this.base > 2 && (!dates.length || dates[0] >= day)) {
      const n = Math.min(this.base - 2, Math.max(TAIL_ROWS, dates.length));
      const above = this.readDates(this.base - n, n);
      this.base -= n;
      dates = above.concat(dates);
      this.dates = dates;
    }
    return dates;
  }

  /** The date of every data row (row i + 2). */
  private index(): string[] {
    return this.cover('');
  }

  days(): string[] {
    return [...new Set(this.index())];
  }

  cellsUsed(): number {
    const loaded = this.tail().length; // sets base
    return (this.base - 2 + loaded + 1) * WIDTH;
  }

  /** Loaded-tail positions [lo, hi) of the rows of days from..to (sorted dates). */
  private span(from: string, to: string): [number, number] {
    const dates = this.cover(from);
    let lo = 0;
    let hi = dates.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (dates[mid] < from) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    hi = dates.length;
    while (end < hi) {
      const mid = (end + hi) >> 1;
      if (dates[mid] <= to) end = mid + 1;
      else hi = mid;
    }
    return [lo, end];
  }

  /** Replaces one day partition's rows (facts sorted as the source delivers them). */
  replaceDay(day: string, facts: DailyFact[]): void {
    for (const f of facts) {
      if (f.date !== day)
        throw new Error(`a fact of ${f.date} in the partition of ${day}`);
    }
    const sh = this.sh();
    const [lo, hi] = this.span(day, day);
    const dates = this.dates!;
    const base = this.base;
    const fresh = factRows(facts);
    this.rowsWritten += fresh.length;
    if (hi - lo === fresh.length) {
      if (!fresh.length) return;
      sh.getRange(base + lo, 1, fresh.length, WIDTH).setValues(fresh);
      this.writes++;
      return;
    }
    // Rewrite from this day to the end: the new rows, the later days, blanks over the rest.
    const tailCount = dates.length - hi;
    const tail =
      tailCount > 0
        ? sh.getRange(base + hi, 1, tailCount, WIDTH).getValues()
        : [];
    const block: Cell[][] = [...fresh, ...(tail as Cell[][])];
    const oldExtent = dates.length - lo;
    while (block.length < oldExtent)
      block.push(new Array<Cell>(WIDTH).fill(''));
    if (!block.length) return;
    ensureRows(sh, base + lo - 1 + block.length);
    // Rows the tab held already carry the column formats; only new rows need them.
    const formatted = Math.max(0, oldExtent);
    if (block.length > formatted) {
      sh.getRange(
        base + lo + formatted,
        1,
        block.length - formatted,
        WIDTH,
      ).setNumberFormats(
        Array.from(
          {length: block.length - formatted},
          () => FACT_ARGS.numberFormats,
        ),
      );
    }
    sh.getRange(base + lo, 1, block.length, WIDTH).setValues(block);
    this.writes++;
    const tailDates = dates.slice(hi);
    this.dates = [...dates.slice(0, lo), ...fresh.map(() => day), ...tailDates];
  }

  private factsOf(first: number, n: number): DailyFact[] {
    if (n <= 0) return [];
    const values = this.sh().getRange(first, 1, n, WIDTH).getValues();
    const out: DailyFact[] = [];
    for (const r of values) {
      if (r[0] === '') continue;
      out.push(factOfRow(r));
    }
    return out;
  }

  /** The facts of the days from..to (inclusive), reading only their rows. */
  readDays(from: string, to: string): DailyFact[] {
    const [lo, hi] = this.span(from, to);
    return this.factsOf(this.base + lo, hi - lo);
  }

  /** True when the tab holds no day before `day` (it may still hold none at all). */
  startsAtOrAfter(day: string): boolean {
    const dates = this.cover(day);
    return this.base === 2 && (!dates.length || dates[0] >= day);
  }

  readAll(): DailyFact[] {
    const n = this.index().length;
    return this.factsOf(2, n);
  }

  /** Moves the oldest `days` out of the tab (their rows must already be archived). */
  dropOldest(days: string[]): void {
    if (!days.length) return;
    const dates = this.index();
    const set = new Set(days);
    let n = 0;
    while (n < dates.length && set.has(dates[n])) n++;
    if (!n) return;
    this.sh().deleteRows(2, n);
    this.writes++;
    this.dates = dates.slice(n);
  }
}

/** Column of each field in `Daily facts` (the store writes the schema's order). */
const COL = Object.fromEntries(
  DAILY_FACTS.columns.map((c, i) => [c.field, i]),
) as Record<keyof DailyFact, number>;

/** A cell of a text column as written (the store's apostrophe guard removed). */
function textCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : String(v);
  if (s.charCodeAt(0) !== 39) return s;
  return fromCell(s.slice(1), 'string') as string;
}

/** A count column: blank or unreadable reads as 0. */
function countCell(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : 0;
  if (v === '' || v === null || v === undefined) return 0;
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
}

/** A measure column: blank stays null (not measured). */
function measureCell(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (v === '' || v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/**
 * One row of `Daily facts` as a fact, read the way fromCell reads each column type, in
 * one fixed-shape object: the analysis reads hundreds of thousands of rows a run.
 */
function factOfRow(r: ReadonlyArray<unknown>): DailyFact {
  const flags = r[COL.flags];
  return {
    date: normaliseDay(r[COL.date]),
    schoolId: textCell(r[COL.schoolId]),
    role: textCell(r[COL.role]) as DailyFact['role'],
    app: textCell(r[COL.app]),
    product: textCell(r[COL.product]),
    activeUsers: countCell(r[COL.activeUsers]),
    enrolledUsers: countCell(r[COL.enrolledUsers]),
    pctAccess: measureCell(r[COL.pctAccess]),
    events: countCell(r[COL.events]),
    engagementIndex: measureCell(r[COL.engagementIndex]),
    logins: countCell(r[COL.logins]),
    loginsPerActive: measureCell(r[COL.loginsPerActive]),
    sessionMinutes: measureCell(r[COL.sessionMinutes]),
    assignmentsCreated: countCell(r[COL.assignmentsCreated]),
    submissionsTurnedIn: countCell(r[COL.submissionsTurnedIn]),
    lateSubmissions: countCell(r[COL.lateSubmissions]),
    workReturned: countCell(r[COL.workReturned]),
    gradesEntered: countCell(r[COL.gradesEntered]),
    comments: countCell(r[COL.comments]),
    announcements: countCell(r[COL.announcements]),
    flags:
      flags === '' || flags === null || flags === undefined
        ? []
        : (String(flags)
            .split(';')
            .map(f => f.trim())
            .filter(f => f) as FactFlag[]),
  };
}

/* ---------------------------------------------------------------- archive -- */

const PACKED_FIELDS = [
  'activeUsers',
  'enrolledUsers',
  'pctAccess',
  'events',
  'engagementIndex',
  'logins',
  'loginsPerActive',
  'sessionMinutes',
  'assignmentsCreated',
  'submissionsTurnedIn',
  'lateSubmissions',
  'workReturned',
  'gradesEntered',
  'comments',
  'announcements',
] as const;

/** One school-day of facts as compact JSON: [[role, app, product, ...PACKED_FIELDS, flags]]. */
export function packSchoolDay(facts: DailyFact[]): string {
  return JSON.stringify(
    facts.map(f => [
      f.role,
      f.app,
      f.product,
      ...PACKED_FIELDS.map(k => f[k]),
      f.flags.join(';'),
    ]),
  );
}

export function unpackSchoolDay(
  date: string,
  schoolId: string,
  payload: string,
): DailyFact[] {
  const rows = JSON.parse(payload) as unknown[][];
  return rows.map(r => {
    const f: Record<string, unknown> = {
      date,
      schoolId,
      role: r[0] as Role,
      app: r[1],
      product: r[2],
    };
    PACKED_FIELDS.forEach((k, i) => (f[k] = r[3 + i]));
    const flags = String(r[3 + PACKED_FIELDS.length] ?? '');
    f.flags = flags ? flags.split(';') : [];
    return f as unknown as DailyFact;
  });
}

export class ArchiveStore {
  private sheet: Sheet | null = null;

  constructor(private readonly ss: Spreadsheet) {}

  private sh(): Sheet {
    if (!this.sheet)
      this.sheet = hiddenSheet(this.ss, ARCHIVE_TAB, [
        'date',
        'school_id',
        'facts',
      ]);
    return this.sheet;
  }

  /** The newest archived day, or '' (rows are appended in date order). */
  lastDay(): string {
    const sh = this.sh();
    const last = sh.getLastRow();
    if (last < 2) return '';
    return text(sh.getRange(last, 1).getValue());
  }

  /** Appends whole days (sorted, all newer than lastDay) with one setValues. */
  append(facts: DailyFact[]): number {
    const groups = new Map<string, DailyFact[]>();
    for (const f of facts) {
      const k = `${f.date}\t${f.schoolId}`;
      const g = groups.get(k) ?? [];
      g.push(f);
      groups.set(k, g);
    }
    const keys = [...groups.keys()].sort();
    if (!keys.length) return 0;
    const block: Cell[][] = keys.map(k => {
      const [date, school] = k.split('\t');
      return [MARK + date, MARK + school, MARK + packSchoolDay(groups.get(k)!)];
    });
    const sh = this.sh();
    const start = Math.max(sh.getLastRow(), 1) + 1;
    ensureRows(sh, start + block.length - 1);
    const range = sh.getRange(start, 1, block.length, 3);
    range.setNumberFormats(block.map(() => ['@', '@', '@']));
    range.setValues(block);
    return block.length;
  }

  cellsUsed(): number {
    return Math.max(1, this.sh().getLastRow()) * 3;
  }

  /** Archived days, oldest first, with their row counts. */
  dayRows(): Array<[string, number]> {
    const sh = this.sh();
    const last = sh.getLastRow();
    if (last < 2) return [];
    const out: Array<[string, number]> = [];
    for (const r of sh.getRange(2, 1, last - 1, 1).getValues()) {
      const d = text(r[0]);
      const prev = out[out.length - 1];
      if (prev && prev[0] === d) prev[1]++;
      else out.push([d, 1]);
    }
    return out;
  }

  /** Deletes the oldest `rows` rows (whole days, as dayRows counts them). */
  dropOldestRows(rows: number): void {
    if (rows > 0) this.sh().deleteRows(2, rows);
  }

  readAll(): DailyFact[] {
    const sh = this.sh();
    const last = sh.getLastRow();
    if (last < 2) return [];
    const out: DailyFact[] = [];
    for (const r of sh.getRange(2, 1, last - 1, 3).getValues()) {
      const date = text(r[0]);
      if (!date) continue;
      out.push(...unpackSchoolDay(date, text(r[1]), text(r[2])));
    }
    return out;
  }
}

/**
 * Keeps the fact store inside its share of the spreadsheet's 10 million cells:
 * - moves whole old days (before `keepFrom`) from `Daily facts` to the archive while the
 *   tab uses more than `budget` cells, down to 90% of it (archive first, then delete: a
 *   failure in between leaves a day in both, and readers prefer the tab);
 * - rolls the oldest archived days up to their (already stored) weekly facts while the
 *   archive uses more than `archiveBudget` cells, down to 90% of it.
 * Returns the days moved and the days rolled up.
 */
export function archiveOldDays(
  facts: DailyFactStore,
  archive: ArchiveStore,
  keepFrom: string,
  budget = DAILY_CELL_BUDGET,
  archiveBudget = ARCHIVE_CELL_BUDGET,
): {archived: string[]; rolledUp: string[]} {
  const archived = moveToArchive(facts, archive, keepFrom, budget);
  const rolledUp: string[] = [];
  if (archive.cellsUsed() > archiveBudget) {
    const target = 0.9 * archiveBudget;
    let cells = archive.cellsUsed();
    let rows = 0;
    for (const [day, n] of archive.dayRows()) {
      if (cells <= target) break;
      rows += n;
      cells -= 3 * n;
      rolledUp.push(day);
    }
    archive.dropOldestRows(rows);
  }
  return {archived, rolledUp};
}

function moveToArchive(
  facts: DailyFactStore,
  archive: ArchiveStore,
  keepFrom: string,
  budget: number,
): string[] {
  const used = facts.cellsUsed();
  if (used <= budget) return [];
  const all = facts.days();
  const perDay = used / Math.max(1, all.length);
  const excess = used - 0.9 * budget;
  const candidates = all.filter(d => d < keepFrom);
  const move = candidates.slice(
    0,
    Math.min(candidates.length, Math.ceil(excess / perDay)),
  );
  if (!move.length) return [];
  const last = archive.lastDay();
  const moving = new Set(move);
  archive.append(
    facts
      .readDays(move[0], move[move.length - 1])
      .filter(f => moving.has(f.date) && f.date > last),
  );
  facts.dropOldest(move);
  return move;
}
