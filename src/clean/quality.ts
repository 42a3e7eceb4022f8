/**
 * Data-quality findings (pure). Every record that cannot be used as is (a duplicate, a
 * malformed activity, an unknown event, a submission that contradicts its coursework)
 * is counted here under a named check instead of failing the run; the sheets layer
 * writes the rows to the data-quality tab.
 */

export type QualitySeverity = 'info' | 'warning' | 'error';

/** The checks the ingest records, with their severity. */
export const QUALITY_CHECKS = {
  duplicates_dropped: 'info',
  partial_day: 'warning',
  imputed_values: 'info',
  estimated_values: 'info',
  missing_field: 'warning',
  unknown_event: 'warning',
  malformed_int64: 'warning',
  malformed_record: 'warning',
  malformed_page: 'warning',
  outside_window: 'info',
  unattributed_actor: 'warning',
  users_in_no_school: 'warning',
  courses_with_no_teacher: 'warning',
  students_in_no_course: 'warning',
  submission_unknown_coursework: 'warning',
  submission_before_coursework: 'warning',
  usage_data_not_available: 'warning',
  beyond_retention: 'warning',
  service_error: 'error',
} as const satisfies Record<string, QualitySeverity>;

export type QualityCheck = keyof typeof QUALITY_CHECKS;

/** One row of the data-quality tab. */
export interface DataQualityRow {
  /** The day partition concerned (`YYYY-MM-DD`), or '' for a district-wide finding. */
  date: string;
  check: QualityCheck;
  severity: QualitySeverity;
  count: number;
  /** A short description with up to three examples; never an email or a name. */
  detail: string;
  /** `api:login`, `api:classroom`, `api:directory`, `bigquery`, ... */
  source: string;
}

const MAX_EXAMPLES = 3;

interface Entry {
  count: number;
  examples: string[];
  note: string;
}

/**
 * Accumulates findings by (date, check, source). Serializable, so a day split across
 * executions keeps its counts.
 */
export class QualityLog {
  private readonly entries = new Map<string, Entry>();

  add(
    date: string,
    check: QualityCheck,
    source: string,
    count = 1,
    example?: string,
    note?: string,
  ): void {
    if (count <= 0) return;
    const k = `${date}\u0001${check}\u0001${source}`;
    let e = this.entries.get(k);
    if (!e) {
      e = {count: 0, examples: [], note: note ?? ''};
      this.entries.set(k, e);
    }
    e.count += count;
    if (
      example !== undefined &&
      e.examples.length < MAX_EXAMPLES &&
      !e.examples.includes(example)
    ) {
      e.examples.push(example);
    }
    if (note && !e.note) e.note = note;
  }

  /** Count recorded so far for one check (all dates and sources when omitted). */
  count(check: QualityCheck, date?: string): number {
    let n = 0;
    for (const [k, e] of this.entries) {
      const [d, c] = k.split('\u0001');
      if (c === check && (date === undefined || d === date)) n += e.count;
    }
    return n;
  }

  merge(other: QualityLog): void {
    for (const [k, e] of other.entries) {
      let mine = this.entries.get(k);
      if (!mine) {
        mine = {count: 0, examples: [], note: e.note};
        this.entries.set(k, mine);
      }
      mine.count += e.count;
      for (const ex of e.examples) {
        if (
          mine.examples.length < MAX_EXAMPLES &&
          !mine.examples.includes(ex)
        ) {
          mine.examples.push(ex);
        }
      }
    }
  }

  /** Drops every finding of one date (a re-fetched day replaces its findings). */
  clearDate(date: string): void {
    for (const k of [...this.entries.keys()]) {
      if (k.startsWith(`${date}\u0001`)) this.entries.delete(k);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  rows(): DataQualityRow[] {
    const out: DataQualityRow[] = [];
    for (const [k, e] of this.entries) {
      const [date, check, source] = k.split('\u0001');
      const c = check as QualityCheck;
      const parts: string[] = [];
      if (e.note) parts.push(e.note);
      if (e.examples.length) parts.push(`e.g. ${e.examples.join('; ')}`);
      out.push({
        date,
        check: c,
        severity: QUALITY_CHECKS[c],
        count: e.count,
        detail: parts.join(' '),
        source,
      });
    }
    out.sort(
      (a, b) =>
        cmp(a.date, b.date) || cmp(a.check, b.check) || cmp(a.source, b.source),
    );
    return out;
  }

  toJSON(): Array<[string, number, string[], string]> {
    return [...this.entries].map(([k, e]) => [k, e.count, e.examples, e.note]);
  }

  static fromJSON(data: unknown): QualityLog {
    const log = new QualityLog();
    if (!Array.isArray(data)) return log;
    for (const item of data) {
      if (!Array.isArray(item) || item.length < 2) continue;
      const [k, count, examples, note] = item as [
        string,
        number,
        string[],
        string,
      ];
      log.entries.set(k, {
        count: Number(count) || 0,
        examples: Array.isArray(examples)
          ? examples.slice(0, MAX_EXAMPLES)
          : [],
        note: typeof note === 'string' ? note : '',
      });
    }
    return log;
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Trims an identifier for an example so a detail never carries a long payload. */
export function exampleOf(value: unknown, max = 40): string {
  const s =
    typeof value === 'string'
      ? value
      : (JSON.stringify(value) ?? String(value));
  return s.length > max ? `${s.slice(0, max)}...` : s;
}
