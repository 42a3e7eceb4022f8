/**
 * The time-driven triggers the sidebar installs and removes, and "run now".
 *
 * Nightly ingest and analysis run at 05:00 in the district's time zone: days are cut at the
 * district's midnight and Google's activity reports for a day are mostly complete a few
 * hours later (late events are picked up when a day is re-fetched after it settles). The weekly forecast
 * refresh runs on Tuesday at 06:00, when Sunday's data has had more than a day to arrive.
 * Continuation triggers for runs longer than one execution are the job's own; they are
 * counted here and removed with the others.
 */
import {loadSettings} from './settings';
import {idleProgress, readProgress, reportProgress} from './progress';
import type {Progress, TriggerState} from './types';

/** Entry points in src/main.ts that the triggers call. */
export const HANDLERS = {
  nightly: 'runNightly',
  weekly: 'runWeeklyForecast',
  now: 'runJob',
  continuation: 'continueRun',
} as const;

export const NIGHTLY_HOUR = 5;
export const WEEKLY_HOUR = 6;
/** Apps Script allows 20 triggers per user per script. */
export const MAX_TRIGGERS = 20;

type Trigger = GoogleAppsScript.Script.Trigger;

function ours(): Trigger[] {
  const names = new Set<string>(Object.values(HANDLERS));
  return ScriptApp.getProjectTriggers().filter(t =>
    names.has(t.getHandlerFunction()),
  );
}

function byHandler(handler: string): Trigger[] {
  return ScriptApp.getProjectTriggers().filter(
    t => t.getHandlerFunction() === handler,
  );
}

export function getTriggerState(): TriggerState {
  const all = ScriptApp.getProjectTriggers().map(t => t.getHandlerFunction());
  return {
    nightly: all.includes(HANDLERS.nightly),
    weekly: all.includes(HANDLERS.weekly),
    hour: NIGHTLY_HOUR,
    timeZone: loadSettings().timeZone,
    continuations: all.filter(h => h === HANDLERS.continuation).length,
  };
}

/**
 * Installs the nightly and weekly triggers in the district's time zone, replacing any
 * earlier ones, so installing twice never leaves duplicates.
 */
export function installTriggers(): TriggerState {
  const tz = loadSettings().timeZone;
  for (const t of [
    ...byHandler(HANDLERS.nightly),
    ...byHandler(HANDLERS.weekly),
  ]) {
    ScriptApp.deleteTrigger(t);
  }
  const existing = ScriptApp.getProjectTriggers().length;
  if (existing + 2 > MAX_TRIGGERS) {
    throw new Error(
      `This script already has ${existing} triggers; Apps Script allows ${MAX_TRIGGERS}. Remove unused triggers and try again.`,
    );
  }
  ScriptApp.newTrigger(HANDLERS.nightly)
    .timeBased()
    .everyDays(1)
    .atHour(NIGHTLY_HOUR)
    .inTimezone(tz)
    .create();
  ScriptApp.newTrigger(HANDLERS.weekly)
    .timeBased()
    .onWeekDay(ScriptApp.WeekDay.TUESDAY)
    .atHour(WEEKLY_HOUR)
    .inTimezone(tz)
    .create();
  return getTriggerState();
}

/** Removes every trigger of Classroom Pulse (nightly, weekly, pending run and continuations). */
export function removeTriggers(): TriggerState {
  for (const t of ours()) ScriptApp.deleteTrigger(t);
  return getTriggerState();
}

/**
 * Starts the job now, in its own execution (a one-off trigger a second from now), so the
 * sidebar returns at once and can poll the progress. Refuses while a run is in progress.
 */
export function runNow(): Progress {
  const p = readProgress();
  if (p.running) {
    throw new Error(
      `A run is already in progress (${p.phase || 'starting'}, started ${p.started}). Wait for it to finish.`,
    );
  }
  for (const t of byHandler(HANDLERS.now)) ScriptApp.deleteTrigger(t);
  if (ScriptApp.getProjectTriggers().length >= MAX_TRIGGERS) {
    throw new Error(
      `This script already has ${MAX_TRIGGERS} triggers, the Apps Script limit; remove some to run now.`,
    );
  }
  ScriptApp.newTrigger(HANDLERS.now).timeBased().after(1000).create();
  return reportProgress({
    ...idleProgress(),
    running: true,
    trigger: 'manual',
    phase: 'queued',
    message: 'Queued: the run starts within a minute.',
    started: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  });
}
