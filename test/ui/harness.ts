/**
 * An offline runtime holding the fixture district's output tabs, and the real bundle to
 * call the sidebar's server functions on, as Apps Script would.
 */
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import type * as vm from 'node:vm';
import {
  createOfflineRuntime,
  type OfflineRuntime,
  type OfflineRuntimeOptions,
} from '../../src/offline/runtime';
import {appendRunLog, writeOutputs} from '../../src/sheets/outputs';
import {SCHOOLS, district, isoWeek} from './fixtures';

export const BUNDLE = join(__dirname, '../../dist/Code.js');

export function bundle(): string {
  if (!existsSync(BUNDLE)) {
    throw new Error('dist/Code.js is missing: run `npm run build` first');
  }
  return readFileSync(BUNDLE, 'utf8');
}

/** Runs host code (imported modules) as one execution, with the runtime's globals installed. */
export function inRuntime<T>(rt: OfflineRuntime, fn: () => T): T {
  const g = globalThis as Record<string, unknown>;
  const saved = new Map<string, unknown>();
  for (const k of Object.keys(rt.globals)) {
    if (k === 'Date') continue;
    saved.set(k, g[k]);
    g[k] = rt.globals[k];
  }
  let value: T | undefined;
  try {
    const r = rt.run(() => {
      value = fn();
    });
    if (!r.ok) throw r.error?.value ?? new Error(r.error?.message);
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete g[k];
      else g[k] = v;
    }
  }
  return value as T;
}

export interface Harness {
  rt: OfflineRuntime;
  code: vm.Script;
  data: ReturnType<typeof district>;
  /** Calls a bundle entry point; returns its result or throws its error. */
  call<T = unknown>(fn: string, ...args: unknown[]): T;
}

export function harness(
  opts: OfflineRuntimeOptions & {empty?: boolean} = {},
): Harness {
  const rt = createOfflineRuntime({costs: {cpuFactor: 0}, ...opts});
  const code = rt.compile(bundle(), 'Code.js');
  const data = district();
  if (!opts.empty) {
    inRuntime(rt, () => {
      writeOutputs(
        {
          ...data,
          incidentContext: {
            schools: SCHOOLS.length,
            lastDay: '2025-02-28',
            names: new Map(SCHOOLS.map(s => [s.id, s.name])),
          },
        },
        {now: '2025-03-03T10:00:00Z', isoWeekOf: isoWeek},
      );
      for (const r of data.runs) appendRunLog(r);
    });
  }
  const call = <T>(fn: string, ...args: unknown[]): T => {
    const r = rt.execute(code, fn, args);
    if (!r.ok) {
      const e = new Error(r.error?.message ?? 'failed');
      e.name = r.error?.name ?? 'Error';
      throw e;
    }
    return r.result as T;
  };
  return {rt, code, data, call};
}
