import {readFileSync} from 'node:fs';
import * as path from 'node:path';
import {
  analyseEquity,
  districtMetrics,
  holm,
  kruskalWallis,
  pearson,
  spearman,
  welchTest,
} from '../../src/analysis/equity';
import {equityTables} from '../../src/sheets/equity-tables';
import {importAll} from '../../src/sources/learnplatform/importer';
import {MemoryFiles, fixtureFiles} from './fixtures';

describe('equity statistics match R', () => {
  it("Welch's t-test: t.test(extra ~ group, data = sleep)", () => {
    const g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    const g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
    const w = welchTest(g1, g2)!;
    expect(w.t).toBeCloseTo(-1.860813, 5);
    expect(w.df).toBeCloseTo(17.77647, 4);
    expect(w.p).toBeCloseTo(0.07939414, 6);
    expect(welchTest([1, 1, 1], [1, 1, 1])).toBeNull();
    expect(welchTest([1], [2, 3])).toBeNull();
  });

  it('Kruskal-Wallis: the Hollander & Wolfe example of ?kruskal.test', () => {
    const k = kruskalWallis([
      [2.9, 3.0, 2.5, 2.6, 3.2],
      [3.8, 2.7, 4.0, 2.4],
      [2.8, 3.4, 3.7, 2.2, 2.0],
    ])!;
    expect(k.h).toBeCloseTo(0.77143, 5);
    expect(k.df).toBe(2);
    expect(k.p).toBeCloseTo(0.68, 2);
    expect(k.p).toBeCloseTo(Math.exp(-0.77143 / 2), 4); // chi-squared with 2 df
  });

  it('Kruskal-Wallis applies the tie correction', () => {
    // kruskal.test(list(c(1,1,2), c(2,3,3))): rank sums 6.5 and 14.5, three ties of 2.
    const k = kruskalWallis([
      [1, 1, 2],
      [2, 3, 3],
    ])!;
    const uncorrected = (12 / (6 * 7)) * (6.5 ** 2 / 3 + 14.5 ** 2 / 3) - 21;
    expect(k.h).toBeCloseTo(uncorrected / (1 - 18 / 210), 10);
    expect(k.h).toBeCloseTo(10 / 3, 10);
  });

  it('Holm adjustment as p.adjust', () => {
    expect(holm([0.01, 0.02, 0.03, 0.04, 0.05])).toEqual(
      [0.05, 0.08, 0.09, 0.09, 0.09].map(x => expect.closeTo(x, 12)),
    );
  });

  it('Pearson and Spearman as cor.test on the reference data', () => {
    const ref = JSON.parse(
      readFileSync(
        path.join(__dirname, '../fixtures/reference/stats/correlation.json'),
        'utf8',
      ),
    );
    const p = pearson(ref.x, ref.y)!;
    expect(p.r).toBeCloseTo(ref.pearson.r, 12);
    expect(p.p / ref.pearson.p_value).toBeCloseTo(1, 6);
    expect(spearman(ref.x, ref.y)).toBeCloseTo(ref.spearman.rho, 12);
  });
});

describe('equity analysis of the fixture folder', () => {
  const ds = importAll(new MemoryFiles(fixtureFiles()));

  it('computes district metrics with missing values left out', () => {
    const m = new Map(districtMetrics(ds).map(x => [x.districtId, x]));
    expect(m.get('1000')).toEqual({
      districtId: '1000',
      stateCode: 'IL',
      locale: 'Suburb',
      days: 2,
      products: 3,
      pctAccess: 8.25 / 6,
      topAccess: 2.5,
      engagement: 192.375,
    });
    expect(m.get('2000')!.topAccess).toBe(10); // the day without pct_access is not a zero
    expect(m.get('2000')!.pctAccess).toBe(7.25);
    expect(m.get('2000')!.engagement).toBe(660);
    expect(m.get('9000')!.stateCode).toBeNull();
  });

  it('counts districts per level and suppresses small bands', () => {
    const res = analyseEquity(ds, {minDistricts: 2});
    const locale = res.groups.filter(g => g.dimension === 'locale');
    expect(
      locale.map(g => [g.level, g.districts, g.withData, g.suppressed]),
    ).toEqual([
      ['City', 1, 1, true],
      ['Rural', 1, 1, true],
      ['Suburb', 1, 1, true],
      ['Town', 1, 0, true],
      ['Unknown', 1, 1, true], // 5000 in districts_info, 9000 has data but no row
    ]);
    expect(locale.every(g => g.metrics.engagement === null)).toBe(true);
    const frl = res.groups
      .filter(g => g.dimension === 'pctFreeReduced')
      .map(g => g.level);
    expect(frl).toEqual([
      '[0, 0.2[',
      '[0.4, 0.6[',
      '[0.6, 0.8[',
      'Suppressed',
      'Unknown',
    ]);
    const open = analyseEquity(ds, {minDistricts: 1});
    const bh = open.groups.find(
      g => g.dimension === 'pctBlackHispanic' && g.level === '[0.8, 1[',
    )!;
    expect(bh).toMatchObject({
      districts: 1,
      withData: 1,
      suppressed: false,
      lower: 0.8,
      upper: 1,
    });
    expect(bh.metrics.engagement!.mean).toBe(660);
  });

  it('ranks products and providers, and shares sectors and functions', () => {
    const res = analyseEquity(ds, {minDistricts: 1, topN: 3});
    // Page loads: 26696 = 1020, 13117 = 650.25, 92844 = 50.5, 66933 = 8, 99999 = 4.
    expect(res.topProductsByEngagement.map(p => p.lpId)).toEqual([
      '26696',
      '13117',
      '92844',
    ]);
    expect(res.topProductsByEngagement[0].engagementShare).toBeCloseTo(
      (100 * 1020) / 1732.75,
      10,
    );
    expect(res.topProductsByAccess[0]).toMatchObject({
      lpId: '26696',
      pctAccess: 10,
    });
    expect(res.topProviders[0]).toMatchObject({
      provider: 'Clever Inc.',
      products: 1,
    });
    const sector = new Map(res.sectors.map(s => [s.key, s]));
    expect(sector.get('PreK-12')!.products).toBe(6);
    expect(sector.get('Higher Ed')!.productShare).toBeCloseTo(200 / 6, 10);
    expect(sector.get('Corporate')!.engagementShare).toBeCloseTo(
      (100 * 50.5) / (1020 + 650.25 + 50.5 + 8),
      10,
    );
    const fn = new Map(res.functions.map(s => [s.key, s.products]));
    expect(Object.fromEntries(fn)).toEqual({
      LC: 3,
      CM: 1,
      SDO: 1,
      'LC/CM/SDO': 1,
    });
    expect(
      res.subFunctions.find(s => s.key === 'LC - Digital Learning Platforms')!
        .products,
    ).toBe(2);
  });

  it('builds the state table with USPS region codes', () => {
    const res = analyseEquity(ds, {minDistricts: 1});
    expect(
      res.states.map(s => [s.region, s.state, s.districts, s.withData]),
    ).toEqual([
      ['US-DC', 'District of Columbia', 1, 1],
      ['US-IL', 'Illinois', 1, 1],
      ['US-UT', 'Utah', 1, 0],
    ]);
    expect(res.districtsWithoutState).toBe(2);
  });

  it('gives pct_access over time with a trailing rolling mean', () => {
    const res = analyseEquity(ds, {minDistricts: 1, rollingDays: 2});
    const all = res.series.find(s => s.group === 'all:all')!;
    // 2020-01-02: rows 4+2+1+1 with access 5.25+14.5+0.5+2 = 22.25 over 8 rows.
    expect(all.points[0]).toMatchObject({date: '2020-01-02', districts: 4});
    expect(all.points[0].pctAccess).toBeCloseTo(22.25 / 8, 12);
    expect(all.points[1].pctAccess).toBeCloseTo(3 / 2, 12);
    expect(all.points[1].pctAccessRolling).toBeCloseTo(
      (22.25 / 8 + 1.5) / 2,
      12,
    );
    // Engagement: mean over districts of the day's total.
    expect(all.points[1].engagement).toBeCloseTo(270.5 / 2, 12);
    const tables = equityTables(res);
    expect(tables.map(t => t.name)).toContain('lp_access_over_time');
    for (const t of tables)
      for (const r of t.rows) expect(r).toHaveLength(t.header.length);
  });
});

/** A generated folder in the published format: 36 districts whose engagement rises with pp_total_raw. */
function generatedFiles(): Record<string, string> {
  const files: Record<string, string> = {
    'products_info.csv':
      'LP ID,URL,Product Name,Provider/Company Name,Sector(s),Primary Essential Function\n' +
      '1,https://a.example,Alpha,"Alpha, Inc",PreK-12,LC - Digital Learning Platforms\n' +
      '2,https://b.example,Beta,Beta LLC,PreK-12; Higher Ed,CM - Classroom Engagement & Instruction - Assessment & Classroom Response\n',
  };
  const lines = [
    'district_id,state,locale,pct_black/hispanic,pct_free/reduced,county_connections_ratio,pp_total_raw',
  ];
  const spend = ['[8000, 10000[', '[10000, 12000[', '[12000, 14000['];
  const states = ['Illinois', 'Utah', 'Connecticut'];
  const locales = ['City', 'Suburb', 'Rural'];
  let seed = 7;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < 36; i++) {
    const id = 1000 + i;
    const band = i % 3;
    lines.push(
      `${id},${states[Math.floor(i / 12)]},${locales[i % 3]},"[0, 0.2[",NaN,"[0.18, 1[","${spend[band]}"`,
    );
    const rows = ['time,lp_id,pct_access,engagement_index'];
    for (let d = 1; d <= 10; d++) {
      const day = `2020-03-${String(d).padStart(2, '0')}`;
      const eng = (100 * (band + 1) + 40 * rnd()).toFixed(2);
      rows.push(`${day},1.0,${(5 + rnd()).toFixed(2)},${eng}`);
      rows.push(
        `${day},2.0,${(1 + rnd()).toFixed(2)},${(10 * rnd()).toFixed(2)}`,
      );
    }
    files[`engagement_data/${id}.csv`] = rows.join('\r\n') + '\r\n';
  }
  files['districts_info.csv'] = lines.join('\n') + '\n';
  return files;
}

describe('equity tests on a generated data set', () => {
  const ds = importAll(new MemoryFiles(generatedFiles(), 4096));
  const res = analyseEquity(ds, {minDistricts: 5});

  it('finds the real gap between spending bands and reports its p-values', () => {
    const t = res.tests.find(
      x => x.dimension === 'ppTotalRaw' && x.metric === 'engagement',
    )!;
    expect(t.levels).toEqual([
      '[8000, 10000[',
      '[10000, 12000[',
      '[12000, 14000[',
    ]);
    expect(t.kruskal!.df).toBe(2);
    expect(t.kruskal!.p).toBeLessThan(1e-5);
    expect(t.welch).toHaveLength(3);
    // The Welch results are those of the per-district values of each band.
    const m = districtMetrics(ds);
    const band = (k: number) =>
      m
        .filter(x => (Number(x.districtId) - 1000) % 3 === k)
        .map(x => x.engagement!);
    const direct = welchTest(band(0), band(1))!;
    expect(t.welch[0]).toMatchObject({a: '[8000, 10000[', b: '[10000, 12000['});
    expect(t.welch[0].t).toBeCloseTo(direct.t, 10);
    expect(t.welch[0].p).toBeCloseTo(direct.p, 12);
    expect(t.welch[0].pAdjusted).toBeGreaterThanOrEqual(t.welch[0].p);
  });

  it('finds no gap where none was generated', () => {
    const t = res.tests.find(
      x => x.dimension === 'state' && x.metric === 'pctAccess',
    )!;
    expect(t.levels).toEqual(['CT', 'IL', 'UT']);
    expect(t.kruskal!.p).toBeGreaterThan(0.01);
  });

  it('leaves a band that is suppressed for every district out of the tests', () => {
    const frl = res.groups.filter(g => g.dimension === 'pctFreeReduced');
    expect(frl.map(g => [g.level, g.withData])).toEqual([['Suppressed', 36]]);
    const t = res.tests.find(
      x => x.dimension === 'pctFreeReduced' && x.metric === 'engagement',
    )!;
    expect(t.kruskal).toBeNull();
    expect(t.welch).toEqual([]);
  });

  it('correlates spending with engagement; suppressed bands are not zeros', () => {
    const c = res.correlation;
    const i = c.variables.indexOf('pp_total_raw');
    const j = c.variables.indexOf('engagement');
    const k = c.variables.indexOf('pct_free/reduced');
    expect(c.pearson[i][j]).toBeGreaterThan(0.9);
    expect(c.pValue[i][j]).toBeLessThan(1e-10);
    expect(c.n[i][j]).toBe(36);
    expect(c.n[k][j]).toBe(0);
    expect(c.pearson[k][j]).toBeNull();
    expect(c.pearson[j][i]).toBe(c.pearson[i][j]);
  });

  it('keeps state rows for the geo chart', () => {
    expect(res.states.map(s => [s.region, s.withData, s.suppressed])).toEqual([
      ['US-CT', 12, false],
      ['US-IL', 12, false],
      ['US-UT', 12, false],
    ]);
  });
});
