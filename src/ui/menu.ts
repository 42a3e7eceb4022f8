/**
 * The Classroom Pulse menu, the sidebar and the Looker Studio dialog (Apps Script layer).
 */
import {escapeHtml} from '../pipeline/alerts';
import {lookerLinksForActive} from './looker';

export const SIDEBAR_FILE = 'sidebar';
export const TITLE = 'Classroom Pulse';

export function onOpen(): void {
  SpreadsheetApp.getUi()
    .createMenu(TITLE)
    .addItem('Open sidebar', 'showSidebar')
    .addItem('Refresh dashboard', 'refreshDashboard')
    .addItem('Create a Looker Studio report', 'openLookerStudio')
    .addSeparator()
    .addItem('Send the anomaly digest now', 'sendDigestNow')
    .addToUi();
}

/** Installed as an add-on: build the menu for the first session too. */
export function onInstall(): void {
  onOpen();
}

export function showSidebar(): void {
  const html =
    HtmlService.createHtmlOutputFromFile(SIDEBAR_FILE).setTitle(TITLE);
  SpreadsheetApp.getUi().showSidebar(html);
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
