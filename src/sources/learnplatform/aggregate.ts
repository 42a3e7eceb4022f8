/**
 * Aggregation of the engagement files as they stream in. The published data set has about
 * 22 million district x product x day rows; none is stored. Each district file folds into
 * sums and counts at four grains:
 *   district x day, product x day (catalogued products), state / locale x day, product totals.
 * Means are sums over counts of the rows that carry the value, so a missing pct_access or
 * engagement_index stays missing: it never counts as zero.
 * A file's contribution is committed only when the whole file has been read, so an
 * execution stopped mid-file leaves the aggregates as they were (no double counting on retry).
 * Everything here is plain JSON, to be checkpointed between executions.
 * Pure: no Apps Script or Node globals.
 */
import {normaliseId, parseDay, parseNumber, headerKey} from './fields';
import type {District} from './metadata';
import {WarningLog} from './warnings';

/** Cells of district x day: product rows and the sums behind the means. */
export const DD = {
  rows: 0,
  accessN: 1,
  accessSum: 2,
  accessMax: 3,
  engN: 4,
  engSum: 5,
} as const;
export const DD_WIDTH = 6;

/** Cells of product x day and of product totals (summed over districts). */
export const PD = {
  rows: 0,
  accessN: 1,
  accessSum: 2,
  engN: 3,
  engSum: 4,
  /** Totals only: districts that used the product at all. */
  districts: 5,
} as const;
export const PD_WIDTH = 5;
export const PT_WIDTH = 6;

/**
 * Cells of group x day (group = `state:IL`, `locale:City`, `all:all`). Per-row means use
 * accessN/accessSum and engN/engSum; per-district means use the district columns.
 */
export const GD = {
  districts: 0,
  accessN: 1,
  accessSum: 2,
  /** Sum over districts of the district's highest pct_access that day. */
  accessMaxSum: 3,
  accessDistricts: 4,
  engN: 5,
  engSum: 6,
  /** Districts with at least one engagement_index that day (denominator of the mean daily total). */
  engDistricts: 7,
} as const;
export const GD_WIDTH = 8;

export type DayCells = Record<string, number[]>;

export interface Aggregates {
  districtDay: Record<string, DayCells>;
  productDay: Record<string, DayCells>;
  groupDay: Record<string, DayCells>;
  productTotals: Record<string, number[]>;
  /** Distinct products seen per district. */
  districtProducts: Record<string, number>;
  /** Rows read per district (including skipped ones) and rows imported. */
  districtRows: Record<string, [number, number]>;
}

export function emptyAggregates(): Aggregates {
  return {
    districtDay: {},
    productDay: {},
    groupDay: {},
    productTotals: {},
    districtProducts: {},
    districtRows: {},
  };
}

export function groupKeys(district: District | undefined): string[] {
  const keys = ['all:all'];
  keys.push(`state:${district?.stateCode ?? 'unknown'}`);
  keys.push(`locale:${district?.locale ?? 'unknown'}`);
  return keys;
}

function addInto(target: number[], add: number[], width: number) {
  for (let i = 0; i < width; i++) target[i] += add[i];
}

function cell(map: DayCells, key: string, width: number): number[] {
  let c = map[key];
  if (!c) {
    c = new Array(width).fill(0);
    map[key] = c;
  }
  return c;
}

/** Round sums so checkpoints stay compact and exact-looking (inputs carry at most a few decimals). */
function tidy(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/**
 * Reads one district's engagement file, record by record, into a private accumulator;
 * `commit` folds it into the shared aggregates.
 */
export class DistrictFileAccumulator {
  private header: Record<string, number> | null = null;
  private width = 0;
  private readonly days: DayCells = {};
  /** lp_id -> day -> [accessN, accessSum, engN, engSum]. */
  private readonly products = new Map<string, Map<string, number[]>>();
  rowsRead = 0;
  rowsImported = 0;
  private lastRawDay: string | null = null;
  private lastDay: string | null = null;
  /** Raw lp_id text -> identifier (a district file holds a few thousand distinct ones). */
  private readonly ids = new Map<string, string | null>();
  private failed: string | null = null;

  constructor(
    readonly districtId: string,
    readonly file: string,
    private readonly log: WarningLog,
  ) {}

  /** True when the header lacked a required column; the file then contributes nothing. */
  get error(): string | null {
    return this.failed;
  }

  record(fields: string[], line: number): void {
    if (this.failed) return;
    if (!this.header) {
      const keys = fields.map(headerKey);
      const find = (name: string) => keys.indexOf(headerKey(name));
      const idx = {
        time: find('time'),
        lp: find('lp_id') >= 0 ? find('lp_id') : find('LP ID'),
        access: find('pct_access'),
        eng: find('engagement_index'),
      };
      const missing = Object.entries(idx)
        .filter(([, i]) => i < 0)
        .map(
          ([k]) =>
            ({
              time: 'time',
              lp: 'lp_id',
              access: 'pct_access',
              eng: 'engagement_index',
            })[k],
        );
      if (idx.time < 0 || idx.lp < 0 || (idx.access < 0 && idx.eng < 0)) {
        this.failed = `missing column(s) ${missing.join(', ')}: file skipped`;
        this.log.add(this.file, line, 'csv-syntax', this.failed);
        return;
      }
      if (missing.length) {
        this.log.add(
          this.file,
          line,
          'short-row',
          `no ${missing.join(', ')} column: read as missing`,
        );
      }
      this.header = idx;
      this.width = fields.length;
      return;
    }
    this.rowsRead++;
    const h = this.header;
    if (fields.length > this.width) {
      this.log.add(
        this.file,
        line,
        'extra-columns',
        `${fields.length - this.width} column(s) beyond the header ignored`,
      );
    } else if (fields.length < this.width) {
      this.log.add(
        this.file,
        line,
        'short-row',
        `${fields.length} of ${this.width} columns; the missing ones read as blank`,
      );
    }
    const rawDay = fields[h.time] ?? '';
    // Files are sorted by day: the previous row's parse usually answers.
    let day: string | null;
    if (rawDay === this.lastRawDay) day = this.lastDay;
    else {
      day = parseDay(rawDay);
      this.lastRawDay = rawDay;
      this.lastDay = day;
    }
    if (!day) {
      this.log.add(
        this.file,
        line,
        'bad-date',
        `time "${rawDay}" is not a date: row skipped`,
      );
      return;
    }
    const rawLp = fields[h.lp] ?? '';
    let lp = this.ids.get(rawLp);
    if (lp === undefined) {
      lp = normaliseId(rawLp);
      this.ids.set(rawLp, lp);
    }
    if (lp === null) {
      // The page loads happened in the district: they count in its totals, under no product.
      if (rawLp.trim()) {
        this.log.add(
          this.file,
          line,
          'bad-id',
          `lp_id "${rawLp}" is not a number: counted in the district's totals, under no product`,
        );
      } else {
        this.log.add(
          this.file,
          line,
          'blank-id',
          "blank lp_id: counted in the district's totals, under no product",
        );
      }
    }
    let access = h.access >= 0 ? fastNumber(fields[h.access] ?? '') : null;
    if (access !== null && Number.isNaN(access)) {
      this.log.add(
        this.file,
        line,
        'bad-number',
        `pct_access "${fields[h.access]}" is not a number: read as missing`,
      );
      access = null;
    } else if (access !== null && (access < 0 || access > 100)) {
      this.log.add(
        this.file,
        line,
        'out-of-range',
        `pct_access ${access} outside 0-100: read as missing`,
      );
      access = null;
    }
    let eng = h.eng >= 0 ? fastNumber(fields[h.eng] ?? '') : null;
    if (eng !== null && Number.isNaN(eng)) {
      this.log.add(
        this.file,
        line,
        'bad-number',
        `engagement_index "${fields[h.eng]}" is not a number: read as missing`,
      );
      eng = null;
    } else if (eng !== null && eng < 0) {
      this.log.add(
        this.file,
        line,
        'out-of-range',
        `engagement_index ${eng} is negative: read as missing`,
      );
      eng = null;
    }
    let byDay: Map<string, number[]> | undefined;
    if (lp !== null) {
      byDay = this.products.get(lp);
      if (!byDay) {
        byDay = new Map();
        this.products.set(lp, byDay);
      }
      if (byDay.has(day)) {
        this.log.add(
          this.file,
          line,
          'duplicate-row',
          `second row for ${day}, lp_id ${lp}: first kept`,
        );
        return;
      }
    }
    const p = [0, 0, 0, 0];
    const d = cell(this.days, day, DD_WIDTH);
    d[DD.rows]++;
    if (access !== null) {
      p[0] = 1;
      p[1] = access;
      d[DD.accessN]++;
      d[DD.accessSum] += access;
      if (access > d[DD.accessMax]) d[DD.accessMax] = access;
    }
    if (eng !== null) {
      p[2] = 1;
      p[3] = eng;
      d[DD.engN]++;
      d[DD.engSum] += eng;
    }
    byDay?.set(day, p);
    this.rowsImported++;
  }

  /** Folds this file into the aggregates. `catalogue` limits product x day to known products. */
  commit(
    agg: Aggregates,
    district: District | undefined,
    catalogue: ReadonlySet<string>,
  ): void {
    const id = this.districtId;
    agg.districtRows[id] = [this.rowsRead, this.rowsImported];
    if (this.failed) return;
    const dd = (agg.districtDay[id] = agg.districtDay[id] ?? {});
    const groups = groupKeys(district).map(
      k => (agg.groupDay[k] = agg.groupDay[k] ?? {}),
    );
    for (const [day, c] of Object.entries(this.days)) {
      for (const i of [DD.accessSum, DD.engSum]) c[i] = tidy(c[i]);
      const existing = dd[day];
      if (existing) {
        addInto(existing, c, DD_WIDTH);
        existing[DD.accessMax] = Math.max(
          existing[DD.accessMax],
          c[DD.accessMax],
        );
      } else dd[day] = c;
      for (const g of groups) {
        const gc = cell(g, day, GD_WIDTH);
        gc[GD.districts]++;
        gc[GD.accessN] += c[DD.accessN];
        gc[GD.accessSum] = tidy(gc[GD.accessSum] + c[DD.accessSum]);
        if (c[DD.accessN] > 0) {
          gc[GD.accessMaxSum] = tidy(gc[GD.accessMaxSum] + c[DD.accessMax]);
          gc[GD.accessDistricts]++;
        }
        gc[GD.engN] += c[DD.engN];
        gc[GD.engSum] = tidy(gc[GD.engSum] + c[DD.engSum]);
        if (c[DD.engN] > 0) gc[GD.engDistricts]++;
      }
    }
    agg.districtProducts[id] =
      (agg.districtProducts[id] ?? 0) + this.products.size;
    for (const [lp, byDay] of this.products) {
      const total = (agg.productTotals[lp] =
        agg.productTotals[lp] ?? new Array(PT_WIDTH).fill(0));
      total[PD.districts]++;
      const catalogued = catalogue.has(lp);
      const pd = catalogued
        ? (agg.productDay[lp] = agg.productDay[lp] ?? {})
        : null;
      for (const [day, p] of byDay) {
        total[PD.rows]++;
        total[PD.accessN] += p[0];
        total[PD.accessSum] += p[1];
        total[PD.engN] += p[2];
        total[PD.engSum] += p[3];
        if (pd) {
          const c = cell(pd, day, PD_WIDTH);
          c[PD.rows]++;
          c[PD.accessN] += p[0];
          c[PD.accessSum] = tidy(c[PD.accessSum] + p[1]);
          c[PD.engN] += p[2];
          c[PD.engSum] = tidy(c[PD.engSum] + p[3]);
        }
      }
      total[PD.accessSum] = tidy(total[PD.accessSum]);
      total[PD.engSum] = tidy(total[PD.engSum]);
    }
  }
}

const PLAIN_DECIMAL = /^\d+(?:\.\d+)?$/;

/** parseNumber with a fast path for the plain decimals that make up the files. */
function fastNumber(raw: string): number | null {
  if (raw === '') return null;
  if (PLAIN_DECIMAL.test(raw)) return Number(raw);
  return parseNumber(raw);
}

/** Mean of a sum over a count; null (missing) when nothing was counted. */
export function meanOf(sum: number, n: number): number | null {
  return n > 0 ? sum / n : null;
}
