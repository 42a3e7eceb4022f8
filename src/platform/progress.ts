/**
 * Live progress of the job, shared between the executions of a run and the sidebar that
 * polls it. One small JSON value in the document properties: it survives the end of an
 * execution (a continuation picks it up) and every user of the spreadsheet sees the same run.
 */
import type {Progress} from './types';

export const PROGRESS_KEY = 'classroomPulse.progress';
/** A run whose progress has not moved for this long is reported as stalled, not running. */
export const STALE_AFTER_MS = 15 * 60 * 1000;

export function idleProgress(): Progress {
  return {
    running: false,
    runId: '',
    trigger: '',
    phase: '',
    done: 0,
    total: 0,
    pct: null,
    message: '',
    executions: 0,
    started: '',
    updated: '',
    error: '',
  };
}

function isoNow(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function props(): GoogleAppsScript.Properties.Properties {
  return PropertiesService.getDocumentProperties();
}

/** The stored progress; a run that stopped updating is reported as stalled. */
export function readProgress(): Progress {
  const raw = props().getProperty(PROGRESS_KEY);
  if (!raw) return idleProgress();
  let p: Progress;
  try {
    p = {...idleProgress(), ...(JSON.parse(raw) as Partial<Progress>)};
  } catch {
    return idleProgress();
  }
  if (p.running && p.updated) {
    // A run paused until the add-on's next hourly tick is quiet until then.
    const since = Math.max(
      Date.parse(p.updated),
      p.resumesBy ? Date.parse(p.resumesBy) : 0,
    );
    const age = Date.now() - since;
    if (age > STALE_AFTER_MS) {
      p.running = false;
      p.error =
        p.error ||
        `The run stopped reporting progress at ${p.updated} during "${p.phase}"; it resumes at the next scheduled run.`;
    }
  }
  return p;
}

/**
 * Records progress (merged over what is stored). The job calls this as it moves through
 * its phases; `pct` is derived from done/total when not given.
 */
export function reportProgress(update: Partial<Progress>): Progress {
  const p: Progress = {...readProgress(), ...update, updated: isoNow()};
  if (update.pct === undefined && update.total !== undefined) {
    p.pct =
      p.total > 0 ? Math.min(100, Math.round((p.done / p.total) * 100)) : null;
  }
  props().setProperty(PROGRESS_KEY, JSON.stringify(p));
  return p;
}

/** Marks the start of a run. */
export function startProgress(runId: string, trigger: string): Progress {
  const p: Progress = {
    ...idleProgress(),
    running: true,
    runId,
    trigger,
    phase: 'starting',
    message: 'Starting',
    executions: 1,
    started: isoNow(),
    updated: isoNow(),
  };
  props().setProperty(PROGRESS_KEY, JSON.stringify(p));
  return p;
}

/** Marks the end of a run, with its error if it failed. */
export function finishProgress(ok: boolean, message: string): Progress {
  return reportProgress({
    running: false,
    phase: ok ? 'done' : 'failed',
    pct: ok ? 100 : null,
    message,
    error: ok ? '' : message,
  });
}
