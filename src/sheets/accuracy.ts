/**
 * Forecast accuracy, each figure named for what it is: the district series (all schools
 * summed) is smoother than any one school, so its backtest accuracy is higher than a
 * school's; the schools' median and spread say what one school can expect.
 */
import {quantile} from '../stats/robust';
import type {AccuracyRecord} from './tables';

export interface AccuracySummary {
  /** Backtest accuracy of the district series (all schools summed), or null. */
  district: number | null;
  /** Schools with a backtest accuracy. */
  schools: number;
  median: number | null;
  p10: number | null;
  p90: number | null;
  lowest: number | null;
}

export function summariseAccuracy(
  records: ReadonlyArray<AccuracyRecord>,
): AccuracySummary {
  const d = records.find(a => a.schoolId === 'district');
  const schools = records
    .filter(a => a.schoolId !== 'district')
    .map(a => a.accuracyPct)
    .filter((v): v is number => v !== null && Number.isFinite(v));
  const q = (p: number) => (schools.length ? quantile(schools, p) : null);
  return {
    district:
      d?.accuracyPct !== undefined &&
      d.accuracyPct !== null &&
      Number.isFinite(d.accuracyPct)
        ? d.accuracyPct
        : null,
    schools: schools.length,
    median: q(0.5),
    p10: q(0.1),
    p90: q(0.9),
    lowest: schools.length ? Math.min(...schools) : null,
  };
}

function pct(v: number | null): string {
  return v === null ? '\u2013' : `${Math.round(v)}%`;
}

/** The district line, then (when any school has one) the schools' line. */
export function accuracyLines(s: AccuracySummary): string[] {
  const lines = [
    s.district === null
      ? 'District series (all schools summed): no backtest accuracy yet.'
      : `District series (all schools summed): backtest accuracy ${pct(s.district)}.`,
  ];
  if (s.schools) {
    lines.push(
      `Single schools: median ${pct(s.median)}, 10th to 90th percentile ${pct(s.p10)} to ${pct(s.p90)} over ${s.schools} school${s.schools === 1 ? '' : 's'} (lowest ${pct(s.lowest)}).`,
    );
  } else {
    lines.push('Single schools: no backtest accuracy yet.');
  }
  return lines;
}
