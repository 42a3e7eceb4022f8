/**
 * The equity tabs: access and engagement by state, locale and demographic band, the tests
 * of whether the gaps between bands are larger than chance, and lk_equity.
 */
import {adminTable, lookerOf} from '../schema';

export interface EquityRecord {
  /** The breakdown: `state`, `locale`, `pct_black_hispanic`, `pct_free_reduced`, ... */
  dimension: string;
  band: string;
  bandLow: number | null;
  bandHigh: number | null;
  districts: number;
  pctAccess: number | null;
  engagementIndex: number | null;
  /** Too few districts in the band: values withheld. */
  suppressed: boolean;
}

export interface EquityTestRecord {
  dimension: string;
  metric: string;
  /** `Welch t` or `Kruskal-Wallis`. */
  test: string;
  statistic: number | null;
  df: number | null;
  pValue: number | null;
  groups: number;
  significant: boolean;
}

// prettier-ignore
export const EQUITY = adminTable<EquityRecord>({
  name: 'Equity',
  description: 'Access and engagement by state, locale and demographic band.',
  columns: [
    ['dimension', 'dimension', 'Breakdown', 'string', 'state, locale, pct_black_hispanic, pct_free_reduced, pp_total_raw, county_connections_ratio.', {width: 170}],
    ['band', 'band', 'Band', 'string', 'Band label as published, e.g. [0.2, 0.4[.', {width: 120}],
    ['bandLow', 'band_low', 'Band low', 'number', 'Lower bound of the band.', {format: '0.###'}],
    ['bandHigh', 'band_high', 'Band high', 'number', 'Upper bound of the band.', {format: '0.###'}],
    ['districts', 'districts', 'Districts', 'integer', 'Districts in the band.'],
    ['pctAccess', 'pct_access', '% access', 'percent', 'Mean pct_access.'],
    ['engagementIndex', 'engagement_index', 'Engagement index', 'number', 'Mean engagement index.'],
    ['suppressed', 'suppressed', 'Suppressed', 'boolean', 'Too few districts: values withheld.'],
  ],
});

// prettier-ignore
export const EQUITY_TESTS = adminTable<EquityTestRecord>({
  name: 'Equity tests',
  description: 'Whether gaps between bands are larger than chance.',
  columns: [
    ['dimension', 'dimension', 'Breakdown', 'string', 'Breakdown tested.', {width: 170}],
    ['metric', 'metric', 'Metric', 'string', 'pct_access or engagement_index.'],
    ['test', 'test', 'Test', 'string', 'Welch t or Kruskal-Wallis.'],
    ['statistic', 'statistic', 'Statistic', 'number', 'Test statistic.', {format: '0.000'}],
    ['df', 'df', 'df', 'number', 'Degrees of freedom.'],
    ['pValue', 'p_value', 'p-value', 'number', 'p-value.', {format: '0.0000'}],
    ['groups', 'groups', 'Groups', 'integer', 'Bands compared.'],
    ['significant', 'significant', 'Significant', 'boolean', 'p < 0.05.'],
  ],
});

export const LK_EQUITY = lookerOf(
  EQUITY,
  'lk_equity',
  'Access and engagement by demographic band; small bands suppressed.',
);

/** Equity rows for sharing: a suppressed band keeps its count of districts, not its values. */
export function lookerEquity(e: EquityRecord): EquityRecord {
  return e.suppressed ? {...e, pctAccess: null, engagementIndex: null} : e;
}
