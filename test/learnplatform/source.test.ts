import {mkdtempSync, mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {defaultSettings} from '../../src/core/settings';
import {QualityLog} from '../../src/clean/quality';
import {createDemoDistrict} from '../../src/demo';
import {analyseEquity} from '../../src/analysis/equity';
import {districtDailyFacts} from '../../src/sources/learnplatform/facts';
import {importAll} from '../../src/sources/learnplatform/importer';
import {LearnPlatformDirectory} from '../../src/sources/learnplatform/node-dir';
import {LearnPlatformSource} from '../../src/sources/learnplatform/source';
import type {BlobStore, Source, SourceContext} from '../../src/sources/source';
import {MemoryFiles, fixtureFiles} from './fixtures';

class Blobs implements BlobStore {
  readonly map = new Map<string, string>();
  get(k: string) {
    return this.map.get(k) ?? null;
  }
  put(k: string, v: string) {
    this.map.set(k, v);
  }
  delete(k: string) {
    this.map.delete(k);
  }
  keys(p: string) {
    return [...this.map.keys()].filter(k => k.startsWith(p));
  }
}

function ctx(
  blobs: Blobs,
  remainingMs: number,
  clock: () => number,
  warnings: string[] = [],
): SourceContext {
  const settings = {
    ...defaultSettings('America/New_York'),
    source: 'learnplatform' as const,
    learnPlatformFolderId: 'f',
  };
  return {
    settings,
    now: 0,
    clock,
    budget: {remaining: () => remainingMs, allows: ms => remainingMs >= ms},
    zone: null as never,
    keys: null as never,
    quality: new QualityLog(),
    blobs,
    warn: m => warnings.push(m),
    sleep: () => {},
    random: () => 0.5,
  };
}

/** Through the Source contract, as the ingest phase calls it. */
function lpSource(files: MemoryFiles): Source {
  return new LearnPlatformSource(() => files);
}

describe('the LearnPlatform source in the ingest pipeline', () => {
  it('plans from the data set start, imports across executions, and serves each day', () => {
    const files = new MemoryFiles(fixtureFiles(), 5);
    const src = lpSource(files);
    const settings = {...defaultSettings('America/New_York'), startDate: ''};
    const plan = src.planDays(
      settings,
      {watermark: null, partitions: new Map()},
      {lastDay: '2020-01-05', now: 0},
    );
    expect(plan).toEqual([
      '2020-01-01',
      '2020-01-02',
      '2020-01-03',
      '2020-01-04',
      '2020-01-05',
    ]);
    const blobs = new Blobs();
    let t = 0;
    const clock = () => (t += 50);
    const warnings: string[] = [];
    let executions = 0;
    let step = src.prepare(ctx(blobs, 150, clock, warnings), plan, null);
    while (!step.done) {
      executions++;
      // A new execution: a new source instance, the same hidden store.
      step = lpSource(files).prepare(
        ctx(blobs, 150, clock, warnings),
        plan,
        step.resume,
      );
    }
    expect(executions).toBeGreaterThan(0);
    expect(warnings.some(w => /district files read; continuing/.test(w))).toBe(
      true,
    );
    expect(
      warnings.some(w =>
        /engagement_data\/1000.csv line 4: blank lp_id/.test(w),
      ),
    ).toBe(true);
    const later = lpSource(files);
    const c = ctx(blobs, 1e9, clock);
    const expected = districtDailyFacts(
      importAll(new MemoryFiles(fixtureFiles())),
    );
    for (const d of plan) {
      const out = later.ingestDay(c, d, null);
      expect(out.done).toBe(true);
      if (out.done)
        expect(out.value.facts).toEqual(expected.filter(f => f.date === d));
    }
    expect(later.schools(c).map(s => s.id)).toEqual([
      '1000',
      '2000',
      '3000',
      '4000',
      '5000',
      '9000',
    ]);
    // A finished import is not read again.
    const reads = files.reads;
    expect(lpSource(files).prepare(c, plan, null).done).toBe(true);
    expect(files.reads).toBe(reads);
  });
});

describe('files in the published format the importer has not seen: the demo district', () => {
  const demo = createDemoDistrict({
    schools: 6,
    days: 120,
    start: '2024-09-02',
    seed: 11,
  });
  let dir: string;
  let files: Record<string, string>;
  beforeAll(() => {
    files = demo.learnPlatformCsv({bom: true, crlf: true}).files;
    dir = mkdtempSync(join(tmpdir(), 'lp-demo-'));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), {recursive: true});
      writeFileSync(join(dir, name), text);
    }
  });
  afterAll(() => rmSync(dir, {recursive: true, force: true}));

  it('imports every row, counts the quirks, loses nothing else', () => {
    const ds = importAll(new LearnPlatformDirectory(dir));
    const engagement = Object.keys(files).filter(n =>
      /engagement_data\//.test(n),
    );
    expect(ds.stats.filesDone).toBe(engagement.length);
    const dataLines = engagement.reduce(
      (s, n) => s + files[n].split(/\r\n/).filter(l => l !== '').length - 1,
      0,
    );
    expect(ds.stats.rowsRead).toBe(dataLines);
    const skipped = ds.warningCounts
      .filter(
        w =>
          ['bad-date', 'duplicate-row'].includes(w.code) &&
          w.file.startsWith('engagement_data/'),
      )
      .reduce((s, w) => s + w.count, 0);
    expect(ds.stats.rowsImported).toBe(dataLines - skipped);
    expect(ds.districts.length).toBe(engagement.length);
    expect(ds.products.length).toBeGreaterThan(5);
    // Every district is in New York; locales City or Suburb.
    expect(new Set(ds.districts.map(d => d.stateCode))).toEqual(
      new Set(['NY']),
    );
    const res = analyseEquity(ds, {minDistricts: 1});
    expect(res.states.map(s => s.region)).toEqual(['US-NY']);
    expect(res.topProductsByEngagement.length).toBeGreaterThan(0);
    expect(
      res.series.find(s => s.group === 'all:all')!.points.length,
    ).toBeGreaterThan(100);
  });
});
