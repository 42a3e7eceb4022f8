/**
 * The main job (Apps Script layer): ingest, then analyse and write, then alert.
 *
 * A run may span several executions. Its state is one small JSON value in the document
 * properties; each execution takes the script lock (so two never overlap), first makes
 * sure a continuation trigger exists (so a run killed at the 6-minute limit still
 * resumes), works until its budget is spent, and removes the continuation trigger once
 * the run is finished.
 *
 * As an Editor add-on there are no continuation triggers (an add-on has one time-driven
 * trigger per document): the stored state is the continuation, and the next hourly tick
 * (runScheduledTick) resumes it. The entry point tells the mode: only the add-on's hourly
 * handler and its sidebar start call run with `via`, so a bound script's executions make no
 * extra service call to find out.
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
import {
  HANDLERS,
  MAX_TRIGGERS,
  hasHourlyTrigger,
  NIGHTLY_HOUR,
  SCHEDULE_KEY,
  WEEKLY_DAY,
  WEEKLY_HOUR,
} from '../platform/triggers';
import {
  dueJob,
  type LocalTime,
  type ScheduleMarks,
  type TickJob,
} from './schedule';
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
  /** Run by the add-on's hourly schedule: no continuation triggers. */
  addOn?: boolean;
}

/** How an add-on execution began: an hourly tick (and what it ran) or the sidebar. */
type Via = {tick: TickJob} | {sidebar: true};

export interface ExecutionResult {
  /** For an hourly tick: what it ran (null: nothing was due). */
  ran?: TickJob | null;
  runId: string;
  phase: Phase;
  finished: boolean;
  executions: number;
  message: string;
}

const JOB_KEY = 'classroomPulse.job';
/** Minutes after which a continuation trigger resumes a run that stopped early or was killed. */
const CONTINUE_AFTER_MS = 2 * 60 * 1000;
/** An add-on's paused run resumes by the next hourly tick (Apps Script's jitter included). */
const NEXT_TICK_MS = 75 * 60 * 1000;
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

function logRun(s: JobState, status: string, via?: Via): void {
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
      viaLabel(via) +
      `Execution ${s.executions}: ${formatCalls(mine) || 'no service calls'}; ` +
      `${rows} row(s) written.`,
    message: s.message,
  });
}

const TICK_LABELS: Record<TickJob, string> = {
  nightly: 'nightly ingest',
  weekly: 'weekly analysis',
  manual: 'run asked for from the sidebar',
  continuation: 'continuation of the paused run',
};

/** Names the add-on execution's origin in the Run log: which job an hourly tick ran. */
function viaLabel(via?: Via): string {
  if (!via) return '';
  if ('tick' in via) return `Hourly tick ran the ${TICK_LABELS[via.tick]}. `;
  return 'Started from the sidebar. ';
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

/** What an execution that found the job's lock taken returns. */
function steppedAside(): ExecutionResult {
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

function execute(trigger: JobTrigger | null): ExecutionResult {
  const begun = Date.now();
  const lock = LockService.getScriptLock();
  if (!lock.tryLock(10 * 1000)) return steppedAside();
  try {
    return executeLocked(trigger, begun);
  } finally {
    lock.releaseLock();
  }
}

/**
 * The add-on's hourly handler: under the job's lock (so ticks never overlap each other or a
 * run), decides what is due (src/pipeline/schedule.ts), records the slot as dispatched and
 * runs it. A tick that finds nothing due returns without writing anything.
 */
export function runScheduledTick(): ExecutionResult {
  const begun = Date.now();
  const lock = LockService.getScriptLock();
  // Not marked: the next tick tries again.
  if (!lock.tryLock(10 * 1000)) return {...steppedAside(), ran: null};
  try {
    const settings = loadSettings();
    const marks = readMarks();
    const now = localTime(new Date(), settings.timeZone);
    const installed = marks.installed ? Date.parse(marks.installed) : NaN;
    const since = Number.isNaN(installed)
      ? now
      : localTime(new Date(installed), settings.timeZone);
    const due = dueJob(now, since, marks, readJobState() !== null, {
      nightlyHour: NIGHTLY_HOUR,
      weeklyHour: WEEKLY_HOUR,
      weeklyDay: WEEKLY_DAY,
    });
    if (due.job === null) {
      return {
        ran: null,
        runId: '',
        phase: 'done',
        finished: true,
        executions: 0,
        message: 'Nothing due.',
      };
    }
    props().setProperty(SCHEDULE_KEY, JSON.stringify(due.marks));
    const trigger = due.job === 'continuation' ? null : due.job;
    return {
      ...executeLocked(trigger, begun, {tick: due.job}),
      ran: due.job,
    };
  } finally {
    lock.releaseLock();
  }
}

/**
 * The add-on's "run now": the sidebar calls this right after runNow queued the run (an
 * add-on cannot add a one-off trigger). If an hourly tick already started it, this only
 * reports on it.
 */
export function startQueuedRun(): ExecutionResult {
  const begun = Date.now();
  const lock = LockService.getScriptLock();
  if (!lock.tryLock(10 * 1000)) return steppedAside();
  try {
    const marks = readMarks();
    // A tick started it already (or it was never asked for).
    if (!marks.manualRequested) {
      return {...steppedAside(), message: 'The run has already started.'};
    }
    delete marks.manualRequested;
    props().setProperty(SCHEDULE_KEY, JSON.stringify(marks));
    return executeLocked('manual', begun, {sidebar: true});
  } finally {
    lock.releaseLock();
  }
}

function readMarks(): ScheduleMarks {
  const raw = props().getProperty(SCHEDULE_KEY);
  if (!raw) return {};
  try {
    return JSON.parse(raw) as ScheduleMarks;
  } catch {
    // A hand-edited value: slots count from this tick.
    return {};
  }
}

function localTime(d: Date, tz: string): LocalTime {
  return {
    day: Utilities.formatDate(d, tz, 'yyyy-MM-dd'),
    hour: Number(Utilities.formatDate(d, tz, 'H')),
  };
}

function executeLocked(
  trigger: JobTrigger | null,
  begun: number,
  via?: Via,
): ExecutionResult {
  let state: JobState | null = null;
  try {
    const settings = loadSettings();
    const deadline = begun + settings.budgetSeconds * 1000 - SAFETY_MS;
    state = readJobState();
    if (!state) {
      if (trigger === null) {
        // A stray continuation with nothing to continue.
        if (!via) removeContinuations();
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
    if (via) state.addOn = true;
    resetExecutionCalls();
    current = {calls: state.calls ?? {}, rows: state.rowsWritten};
    if (!state.addOn) ensureContinuation();
    state.executions++;
    saveJobState(state);
    reportProgress({
      executions: state.executions,
      phase: state.phase,
      ...(state.addOn ? {resumesBy: undefined} : {}),
    });
    logRun(state, 'running', via);
    runPhases(state, settings, begun, deadline);
    if (state.phase === 'done') {
      if (!state.addOn) removeContinuations();
      props().deleteProperty(JOB_KEY);
      logRun(state, 'ok', via);
      finishProgress(true, state.message || 'Run finished.');
      return result(state, true);
    }
    saveJobState(state);
    logRun(state, 'running', via);
    reportProgress(
      !state.addOn
        ? {message: `Paused in ${state.phase}; resumes shortly.`}
        : hasHourlyTrigger()
          ? {
              message: `Paused in ${state.phase}; resumes at the next hourly run.`,
              resumesBy: new Date(Date.now() + NEXT_TICK_MS).toISOString(),
            }
          : {
              // Without the schedule nothing would resume it: say how to.
              message: `Paused in ${state.phase}; it resumes once runs are scheduled (Runs, Schedule nightly runs).`,
            },
    );
    return result(state, false);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (state) {
      state.message = message;
      props().deleteProperty(JOB_KEY);
      logRun(state, 'failed', via);
    }
    if (!via) removeContinuations();
    finishProgress(false, message);
    throw e;
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
