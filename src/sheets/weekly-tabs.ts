/**
 * `Weekly facts` and its Looker twin, rewritten from the first week whose rows changed
 * (Apps Script layer). Both tabs hold every week of the history (tens of thousands of rows
 * for a large district) and a weekly run changes only the newest weeks, or those whose
 * school days a newly learned closure moves, so each run fingerprints every week's rows and
 * rewrites the tabs in place from the first week that differs from the last write.
 */
import {Hash53} from '../core/hash53';
import type {WeeklyFact} from '../core/types';
import {LK_WEEKLY, WEEKLY_FACTS, lookerFact, tabArgs} from './tables';
import {replaceTab, rewriteTail, type WriteResult} from './writer';

type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;

/**
 * A fingerprint of each week's rows in both tabs as last written, by week start: a hash
 * of the rows' cells, a dot, and the week's row count.
 */
export type WeekPrints = Record<string, string>;

export interface WeeklyTabsOptions {
  spreadsheet?: Spreadsheet;
  minGroupSize: number;
  isoWeekOf: (date: string) => string;
  chunkRows?: number;
  /**
   * The weeks as the tabs hold them (the prints the last write saved); null writes both
   * tabs whole.
   */
  previous: WeekPrints | null;
}

/** Typed values into a 53-bit hash, each tagged with its type (numbers by their bits). */
class Hasher {
  private readonly h = new Hash53();
  private readonly f64 = new Float64Array(1);
  private readonly u32 = new Uint32Array(this.f64.buffer);

  value(v: unknown): void {
    const h = this.h;
    if (typeof v === 'string') {
      h.int(1);
      h.chars(v);
      h.int(v.length);
    } else if (typeof v === 'number') {
      this.f64[0] = v;
      h.int(2);
      h.int(this.u32[0]);
      h.int(this.u32[1]);
    } else if (v === null || v === undefined) {
      h.int(3);
    } else if (typeof v === 'boolean') {
      h.int(v ? 4 : 5);
    } else if (Array.isArray(v)) {
      h.int(6);
      for (const x of v) this.value(x);
      h.int(7);
    } else {
      this.value(JSON.stringify(v));
    }
  }

  digest(): string {
    return this.h.digest().toString(36);
  }
}

/** Index of each week's first row, in row order; null when the rows are not sorted by week. */
function weekStarts(weekly: ReadonlyArray<WeeklyFact>): string[] | null {
  const weeks: string[] = [];
  for (const f of weekly) {
    const last = weeks.length ? weeks[weeks.length - 1] : '';
    if (f.weekStart === last) continue;
    if (f.weekStart < last) return null;
    weeks.push(f.weekStart);
  }
  return weeks;
}

/**
 * What a week's rows are written from besides its facts: both tabs' headers and formats,
 * the small-group size, and both rows of the first fact (a change in how a fact becomes
 * cells rewrites everything).
 */
function shapeOf(
  weekly: ReadonlyArray<WeeklyFact>,
  opts: WeeklyTabsOptions,
): string {
  const sample = weekly.slice(0, 1);
  const admin = tabArgs(WEEKLY_FACTS, sample);
  const looker = tabArgs(
    LK_WEEKLY,
    sample.map(f => lookerFact(f, opts.minGroupSize, opts.isoWeekOf)),
  );
  return JSON.stringify([opts.minGroupSize, admin, looker]);
}

/** The prints of the weeks' facts (in week order), each seeded with the rows' shape. */
function printsOf(
  weekly: ReadonlyArray<WeeklyFact>,
  shape: string,
): WeekPrints {
  const fields = WEEKLY_FACTS.columns.map(c => c.field);
  const out: WeekPrints = {};
  let i = 0;
  while (i < weekly.length) {
    const week = weekly[i].weekStart;
    const first = i;
    const h = new Hasher();
    h.value(shape);
    for (; i < weekly.length && weekly[i].weekStart === week; i++) {
      const f = weekly[i];
      for (const k of fields) h.value(f[k]);
    }
    out[week] = `${h.digest()}.${i - first}`;
  }
  return out;
}

/**
 * The first week whose rows differ from what the tabs hold ('' when none does), or null
 * when the tabs must be written whole (no prints, or a week they hold is gone).
 */
function firstChanged(
  weeks: ReadonlyArray<string>,
  prints: WeekPrints,
  previous: WeekPrints,
): string | null {
  const held = Object.keys(previous);
  // A week the tabs hold that this run no longer has: its rows are not in the new tail.
  for (const w of held) if (!(w in prints)) return null;
  for (const w of weeks) if (previous[w] !== prints[w]) return w;
  return '';
}

/** Rows the prints account for. */
function rowsOf(prints: WeekPrints): number {
  let n = 0;
  for (const p of Object.values(prints))
    n += Number(p.slice(p.indexOf('.') + 1));
  return n;
}

/** True when the tab exists and holds exactly the rows its prints count (none removed by hand). */
function holds(ss: Spreadsheet, name: string, previous: WeekPrints): boolean {
  const sheet = ss.getSheetByName(name);
  return sheet !== null && sheet.getLastRow() - 1 === rowsOf(previous);
}

/**
 * Writes both tabs (whole, or from the first changed week on when `previous` says what
 * they hold); returns what each received and the prints to keep for the next write.
 */
export function writeWeeklyTabs(
  weekly: ReadonlyArray<WeeklyFact>,
  opts: WeeklyTabsOptions,
): {results: WriteResult[]; prints: WeekPrints} {
  const weeks = weekStarts(weekly);
  const prints = printsOf(weekly, shapeOf(weekly, opts));
  const from =
    weeks && opts.previous ? firstChanged(weeks, prints, opts.previous) : null;
  // Only the rows written are built: the changed weeks, or every week for a whole write.
  const start =
    from === null
      ? 0
      : from === ''
        ? weekly.length
        : weekly.findIndex(f => f.weekStart === from);
  const tabs = [
    {schema: WEEKLY_FACTS, field: 'weekStart', rowsOf: adminRows},
    {schema: LK_WEEKLY, field: 'date', rowsOf: lookerRows(opts)},
  ] as const;
  const ss = opts.spreadsheet ?? SpreadsheetApp.getActiveSpreadsheet();
  const results: WriteResult[] = [];
  for (const t of tabs) {
    const a = t.rowsOf(start ? weekly.slice(start) : weekly);
    let written: WriteResult | null = null;
    if (from !== null && holds(ss, a.name, opts.previous!)) {
      const cols: ReadonlyArray<{field: string}> = t.schema.columns;
      const key = a.headers[cols.findIndex(c => c.field === t.field)];
      written = rewriteTail(
        a.name,
        a.headers,
        a.rows,
        key,
        from || '9999-12-31',
        {
          spreadsheet: opts.spreadsheet,
          numberFormats: a.numberFormats,
        },
      );
    }
    if (!written) {
      const all = start ? t.rowsOf(weekly) : a;
      written = replaceTab(all.name, all.headers, all.rows, {
        spreadsheet: opts.spreadsheet,
        numberFormats: all.numberFormats,
        columnWidths: all.columnWidths,
        keepSheetId: t.schema.looker,
        hidden: t.schema.hidden,
        chunkRows: opts.chunkRows,
      });
    }
    results.push(written);
  }
  return {results, prints};
}

function adminRows(facts: ReadonlyArray<WeeklyFact>) {
  return tabArgs(WEEKLY_FACTS, facts);
}

function lookerRows(opts: WeeklyTabsOptions) {
  return (facts: ReadonlyArray<WeeklyFact>) =>
    tabArgs(
      LK_WEEKLY,
      facts.map(f => lookerFact(f, opts.minGroupSize, opts.isoWeekOf)),
    );
}
