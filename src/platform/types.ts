/**
 * What the platform layer reports to both the pipeline and the sidebar: the progress of a
 * run and the state of its triggers. Plain data, as google.script.run passes it.
 */
export interface Progress {
  running: boolean;
  runId: string;
  trigger: string;
  phase: string;
  /** Units done and total in the current phase (days, schools); total 0 when unknown. */
  done: number;
  total: number;
  /** 0-100 over the whole run, or null when unknown. */
  pct: number | null;
  message: string;
  executions: number;
  started: string;
  updated: string;
  /** The last run's error, readable. */
  error: string;
}

export interface TriggerState {
  nightly: boolean;
  weekly: boolean;
  /** Hour (0-23, district time) of the nightly run. */
  hour: number;
  timeZone: string;
  /** Continuation triggers waiting to resume a long run. */
  continuations: number;
}
