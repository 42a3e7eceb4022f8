/**
 * Looker Studio Linking API URLs over the lk_ tabs.
 *
 * https://lookerstudio.google.com/reporting/create takes report parameters (c.reportId for a
 * template, c.mode, r.reportName) and data-source parameters `ds.<alias>.<name>`. For the
 * Google Sheets connector (connector=googleSheets) these are spreadsheetId, worksheetId (the
 * tab's sheet id, the gid), hasHeader, includeHiddenCells and includeFilteredCells, plus
 * datasourceName and refreshFields for any connector. Without a template, Looker Studio
 * starts from its default template, whose single data source has the alias ds0; a template
 * report can carry one data source per lk_ tab, aliased by the tab name.
 */
import {LOOKER_TABLES} from '../sheets/tables';

export const LOOKER_CREATE_URL =
  'https://lookerstudio.google.com/reporting/create';
export const TEMPLATE_KEY = 'classroomPulse.lookerTemplate';

export interface LookerTab {
  name: string;
  sheetId: number;
}

export interface LookerLinks {
  /** One report over every lk_ tab (template aliases = tab names; the main tab also as ds0). */
  report: string;
  /** One report per tab over the default template, which always works. */
  perTab: {name: string; url: string}[];
  missing: string[];
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

function sheetParams(
  alias: string,
  spreadsheetId: string,
  tab: LookerTab,
): string[] {
  const p = `ds.${alias}.`;
  return [
    `${p}connector=googleSheets`,
    `${p}spreadsheetId=${enc(spreadsheetId)}`,
    `${p}worksheetId=${tab.sheetId}`,
    `${p}hasHeader=true`,
    `${p}includeHiddenCells=false`,
    `${p}includeFilteredCells=true`,
    `${p}datasourceName=${enc(`Classroom Pulse - ${tab.name}`)}`,
    `${p}refreshFields=true`,
  ];
}

/** The main tab of a report: weekly engagement reads best on a first page. */
export const MAIN_TAB = 'lk_weekly';

/**
 * Builds the Linking API URLs (pure). `tabs` are the lk_ tabs that exist, with their sheet
 * ids; `templateReportId` is an optional Looker Studio template report.
 */
export function lookerLinks(
  spreadsheetId: string,
  tabs: ReadonlyArray<LookerTab>,
  reportName: string,
  templateReportId = '',
): LookerLinks {
  const byName = new Map(tabs.map(t => [t.name, t]));
  const wanted = LOOKER_TABLES.map(t => t.name);
  const present = wanted.filter(n => byName.has(n)).map(n => byName.get(n)!);
  const missing = wanted.filter(n => !byName.has(n));
  const main = byName.get(MAIN_TAB) ?? present[0];
  const head = [
    ...(templateReportId ? [`c.reportId=${enc(templateReportId)}`] : []),
    'c.mode=edit',
    `r.reportName=${enc(reportName)}`,
  ];
  const params = [...head];
  if (main) params.push(...sheetParams('ds0', spreadsheetId, main));
  if (templateReportId) {
    for (const t of present)
      params.push(...sheetParams(t.name, spreadsheetId, t));
  }
  const perTab = present.map(t => ({
    name: t.name,
    url:
      `${LOOKER_CREATE_URL}?` +
      [
        'c.mode=edit',
        `r.reportName=${enc(`${reportName} - ${t.name}`)}`,
        ...sheetParams('ds0', spreadsheetId, t),
      ].join('&'),
  }));
  return {report: `${LOOKER_CREATE_URL}?${params.join('&')}`, perTab, missing};
}

/** The links for this spreadsheet. */
export function lookerLinksForActive(): LookerLinks {
  const ss = SpreadsheetApp.getActiveSpreadsheet();
  const tabs: LookerTab[] = ss
    .getSheets()
    .filter(s => s.getName().startsWith('lk_'))
    .map(s => ({name: s.getName(), sheetId: s.getSheetId()}));
  const template =
    PropertiesService.getDocumentProperties().getProperty(TEMPLATE_KEY) ?? '';
  return lookerLinks(
    ss.getId(),
    tabs,
    `Classroom Pulse - ${ss.getName()}`,
    template,
  );
}
