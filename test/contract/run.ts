/** Runs the built bundle's main job on a small demo district, checking every advanced-service call. */
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {defaultSettings} from '../../src/core/settings';
import {createDemoDistrict} from '../../src/demo';
import type {BigQueryBackend} from '../../src/offline/advanced';
import {createOfflineRuntime, type ApiCall} from '../../src/offline/runtime';
import type {WorkspaceData} from '../../src/offline/workspace-data';
import {ContractChecker, type Violation} from './contract';

const root = join(__dirname, '..', '..');

/** The built bundle (built once when missing or stale for BigQuery). */
export function bundle(): string {
  const path = join(root, 'dist', 'Code.js');
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    text = '';
  }
  if (!text.includes('BigQuerySource')) {
    execFileSync('node', [join(root, 'scripts/build.mjs')], {
      cwd: root,
      stdio: 'pipe',
    });
    text = readFileSync(path, 'utf8');
  }
  return text;
}

export const START = Date.UTC(2025, 2, 3, 14);
export const demo = createDemoDistrict({
  schools: 3,
  days: 200,
  start: '2024-08-19',
});

export interface CheckedRun {
  errors: string[];
  executions: number;
  calls: Record<string, number>;
  violations: Violation[];
  /** One response of each method, for tests of the checker itself. */
  samples: Map<string, ApiCall>;
}

export interface RunOptions {
  source?: 'api' | 'bigquery';
  data?: WorkspaceData;
  bigQuery?: BigQueryBackend;
  /** First day to ingest (before the 180-day activity log: usage reports fill it). */
  startDate?: string;
  /** Stop after this many executions. */
  maxExecutions?: number;
  extra?: Record<string, unknown>;
}

export function checkedRun(code: string, o: RunOptions = {}): CheckedRun {
  const checker = new ContractChecker();
  const violations: Violation[] = [];
  const samples = new Map<string, ApiCall>();
  const rt = createOfflineRuntime({
    data: o.data ?? demo.data,
    bigQuery: o.bigQuery,
    startTime: START,
    timeZone: demo.timeZone,
    costs: {cpuFactor: 0},
    observeApi: call => {
      violations.push(...checker.check(call));
      if (!('error' in call) && !samples.has(call.method))
        samples.set(call.method, structuredClone(call));
    },
  });
  const settings = {
    ...defaultSettings(demo.timeZone),
    ...demo.settingsHints,
    startDate: o.startDate ?? '2025-02-03',
    calendar: demo.calendar,
    budgetSeconds: 60,
    source: o.source ?? 'api',
    ...o.extra,
  };
  const saved = rt.execute(code, 'saveSettings', [settings]);
  if (!saved.ok) throw new Error(saved.error?.message);
  const errors: string[] = [];
  const first = rt.execute(code, 'runJob', []);
  if (!first.ok && !first.timedOut) errors.push(first.error?.message ?? '?');
  let executions = 1;
  const max = o.maxExecutions ?? 500;
  while (
    executions < max &&
    rt.triggers.some(t => t.handler === 'continueRun')
  ) {
    rt.clock.advance(180_000);
    for (const f of rt.fireDueTriggers(code)) {
      executions++;
      if (!f.result.ok && !f.result.timedOut)
        errors.push(f.result.error?.message ?? '?');
    }
  }
  return {errors, executions, calls: rt.calls.byName(), violations, samples};
}
