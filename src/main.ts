/**
 * Apps Script entry points: only the functions Apps Script calls by name
 * (simple triggers, menu items, trigger handlers, sidebar server calls).
 * Everything else lives in the modules they delegate to.
 */
export function onOpen(): void {
  SpreadsheetApp.getUi()
    .createMenu('Classroom Pulse')
    .addItem('Open sidebar', 'showSidebar')
    .addToUi();
}

export function showSidebar(): void {
  const html =
    HtmlService.createHtmlOutputFromFile('sidebar').setTitle('Classroom Pulse');
  SpreadsheetApp.getUi().showSidebar(html);
}
