import {ok, run, runtime} from './helpers';

const SHEET =
  "var sh = SpreadsheetApp.getActiveSpreadsheet().getSheetByName('Sheet1');";

describe('SpreadsheetApp: values as Sheets stores them', () => {
  test('setValues with too few rows throws the Apps Script message and writes nothing', () => {
    const rt = runtime();
    const r = run(
      rt,
      `${SHEET} sh.getRange(1, 1, 3, 2).setValues([[1, 2], [3, 4]]);`,
    );
    expect(r.ok).toBe(false);
    expect(r.error?.name).toBe('Exception');
    expect(r.error?.message).toBe(
      'The number of rows in the data does not match the number of rows in the range. The data has 2 but the range has 3.',
    );
    expect(rt.spreadsheet.getSheetByName('Sheet1')!.getLastRow()).toBe(0);
  });

  test('a ragged row throws the columns message naming both widths', () => {
    const rt = runtime();
    const r = run(
      rt,
      `${SHEET} sh.getRange('A1:C2').setValues([[1, 2, 3], [4, 5]]);`,
    );
    expect(r.error?.message).toBe(
      'The number of columns in the data does not match the number of columns in the range. The data has 2 but the range has 3.',
    );
    expect(rt.spreadsheet.getSheetByName('Sheet1')!.getLastRow()).toBe(0);
  });

  test('a one-dimensional array does not match the method signature', () => {
    const rt = runtime();
    const r = run(rt, `${SHEET} sh.getRange(1, 1, 1, 3).setValues([1, 2, 3]);`);
    expect(r.error?.message).toBe(
      "The parameters (number[]) don't match the method signature for SpreadsheetApp.Range.setValues.",
    );
  });

  test('strings starting with = are stored as formulas; an apostrophe keeps text', () => {
    const rt = runtime();
    const res = ok(
      run(
        rt,
        `${SHEET}
        sh.getRange(1, 1, 1, 3).setValues([['=HYPERLINK("http://x","y")', "'=1+1", '=cmd|x']]);
        var r = sh.getRange(1, 1, 1, 3);
        return {values: r.getValues(), formulas: r.getFormulas(), display: r.getDisplayValues()};`,
      ),
    ) as {values: unknown[][]; formulas: string[][]; display: string[][]};
    expect(res.formulas).toEqual([
      ['=HYPERLINK("http://x","y")', '', '=cmd|x'],
    ]);
    expect(res.values).toEqual([['#NAME?', '=1+1', '#NAME?']]);
    expect(res.display[0][1]).toBe('=1+1');
  });

  test('typed strings become numbers, booleans and dates unless the cell is plain text', () => {
    const rt = runtime();
    const res = ok(
      run(
        rt,
        `${SHEET}
        sh.getRange('B1').setNumberFormat('@');
        sh.getRange(1, 1, 1, 6).setValues([['00123', '00123', 'TRUE', '12%', '2025-03-04', '1,234.5']]);
        var v = sh.getRange(1, 1, 1, 6).getValues()[0];
        return [v[0], v[1], v[2], v[3], v[4] instanceof Date, v[4].getTime(), v[5], typeof v[0]];`,
      ),
    ) as unknown[];
    expect(res[0]).toBe(123);
    expect(res[1]).toBe('00123');
    expect(res[2]).toBe(true);
    expect(res[3]).toBeCloseTo(0.12);
    expect(res[4]).toBe(true);
    // Midnight in the spreadsheet's time zone (America/New_York, EST).
    expect(res[5]).toBe(Date.UTC(2025, 2, 4, 5));
    expect(res[6]).toBe(1234.5);
    expect(res[7]).toBe('number');
  });

  test('values keep their types and come back as objects of the script realm', () => {
    const rt = runtime();
    const res = ok(
      run(
        rt,
        `${SHEET}
        var d = new Date(Date.UTC(2025, 0, 2, 3, 4, 5));
        sh.getRange(2, 2, 1, 4).setValues([[1.5, false, d, null]]);
        var v = sh.getRange(2, 2, 1, 4).getValues();
        return [Array.isArray(v), v instanceof Array, v[0] instanceof Array, v[0][2] instanceof Date,
                v[0][2].getTime() === d.getTime(), v[0][0], v[0][1], v[0][3], sh.getLastRow(), sh.getLastColumn()];`,
      ),
    );
    expect(res).toEqual([true, true, true, true, true, 1.5, false, '', 2, 4]);
  });

  test('display values follow number formats', () => {
    const rt = runtime();
    const res = ok(
      run(
        rt,
        `${SHEET}
        var r = sh.getRange(1, 1, 1, 5);
        r.setValues([[1234.567, 0.4567, 3, new Date(Date.UTC(2025, 2, 4, 17)), 0.1 + 0.2]]);
        r.setNumberFormats([['#,##0.00', '0.0%', '0', 'yyyy-mm-dd hh:mm', 'General']]);
        return [r.getDisplayValues()[0], r.getNumberFormats()[0]];`,
      ),
    );
    expect(res).toEqual([
      ['1,234.57', '45.7%', '3', '2025-03-04 12:00', '0.3'],
      ['#,##0.00', '0.0%', '0', 'yyyy-mm-dd hh:mm', 'General'],
    ]);
  });

  test('rows with the same formats stay independent when one of them changes', () => {
    const rt = runtime();
    const res = ok(
      run(
        rt,
        `${SHEET}
        sh.getRange(1, 1, 4, 3).setNumberFormat('0.0%');
        sh.getRange(2, 2).setNumberFormat('0');
        sh.getRange(3, 1, 1, 3).setBackground('#ff0000');
        sh.getRange(4, 1, 1, 3).clearFormat();
        sh.insertColumnsBefore(1, 1);
        sh.getRange(1, 1, 4, 4).setValues([[1, 0.5, 0.5, 0.5], [2, 0.5, 0.5, 0.5], [3, 0.5, 0.5, 0.5], [4, 0.5, 0.5, 0.5]]);
        return [sh.getRange(1, 1, 4, 4).getNumberFormats(), sh.getRange(1, 1, 4, 4).getBackgrounds(), sh.getRange(1, 2, 4, 3).getDisplayValues()];`,
      ),
    );
    expect(res).toEqual([
      [
        ['General', '0.0%', '0.0%', '0.0%'],
        ['General', '0.0%', '0', '0.0%'],
        ['General', '0.0%', '0.0%', '0.0%'],
        ['General', 'General', 'General', 'General'],
      ],
      [
        ['#ffffff', '#ffffff', '#ffffff', '#ffffff'],
        ['#ffffff', '#ffffff', '#ffffff', '#ffffff'],
        ['#ffffff', '#ff0000', '#ff0000', '#ff0000'],
        ['#ffffff', '#ffffff', '#ffffff', '#ffffff'],
      ],
      [
        ['50.0%', '50.0%', '50.0%'],
        ['50.0%', '1', '50.0%'],
        ['50.0%', '50.0%', '50.0%'],
        ['0.5', '0.5', '0.5'],
      ],
    ]);
  });
});

describe('SpreadsheetApp: sheets, ranges and limits', () => {
  test('ranges outside the sheet and bad coordinates throw as Apps Script does', () => {
    const rt = runtime();
    const msg = (body: string) => run(rt, `${SHEET} ${body}`).error?.message;
    expect(msg('sh.getRange(1000, 1, 2, 1);')).toBe(
      'The coordinates of the range are outside the dimensions of the sheet.',
    );
    expect(msg('sh.getRange(0, 1);')).toBe(
      'The starting row of the range is too small.',
    );
    expect(msg('sh.getRange(1, 1, 0, 1);')).toBe(
      'The number of rows in the range must be at least 1.',
    );
    expect(msg("sh.getRange('not a range');")).toBe('Range not found');
    // Growing the sheet first makes the write legal.
    const r = run(
      rt,
      `${SHEET} sh.insertRowsAfter(sh.getMaxRows(), 500); sh.getRange(1400, 1).setValue('x'); return [sh.getMaxRows(), sh.getLastRow()];`,
    );
    expect(ok(r)).toEqual([1500, 1400]);
  });

  test('insertSheet and setName refuse a duplicate name; the last sheet cannot be deleted', () => {
    const rt = runtime();
    const ss = 'var ss = SpreadsheetApp.getActiveSpreadsheet();';
    expect(
      run(rt, `${ss} ss.insertSheet('Daily'); ss.insertSheet('Daily');`).error
        ?.message,
    ).toBe(
      'A sheet with the name "Daily" already exists. Please enter another name.',
    );
    expect(rt.spreadsheet.getSheets().map(s => s.getName())).toEqual([
      'Sheet1',
      'Daily',
    ]);
    expect(
      run(rt, `${ss} ss.getSheetByName('Sheet1').setName('Daily');`).error
        ?.message,
    ).toBe(
      'A sheet with the name "Daily" already exists. Please enter another name.',
    );
    expect(
      run(
        rt,
        `${ss} ss.deleteSheet(ss.getSheetByName('Sheet1')); ss.deleteSheet(ss.getSheetByName('Daily'));`,
      ).error?.message,
    ).toBe("You can't remove all the sheets in a document.");
    expect(rt.spreadsheet.getSheets().map(s => s.getName())).toEqual(['Daily']);
  });

  test('the workbook refuses to grow past 10,000,000 cells', () => {
    const rt = runtime();
    const r = run(
      rt,
      `var ss = SpreadsheetApp.getActiveSpreadsheet();
       var big = ss.insertSheet('Big');
       big.insertRowsAfter(1000, 360000);          // 361000 x 26 = 9,386,000 cells
       try { ss.insertSheet('More'); ss.insertSheet('More2'); ss.insertSheet('More3');
             ss.insertSheet('More4'); ss.insertSheet('More5'); ss.insertSheet('More6');
             ss.insertSheet('More7'); ss.insertSheet('More8'); ss.insertSheet('More9');
             ss.insertSheet('More10'); ss.insertSheet('More11'); ss.insertSheet('More12');
             ss.insertSheet('More13'); ss.insertSheet('More14'); ss.insertSheet('More15');
             ss.insertSheet('More16'); ss.insertSheet('More17'); ss.insertSheet('More18');
             ss.insertSheet('More19'); ss.insertSheet('More20'); ss.insertSheet('More21');
             ss.insertSheet('More22'); ss.insertSheet('More23'); ss.insertSheet('More24');
       } catch (e) { return [e.message, ss.getSheets().length]; }
       return 'no error';`,
    );
    const [message, sheets] = ok(r) as [string, number];
    expect(message).toBe(
      'This action would increase the number of cells in the workbook above the limit of 10000000 cells.',
    );
    // 26,000 + 9,386,000 + n x 26,000 <= 10,000,000 allows 22 more sheets.
    expect(sheets).toBe(2 + 22);
  });

  test('columns stop at 18,278', () => {
    const rt = runtime();
    const r = run(
      rt,
      `${SHEET} sh.deleteRows(101, 900); sh.insertColumnsAfter(26, 18252); sh.insertColumnsAfter(1, 1);`,
    );
    expect(r.error?.message).toBe(
      'This action would increase the number of columns in the sheet above the limit of 18278.',
    );
    expect(rt.spreadsheet.getSheetByName('Sheet1')!.getMaxColumns()).toBe(
      18278,
    );
  });

  test('getDataRange, clear and frozen rows', () => {
    const rt = runtime();
    const res = ok(
      run(
        rt,
        `${SHEET}
        sh.getRange(1, 1, 3, 2).setValues([['a', 'b'], [1, 2], [3, 4]]);
        sh.setFrozenRows(1);
        var a = sh.getDataRange().getA1Notation();
        sh.getRange('A2:B3').clearContent();
        var b = [sh.getLastRow(), sh.getFrozenRows()];
        sh.clear();
        return [a, b, sh.getLastRow(), sh.getDataRange().getA1Notation()];`,
      ),
    );
    expect(res).toEqual(['A1:B3', [1, 1], 0, 'A1']);
  });

  test('conditional format gradients and charts are kept on the sheet', () => {
    const rt = runtime();
    const res = ok(
      run(
        rt,
        `${SHEET}
        var range = sh.getRange('B2:B20');
        var rule = SpreadsheetApp.newConditionalFormatRule()
          .setGradientMinpoint('#ffffff')
          .setGradientMaxpointWithValue('#ff0000', SpreadsheetApp.InterpolationType.NUMBER, '100')
          .setRanges([range]).build();
        sh.setConditionalFormatRules([rule]);
        var chart = sh.newChart().addRange(sh.getRange('A1:B20'))
          .setChartType(Charts.ChartType.LINE).setPosition(2, 4, 0, 0).setOption('title', 'Weekly').build();
        sh.insertChart(chart);
        var got = sh.getConditionalFormatRules()[0];
        var charts = sh.getCharts();
        var out = [got.getRanges()[0].getA1Notation(), got.getGradientCondition().getMaxColor(),
                   charts.length, charts[0].getOptions().get('title'), charts[0].getContainerInfo().getAnchorColumn()];
        sh.removeChart(charts[0]);
        out.push(sh.getCharts().length);
        return out;`,
      ),
    );
    expect(res).toEqual(['B2:B20', '#ff0000', 1, 'Weekly', 4, 0]);
  });

  test('getUi works from a user execution and is refused in a trigger execution', () => {
    const rt = runtime();
    const code =
      "function onOpen() { SpreadsheetApp.getUi().createMenu('Pulse').addItem('Run', 'runNow').addSeparator().addToUi(); }";
    expect(rt.execute(code, 'onOpen').ok).toBe(true);
    expect(rt.ui.menus).toEqual([
      {name: 'Pulse', items: [{caption: 'Run', functionName: 'runNow'}, null]},
    ]);
    const r = rt.execute(code, 'onOpen', [], {triggerUid: '1'});
    expect(r.error?.message).toBe(
      'Cannot call SpreadsheetApp.getUi() from this context.',
    );
  });

  test('calls are counted by Service.method and cost simulated time', () => {
    const rt = runtime();
    const r = run(rt, `${SHEET} sh.getRange(1, 1, 100, 10).setValues(a);`, [
      Array.from({length: 100}, () => Array(10).fill(1)),
    ]);
    expect(r.ok).toBe(true);
    expect(r.callsByName).toEqual({
      'Range.setValues': 1,
      'Sheet.getRange': 1,
      'Spreadsheet.getSheetByName': 1,
      'SpreadsheetApp.getActiveSpreadsheet': 1,
    });
    // 30 + 2 + 2 + 60 + 1000 cells x 0.01
    expect(r.simulatedMs).toBeCloseTo(104, 6);
    expect(rt.calls.get('Range.*')).toBe(1);
    // Reading from the test does not count.
    rt.spreadsheet.getSheetByName('Sheet1')!.getDataRange().getValues();
    expect(rt.calls.total).toBe(4);
  });
});

describe('SpreadsheetApp: inserting and deleting rows and columns', () => {
  // Values, formulas, number formats, backgrounds and notes of A1:C<rows>, per cell.
  const SNAPSHOT = `function snap(rows) {
      var r = sh.getRange(1, 1, rows, 3);
      var notes = [];
      for (var i = 1; i <= rows; i++) notes.push(sh.getRange(i, 3).getNote());
      return [r.getValues(), r.getFormulas(), r.getNumberFormats(), r.getBackgrounds(), notes];
    }`;
  const SETUP = `${SHEET} ${SNAPSHOT}
    sh.getRange(1, 1, 4, 3).setValues([['a', 1, ''], ['b', '=B1*2', ''], ['c', 3, 'x'], ['d', 4, '']]);
    sh.getRange(2, 2).setNumberFormat('0.0');
    sh.getRange(3, 3).setNote('third');
    sh.getRange(4, 1).setBackground('#ff0000');
    sh.getRange(900, 2).setNumberFormat('@');`;

  test('inserted rows are blank and everything below moves down with its formats and notes', () => {
    const rt = runtime();
    const res = ok(
      run(
        rt,
        `${SETUP}
        sh.insertRowsAfter(2, 2);
        var after = snap(6);
        sh.insertRowsBefore(1, 1);
        return [after, snap(7), sh.getMaxRows(), sh.getRange(903, 2).getNumberFormat(),
                sh.getRange(902, 2).getNumberFormat(), sh.getLastRow()];`,
      ),
    ) as unknown[];
    const G = 'General';
    expect(res[0]).toEqual([
      [
        ['a', 1, ''],
        ['b', '#NAME?', ''],
        ['', '', ''],
        ['', '', ''],
        ['c', 3, 'x'],
        ['d', 4, ''],
      ],
      [
        ['', '', ''],
        ['', '=B1*2', ''],
        ['', '', ''],
        ['', '', ''],
        ['', '', ''],
        ['', '', ''],
      ],
      [
        [G, G, G],
        [G, '0.0', G],
        [G, G, G],
        [G, G, G],
        [G, G, G],
        [G, G, G],
      ],
      [
        ['#ffffff', '#ffffff', '#ffffff'],
        ['#ffffff', '#ffffff', '#ffffff'],
        ['#ffffff', '#ffffff', '#ffffff'],
        ['#ffffff', '#ffffff', '#ffffff'],
        ['#ffffff', '#ffffff', '#ffffff'],
        ['#ff0000', '#ffffff', '#ffffff'],
      ],
      ['', '', '', '', 'third', ''],
    ]);
    const [values, formulas, formats, backgrounds, notes] =
      res[1] as unknown[][];
    expect(values[0]).toEqual(['', '', '']);
    expect(values.slice(1)).toEqual((res[0] as unknown[][])[0]);
    expect(formulas[2]).toEqual(['', '=B1*2', '']);
    expect(formats[2]).toEqual([G, '0.0', G]);
    expect(backgrounds[6]).toEqual(['#ff0000', '#ffffff', '#ffffff']);
    expect(notes).toEqual(['', '', '', '', '', 'third', '']);
    // Formats on rows with no values move too.
    expect(res.slice(2)).toEqual([1003, '@', G, 7]);
  });

  test('deleted rows take their values and formats; rows below move up', () => {
    const rt = runtime();
    const res = ok(
      run(
        rt,
        `${SETUP}
        sh.deleteRows(2, 2);
        return [snap(3), sh.getMaxRows(), sh.getRange(898, 2).getNumberFormat(), sh.getLastRow()];`,
      ),
    );
    const G = 'General';
    expect(res).toEqual([
      [
        [
          ['a', 1, ''],
          ['d', 4, ''],
          ['', '', ''],
        ],
        [
          ['', '', ''],
          ['', '', ''],
          ['', '', ''],
        ],
        [
          [G, G, G],
          [G, G, G],
          [G, G, G],
        ],
        [
          ['#ffffff', '#ffffff', '#ffffff'],
          ['#ff0000', '#ffffff', '#ffffff'],
          ['#ffffff', '#ffffff', '#ffffff'],
        ],
        ['', '', ''],
      ],
      998,
      '@',
      2,
    ]);
  });

  test('columns insert and delete with their cells and formats', () => {
    const rt = runtime();
    const res = ok(
      run(
        rt,
        `${SETUP}
        sh.insertColumnsBefore(2, 1);
        var moved = [sh.getRange(1, 1, 2, 4).getValues(), sh.getRange(2, 3).getNumberFormat(),
                     sh.getRange(2, 3).getFormula(), sh.getRange(3, 4).getNote(), sh.getMaxColumns()];
        sh.deleteColumns(1, 2);
        return [moved, sh.getRange(1, 1, 2, 2).getValues(), sh.getRange(2, 1).getNumberFormat(),
                sh.getRange(3, 2).getNote(), sh.getRange(4, 1).getBackground(), sh.getMaxColumns()];`,
      ),
    );
    expect(res).toEqual([
      [
        [
          ['a', '', 1, ''],
          ['b', '', '#NAME?', ''],
        ],
        '0.0',
        '=B1*2',
        'third',
        27,
      ],
      [
        [1, ''],
        ['#NAME?', ''],
      ],
      '0.0',
      'third',
      '#ffffff',
      25,
    ]);
  });

  test('a large insertion in the middle of the data moves the rows below it', () => {
    const rt = runtime();
    const res = ok(
      run(
        rt,
        `${SETUP}
        sh.insertRowsAfter(3, 250000);
        return [sh.getMaxRows(), sh.getLastRow(), sh.getRange(250004, 1, 1, 3).getValues()[0],
                sh.getRange(4, 1).getValue(), sh.getRange(250004, 1).getBackground(),
                sh.getRange(3, 3).getNote()];`,
      ),
    );
    expect(res).toEqual([251000, 250004, ['d', 4, ''], '', '#ff0000', 'third']);
  });

  test('clearing formats keeps notes where the rows moved them', () => {
    const rt = runtime();
    const res = ok(
      run(
        rt,
        `${SETUP}
        sh.insertRowsBefore(1, 2);
        sh.clearFormats();
        var a = [sh.getRange(5, 3).getNote(), sh.getRange(4, 2).getNumberFormat(), sh.getRange(6, 1).getBackground()];
        sh.getRange(5, 3).setBackground('#00ff00');
        sh.getRange('A1:C10').clear({formatOnly: true});
        return [a, sh.getRange(5, 3).getNote(), sh.getRange(5, 3).getBackground(), sh.getRange(5, 3).getValue()];`,
      ),
    );
    expect(res).toEqual([
      ['third', 'General', '#ffffff'],
      'third',
      '#ffffff',
      'x',
    ]);
  });

  test('setValues and setNumberFormats leave the cells of holes in a sparse row as they were', () => {
    const rt = runtime();
    const res = ok(
      run(
        rt,
        `${SHEET}
        sh.getRange(1, 1, 1, 3).setValues([[1, 2, 3]]);
        var row = [10]; row[2] = '30%';
        sh.getRange(1, 1, 1, 3).setValues([row]);
        var values = sh.getRange(1, 1, 1, 3).getValues()[0], pct = sh.getRange(1, 3).getNumberFormat();
        var formats = ['0.0']; formats[2] = '@';
        sh.getRange(1, 1, 1, 3).setNumberFormat('#,##0');
        sh.getRange(1, 1, 1, 3).setNumberFormats([formats]);
        return [values, pct, sh.getRange(1, 1, 1, 3).getNumberFormats()[0]];`,
      ),
    );
    expect(res).toEqual([[10, 2, 0.3], '0%', ['0.0', '#,##0', '@']]);
  });

  test('getValues rows are exact-width arrays of the script: blanks, dates and rows past the data', () => {
    const rt = runtime();
    const res = ok(
      run(
        rt,
        `${SHEET}
        sh.getRange(1, 1, 1, 3).setValues([[1, 'a', new Date(Date.UTC(2024, 0, 2))]]);
        sh.getRange(2, 2).setValue('b');
        var v = sh.getRange(1, 1, 4, 4).getValues();
        var one = sh.getRange(1, 2, 3, 1).getValues();
        return [v.map(function (r) { return [r instanceof Array, r.length]; }),
                v[0][2] instanceof Date, v[0][2].getTime(), v[0][0], v[0][1], v[0][3],
                v[1], v[3], one];`,
      ),
    );
    expect(res).toEqual([
      [
        [true, 4],
        [true, 4],
        [true, 4],
        [true, 4],
      ],
      true,
      Date.UTC(2024, 0, 2),
      1,
      'a',
      '',
      ['', 'b', '', ''],
      ['', '', '', ''],
      [['a'], ['b'], ['']],
    ]);
  });

  test('one format row repeated over rows of different earlier styles gives each row its own result', () => {
    const rt = runtime();
    const res = ok(
      run(
        rt,
        `${SHEET}
        sh.getRange(2, 2).setBackground('#00ff00');
        sh.getRange(4, 1, 2, 3).setFontWeight('bold');
        var fmt = ['0.0', '@', '0%'];
        sh.getRange(1, 1, 6, 3).setNumberFormats([fmt, fmt, fmt, fmt, fmt, fmt]);
        sh.getRange(1, 2, 6, 1).setHorizontalAlignment('center');
        sh.getRange(5, 3).setNumberFormat('#,##0');
        var each = function (get) {
          return [1, 2, 3, 4, 5, 6].map(function (r) {
            return [1, 2, 3].map(function (c) { return get(sh.getRange(r, c)); });
          });
        };
        return [
          sh.getRange(1, 1, 6, 3).getNumberFormats(),
          sh.getRange(1, 1, 6, 3).getBackgrounds(),
          each(function (g) { return g.getFontWeight(); }),
          each(function (g) { return g.getHorizontalAlignment(); }),
        ];`,
      ),
    );
    const fmt = ['0.0', '@', '0%'];
    const w = '#ffffff';
    const n = ['normal', 'normal', 'normal'];
    const b = ['bold', 'bold', 'bold'];
    const a = ['general', 'center', 'general'];
    expect(res).toEqual([
      [fmt, fmt, fmt, fmt, ['0.0', '@', '#,##0'], fmt],
      [
        [w, w, w],
        [w, '#00ff00', w],
        [w, w, w],
        [w, w, w],
        [w, w, w],
        [w, w, w],
      ],
      [n, n, n, b, b, n],
      [a, a, a, a, a, a],
    ]);
  });

  test('rows formatted alike stay independent: changing one cell, column or row leaves the others', () => {
    const rt = runtime();
    const res = ok(
      run(
        rt,
        `${SHEET}
        sh.getRange(1, 1, 3, 2).setNumberFormats([['0.0', '@'], ['0.0', '@'], ['0.0', '@']]);
        sh.getRange(2, 1).setNumberFormat('0%');
        sh.getRange(3, 1, 1, 2).setBackground('#ff0000');
        sh.insertColumnsBefore(1, 1);
        sh.getRange(1, 2).setFontWeight('bold');
        var f = sh.getRange(1, 1, 3, 3).getNumberFormats();
        var b = sh.getRange(1, 1, 3, 3).getBackgrounds();
        var w = [1, 2, 3].map(function (r) {
          return [1, 2, 3].map(function (c) { return sh.getRange(r, c).getFontWeight(); });
        });
        return [f, b, w];`,
      ),
    );
    expect(res).toEqual([
      [
        ['General', '0.0', '@'],
        ['General', '0%', '@'],
        ['General', '0.0', '@'],
      ],
      [
        ['#ffffff', '#ffffff', '#ffffff'],
        ['#ffffff', '#ffffff', '#ffffff'],
        ['#ffffff', '#ff0000', '#ff0000'],
      ],
      [
        ['normal', 'bold', 'normal'],
        ['normal', 'normal', 'normal'],
        ['normal', 'normal', 'normal'],
      ],
    ]);
  });
});
