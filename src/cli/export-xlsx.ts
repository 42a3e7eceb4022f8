/**
 * Writes every tab of a spreadsheet (the offline runtime's, read through the same
 * SpreadsheetApp API the product uses) to an .xlsx file a spreadsheet program opens:
 * values with their types, number formats, frozen header rows, column widths and hidden tabs.
 *
 * The workbook is streamed row by row (a two-year district holds millions of cells), and
 * cells of one number format share one style object: exceljs registers a style once per
 * object, so a style per cell would cost a style lookup per cell.
 */
import ExcelJS from 'exceljs';

type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;

/** Sheets' number-format patterns that Excel spells differently. */
function excelFormat(fmt: string): string | undefined {
  if (!fmt || fmt === 'General' || fmt === '@')
    return fmt === '@' ? '@' : undefined;
  return fmt;
}

/** Rows read from the runtime per getValues call (bounded memory on large tabs). */
const BLOCK_ROWS = 5_000;

/**
 * Lets the zip stream take what the rows rendered so far: exceljs hands each sheet's XML
 * to a stream that the archiver reads (and deflates off the main thread) only when the
 * event loop turns, so a loop that never yields holds every sheet's XML in memory and
 * compresses it all after the last row.
 */
const drain = () => new Promise<void>(resolve => setImmediate(resolve));

export async function exportWorkbook(
  spreadsheet: Spreadsheet,
  file: string,
): Promise<string[]> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: file,
    useStyles: true,
    useSharedStrings: false,
  });
  wb.creator = 'Classroom Pulse';
  const styles = new Map<string, Partial<ExcelJS.Style>>();
  const styleOf = (fmt: string, header: boolean): Partial<ExcelJS.Style> => {
    const key = `${header ? 'h' : 'b'}|${fmt}`;
    let s = styles.get(key);
    if (!s) {
      s = {};
      if (fmt) s.numFmt = fmt;
      if (header) s.font = {bold: true};
      styles.set(key, s);
    }
    return s;
  };
  // A cell given no style gets a fresh `{}` of its own, which exceljs resolves to a style
  // id anew (rendering it to XML to look it up) for every such cell. One shared empty
  // style per cell type is resolved once: the id exceljs derives from an empty style
  // depends only on the cell's type (its default number format), so the output is the same.
  const plain = new Map<number, Partial<ExcelJS.Style>>();
  const plainOf = (type: number): Partial<ExcelJS.Style> => {
    let s = plain.get(type);
    if (!s) {
      s = {};
      plain.set(type, s);
    }
    return s;
  };
  const names: string[] = [];
  for (const sheet of spreadsheet.getSheets()) {
    const name = sheet.getName();
    names.push(name);
    const rows = sheet.getLastRow();
    const cols = sheet.getLastColumn();
    const frozenRows = sheet.getFrozenRows();
    const frozenCols = sheet.getFrozenColumns();
    const ws = wb.addWorksheet(name.slice(0, 31).replace(/[[\]*?/\\:]/g, '_'), {
      state: sheet.isSheetHidden() ? 'hidden' : 'visible',
      views:
        frozenRows || frozenCols
          ? [{state: 'frozen', xSplit: frozenCols, ySplit: frozenRows}]
          : [],
    });
    const widths: Partial<ExcelJS.Column>[] = [];
    for (let c = 1; c <= cols; c++) {
      const w = sheet.getColumnWidth(c);
      widths.push(w ? {width: Math.max(8, Math.round(w / 7))} : {});
    }
    if (widths.length) ws.columns = widths;
    for (let start = 1; start <= rows && cols > 0; start += BLOCK_ROWS) {
      const n = Math.min(BLOCK_ROWS, rows - start + 1);
      const range = sheet.getRange(start, 1, n, cols);
      const values = range.getValues();
      const formulas = range.getFormulas();
      const formats = range.getNumberFormats();
      for (let r = 0; r < n; r++) {
        const header = start + r === 1;
        const row = ws.getRow(start + r);
        for (let c = 0; c < cols; c++) {
          const f = formulas[r][c];
          const v = values[r][c];
          if (!f && (v === '' || v === null || v === undefined)) continue;
          const cell = row.getCell(c + 1);
          cell.value = f
            ? ({
                formula: f.replace(/^=/, ''),
                result: undefined,
              } as ExcelJS.CellFormulaValue)
            : (v as ExcelJS.CellValue);
          const fmt = excelFormat(formats[r][c]) ?? '';
          if (fmt || header) cell.style = styleOf(fmt, header);
          else if (!f) cell.style = plainOf(cell.type);
        }
        row.commit();
      }
      await drain();
    }
    ws.commit();
    await drain();
  }
  await wb.commit();
  return names;
}
