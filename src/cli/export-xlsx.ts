/**
 * Writes every tab of a spreadsheet (the offline runtime's, read through the same
 * SpreadsheetApp API the product uses) to an .xlsx file a spreadsheet program opens:
 * values with their types, number formats, frozen header rows, column widths and hidden tabs.
 */
import ExcelJS from 'exceljs';

type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;

/** Sheets' number-format patterns that Excel spells differently. */
function excelFormat(fmt: string): string | undefined {
  if (!fmt || fmt === 'General' || fmt === '@')
    return fmt === '@' ? '@' : undefined;
  return fmt;
}

export async function exportWorkbook(
  spreadsheet: Spreadsheet,
  file: string,
): Promise<string[]> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Classroom Pulse';
  const names: string[] = [];
  for (const sheet of spreadsheet.getSheets()) {
    const name = sheet.getName();
    names.push(name);
    const ws = wb.addWorksheet(name.slice(0, 31).replace(/[[\]*?/\\:]/g, '_'), {
      state: sheet.isSheetHidden() ? 'hidden' : 'visible',
    });
    const rows = sheet.getLastRow();
    const cols = sheet.getLastColumn();
    if (rows > 0 && cols > 0) {
      const range = sheet.getRange(1, 1, rows, cols);
      const values = range.getValues();
      const formulas = range.getFormulas();
      const formats = range.getNumberFormats();
      for (let r = 0; r < rows; r++) {
        const row = ws.getRow(r + 1);
        for (let c = 0; c < cols; c++) {
          const cell = row.getCell(c + 1);
          const f = formulas[r][c];
          const v = values[r][c];
          if (f) {
            cell.value = {
              formula: f.replace(/^=/, ''),
              result: undefined,
            } as ExcelJS.CellFormulaValue;
          } else if (v === '' || v === null || v === undefined) {
            continue;
          } else {
            cell.value = v as ExcelJS.CellValue;
          }
          const fmt = excelFormat(formats[r][c]);
          if (fmt) cell.numFmt = fmt;
        }
      }
      if (rows > 0) ws.getRow(1).font = {bold: true};
    }
    const frozenRows = sheet.getFrozenRows();
    const frozenCols = sheet.getFrozenColumns();
    if (frozenRows || frozenCols) {
      ws.views = [{state: 'frozen', xSplit: frozenCols, ySplit: frozenRows}];
    }
    for (let c = 1; c <= cols; c++) {
      const w = sheet.getColumnWidth(c);
      if (w) ws.getColumn(c).width = Math.max(8, Math.round(w / 7));
    }
  }
  await wb.xlsx.writeFile(file);
  return names;
}
