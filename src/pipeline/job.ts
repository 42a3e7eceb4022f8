/**
 * The main job (Apps Script layer): ingest, then analyse and write, then alert.
 *
 * A run may span several executions. Its state is one small JSON value in the document
 * properties; each execution takes the script lock (so two never overlap), first makes
 * sure a continuation trigger exists (so a run killed at the 6-minute limit still
 * resumes), works until its budget is spent, and removes the continuation trigger once
 * the run is finished.
 */
import type {Settings} from '../core/types';
import {upsertRunLog} from '../sheets/outputs';
import {sendAnomalyDigest} from './alerts';
import {
  finishProgress,
  readProgress,
  reportProgress,
  startProgress,
} from '../platform/progress';
import {loadSettings} from '../platform/settings';
import {HANDLERS, MAX_TRIGGERS} from '../platform/triggers';
import {analyseAndWrite, estimateAnalysisMs} from './analyse';
import '../sources';
import {runIngestPhase} from './ingest';
import {
  addCalls,
  executionCalls,
  formatCalls,
  resetExecutionCalls,
  totalCalls,
} from '../sources/tally';

export type JobTrigger = 'manual' | 'nightly' | 'weekly';
type Phase = 'ingest' | 'analyse' | 'alert' | 'done';

export interface JobState {
  runId: string;
  trigger: JobTrigger;
  phase: Phase;
  /**
   * Analyse in this run (weekly and manual runs). Nightly runs only ingest: reading and
   * rewriting every tab each night costs a large district most of its trigger budget,
   * while the weekly run (Tuesday, after Monday's data) refreshes every analysis.
   */
  analyse: boolean;
  started: string;
  executions: number;
  daysProcessed: number;
  /** Rows written: fact rows by the ingest phase, tab rows by the analysis. */
  rowsWritten: number;
  /** Google service calls of the run's executions so far, by service. */
  calls?: Record<string, number>;
  message: string;
}

export interface ExecutionResult {
  runId: string;
  phase: Phase;
  finished: boolean;
  executions: number;
  message: string;
}

const JOB_KEY = 'classroomPulse.job';
/** Minutes after which a continuation trigger resumes a run that stopped early or was killed. */
const CONTINUE_AFTER_MS = 2 * 60 * 1000;
/** Time kept back at the end of an execution for saving state and the run log. */
const SAFETY_MS = 15 * 1000;

function props(): GoogleAppsScript.Properties.Properties {
  return PropertiesService.getDocumentProperties();
}

function isoNow(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function readJobState(): JobState | null {
  const raw = props().getProperty(JOB_KEY);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as JobState;
  } catch {
    // A hand-edited or truncated value: start afresh rather than fail every night.
    props().deleteProperty(JOB_KEY);
    return null;
  }
}

function saveJobState(s: JobState): void {
  tally(s);
  props().setProperty(JOB_KEY, JSON.stringify(s));
}

function newState(trigger: JobTrigger): JobState {
  return {
    runId: `${isoNow().replace(/[-:]/g, '').slice(0, 15)}-${trigger}`,
    trigger,
    phase: 'ingest',
    analyse: trigger !== 'nightly',
    started: isoNow(),
    executions: 0,
    daysProcessed: 0,
    rowsWritten: 0,
    message: '',
  };
}

function continuationTriggers(): GoogleAppsScript.Script.Trigger[] {
  return ScriptApp.getProjectTriggers().filter(
    t => t.getHandlerFunction() === HANDLERS.continuation,
  );
}

/** One pending continuation at most: a fired one-off trigger is deleted before a new one. */
function ensureContinuation(): void {
  for (const t of continuationTriggers()) ScriptApp.deleteTrigger(t);
  if (ScriptApp.getProjectTriggers().length >= MAX_TRIGGERS) {
    throw new Error(
      `Cannot schedule the continuation of this run: the script already has ${MAX_TRIGGERS} triggers.`,
    );
  }
  ScriptApp.newTrigger(HANDLERS.continuation)
    .timeBased()
    .after(CONTINUE_AFTER_MS)
    .create();
}

function removeContinuations(): void {
  for (const t of continuationTriggers()) ScriptApp.deleteTrigger(t);
}

/** Deletes one-off "run now" triggers that have fired, so they never pile up. */
function removeFiredRunNow(): void {
  for (const t of ScriptApp.getProjectTriggers()) {
    if (t.getHandlerFunction() === HANDLERS.now) ScriptApp.deleteTrigger(t);
  }
}

/** Where this execution started: the run's calls and rows before it. */
interface ExecutionStart {
  calls: Record<string, number>;
  rows: number;
}

/** The running execution's start (one execution per script load). */
let current: ExecutionStart | null = null;

/** Folds this execution's calls into the run's (before every save and log). */
function tally(s: JobState): void {
  if (current) s.calls = addCalls(current.calls, executionCalls());
}

function logRun(s: JobState, status: string): void {
  tally(s);
  const ex = current ?? {calls: {}, rows: 0};
  const calls = s.calls ?? {};
  const mine = executionCalls();
  const rows = s.rowsWritten - ex.rows;
  upsertRunLog({
    runId: s.runId,
    trigger: s.trigger,
    started: s.started,
    finished: status === 'running' ? '' : isoNow(),
    status,
    phase: s.phase,
    executions: s.executions,
    daysProcessed: s.daysProcessed,
    rowsWritten: s.rowsWritten,
    serviceCalls: totalCalls(calls),
    callsByService: formatCalls(calls),
    lastExecution:
      `Execution ${s.executions}: ${formatCalls(mine) || 'no service calls'}; ` +
      `${rows} row(s) written.`,
    message: s.message,
  });
}

/**
 * Starts a run (or, when one is unfinished, continues it: a nightly trigger that finds a
 * run still going lets it finish instead of starting a second one).
 */
export function startRun(trigger: JobTrigger): ExecutionResult {
  if (trigger === 'manual') removeFiredRunNow();
  return execute(trigger);
}

/** The continuation trigger's handler. */
export function continueRun(): ExecutionResult {
  return execute(null);
}

function execute(trigger: JobTrigger | null): ExecutionResult {
  const begun = Date.now();
  const lock = LockService.getScriptLock();
  if (!lock.tryLock(10 * 1000)) {
    // Another execution of the job holds the lock; it will carry on the work.
    const p = readProgress();
    return {
      runId: p.runId,
      phase: (p.phase as Phase) || 'ingest',
      finished: false,
      executions: p.executions,
      message: 'Another execution is running; this one stepped aside.',
    };
  }
  let state: JobState | null = null;
  try {
    const settings = loadSettings();
    const deadline = begun + settings.budgetSeconds * 1000 - SAFETY_MS;
    state = readJobState();
    if (!state) {
      if (trigger === null) {
        // A stray continuation with nothing to continue.
        removeContinuations();
        return {
          runId: '',
          phase: 'done',
          finished: true,
          executions: 0,
          message: 'Nothing to continue.',
        };
      }
      state = newState(trigger);
      startProgress(state.runId, trigger);
    } else if (trigger === 'weekly' || trigger === 'manual') {
      // An analysis asked for while a nightly run is unfinished joins that run.
      state.analyse = true;
    }
    resetExecutionCalls();
    current = {calls: state.calls ?? {}, rows: state.rowsWritten};
    ensureContinuation();
    state.executions++;
    saveJobState(state);
    reportProgress({executions: state.executions, phase: state.phase});
    logRun(state, 'running');
    runPhases(state, settings, begun, deadline);
    if (state.phase === 'done') {
      removeContinuations();
      props().deleteProperty(JOB_KEY);
      logRun(state, 'ok');
      finishProgress(true, state.message || 'Run finished.');
      return result(state, true);
    }
    saveJobState(state);
    logRun(state, 'running');
    reportProgress({message: `Paused in ${state.phase}; resumes shortly.`});
    return result(state, false);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (state) {
      state.message = message;
      props().deleteProperty(JOB_KEY);
      logRun(state, 'failed');
    }
    removeContinuations();
    finishProgress(false, message);
    throw e;
  } finally {
    lock.releaseLock();
  }
}

function result(s: JobState, finished: boolean): ExecutionResult {
  return {
    runId: s.runId,
    phase: s.phase,
    finished,
    executions: s.executions,
    message: s.message,
  };
}

function runPhases(
  state: JobState,
  settings: Settings,
  begun: number,
  deadline: number,
): void {
  while (state.phase !== 'done') {
    if (Date.now() >= deadline) return;
    if (state.phase === 'ingest') {
      reportProgress({phase: 'ingest', message: 'Fetching activity'});
      const r = runIngestPhase({settings, deadline});
      state.daysProcessed += r.daysWritten.length;
      state.rowsWritten += r.rowsWritten;
      if (!r.done) return;
      state.phase = state.analyse ? 'analyse' : 'done';
      if (!state.analyse)
        state.message = `Ingested ${state.daysProcessed} day(s).`;
      saveJobState(state);
    } else if (state.phase === 'analyse') {
      // Analysis and writing happen in one execution, so results never wait in storage;
      // start them only when the remaining budget can hold them.
      const needed = estimateAnalysisMs();
      const fresh = Date.now() - begun < 30 * 1000;
      if (deadline - Date.now() < needed && !fresh) return;
      reportProgress({phase: 'analyse', message: 'Analysing'});
      const r = analyseAndWrite(settings);
      state.rowsWritten += r.rowsWritten;
      state.message = r.summary;
      state.phase = 'alert';
      saveJobState(state);
    } else if (state.phase === 'alert') {
      reportProgress({phase: 'alert', message: 'Sending alerts'});
      sendAnomalyDigest();
      state.phase = 'done';
    }
  }
}
