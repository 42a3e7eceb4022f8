/**
 * A local session on the offline runtime: the bundle loaded once, entry points called as
 * the admin would from the sidebar, due triggers fired until a run finishes, and the
 * runner's progress lines. Shared by the demo and the LearnPlatform runs.
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import type * as vm from 'node:vm';
import type {OfflineRuntime} from '../offline/runtime';

export class Progress {
  private readonly t0 = Date.now();
  private last = 0;
  constructor(private readonly quiet: boolean) {}
  line(text: string, force = false): void {
    if (this.quiet) return;
    const now = Date.now();
    if (!force && now - this.last < 250) return;
    this.last = now;
    const secs = ((now - this.t0) / 1000).toFixed(1).padStart(6);
    process.stderr.write(`[${secs}s] ${text}\n`);
  }
  elapsedMs(): number {
    return Date.now() - this.t0;
  }
}

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
