/**
 * Runs the API source and the BigQuery source over the same district on the offline
 * runtime: the API source against the fake Reports/Directory services, the BigQuery
 * source against DuckDB loaded with the district's events in the export's layout.
 */
import {createHmac} from 'node:crypto';
import {defaultSettings} from '../../src/core/settings';
import {Pseudonymizer} from '../../src/core/privacy';
import type {DailyFact, Settings} from '../../src/core/types';
import {QualityLog} from '../../src/clean/quality';
import {ZoneClock} from '../../src/clean/timezone';
import {
  DuckDbBigQuery,
  exportRowsFromWorkspace,
  type ExportOptions,
} from '../../src/offline/bigquery-duckdb';
import {
  createOfflineRuntime,
  type OfflineRuntime,
} from '../../src/offline/runtime';
import type {WorkspaceData} from '../../src/offline/workspace-data';
import {ApiSource} from '../../src/sources/api/source';
import {appsScriptServices} from '../../src/sources/api/services';
import {
  BigQuerySource,
  type BigQuerySourceOptions,
} from '../../src/sources/bigquery/source';
import {appsScriptBigQuery} from '../../src/sources/bigquery/client';
import type {BlobStore, Source, SourceContext} from '../../src/sources/source';
import {intlOffset} from '../clean/zone-helper';

export const PROJECT = 'pulse-analytics-test';
export const DATASET = 'workspace_logs';

export class MemoryBlobs implements BlobStore {
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
  keys(prefix: string) {
    return [...this.map.keys()].filter(k => k.startsWith(prefix)).sort();
  }
}

export function testSettings(
  tz: string,
  over: Partial<Settings> = {},
): Settings {
  return {
    ...defaultSettings(tz),
    bigQueryProject: PROJECT,
    bigQueryDataset: DATASET,
    ...over,
  };
}

export function context(
  rt: OfflineRuntime,
  settings: Settings,
  blobs = new MemoryBlobs(),
): SourceContext {
  return {
    settings,
    now: rt.clock.now(),
    clock: () => rt.clock.now(),
    budget: {remaining: () => 1e12, allows: () => true},
    zone: new ZoneClock(intlOffset(settings.timeZone)),
    keys: new Pseudonymizer(m =>
      createHmac('sha256', 'test-secret-0123456789abcdef').update(m).digest(),
    ),
    quality: new QualityLog(),
    blobs,
    warn: () => {},
    sleep: ms => rt.clock.advance(ms),
    random: () => 0.5,
  };
}

/** Makes the runtime's services the globals the sources read (as in Apps Script). */
export function installGlobals(rt: OfflineRuntime): () => void {
  const names = ['AdminReports', 'AdminDirectory', 'Classroom', 'BigQuery'];
  const g = globalThis as Record<string, unknown>;
  const saved = names.map(n => g[n]);
  for (const n of names) g[n] = rt.globals[n];
  return () => names.forEach((n, i) => (g[n] = saved[i]));
}

/** Every fact of the days, through one source, in one long execution. */
export function ingest(
  rt: OfflineRuntime,
  source: Source,
  settings: Settings,
  days: string[],
  blobs = new MemoryBlobs(),
): Map<string, DailyFact[]> {
  const out = new Map<string, DailyFact[]>();
  const restore = installGlobals(rt);
  try {
    const ctx = context(rt, settings, blobs);
    let prep = source.prepare(ctx, days, null);
    while (!prep.done) prep = source.prepare(ctx, days, prep.resume);
    for (const d of days) {
      let step = source.ingestDay(ctx, d, null);
      while (!step.done) step = source.ingestDay(ctx, d, step.resume);
      out.set(d, step.value.facts);
    }
  } finally {
    restore();
  }
  return out;
}

export interface Pair {
  rt: OfflineRuntime;
  backend: DuckDbBigQuery;
  api: ApiSource;
  bq: BigQuerySource;
}

export function makePair(
  data: WorkspaceData,
  now: number,
  exportOptions: ExportOptions,
  options: Partial<BigQuerySourceOptions> = {},
): Pair {
  const backend = new DuckDbBigQuery(
    exportRowsFromWorkspace(data, exportOptions),
    {
      projectId: PROJECT,
      datasetId: DATASET,
    },
  );
  const rt = createOfflineRuntime({
    data,
    bigQuery: backend,
    startTime: now,
    timeZone: data.timeZone,
    executionLimitMs: 1e12,
    costs: {cpuFactor: 0},
  });
  const restore = installGlobals(rt);
  try {
    return {
      rt,
      backend,
      api: new ApiSource(appsScriptServices()),
      bq: new BigQuerySource(
        appsScriptBigQuery(),
        appsScriptServices(),
        options,
      ),
    };
  } finally {
    restore();
  }
}
