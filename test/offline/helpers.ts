import {
  createOfflineRuntime,
  type ExecutionResult,
  type OfflineRuntime,
  type OfflineRuntimeOptions,
} from '../../src/offline/runtime';

/** A runtime with deterministic timing (no CPU time on the clock). */
export function runtime(opts: OfflineRuntimeOptions = {}): OfflineRuntime {
  return createOfflineRuntime({...opts, costs: {cpuFactor: 0, ...opts.costs}});
}

/** Runs `body` as the body of a top-level function in one execution. */
export function run(
  rt: OfflineRuntime,
  body: string,
  args: unknown[] = [],
): ExecutionResult {
  return rt.execute(`function main(a, b, c) {\n${body}\n}`, 'main', args);
}

/** The result of an execution that must succeed. */
export function ok(r: ExecutionResult): unknown {
  if (!r.ok) {
    throw new Error(`execution failed: ${r.error?.name}: ${r.error?.message}`);
  }
  return r.result;
}
