import {rmSync} from 'node:fs';
import {
  continueImport,
  importAll,
  runImportStep,
  startImport,
  CheckpointStore,
} from '../../src/sources/learnplatform/importer';
import {LearnPlatformDirectory} from '../../src/sources/learnplatform/node-dir';
import {
  districtDailyFacts,
  districtSchools,
  productDailyFacts,
} from '../../src/sources/learnplatform/facts';
import {MemoryFiles, fixtureFiles, writeFixtureDir} from './fixtures';

function warningsOf(ds: {
  warnings: {file: string; line: number | null; code: string}[];
}) {
  return ds.warnings.map(w => `${w.file}:${w.line}:${w.code}`).sort();
}

describe('LearnPlatform import from a directory in the published format', () => {
  let dir: string;
  beforeAll(() => {
    dir = writeFixtureDir();
  });
  afterAll(() => rmSync(dir, {recursive: true, force: true}));

  it('reads products: LP ID, quoted commas, sectors, essential functions', () => {
    const ds = importAll(new LearnPlatformDirectory(dir, 16));
    expect(ds.products.map(p => p.lpId)).toEqual([
      '13117',
      '66933',
      '50479',
      '92844',
      '26696',
      '11111',
    ]);
    const abcya = ds.products.find(p => p.lpId === '50479')!;
    expect(abcya.name).toBe('ABCya!, Games');
    expect(abcya.essentialFunction).toEqual({
      main: 'LC',
      sub: 'Sites, Resources & Reference - Games & Simulations',
      raw: 'LC - Sites, Resources & Reference - Games & Simulations',
    });
    expect(ds.products.find(p => p.lpId === '66933')!.provider).toBe(
      'Age of Learning, Inc',
    );
    expect(ds.products.find(p => p.lpId === '92844')!.sectors).toEqual([
      'PreK-12',
      'Higher Ed',
      'Corporate',
    ]);
    expect(
      ds.products.find(p => p.lpId === '26696')!.essentialFunction.main,
    ).toBe('SDO');
    expect(
      ds.products.find(p => p.lpId === '11111')!.essentialFunction,
    ).toEqual({
      main: 'LC/CM/SDO',
      sub: 'Other',
      raw: 'LC/CM/SDO - Other',
    });
  });

  it('reads districts: states to USPS codes, bands with their own suppressed level', () => {
    const ds = importAll(new LearnPlatformDirectory(dir));
    const d = new Map(ds.districts.map(x => [x.districtId, x]));
    expect(d.get('1000')!.stateCode).toBe('IL');
    expect(d.get('2000')!).toMatchObject({
      state: 'District of Columbia',
      stateCode: 'DC',
      locale: 'City',
    });
    expect(d.get('1000')!.bands.ppTotalRaw).toEqual({
      status: 'range',
      label: '[14000, 16000[',
      lower: 14000,
      upper: 16000,
      midpoint: 15000,
      raw: '[14000, 16000[',
    });
    expect(d.get('3000')!).toMatchObject({
      state: 'Atlantis',
      stateCode: null,
      locale: 'Rural',
    });
    expect(d.get('3000')!.bands.pctFreeReduced).toMatchObject({
      status: 'suppressed',
      label: 'Suppressed',
      midpoint: null,
    });
    expect(d.get('4000')!.bands.pctBlackHispanic).toMatchObject({
      status: 'invalid',
      raw: '0.2-0.4',
      midpoint: null,
    });
    expect(d.get('4000')!.bands.pctFreeReduced.midpoint).toBeCloseTo(0.5, 12);
    expect(d.get('5000')!).toMatchObject({
      state: '',
      stateCode: null,
      locale: null,
    });
    expect(d.get('5000')!.bands.countyConnectionsRatio.status).toBe(
      'suppressed',
    );
  });

  it('warns with file and line for each quirk and imports the rest', () => {
    const ds = importAll(new LearnPlatformDirectory(dir));
    expect(warningsOf(ds)).toEqual(
      [
        'products_info.csv:7:blank-id',
        'products_info.csv:8:extra-columns',
        'districts_info.csv:4:unknown-state',
        'districts_info.csv:5:bad-range',
        'engagement_data/1000.csv:4:blank-id',
        'engagement_data/1000.csv:6:extra-columns',
        'engagement_data/1000.csv:8:bad-date',
        'engagement_data/9000.csv:null:unknown-district',
      ].sort(),
    );
    expect(ds.stats).toMatchObject({
      filesTotal: 4,
      filesDone: 4,
      rowsRead: 7 + 3 + 1 + 1,
      rowsImported: 6 + 3 + 1 + 1,
    });
  });

  it('aggregates district x day with missing values kept missing', () => {
    const a = importAll(new LearnPlatformDirectory(dir, 5)).aggregates;
    // [rows, accessN, accessSum, accessMax, engN, engSum]
    expect(a.districtDay['1000']).toEqual({
      '2020-01-02': [4, 4, 5.25, 3, 3, 134.25], // the blank lp_id row counts here
      '2020-01-03': [2, 2, 3, 2, 2, 250.5],
    });
    expect(a.districtDay['2000']).toEqual({
      '2020-01-02': [2, 2, 14.5, 10, 2, 1300],
      '2020-01-03': [1, 0, 0, 0, 1, 20],
    });
    expect(a.districtRows['1000']).toEqual([7, 6]);
    expect(a.districtProducts['1000']).toBe(3);
  });

  it('aggregates product x day for catalogued products and totals for all', () => {
    const a = importAll(new LearnPlatformDirectory(dir)).aggregates;
    // [rows, accessN, accessSum, engN, engSum]
    expect(a.productDay['13117']['2020-01-02']).toEqual([3, 3, 6.5, 3, 450.25]);
    expect(a.productDay['92844']['2020-01-02']).toEqual([1, 1, 3, 0, 0]);
    expect(a.productDay['99999']).toBeUndefined();
    expect(a.productTotals['99999']).toEqual([1, 1, 0.25, 1, 4, 1]);
    expect(a.productTotals['13117']).toEqual([4, 4, 8.5, 4, 650.25, 3]);
  });

  it('aggregates state and locale x day, unknowns under their own key', () => {
    const a = importAll(new LearnPlatformDirectory(dir)).aggregates;
    // [districts, accessN, accessSum, accessMaxSum, accessDistricts, engN, engSum, engDistricts]
    expect(a.groupDay['state:IL']['2020-01-02']).toEqual([
      1, 4, 5.25, 3, 1, 3, 134.25, 1,
    ]);
    expect(a.groupDay['state:unknown']['2020-01-02']).toEqual([
      2, 2, 2.5, 2.5, 2, 2, 38, 2,
    ]);
    expect(a.groupDay['locale:City']['2020-01-03']).toEqual([
      1, 0, 0, 0, 0, 1, 20, 1,
    ]);
    expect(a.groupDay['all:all']['2020-01-03']).toEqual([
      2, 2, 3, 2, 1, 3, 270.5, 2,
    ]);
  });

  it('maps to canonical daily facts', () => {
    const ds = importAll(new LearnPlatformDirectory(dir));
    const facts = districtDailyFacts(ds);
    expect(facts).toHaveLength(6);
    const f = facts.find(
      x => x.schoolId === '1000' && x.date === '2020-01-02',
    )!;
    expect(f).toMatchObject({
      role: 'student',
      app: 'learnplatform',
      product: '',
      enrolledUsers: 100000,
      activeUsers: 3000,
      pctAccess: 3,
      events: 13425,
      engagementIndex: 134.25,
      flags: ['estimated'],
    });
    const g = facts.find(
      x => x.schoolId === '2000' && x.date === '2020-01-03',
    )!;
    expect(g).toMatchObject({
      pctAccess: null,
      activeUsers: 0,
      engagementIndex: 20,
      events: 2000,
      flags: ['partial'],
    });
    const p = productDailyFacts(ds).find(
      x => x.product === '13117' && x.date === '2020-01-02',
    )!;
    expect(p).toMatchObject({
      schoolId: 'all',
      app: 'LC',
      activeUsers: 2167,
      engagementIndex: 150.083333,
    });
    expect(p.pctAccess).toBeCloseTo(6.5 / 3, 6);
    const k = productDailyFacts(ds).find(x => x.product === '92844')!;
    expect(k).toMatchObject({
      app: 'CM',
      engagementIndex: null,
      flags: ['partial'],
    });
    expect(districtSchools(ds).map(s => [s.id, s.state, s.locale])).toEqual([
      ['1000', 'IL', 'Suburb'],
      ['2000', 'DC', 'City'],
      ['3000', undefined, 'Rural'],
      ['4000', 'UT', 'Town'],
      ['5000', undefined, undefined],
      ['9000', undefined, undefined],
    ]);
  });
});

describe('chunked, resumable import', () => {
  class MemoryStore implements CheckpointStore {
    json: string | null = null;
    saves = 0;
    load() {
      return this.json;
    }
    save(j: string) {
      this.json = j;
      this.saves++;
    }
    clear() {
      this.json = null;
    }
  }

  it('resumes across executions and ends with the one-shot result', () => {
    const files = new MemoryFiles(fixtureFiles(), 3);
    const once = importAll(new MemoryFiles(fixtureFiles()));
    const store = new MemoryStore();
    // A clock where each file read costs 100 ms and the budget is 150 ms: one file per execution.
    let t = 0;
    const now = () => (t += 50);
    let progress = runImportStep(files, store, {budgetMs: 150, now});
    let executions = 1;
    while (!progress.done) {
      expect(progress.filesThisRun).toBeGreaterThan(0);
      progress = runImportStep(files, store, {budgetMs: 150, now});
      executions++;
      expect(executions).toBeLessThan(10);
    }
    expect(executions).toBeGreaterThan(1);
    expect(progress.dataset!.aggregates).toEqual(once.aggregates);
    expect(progress.dataset!.warnings).toEqual(once.warnings);
    expect(progress.dataset!.stats.executions).toBe(executions);
    // A re-run over a finished import reads nothing and changes nothing.
    const reads = files.reads;
    const again = runImportStep(files, store, {budgetMs: 150, now});
    expect(files.reads).toBe(reads);
    expect(again.dataset!.aggregates).toEqual(once.aggregates);
  });

  it('a run killed mid-file repeats that file without counting it twice', () => {
    const files = new MemoryFiles(fixtureFiles(), 4);
    const state = startImport(files);
    const saved = JSON.stringify(state);
    // Simulate the execution dying while reading the first file: nothing is saved.
    const dying = new MemoryFiles(fixtureFiles(), 4);
    dying.readEngagement = () => {
      throw new Error('Exceeded maximum execution time');
    };
    expect(() =>
      continueImport(JSON.parse(saved), dying, {budgetMs: 1e9}),
    ).toThrow('Exceeded');
    const resumed = continueImport(JSON.parse(saved), files, {budgetMs: 1e9});
    expect(resumed.dataset!.aggregates).toEqual(
      importAll(new MemoryFiles(fixtureFiles())).aggregates,
    );
  });

  it('skips a second file for the same district and unreadable names, with a warning', () => {
    const f = fixtureFiles();
    f['engagement_data/copy/1000.csv'] = f['engagement_data/1000.csv'];
    f['engagement_data/notes.csv'] = 'time,lp_id\n';
    const ds = importAll(new MemoryFiles(f));
    expect(ds.aggregates.districtDay['1000']['2020-01-02'][0]).toBe(4);
    expect(warningsOf(ds)).toEqual(
      expect.arrayContaining([
        'engagement_data/copy/1000.csv:null:duplicate-file',
        'engagement_data/notes.csv:null:bad-file-name',
      ]),
    );
  });

  it('names the missing file when the folder lacks metadata', () => {
    const f = fixtureFiles();
    delete f['districts_info.csv'];
    expect(() => importAll(new MemoryFiles(f))).toThrow(
      /districts_info\.csv: not found/,
    );
  });
});
