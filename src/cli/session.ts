/**
 * A local session on the offline runtime: the bundle loaded once, entry points called as
 * the admin would from the sidebar, due triggers fired until a run finishes, and the
 * runner's progress display (./progress). Shared by the demo and the LearnPlatform runs.
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import type * as vm from 'node:vm';
import type {OfflineRuntime} from '../offline/runtime';
import {Progress} from './progress';

export {Progress};

export interface Session {
  rt: OfflineRuntime;
  script: vm.Script;
  /** Runs an entry point as the admin would from the sidebar; throws its error. */
  call(fn: string, ...args: unknown[]): unknown;
}

export function openSession(rt: OfflineRuntime, distDir: string): Session {
  const code = readFileSync(join(distDir, 'Code.js'), 'utf8');
  const script = rt.compile(code, 'Code.js');
  return {
    rt,
    script,
    call(fn, ...args) {
      const r = rt.execute(script, fn, args);
      if (!r.ok) {
        throw new Error(`${fn} failed: ${r.error?.message ?? 'unknown error'}`);
      }
      return r.result;
    },
  };
}

/** Fires due triggers until the job reports no run in progress (or a cap is reached). */
export function drainRuns(s: Session, progress: Progress): void {
  for (let i = 0; i < 500; i++) {
    const p = s.call('getProgress') as {running: boolean; phase: string};
    if (!p.running && i > 0) return;
    s.rt.advanceTo(s.rt.clock.now() + 5 * 60 * 1000, s.script);
    progress.line(`finishing run: ${p.phase || 'queued'}`);
  }
}
