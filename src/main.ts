/**
 * Apps Script entry points: only the functions Apps Script calls by name
 * (simple triggers, menu items, trigger handlers, sidebar server calls).
 * Everything else lives in the modules they delegate to.
 */
import {readDirectoryCensus} from './pipeline/ingest';
import * as job from './pipeline/job';
import * as whatif from './pipeline/whatif';
import * as ui from './ui';

// Menu, sidebar and dialogs.
export function onOpen(e?: ui.OpenEvent): void {
  return ui.onOpen(e);
}
export function onInstall(e?: ui.OpenEvent): void {
  return ui.onInstall(e);
}
export function showSidebar(): void {
  return ui.showSidebar();
}
export function showSetup(): void {
  return ui.showSetup();
}
export function openLookerStudio(): void {
  return ui.openLookerStudio();
}
export function refreshDashboard(): unknown {
  return ui.refreshDashboard();
}
export function sendDigestNow(): unknown {
  return ui.sendDigestNow();
}

// Sidebar server functions (plain JSON in and out).
export function getSidebarState(): unknown {
  return ui.getSidebarState();
}
export function saveSettings(input: unknown): unknown {
  return ui.saveSettings(input);
}
export function estimateBackfill(input?: {startDate?: string}): unknown {
  return ui.estimateBackfill(input);
}
export function getSetupDirectory(input?: {
  pageToken?: string;
  fresh?: boolean;
}): unknown {
  return ui.getSetupDirectory(input, readDirectoryCensus);
}
export function previewSetup(input: unknown): unknown {
  return ui.previewSetup(input);
}
export function runNow(): unknown {
  return ui.runNow();
}
/** The add-on's "run now": the sidebar starts the run runNow queued (no one-off trigger). */
export function startQueuedRun(): unknown {
  return job.startQueuedRun();
}
export function getProgress(): unknown {
  return ui.getProgress();
}
export function getRecentRuns(limit?: number): unknown {
  return ui.getRecentRuns(limit);
}
export function getForecastChart(schoolId?: string): unknown {
  return ui.getForecastChart(schoolId);
}
export function getHeatmap(): unknown {
  return ui.getHeatmap();
}
export function getAnomalies(filter?: {status?: string}): unknown {
  return ui.getAnomalies(filter);
}
export function acknowledgeAnomaly(
  id: string,
  status: string,
  note?: string,
): unknown {
  return ui.acknowledgeAnomaly(id, status, note);
}
export function getCalendarView(): unknown {
  return ui.getCalendarView();
}
export function setCalendarConfirmation(
  key: string,
  confirmed: string,
): unknown {
  return ui.setCalendarConfirmation(key, confirmed);
}
export function refreshCalendar(): unknown {
  return ui.refreshCalendar();
}
export function getIncidents(filter?: {status?: string}): unknown {
  return ui.getIncidents(filter);
}
export function acknowledgeIncident(
  id: string,
  status: string,
  note?: string,
): unknown {
  return ui.acknowledgeIncident(id, status, note);
}
export function getUnderuse(): unknown {
  return ui.getUnderuse();
}
export function getInsights(): unknown {
  return ui.getInsights();
}
export function getSnapshot(): unknown {
  return ui.getSnapshot();
}
export function getLookerLinks(): unknown {
  return ui.getLookerLinks();
}
export function runWhatIf(input: unknown): unknown {
  return whatif.runWhatIf(input);
}
export function installTriggers(): unknown {
  return ui.installTriggers();
}
export function removeTriggers(): unknown {
  return ui.removeTriggers();
}

// The main job: trigger handlers (names fixed in src/platform/triggers.ts).
export function runNightly(): unknown {
  return job.startRun('nightly');
}
export function runWeeklyForecast(): unknown {
  return job.startRun('weekly');
}
export function runJob(): unknown {
  return job.startRun('manual');
}
export function continueRun(): unknown {
  return job.continueRun();
}
/** The add-on's one hourly trigger: runs whatever is due (src/pipeline/schedule.ts). */
export function runScheduled(): unknown {
  return job.runScheduledTick();
}
