/**
 * Import warnings: each names the file and line at fault. A full-size data set can hold
 * millions of rows with the same quirk, so only the first few lines of each kind per file
 * are kept verbatim; every occurrence is counted.
 * Pure: no Apps Script or Node globals.
 */

export type WarningCode =
  | 'bom' // informational: byte-order mark removed
  | 'extra-columns'
  | 'short-row'
  | 'blank-id'
  | 'bad-id'
  | 'duplicate-id'
  | 'unknown-state'
  | 'unknown-locale'
  | 'bad-range'
  | 'bad-function'
  | 'bad-date'
  | 'bad-number'
  | 'out-of-range'
  | 'duplicate-row'
  | 'unknown-district'
  | 'unknown-product'
  | 'bad-file-name'
  | 'duplicate-file'
  | 'csv-syntax'
  | 'missing-file';

export interface ImportWarning {
  file: string;
  /** 1-based physical line of the record (the header is line 1); null for a whole-file warning. */
  line: number | null;
  code: WarningCode;
  message: string;
}

export interface WarningSummary {
  file: string;
  code: WarningCode;
  count: number;
}

/** Codes that describe the data set rather than a fault; they are counted, not listed per line. */
const QUIET: ReadonlySet<WarningCode> = new Set(['unknown-product', 'bom']);

export class WarningLog {
  readonly items: ImportWarning[] = [];
  private readonly counts = new Map<string, number>();

  constructor(readonly perFileAndCode = 20) {}

  add(file: string, line: number | null, code: WarningCode, message: string) {
    const key = `${file}\u0000${code}`;
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    if (n <= this.perFileAndCode && !QUIET.has(code)) {
      this.items.push({file, line, code, message});
    }
  }

  /** Every (file, code) with its total count, including those past the verbatim cap. */
  summary(): WarningSummary[] {
    const out: WarningSummary[] = [];
    for (const [key, count] of this.counts) {
      const [file, code] = key.split('\u0000');
      out.push({file, code: code as WarningCode, count});
    }
    return out;
  }

  total(): number {
    let t = 0;
    for (const n of this.counts.values()) t += n;
    return t;
  }

  toJSON(): {items: ImportWarning[]; counts: [string, number][]} {
    return {items: this.items, counts: [...this.counts]};
  }

  static fromJSON(
    json: {items: ImportWarning[]; counts: [string, number][]},
    perFileAndCode = 20,
  ): WarningLog {
    const log = new WarningLog(perFileAndCode);
    log.items.push(...json.items);
    for (const [k, v] of json.counts) log.counts.set(k, v);
    return log;
  }
}
