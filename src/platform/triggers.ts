/**
 * The time-driven triggers the sidebar installs and removes, and "run now".
 *
 * Nightly ingest and analysis run at 05:00 in the district's time zone: days are cut at the
 * district's midnight and Google's activity reports for a day are mostly complete a few
 * hours later (late events are picked up when a day is re-fetched after it settles). The weekly forecast
 * refresh runs on Tuesday at 06:00, when Sunday's data has had more than a day to arrive.
 * Continuation triggers for runs longer than one execution are the job's own; they are
 * counted here and removed with the others.
 *
 * As an Editor add-on the schedule is one hourly trigger per document instead. Apps Script
 * allows an add-on "only one trigger of each type, per user, per document"
 * (developers.google.com/workspace/add-ons/concepts/editor-triggers, Restrictions), and
 * "An add-on can use a time-driven trigger once per hour at most."
 * (developers.google.com/apps-script/guides/triggers/installable, Time-driven triggers).
 * The hourly handler (runScheduled) dispatches what is due: the nightly ingest, the weekly
 * analysis, a run asked for from the sidebar, or the next execution of a paused run
 * (src/pipeline/schedule.ts). The bound script keeps its separate triggers: a paused run
 * resumes two minutes later rather than up to an hour, and a day costs 2 trigger executions
 * instead of 24.
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
  hourly: 'runScheduled',
} as const;

export const NIGHTLY_HOUR = 5;
export const WEEKLY_HOUR = 6;
/** Tuesday (0 = Sunday), as ScriptApp.WeekDay.TUESDAY below. */
export const WEEKLY_DAY = 2;
/** Apps Script allows 20 triggers per user per script. */
export const MAX_TRIGGERS = 20;
/** The add-on's hourly tick runs near this minute past each hour. */
export const TICK_MINUTE = 15;

/**
 * Script property that overrides the detection below: 'addon' or 'bound'. For the add-on's
 * test deployments, whose installation source Apps Script may not report as an add-on.
 */
export const DEPLOYMENT_PROPERTY = 'classroomPulse.deployment';
/** Document property: the unique id of this document's hourly trigger (add-on). */
const HOURLY_KEY = 'classroomPulse.hourlyTrigger';
/** Document property: the schedule slots already dispatched (src/pipeline/schedule.ts). */
export const SCHEDULE_KEY = 'classroomPulse.schedule';

type Trigger = GoogleAppsScript.Script.Trigger;
export type Deployment = 'addon' | 'bound';

/**
 * How this execution's code is deployed. ScriptApp.getInstallationSource() is NONE when
 * "the script is not running as an add-on" (a bound script) and names the install otherwise
 * (an admin's domain install or a user's own); the DEPLOYMENT_PROPERTY script property, set
 * by the publisher in the add-on project's settings, overrides it.
 */
export function deployment(): Deployment {
  const forced =
    PropertiesService.getScriptProperties().getProperty(DEPLOYMENT_PROPERTY);
  if (forced === 'addon' || forced === 'bound') return forced;
  return ScriptApp.getInstallationSource() === ScriptApp.InstallationSource.NONE
    ? 'bound'
    : 'addon';
}

function docProps(): GoogleAppsScript.Properties.Properties {
  return PropertiesService.getDocumentProperties();
}

/** The add-on's hourly trigger is installed for this document by this user. */
export function hasHourlyTrigger(): boolean {
  return hourlyTrigger() !== undefined;
}

/** This document's hourly trigger among this user's (add-on), if it exists. */
function hourlyTrigger(): Trigger | undefined {
  const uid = docProps().getProperty(HOURLY_KEY);
  if (!uid) return undefined;
  return ScriptApp.getProjectTriggers().find(t => t.getUniqueId() === uid);
}

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
  const tz = loadSettings().timeZone;
  if (deployment() === 'addon') {
    const on = hourlyTrigger() !== undefined;
    return {
      nightly: on,
      weekly: on,
      hour: NIGHTLY_HOUR,
      timeZone: tz,
      continuations: 0,
      mode: 'addon',
      hourly: on,
      pausedRun: on && readProgress().running,
    };
  }
  const all = ScriptApp.getProjectTriggers().map(t => t.getHandlerFunction());
  return {
    nightly: all.includes(HANDLERS.nightly),
    weekly: all.includes(HANDLERS.weekly),
    hour: NIGHTLY_HOUR,
    timeZone: tz,
    continuations: all.filter(h => h === HANDLERS.continuation).length,
    mode: 'bound',
    hourly: false,
    pausedRun: false,
  };
}

/**
 * Installs the nightly and weekly triggers in the district's time zone, replacing any
 * earlier ones, so installing twice never leaves duplicates.
 */
export function installTriggers(): TriggerState {
  if (deployment() === 'addon') return installHourly();
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

/**
 * The add-on's schedule: this document's one hourly trigger, created once (installing again
 * keeps it). Slots are counted from the install, so the first nightly run is the next
 * 05:00, as with the bound script's triggers. Triggers of the bound schedule's handlers
 * (left by an older version, whose install Apps Script refused after the first) are removed
 * first: they would hold the document's one time-driven trigger.
 */
function installHourly(): TriggerState {
  if (!hourlyTrigger()) {
    for (const t of ours()) {
      if (t.getHandlerFunction() !== HANDLERS.hourly)
        ScriptApp.deleteTrigger(t);
    }
    const t = ScriptApp.newTrigger(HANDLERS.hourly)
      .timeBased()
      .everyHours(1)
      .nearMinute(TICK_MINUTE)
      .create();
    docProps().setProperty(HOURLY_KEY, t.getUniqueId());
    // The first tick counts slots from here (src/pipeline/schedule.ts).
    docProps().setProperty(
      SCHEDULE_KEY,
      JSON.stringify({installed: new Date().toISOString()}),
    );
  }
  return getTriggerState();
}

/** Removes every trigger of Classroom Pulse (nightly, weekly, pending run and continuations). */
export function removeTriggers(): TriggerState {
  const addon = deployment() === 'addon';
  if (addon) {
    const mine = hourlyTrigger();
    if (mine) ScriptApp.deleteTrigger(mine);
    docProps().deleteProperty(HOURLY_KEY);
  }
  for (const t of ours()) {
    // As an add-on, another document's hourly trigger may be listed too: leave it.
    if (!addon || t.getHandlerFunction() !== HANDLERS.hourly)
      ScriptApp.deleteTrigger(t);
  }
  return getTriggerState();
}

/** What "run now" answers: the queued run's progress. */
export interface QueuedRun extends Progress {
  /**
   * The sidebar starts the run itself (startQueuedRun, its own execution): an add-on cannot
   * add a one-off trigger beside its hourly one. If that call never comes, the next hourly
   * tick starts the run.
   */
  startHere: boolean;
}

/**
 * Starts the job now, in its own execution (a one-off trigger a second from now; as an
 * add-on, the sidebar's next call), so the sidebar returns at once and can poll the
 * progress. Refuses while a run is in progress.
 */
export function runNow(): QueuedRun {
  const p = readProgress();
  if (p.running) {
    throw new Error(
      `A run is already in progress (${p.phase || 'starting'}, started ${p.started}). Wait for it to finish.`,
    );
  }
  const queued = {
    ...idleProgress(),
    running: true,
    trigger: 'manual',
    phase: 'queued',
    started: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  if (deployment() === 'addon') {
    const raw = docProps().getProperty(SCHEDULE_KEY);
    let marks: Record<string, unknown> = {};
    try {
      marks = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      // A hand-edited value: the tick counts slots from now instead.
    }
    marks.manualRequested = queued.started;
    docProps().setProperty(SCHEDULE_KEY, JSON.stringify(marks));
    return {
      ...reportProgress({...queued, message: 'Queued: starting.'}),
      startHere: true,
    };
  }
  for (const t of byHandler(HANDLERS.now)) ScriptApp.deleteTrigger(t);
  if (ScriptApp.getProjectTriggers().length >= MAX_TRIGGERS) {
    throw new Error(
      `This script already has ${MAX_TRIGGERS} triggers, the Apps Script limit; remove some to run now.`,
    );
  }
  ScriptApp.newTrigger(HANDLERS.now).timeBased().after(1000).create();
  return {
    ...reportProgress({
      ...queued,
      message: 'Queued: the run starts within a minute.',
    }),
    startHere: false,
  };
}
