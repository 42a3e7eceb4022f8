/**
 * Equity analysis of a LearnPlatform-format data set: who gets access to digital learning
 * and how much they use it, by state, locale and each demographic band.
 *
 * Per district (over the days in the window):
 * - pctAccess: mean pct_access over the district's product x day rows (the data set's
 *   usual "average access");
 * - topAccess: mean over days of the highest product pct_access (a lower bound on the share
 *   of students using any product that day);
 * - engagement: mean over days of the day's page loads per 1,000 students, summed over
 *   products (engagement_index adds up over products: same students, same day).
 * Missing values stay missing: a district without a value is left out of that metric,
 * a band's suppressed level is its own level, never zero.
 *
 * Groups with fewer than `minDistricts` districts with data are suppressed (values null,
 * count kept) and left out of the tests. Gaps between levels are tested with
 * Kruskal-Wallis (all eligible levels of a dimension) and Welch's t-test (each pair,
 * Holm-adjusted), so a reader sees which gaps are larger than chance.
 * Pure: no Apps Script or Node globals.
 */
import {
  pearson as pearsonTest,
  spearman as spearmanTest,
} from '../stats/correlation';
import {
  holm,
  kruskalWallis,
  summarise,
  welchTest,
  type KruskalResult,
  type Summary,
} from '../stats/groups';
import {DD, GD, PD, meanOf} from '../sources/learnplatform/aggregate';
import {
  Band,
  FUNCTION_CATEGORY_NAMES,
  FunctionCategory,
  compareBands,
  stateName,
} from '../sources/learnplatform/fields';
import type {LearnPlatformDataset} from '../sources/learnplatform/importer';
import {
  BAND_COLUMNS,
  BAND_FIELDS,
  BandField,
  District,
} from '../sources/learnplatform/metadata';

export const METRIC_NAMES = ['pctAccess', 'topAccess', 'engagement'] as const;
export type EquityMetric = (typeof METRIC_NAMES)[number];

export const METRIC_LABELS: Record<EquityMetric, string> = {
  pctAccess: 'Mean pct_access (product-day rows)',
  topAccess: 'Mean daily pct_access of the most used product',
  engagement: 'Mean daily page loads per 1,000 students (all products)',
};

export type Dimension = 'state' | 'locale' | BandField;
export const DIMENSIONS: Dimension[] = ['state', 'locale', ...BAND_FIELDS];
export const DIMENSION_LABELS: Record<Dimension, string> = {
  state: 'state',
  locale: 'locale',
  ...BAND_COLUMNS,
};

export interface EquityOptions {
  /** Groups with fewer districts with data are suppressed (default 5). */
  minDistricts?: number;
  /** Inclusive window `YYYY-MM-DD`; default: every day in the data. */
  start?: string;
  end?: string;
  /** Only Monday to Friday (default false). */
  weekdaysOnly?: boolean;
  /** Trailing window of the rolling averages, in days (default 7). */
  rollingDays?: number;
  /** Length of the top product and provider lists (default 10). */
  topN?: number;
}

export interface DistrictMetrics {
  districtId: string;
  stateCode: string | null;
  locale: string | null;
  days: number;
  products: number;
  pctAccess: number | null;
  topAccess: number | null;
  engagement: number | null;
}

export interface GroupStat {
  dimension: Dimension;
  level: string;
  /** Districts in districts_info.csv at this level (with or without engagement data). */
  districts: number;
  /** Districts with engagement data: the count suppression looks at. */
  withData: number;
  suppressed: boolean;
  /** Per metric; null when suppressed or no district has the metric. */
  metrics: Record<EquityMetric, Summary | null>;
  /** For bands: the interval behind the level. */
  lower: number | null;
  upper: number | null;
}

export interface WelchResult {
  a: string;
  b: string;
  meanDiff: number;
  t: number;
  df: number;
  p: number;
  /** Holm-adjusted over the pairs of the same dimension and metric. */
  pAdjusted: number;
}

export interface BandTest {
  dimension: Dimension;
  metric: EquityMetric;
  levels: string[];
  kruskal: KruskalResult | null;
  welch: WelchResult[];
}

export interface ProductRank {
  lpId: string;
  name: string;
  provider: string;
  catalogued: boolean;
  main: FunctionCategory | null;
  districts: number;
  pctAccess: number | null;
  engagement: number | null;
  /** Share of all page loads in the data set, percent. */
  engagementShare: number;
}

export interface ProviderRank {
  provider: string;
  products: number;
  districts: number;
  engagementShare: number;
  pctAccess: number | null;
}

export interface Share {
  key: string;
  label: string;
  products: number;
  /** Percent of catalogued products (a product in several sectors counts in each). */
  productShare: number;
  /** Percent of the page loads of catalogued products. */
  engagementShare: number;
}

export interface SeriesPoint {
  date: string;
  districts: number;
  pctAccess: number | null;
  engagement: number | null;
  pctAccessRolling: number | null;
  engagementRolling: number | null;
}

export interface GroupSeries {
  group: string;
  kind: 'all' | 'state' | 'locale';
  level: string;
  districts: number;
  suppressed: boolean;
  points: SeriesPoint[];
}

export interface CorrelationMatrix {
  variables: string[];
  /** Pearson r, pairwise complete; null where fewer than 3 pairs or a constant. */
  pearson: (number | null)[][];
  spearman: (number | null)[][];
  /** Two-sided p-values of Pearson's r. */
  pValue: (number | null)[][];
  n: number[][];
}

export interface StateRow {
  stateCode: string;
  /** `US-IL`: the region code Sheets' and Looker Studio's geo charts read. */
  region: string;
  state: string;
  districts: number;
  withData: number;
  suppressed: boolean;
  pctAccess: number | null;
  topAccess: number | null;
  engagement: number | null;
}

export interface EquityResult {
  window: {start: string | null; end: string | null; days: number};
  minDistricts: number;
  districts: DistrictMetrics[];
  groups: GroupStat[];
  tests: BandTest[];
  topProductsByEngagement: ProductRank[];
  topProductsByAccess: ProductRank[];
  topProviders: ProviderRank[];
  sectors: Share[];
  functions: Share[];
  subFunctions: Share[];
  series: GroupSeries[];
  correlation: CorrelationMatrix;
  states: StateRow[];
  /** Districts without a known state (suppressed or unrecognised). */
  districtsWithoutState: number;
}

export {holm, kruskalWallis, summarise, welchTest};
export type {KruskalResult, Summary};

/** Pearson's r and its two-sided p-value (src/stats), or null where it is undefined. */
export function pearson(
  x: number[],
  y: number[],
): {r: number; p: number; n: number} | null {
  if (x.length < 3 || !varies(x) || !varies(y)) return null;
  const res = pearsonTest(x, y);
  return {r: res.r, p: res.pValue, n: res.n};
}

/** Spearman's rho (src/stats), or null where it is undefined. */
export function spearman(x: number[], y: number[]): number | null {
  if (x.length < 3 || !varies(x) || !varies(y)) return null;
  return spearmanTest(x, y).rho;
}

function varies(xs: number[]): boolean {
  return xs.some(v => v !== xs[0]);
}

// ---------------------------------------------------------------- helpers

function weekday(day: string): number {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return t.toISOString().slice(0, 10);
}

function inWindow(day: string, o: Required<EquityOptions>): boolean {
  if (o.start && day < o.start) return false;
  if (o.end && day > o.end) return false;
  if (o.weekdaysOnly) {
    const w = weekday(day);
    if (w === 0 || w === 6) return false;
  }
  return true;
}

function levelOf(d: District | undefined, dim: Dimension): string {
  if (!d) return 'Unknown';
  if (dim === 'state') return d.stateCode ?? 'Unknown';
  if (dim === 'locale') return d.locale ?? 'Unknown';
  return d.bands[dim].label;
}

function bandOf(d: District, dim: Dimension): Band | null {
  return dim === 'state' || dim === 'locale' ? null : d.bands[dim];
}

/** Levels that are real categories (tests compare only these). */
function isComparable(level: string): boolean {
  return level !== 'Unknown' && level !== 'Suppressed' && level !== 'Invalid';
}

// ---------------------------------------------------------------- analysis

export function districtMetrics(
  ds: LearnPlatformDataset,
  options: EquityOptions = {},
): DistrictMetrics[] {
  const o = withDefaults(options);
  const byId = new Map(ds.districts.map(d => [d.districtId, d]));
  const out: DistrictMetrics[] = [];
  for (const id of Object.keys(ds.aggregates.districtDay).sort()) {
    const days = ds.aggregates.districtDay[id];
    let n = 0;
    let accessN = 0;
    let accessSum = 0;
    let topN = 0;
    let topSum = 0;
    let engDays = 0;
    let engSum = 0;
    for (const [day, c] of Object.entries(days)) {
      if (!inWindow(day, o)) continue;
      n++;
      accessN += c[DD.accessN];
      accessSum += c[DD.accessSum];
      if (c[DD.accessN] > 0) {
        topN++;
        topSum += c[DD.accessMax];
      }
      if (c[DD.engN] > 0) {
        engDays++;
        engSum += c[DD.engSum];
      }
    }
    const d = byId.get(id);
    out.push({
      districtId: id,
      stateCode: d?.stateCode ?? null,
      locale: d?.locale ?? null,
      days: n,
      products: ds.aggregates.districtProducts[id] ?? 0,
      pctAccess: meanOf(accessSum, accessN),
      topAccess: meanOf(topSum, topN),
      engagement: meanOf(engSum, engDays),
    });
  }
  return out;
}

function withDefaults(o: EquityOptions): Required<EquityOptions> {
  return {
    minDistricts: o.minDistricts ?? 5,
    start: o.start ?? '',
    end: o.end ?? '',
    weekdaysOnly: o.weekdaysOnly ?? false,
    rollingDays: o.rollingDays ?? 7,
    topN: o.topN ?? 10,
  };
}

function groupStats(
  ds: LearnPlatformDataset,
  metrics: DistrictMetrics[],
  min: number,
): {groups: GroupStat[]; values: Map<string, Record<EquityMetric, number[]>>} {
  const byId = new Map(ds.districts.map(d => [d.districtId, d]));
  const withData = new Map(
    metrics.filter(m => m.days > 0).map(m => [m.districtId, m]),
  );
  const groups: GroupStat[] = [];
  const values = new Map<string, Record<EquityMetric, number[]>>();
  for (const dim of DIMENSIONS) {
    const levels = new Map<
      string,
      {districts: number; members: DistrictMetrics[]; band: Band | null}
    >();
    const touch = (level: string, band: Band | null) => {
      let l = levels.get(level);
      if (!l) {
        l = {districts: 0, members: [], band};
        levels.set(level, l);
      }
      return l;
    };
    for (const d of ds.districts) {
      touch(levelOf(d, dim), bandOf(d, dim)).districts++;
    }
    for (const m of withData.values()) {
      const d = byId.get(m.districtId);
      touch(levelOf(d, dim), d ? bandOf(d, dim) : null).members.push(m);
    }
    const ordered = [...levels.entries()].sort(([a, la], [b, lb]) => {
      if (la.band && lb.band) return compareBands(la.band, lb.band);
      const ua = a === 'Unknown' ? 1 : 0;
      const ub = b === 'Unknown' ? 1 : 0;
      return ua - ub || (a < b ? -1 : a > b ? 1 : 0);
    });
    for (const [level, l] of ordered) {
      const suppressed = l.members.length < min;
      const vals = {} as Record<EquityMetric, number[]>;
      const summaries = {} as Record<EquityMetric, Summary | null>;
      for (const metric of METRIC_NAMES) {
        vals[metric] = l.members
          .map(m => m[metric])
          .filter((v): v is number => v !== null);
        summaries[metric] = suppressed ? null : summarise(vals[metric]);
      }
      if (!suppressed) values.set(`${dim}\u0000${level}`, vals);
      groups.push({
        dimension: dim,
        level,
        districts: l.districts,
        withData: l.members.length,
        suppressed,
        metrics: summaries,
        lower: l.band?.status === 'range' ? l.band.lower : null,
        upper: l.band?.status === 'range' ? l.band.upper : null,
      });
    }
  }
  return {groups, values};
}

function bandTests(
  groups: GroupStat[],
  values: Map<string, Record<EquityMetric, number[]>>,
): BandTest[] {
  const tests: BandTest[] = [];
  for (const dim of DIMENSIONS) {
    const levels = groups
      .filter(
        g => g.dimension === dim && !g.suppressed && isComparable(g.level),
      )
      .map(g => g.level);
    for (const metric of METRIC_NAMES) {
      const samples = levels.map(l => values.get(`${dim}\u0000${l}`)![metric]);
      const usable = levels.filter((_, i) => samples[i].length > 0);
      const kruskal = kruskalWallis(samples);
      const pairs: Omit<WelchResult, 'pAdjusted'>[] = [];
      for (let i = 0; i < levels.length; i++) {
        for (let j = i + 1; j < levels.length; j++) {
          const w = welchTest(samples[i], samples[j]);
          if (w) pairs.push({a: levels[i], b: levels[j], ...w});
        }
      }
      const adj = holm(pairs.map(p => p.p));
      tests.push({
        dimension: dim,
        metric,
        levels: usable,
        kruskal,
        welch: pairs.map((p, i) => ({...p, pAdjusted: adj[i]})),
      });
    }
  }
  return tests;
}

function products(ds: LearnPlatformDataset, topN: number) {
  const catalogue = new Map(ds.products.map(p => [p.lpId, p]));
  const totals = ds.aggregates.productTotals;
  let allEng = 0;
  let catEng = 0;
  for (const [lp, t] of Object.entries(totals)) {
    allEng += t[PD.engSum];
    if (catalogue.has(lp)) catEng += t[PD.engSum];
  }
  const pct = (x: number, of: number) => (of > 0 ? (100 * x) / of : 0);
  const ranks: ProductRank[] = Object.entries(totals).map(([lp, t]) => {
    const p = catalogue.get(lp);
    return {
      lpId: lp,
      name: p?.name ?? '',
      provider: p?.provider ?? '',
      catalogued: !!p,
      main: p?.essentialFunction.main ?? null,
      districts: t[PD.districts],
      pctAccess: meanOf(t[PD.accessSum], t[PD.accessN]),
      engagement: meanOf(t[PD.engSum], t[PD.engN]),
      engagementShare: pct(t[PD.engSum], allEng),
    };
  });
  const byId = (a: ProductRank, b: ProductRank) =>
    a.lpId < b.lpId ? -1 : a.lpId > b.lpId ? 1 : 0;
  const topByEngagement = [...ranks]
    .sort((a, b) => b.engagementShare - a.engagementShare || byId(a, b))
    .slice(0, topN);
  const topByAccess = [...ranks]
    .sort((a, b) => (b.pctAccess ?? -1) - (a.pctAccess ?? -1) || byId(a, b))
    .slice(0, topN);

  const providers = new Map<
    string,
    {products: number; districts: number; eng: number; aN: number; aSum: number}
  >();
  for (const p of ds.products) {
    const t = totals[p.lpId];
    const key = p.provider || '(no provider)';
    const v = providers.get(key) ?? {
      products: 0,
      districts: 0,
      eng: 0,
      aN: 0,
      aSum: 0,
    };
    v.products++;
    if (t) {
      v.districts = Math.max(v.districts, t[PD.districts]);
      v.eng += t[PD.engSum];
      v.aN += t[PD.accessN];
      v.aSum += t[PD.accessSum];
    }
    providers.set(key, v);
  }
  const topProviders: ProviderRank[] = [...providers.entries()]
    .map(([provider, v]) => ({
      provider,
      products: v.products,
      districts: v.districts,
      engagementShare: pct(v.eng, allEng),
      pctAccess: meanOf(v.aSum, v.aN),
    }))
    .sort(
      (a, b) =>
        b.engagementShare - a.engagementShare ||
        (a.provider < b.provider ? -1 : 1),
    )
    .slice(0, topN);

  const shareTable = (
    keysOf: (lp: string) => {key: string; label: string}[],
  ): Share[] => {
    const m = new Map<string, {label: string; products: number; eng: number}>();
    for (const p of ds.products) {
      const eng = totals[p.lpId]?.[PD.engSum] ?? 0;
      for (const {key, label} of keysOf(p.lpId)) {
        const v = m.get(key) ?? {label, products: 0, eng: 0};
        v.products++;
        v.eng += eng;
        m.set(key, v);
      }
    }
    return [...m.entries()]
      .map(([key, v]) => ({
        key,
        label: v.label,
        products: v.products,
        productShare: pct(v.products, ds.products.length),
        engagementShare: pct(v.eng, catEng),
      }))
      .sort((a, b) => b.products - a.products || (a.key < b.key ? -1 : 1));
  };
  const sectors = shareTable(lp => {
    const s = catalogue.get(lp)!.sectors;
    return s.length
      ? s.map(x => ({key: x, label: x}))
      : [{key: '(none)', label: 'No sector given'}];
  });
  const functions = shareTable(lp => {
    const main = catalogue.get(lp)!.essentialFunction.main;
    return [
      main
        ? {key: main, label: FUNCTION_CATEGORY_NAMES[main]}
        : {key: '(none)', label: 'No essential function given'},
    ];
  });
  const subFunctions = shareTable(lp => {
    const f = catalogue.get(lp)!.essentialFunction;
    const key = `${f.main ?? '?'} - ${f.sub ?? '(none)'}`;
    return [{key, label: key}];
  });
  return {
    topByEngagement,
    topByAccess,
    topProviders,
    sectors,
    functions,
    subFunctions,
  };
}

function rollingMean(
  values: (number | null)[],
  window: number,
): (number | null)[] {
  const out: (number | null)[] = [];
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null) {
      sum += v;
      n++;
    }
    if (i >= window) {
      const old = values[i - window];
      if (old !== null) {
        sum -= old;
        n--;
      }
    }
    out.push(n > 0 ? sum / n : null);
  }
  return out;
}

function series(
  ds: LearnPlatformDataset,
  o: Required<EquityOptions>,
): GroupSeries[] {
  // Districts per group over the whole data, for suppression.
  const members = new Map<string, Set<string>>();
  const byId = new Map(ds.districts.map(d => [d.districtId, d]));
  for (const id of Object.keys(ds.aggregates.districtDay)) {
    const d = byId.get(id);
    for (const g of [
      'all:all',
      `state:${d?.stateCode ?? 'unknown'}`,
      `locale:${d?.locale ?? 'unknown'}`,
    ]) {
      const s = members.get(g) ?? new Set<string>();
      s.add(id);
      members.set(g, s);
    }
  }
  const out: GroupSeries[] = [];
  const keys = Object.keys(ds.aggregates.groupDay).sort((a, b) => {
    const rank = (k: string) =>
      k.startsWith('all:') ? 0 : k.startsWith('locale:') ? 1 : 2;
    return rank(a) - rank(b) || (a < b ? -1 : 1);
  });
  for (const g of keys) {
    const [kind, level] = g.split(':') as ['all' | 'state' | 'locale', string];
    const cells = ds.aggregates.groupDay[g];
    const days = Object.keys(cells)
      .filter(d => inWindow(d, o))
      .sort();
    const districts = members.get(g)?.size ?? 0;
    const suppressed = districts < o.minDistricts;
    if (!days.length) continue;
    // A continuous calendar so the rolling window spans calendar days.
    const calendar: string[] = [];
    for (let d = days[0]; d <= days[days.length - 1]; d = addDays(d, 1)) {
      if (inWindow(d, o)) calendar.push(d);
    }
    const access = calendar.map(d =>
      cells[d] && !suppressed
        ? meanOf(cells[d][GD.accessSum], cells[d][GD.accessN])
        : null,
    );
    const eng = calendar.map(d =>
      cells[d] && !suppressed
        ? meanOf(cells[d][GD.engSum], cells[d][GD.engDistricts])
        : null,
    );
    const ra = rollingMean(access, o.rollingDays);
    const re = rollingMean(eng, o.rollingDays);
    out.push({
      group: g,
      kind,
      level:
        kind === 'all'
          ? 'All districts'
          : level === 'unknown'
            ? 'Unknown'
            : level,
      districts,
      suppressed,
      points: calendar.map((date, i) => ({
        date,
        districts: cells[date]?.[GD.districts] ?? 0,
        pctAccess: access[i],
        engagement: eng[i],
        pctAccessRolling: ra[i],
        engagementRolling: re[i],
      })),
    });
  }
  return out;
}

export const CORRELATION_VARIABLES = [
  ...BAND_FIELDS.map(f => BAND_COLUMNS[f]),
  'pct_access',
  'top_access',
  'engagement',
  'products',
];

function correlation(
  ds: LearnPlatformDataset,
  metrics: DistrictMetrics[],
): CorrelationMatrix {
  const byId = new Map(ds.districts.map(d => [d.districtId, d]));
  const rows: (number | null)[][] = metrics
    .filter(m => m.days > 0)
    .map(m => {
      const d = byId.get(m.districtId);
      return [
        ...BAND_FIELDS.map(f => d?.bands[f].midpoint ?? null),
        m.pctAccess,
        m.topAccess,
        m.engagement,
        m.products,
      ];
    });
  const k = CORRELATION_VARIABLES.length;
  const grid = <T>(v: T) =>
    Array.from({length: k}, () => new Array<T>(k).fill(v));
  const res: CorrelationMatrix = {
    variables: CORRELATION_VARIABLES,
    pearson: grid<number | null>(null),
    spearman: grid<number | null>(null),
    pValue: grid<number | null>(null),
    n: grid(0),
  };
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      const x: number[] = [];
      const y: number[] = [];
      for (const r of rows) {
        if (r[i] !== null && r[j] !== null) {
          x.push(r[i]!);
          y.push(r[j]!);
        }
      }
      const p = pearson(x, y);
      const s = spearman(x, y);
      for (const [a, b] of [
        [i, j],
        [j, i],
      ]) {
        res.n[a][b] = x.length;
        res.pearson[a][b] = p ? p.r : null;
        res.pValue[a][b] = p ? p.p : null;
        res.spearman[a][b] = s;
      }
    }
  }
  return res;
}

function stateTable(groups: GroupStat[]): StateRow[] {
  return groups
    .filter(g => g.dimension === 'state' && g.level !== 'Unknown')
    .map(g => ({
      stateCode: g.level,
      region: `US-${g.level}`,
      state: stateName(g.level),
      districts: g.districts,
      withData: g.withData,
      suppressed: g.suppressed,
      pctAccess: g.metrics.pctAccess?.mean ?? null,
      topAccess: g.metrics.topAccess?.mean ?? null,
      engagement: g.metrics.engagement?.mean ?? null,
    }))
    .sort((a, b) => (a.stateCode < b.stateCode ? -1 : 1));
}

export function analyseEquity(
  ds: LearnPlatformDataset,
  options: EquityOptions = {},
): EquityResult {
  const o = withDefaults(options);
  const metrics = districtMetrics(ds, o);
  const {groups, values} = groupStats(ds, metrics, o.minDistricts);
  const p = products(ds, o.topN);
  const allDays = new Set<string>();
  for (const days of Object.values(ds.aggregates.districtDay)) {
    for (const d of Object.keys(days)) if (inWindow(d, o)) allDays.add(d);
  }
  const sortedDays = [...allDays].sort();
  return {
    window: {
      start: sortedDays[0] ?? null,
      end: sortedDays[sortedDays.length - 1] ?? null,
      days: sortedDays.length,
    },
    minDistricts: o.minDistricts,
    districts: metrics,
    groups,
    tests: bandTests(groups, values),
    topProductsByEngagement: p.topByEngagement,
    topProductsByAccess: p.topByAccess,
    topProviders: p.topProviders,
    sectors: p.sectors,
    functions: p.functions,
    subFunctions: p.subFunctions,
    series: series(ds, o),
    correlation: correlation(ds, metrics),
    states: stateTable(groups),
    districtsWithoutState: ds.districts.filter(d => !d.stateCode).length,
  };
}
