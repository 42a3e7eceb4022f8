/**
 * The usage tabs: teacher-student correlation per school, and schools (and products)
 * ranked by their gap to the peer benchmark; with their Looker Studio twins.
 */
import type {CorrelationRow} from '../../analysis/correlation';
import type {UnderuseRow} from '../../analysis/underuse';
import {METRIC_NAMES} from '../../core/labels';
import {adminTable, lookerOf, SCHOOL_NAME_COLUMN} from '../schema';

/**
 * A row of the Correlations tab: the analysis' row (src/analysis/correlation.ts) with the
 * school's name, 'district' for the district total, and no Spearman p-value.
 */
export interface CorrelationRecord extends Omit<CorrelationRow, 'spearmanP'> {
  schoolName: string;
}

/** A row of the Under-utilisation tab: a ranked analysis row with the school's name. */
export interface UnderuseRecord extends Omit<
  UnderuseRow,
  'rank' | 'weeks' | 'suppressed'
> {
  rank: number;
  schoolName: string;
}

// prettier-ignore
export const CORRELATIONS = adminTable<CorrelationRecord>({
  name: 'Correlations',
  description: 'Teacher-student lagged correlation per school and district-wide.',
  columns: [
    ['schoolId', 'school_id', 'School id', 'string', "School id, or 'district'."],
    SCHOOL_NAME_COLUMN,
    ['teacherMetric', 'teacher_metric', 'Teacher metric', 'string', 'Teacher activity series.', {names: METRIC_NAMES}],
    ['studentMetric', 'student_metric', 'Student metric', 'string', 'Student activity series.', {names: METRIC_NAMES}],
    ['n', 'n', 'N', 'integer', 'Paired observations.'],
    ['pearsonR', 'pearson_r', 'Pearson r', 'number', 'Pearson correlation.', {format: '0.000'}],
    ['pValue', 'p_value', 'p-value', 'number', 'Two-sided p-value of the t-test.', {format: '0.0000'}],
    ['ci95Low', 'ci95_low', '95% CI low', 'number', 'Fisher 95% interval, low.', {format: '0.000'}],
    ['ci95High', 'ci95_high', '95% CI high', 'number', 'Fisher 95% interval, high.', {format: '0.000'}],
    ['spearmanRho', 'spearman_rho', 'Spearman rho', 'number', 'Spearman rank correlation.', {format: '0.000'}],
    ['bestLag', 'best_lag', 'Best lag', 'integer', 'Lag at which teacher activity best leads student activity.'],
    ['bestLagR', 'best_lag_r', 'r at best lag', 'number', 'Cross-correlation at the best lag.', {format: '0.000'}],
    ['effectPer10Pct', 'effect_per_10pct', 'Student % per +10% teacher', 'percent', 'Change in student activity (%) with 10% more teacher activity.'],
    ['effectLow', 'effect_low', 'Effect 95% low', 'percent', '95% interval of the effect, low.'],
    ['effectHigh', 'effect_high', 'Effect 95% high', 'percent', '95% interval of the effect, high.'],
    ['note', 'blank_reason', 'Why blank', 'string', 'Why values are blank: suppressed for a small group (fewer teachers or students than the minimum group size) or too few school weeks; empty otherwise.', {width: 240}],
  ],
});

// prettier-ignore
export const UNDERUSE = adminTable<UnderuseRecord>({
  name: 'Under-utilisation',
  description: 'Schools (and products) ranked by their gap to the peer benchmark.',
  columns: [
    ['rank', 'rank', 'Rank', 'integer', 'Rank by gap, largest shortfall first.', {width: 50}],
    ['schoolId', 'school_id', 'School id', 'string', 'School id.'],
    SCHOOL_NAME_COLUMN,
    ['product', 'product', 'Product', 'string', 'Product; empty for the school as a whole.'],
    ['metric', 'metric', 'Metric', 'string', 'Compared metric.', {names: METRIC_NAMES}],
    ['value', 'value', 'Value', 'number', "The school's value."],
    ['benchmark', 'benchmark', 'Benchmark', 'number', 'Peer benchmark value.'],
    ['benchmarkKind', 'benchmark_kind', 'Benchmark kind', 'string', 'district median or peer median.', {width: 160}],
    ['peers', 'peers', 'Peers', 'integer', 'Schools in the benchmark.'],
    ['gapPct', 'gap_pct', 'Gap %', 'percent', '(value - benchmark) / benchmark x 100.'],
    ['flagged', 'flagged', 'Under-using', 'boolean', 'Gap beyond the threshold in the settings.'],
  ],
});

export const LK_CORRELATION = lookerOf(
  CORRELATIONS,
  'lk_correlation',
  'Teacher-student correlation per school and district-wide.',
);

export const LK_UNDERUSE = lookerOf(
  UNDERUSE,
  'lk_underuse',
  'Under-utilisation ranking against the peer benchmark.',
);
