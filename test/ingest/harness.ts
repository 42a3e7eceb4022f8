/** Runs the ingest phase in the offline runtime, one simulated execution at a time. */
import {defaultSettings} from '../../src/core/settings';
import type {Settings} from '../../src/core/types';
import {
  createOfflineRuntime,
  type FaultPlan,
  type OfflineRuntime,
  type OfflineRuntimeOptions,
} from '../../src/offline/runtime';
import type {WorkspaceData} from '../../src/offline/workspace-data';
import {
  runIngestPhase,
  type IngestPhaseResult,
} from '../../src/pipeline/ingest';

export const START = Date.UTC(2025, 2, 3, 14, 0, 0);

const installed: string[] = [];

/** A runtime whose Apps Script globals are visible to the TypeScript under test. */
export function runtimeFor(
  data: WorkspaceData,
  opts: {
    faults?: FaultPlan;
    startTime?: number;
    apiLimits?: OfflineRuntimeOptions['apiLimits'];
  } = {},
): OfflineRuntime {
  const rt = createOfflineRuntime({
    apiLimits: opts.apiLimits,
    data,
    startTime: opts.startTime ?? START,
    timeZone: data.timeZone,
    faults: opts.faults,
    // Simulated time from service costs only: real CPU time varies with machine load and
    // would move budget stops between runs that must be compared cell for cell.
    costs: {cpuFactor: 0},
  });
  for (const [k, v] of Object.entries(rt.globals)) {
    if (k === 'console') continue;
    (globalThis as Record<string, unknown>)[k] = v;
    installed.push(k);
  }
  return rt;
}

export function uninstallGlobals(): void {
  for (const k of installed.splice(0))
    delete (globalThis as Record<string, unknown>)[k];
}

export function settingsFor(over: Partial<Settings> = {}): Settings {
  return {...defaultSettings('America/New_York'), ...over};
}

export interface IngestRun {
  executions: number;
  killed: number;
  timedOut: number;
  results: IngestPhaseResult[];
  errors: string[];
  simulatedMs: number;
}

/** Executions until the ingest phase reports done (or `max` executions). */
export function ingestUntilDone(
  rt: OfflineRuntime,
  settings: Settings,
  max = 500,
  runId?: string,
): IngestRun {
  const out: IngestRun = {
    executions: 0,
    killed: 0,
    timedOut: 0,
    results: [],
    errors: [],
    simulatedMs: 0,
  };
  for (let i = 0; i < max; i++) {
    const res = rt.run(
      () =>
        runIngestPhase({
          settings,
          deadline: Date.now() + settings.budgetSeconds * 1000,
          runId,
        }),
      {name: 'runIngest'},
    );
    out.executions++;
    out.simulatedMs += res.simulatedMs;
    if (res.killed) out.killed++;
    else if (res.timedOut) out.timedOut++;
    if (!res.ok) {
      if (!res.killed && !res.timedOut)
        out.errors.push(res.error?.stack ?? res.error?.message ?? '?');
      rt.clock.advance(60_000);
      continue;
    }
    const r = res.result as IngestPhaseResult;
    out.results.push(r);
    if (r.done) return out;
    // The continuation trigger fires a couple of minutes later.
    rt.clock.advance(120_000);
  }
  throw new Error(
    `ingest not done after ${max} executions: ${out.errors.slice(0, 3).join('\n')}`,
  );
}

export function tabValues(rt: OfflineRuntime, name: string): unknown[][] {
  const sh = rt.spreadsheet.getSheetByName(name);
  if (!sh) return [];
  const last = sh.getLastRow();
  const cols = sh.getLastColumn();
  if (last < 1 || cols < 1) return [];
  return sh.getRange(1, 1, last, cols).getValues();
}
