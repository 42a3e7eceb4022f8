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
  /** A paused run resumes by then (ISO; the add-on's next hourly tick), if set. */
  resumesBy?: string;
}

export interface TriggerState {
  nightly: boolean;
  weekly: boolean;
  /** Hour (0-23, district time) of the nightly run. */
  hour: number;
  timeZone: string;
  /** Continuation triggers waiting to resume a long run (bound script). */
  continuations: number;
  /**
   * How the schedule runs: 'bound' (nightly, weekly and continuation triggers) or 'addon'
   * (one hourly trigger per document that dispatches what is due).
   */
  mode: 'bound' | 'addon';
  /** The add-on's hourly trigger is installed for this document. */
  hourly: boolean;
  /** A run is paused and resumes at the next hourly tick (add-on). */
  pausedRun: boolean;
}
