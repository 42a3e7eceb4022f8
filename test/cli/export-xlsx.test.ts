/**
 * The local runner's workbook export: an .xlsx a spreadsheet program opens with the tabs'
 * values, types, number formats, frozen rows, hidden tabs and formulas.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import ExcelJS from 'exceljs';
import {exportWorkbook} from '../../src/cli/export-xlsx';
import {ok, run, runtime} from '../offline/helpers';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pulse-xlsx-'));
});
afterAll(() => rmSync(dir, {recursive: true, force: true}));

test('tabs round-trip with values, formats, frozen rows and hidden state', async () => {
  const rt = runtime();
  ok(
    run(
      rt,
      `
      const ss = SpreadsheetApp.getActiveSpreadsheet();
      const fx = ss.insertSheet('Facts');
      fx.getRange(1, 1, 1, 3).setValues([['school', 'users', 'share']]);
      fx.insertRowsAfter(fx.getMaxRows(), 25000);
      const rows = [];
      for (let i = 0; i < 25000; i++) rows.push(['=S' + i, i, i / 25000]);
      fx.getRange(2, 1, rows.length, 3).setValues(rows);
      fx.getRange(2, 2, rows.length, 1).setNumberFormat('#,##0');
      fx.getRange(2, 3, rows.length, 1).setNumberFormat('0.0%');
      fx.setFrozenRows(1);
      const st = ss.insertSheet('_store');
      st.getRange(1, 1, 2, 2).setValues([['k', 'v'], ['x', true]]);
      st.getRange(2, 3).setFormula('=1+1');
      st.hideSheet();
      `,
    ),
  );
  const file = join(dir, 'w.xlsx');
  const names = await exportWorkbook(rt.spreadsheet, file);
  expect(names).toEqual(expect.arrayContaining(['Facts', '_store']));

  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const facts = wb.getWorksheet('Facts')!;
  expect(facts.rowCount).toBe(25001);
  expect(facts.getCell('A1').value).toBe('school');
  expect(facts.getCell('A1').font?.bold).toBe(true);
  // Sheets turns a typed "=" string into a formula; the export keeps it one.
  expect(facts.getCell('A2').formula).toBe('S0');
  expect(facts.getCell('B25001').value).toBe(24999);
  expect(facts.getCell('B25001').numFmt).toBe('#,##0');
  expect(facts.getCell('C3').value).toBeCloseTo(1 / 25000, 12);
  expect(facts.getCell('C3').numFmt).toBe('0.0%');
  expect(facts.views[0]).toMatchObject({state: 'frozen', ySplit: 1});
  const store = wb.getWorksheet('_store')!;
  expect(store.state).toBe('hidden');
  expect(store.getCell('B2').value).toBe(true);
  expect(store.getCell('C2').formula).toBe('1+1');
});
