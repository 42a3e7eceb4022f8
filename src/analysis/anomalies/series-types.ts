/** The single-series detector's options and results, and how severe an anomaly is. */
import {InputError} from '../../core/errors';

export type AnomalyKind = 'outage' | 'level_shift' | 'spike' | 'dip';
export type Severity = 'low' | 'medium' | 'high';

export interface SeriesAnomaly {
  /** Position in the input series (for a level shift: its first day). */
  index: number;
  date?: string;
  direction: 'drop' | 'surge';
  observed: number;
  expected: number;
  /** (observed - expected) / expected x 100; null when expected is 0. */
  changePct: number | null;
  /** Robust score: |remainder| in robust standard deviations (always >= 0). */
  score: number;
  severity: Severity;
  kind: AnomalyKind;
  /** Level shifts: the last day of the shifted period and its school-day count. */
  endIndex?: number;
  endDate?: string;
  days?: number;
}

export interface SeriesAnomalyOptions {
  /** Seasonal period in steps (7 for daily, 52 for weekly, 12 for monthly; 1 for none). */
  period: number;
  /** ISO dates of each value (optional; used for labels and break gaps). */
  dates?: ReadonlyArray<string>;
  /** True where the day is closed: not fitted, never flagged. */
  closed?: ReadonlyArray<boolean>;
  /** True inside windows with expected peaks (testing): no surges there. */
  expectedPeaks?: ReadonlyArray<boolean>;
  /** Robust score threshold. Default 3.5. */
  threshold?: number;
  /** Smallest relative change (percent) reported. Default 15. */
  minChangePct?: number;
  /** A run of at most `maxOutageDays` drops each falling this much is an outage. Default 30. */
  outageFallPct?: number;
  maxOutageDays?: number;
  /** Open values on each side compared for level shifts. Default 10 (daily), else 8. */
  levelShiftWindow?: number;
  /** Smallest level shift reported (percent). Default 20. */
  minShiftPct?: number;
  /**
   * Closed steps in a row that make a break (the next open day is "after a break").
   * Default 3 for period 7 (a weekend is not a break), else 1. With dates, a gap of
   * this many days or more between open dates is also a break.
   */
  breakMinClosedRun?: number;
  /** Seasonal window in cycles. Default 13 with 7 or more cycles, else "periodic". */
  sWindow?: number | 'periodic';
  /**
   * Scale of the model: 'log' (relative changes; needs non-negative values), 'additive',
   * or 'auto' (default): log unless the additive fit is clearly closer to the data.
   */
  mode?: 'auto' | 'log' | 'additive';
  /** Trend window in school days (open values). Default from STL's rule on the school-day cycle. */
  trendWindow?: number;
}

export interface SeriesAnomalyResult {
  anomalies: SeriesAnomaly[];
  /** Expected value per position (null where closed). */
  expected: Array<number | null>;
  /** Signed robust score per position (null where closed). */
  scores: Array<number | null>;
  /** 'log' when values are non-negative counts with a positive median, else 'additive'. */
  mode: 'log' | 'additive';
  /** The remainder's robust scale (model units). */
  scale: number;
  /** Whether a seasonal cycle was fitted (needs more than two full periods). */
  seasonal: boolean;
}

export const DEFAULT_THRESHOLD = 3.5;

export function checkBoolArray(
  v: unknown,
  n: number,
  field: string,
): ReadonlyArray<boolean> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.length !== n) {
    throw new InputError(field, `must be an array of ${n} booleans`);
  }
  return v.map(b => b === true);
}

export function severityOf(
  absChange: number | null,
  score: number,
  threshold: number,
): Severity {
  const c = absChange ?? 0;
  if (c >= 50 || score >= 3 * threshold) return 'high';
  if (c >= 30 || score >= 2 * threshold) return 'medium';
  return 'low';
}
