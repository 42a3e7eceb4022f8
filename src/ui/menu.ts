/**
 * The Classroom Pulse menu, the sidebar and the Looker Studio dialog (Apps Script layer).
 */
import {escapeHtml} from '../pipeline/alerts';
import {lookerLinksForActive} from './looker';
import {hasSavedSettings} from '../platform/settings';

export const SIDEBAR_FILE = 'sidebar';
export const TITLE = 'Classroom Pulse';

/** The event Sheets passes to onOpen and onInstall (only what the menu reads). */
export interface OpenEvent {
  authMode?: GoogleAppsScript.Script.AuthMode | string;
}

/**
 * The Extensions menu, for the add-on and the bound script alike (createAddonMenu works in
 * both). Under AuthMode.NONE (an installed add-on not yet used in this file) no service
 * that needs authorization may be touched, not even this file's properties: the menu is
 * built from nothing but the event. Under LIMITED and FULL it reads whether this file was
 * set up, to offer Setup first until it is.
 */
export function onOpen(e?: OpenEvent): void {
  const none = e?.authMode === ScriptApp.AuthMode.NONE;
  const setUp = none ? false : hasSavedSettings();
  const menu = SpreadsheetApp.getUi().createAddonMenu();
  if (!setUp) {
    menu
      .addItem('Set up from the directory', 'showSetup')
      .addItem('Open sidebar', 'showSidebar');
  } else {
    menu
      .addItem('Open sidebar', 'showSidebar')
      .addItem('Refresh dashboard', 'refreshDashboard')
      .addItem('Create a Looker Studio report', 'openLookerStudio')
      .addSeparator()
      .addItem('Send the anomaly digest now', 'sendDigestNow')
      .addSeparator()
      .addItem('Set up from the directory', 'showSetup');
  }
  menu.addToUi();
}

/**
 * Installed from the Marketplace (AuthMode.FULL): Sheets runs onInstall, not onOpen, in the
 * file open at install time, so the menu is built here for that first session.
 */
export function onInstall(e?: OpenEvent): void {
  onOpen(e);
}

function sidebar(view?: string): void {
  let html = HtmlService.createHtmlOutputFromFile(SIDEBAR_FILE).setTitle(TITLE);
  // A marker the sidebar reads once its state is loaded (no script: only data).
  if (view)
    html = html.append(`<div id="cp-open" data-view="${view}" hidden></div>`);
  SpreadsheetApp.getUi().showSidebar(html);
}

export function showSidebar(): void {
  sidebar();
}

/** The sidebar, opened on Setup's org unit tree. */
export function showSetup(): void {
  sidebar('setup');
}

/** The dialog's markup: every value escaped; the link also opens in a new tab on click. */
export function lookerDialogHtml(
  report: string,
  perTab: ReadonlyArray<{name: string; url: string}>,
  missing: ReadonlyArray<string>,
): string {
  const items = perTab
    .map(
      t =>
        `<li><a href="${escapeHtml(t.url)}" target="_blank" rel="noopener">${escapeHtml(t.name)}</a></li>`,
    )
    .join('');
  const warn = missing.length
    ? `<p style="color:#8a4b00">Not written yet: ${escapeHtml(missing.join(', '))}. Run the analysis first for a complete report.</p>`
    : '';
  return (
    '<!DOCTYPE html><html><head><base target="_blank"><meta charset="utf-8">' +
    '<style>body{font:13px/1.4 Arial,sans-serif;color:#202124}a{color:#174ea6}' +
    '.go{display:inline-block;background:#1a73e8;color:#fff;padding:6px 12px;border-radius:4px;text-decoration:none}</style>' +
    '</head><body>' +
    '<p>Looker Studio opens a new report over the <code>lk_</code> tabs of this spreadsheet. ' +
    'Click <b>Edit and share</b> there to save it to your account.</p>' +
    `<p><a class="go" href="${escapeHtml(report)}" target="_blank" rel="noopener">Open Looker Studio</a></p>` +
    warn +
    `<details><summary>One report per tab</summary><ul>${items}</ul></details>` +
    '</body></html>'
  );
}

export function openLookerStudio(): void {
  const links = lookerLinksForActive();
  const html = HtmlService.createHtmlOutput(
    lookerDialogHtml(links.report, links.perTab, links.missing),
  )
    .setWidth(440)
    .setHeight(300);
  SpreadsheetApp.getUi().showModalDialog(html, 'Looker Studio');
}
