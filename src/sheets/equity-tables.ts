/**
 * The equity analysis as plain tables, one per LearnPlatform output tab (`lp_equity_*`),
 * values rounded for display. The figures come from src/analysis/equity.
 */
import {
  DIMENSION_LABELS,
  METRIC_NAMES,
  type EquityResult,
  type ProductRank,
  type Share,
} from '../analysis/equity';

export interface Table {
  name: string;
  header: string[];
  rows: (string | number | null)[][];
}

const r4 = (x: number | null | undefined) =>
  x === null || x === undefined ? null : Math.round(x * 1e4) / 1e4;

/** The result as plain tables (one per output tab), values rounded for display. */
export function equityTables(res: EquityResult): Table[] {
  const tables: Table[] = [];
  tables.push({
    name: 'lp_equity_groups',
    header: [
      'dimension',
      'level',
      'districts',
      'districts_with_data',
      'suppressed',
      ...METRIC_NAMES.flatMap(m => [`${m}_mean`, `${m}_median`, `${m}_sd`]),
    ],
    rows: res.groups.map(g => [
      DIMENSION_LABELS[g.dimension],
      g.level,
      g.districts,
      g.withData,
      g.suppressed ? 'yes' : 'no',
      ...METRIC_NAMES.flatMap(m => {
        const s = g.metrics[m];
        return [r4(s?.mean), r4(s?.median), r4(s?.sd)];
      }),
    ]),
  });
  const testRows: (string | number | null)[][] = [];
  for (const t of res.tests) {
    if (t.kruskal) {
      testRows.push([
        DIMENSION_LABELS[t.dimension],
        t.metric,
        'Kruskal-Wallis',
        t.levels.join(' | '),
        '',
        r4(t.kruskal.h),
        t.kruskal.df,
        t.kruskal.p,
        t.kruskal.p,
      ]);
    }
    for (const w of t.welch) {
      testRows.push([
        DIMENSION_LABELS[t.dimension],
        t.metric,
        'Welch t',
        w.a,
        w.b,
        r4(w.t),
        r4(w.df),
        w.p,
        w.pAdjusted,
      ]);
    }
  }
  tables.push({
    name: 'lp_equity_tests',
    header: [
      'dimension',
      'metric',
      'test',
      'level_a',
      'level_b',
      'statistic',
      'df',
      'p_value',
      'p_adjusted',
    ],
    rows: testRows,
  });
  tables.push({
    name: 'lp_states',
    header: [
      'region',
      'state',
      'usps',
      'districts',
      'districts_with_data',
      'suppressed',
      'pct_access',
      'top_access',
      'engagement',
    ],
    rows: res.states.map(s => [
      s.region,
      s.state,
      s.stateCode,
      s.districts,
      s.withData,
      s.suppressed ? 'yes' : 'no',
      r4(s.pctAccess),
      r4(s.topAccess),
      r4(s.engagement),
    ]),
  });
  const productRows = (list: ProductRank[]) =>
    list.map((p, i) => [
      i + 1,
      p.lpId,
      p.name,
      p.provider,
      p.main,
      p.districts,
      r4(p.pctAccess),
      r4(p.engagement),
      r4(p.engagementShare),
    ]);
  const productHeader = [
    'rank',
    'lp_id',
    'product',
    'provider',
    'function',
    'districts',
    'pct_access',
    'engagement_index',
    'engagement_share_pct',
  ];
  tables.push({
    name: 'lp_top_products_engagement',
    header: productHeader,
    rows: productRows(res.topProductsByEngagement),
  });
  tables.push({
    name: 'lp_top_products_access',
    header: productHeader,
    rows: productRows(res.topProductsByAccess),
  });
  tables.push({
    name: 'lp_top_providers',
    header: [
      'rank',
      'provider',
      'products',
      'districts',
      'engagement_share_pct',
      'pct_access',
    ],
    rows: res.topProviders.map((p, i) => [
      i + 1,
      p.provider,
      p.products,
      p.districts,
      r4(p.engagementShare),
      r4(p.pctAccess),
    ]),
  });
  const shareRows = (kind: string, list: Share[]) =>
    list.map(s => [
      kind,
      s.key,
      s.label,
      s.products,
      r4(s.productShare),
      r4(s.engagementShare),
    ]);
  tables.push({
    name: 'lp_shares',
    header: [
      'kind',
      'key',
      'label',
      'products',
      'product_share_pct',
      'engagement_share_pct',
    ],
    rows: [
      ...shareRows('sector', res.sectors),
      ...shareRows('function', res.functions),
      ...shareRows('sub_function', res.subFunctions),
    ],
  });
  tables.push({
    name: 'lp_access_over_time',
    header: [
      'group',
      'level',
      'date',
      'districts',
      'pct_access',
      'pct_access_rolling',
      'engagement',
      'engagement_rolling',
    ],
    rows: res.series
      .filter(s => !s.suppressed)
      .flatMap(s =>
        s.points.map(p => [
          s.kind,
          s.level,
          p.date,
          p.districts,
          r4(p.pctAccess),
          r4(p.pctAccessRolling),
          r4(p.engagement),
          r4(p.engagementRolling),
        ]),
      ),
  });
  tables.push({
    name: 'lp_correlation',
    header: ['variable', ...res.correlation.variables],
    rows: res.correlation.variables.map((v, i) => [
      v,
      ...res.correlation.pearson[i].map(r4),
    ]),
  });
  return tables;
}
