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
  type DuckDbBigQueryOptions,
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
import type {
  BlobStore,
  Budget,
  DayOutput,
  Source,
  SourceContext,
} from '../../src/sources/source';
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
  budget: Budget = {remaining: () => 1e12, allows: () => true},
  warnings: string[] = [],
): SourceContext {
  return {
    settings,
    now: rt.clock.now(),
    clock: () => rt.clock.now(),
    budget,
    zone: new ZoneClock(intlOffset(settings.timeZone)),
    keys: new Pseudonymizer(m =>
      createHmac('sha256', 'test-secret-0123456789abcdef').update(m).digest(),
    ),
    quality: new QualityLog(),
    blobs,
    warn: m => warnings.push(m),
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

/** Every day's output through one source; `newContext` starts each execution. */
export function ingestOutputs(
  rt: OfflineRuntime,
  source: Source,
  settings: Settings,
  days: string[],
  newContext: () => SourceContext = () => context(rt, settings),
): Map<string, DayOutput> {
  const out = new Map<string, DayOutput>();
  const restore = installGlobals(rt);
  try {
    let ctx = newContext();
    let prep = source.prepare(ctx, days, null);
    for (let k = 0; !prep.done; k++) {
      if (k > 10000) throw new Error('prepare makes no progress');
      ctx = newContext();
      prep = source.prepare(ctx, days, prep.resume);
    }
    for (const d of days) {
      let step = source.ingestDay(ctx, d, null);
      for (let k = 0; !step.done; k++) {
        if (k > 10000) throw new Error(`${d} makes no progress`);
        ctx = newContext();
        step = source.ingestDay(ctx, d, step.resume);
      }
      out.set(d, step.value);
    }
  } finally {
    restore();
  }
  return out;
}

/** Every fact of the days, through one source, in one long execution. */
export function ingest(
  rt: OfflineRuntime,
  source: Source,
  settings: Settings,
  days: string[],
): Map<string, DailyFact[]> {
  const blobs = new MemoryBlobs();
  const outs = ingestOutputs(rt, source, settings, days, () =>
    context(rt, settings, blobs),
  );
  return new Map([...outs].map(([d, o]) => [d, o.facts]));
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
  backendOptions: Partial<DuckDbBigQueryOptions> = {},
): Pair {
  const backend = new DuckDbBigQuery(
    exportRowsFromWorkspace(data, exportOptions),
    {
      projectId: PROJECT,
      datasetId: DATASET,
      ...backendOptions,
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
