import {
  appendRows,
  readTable,
  replacePartitions,
  replaceTab,
  rewriteTail,
  sanitizeCell,
  trimHead,
} from '../../src/sheets/writer';
import {MiniBook} from './mini-sheets';

// The writer only touches the spreadsheet handed to it, plus Utilities when reading dates.
function book(): {
  ss: GoogleAppsScript.Spreadsheet.Spreadsheet;
  mini: MiniBook;
} {
  const mini = new MiniBook();
  return {
    ss: mini as unknown as GoogleAppsScript.Spreadsheet.Spreadsheet,
    mini,
  };
}

describe('sanitizeCell', () => {
  it('prefixes strings Sheets would read as formulas', () => {
    expect(sanitizeCell('=IMPORTXML("http://x")')).toBe(
      '\'=IMPORTXML("http://x")',
    );
    expect(sanitizeCell('+1+1')).toBe("'+1+1");
    expect(sanitizeCell('-2+3')).toBe("'-2+3");
    expect(sanitizeCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(sanitizeCell('\t=1')).toBe("'\t=1");
    expect(sanitizeCell('\r=1')).toBe("'\r=1");
    expect(sanitizeCell('Math = fun')).toBe('Math = fun');
  });
  it('keeps numbers and booleans, blanks non-finite numbers and nullish values', () => {
    expect(sanitizeCell(-3.5)).toBe(-3.5);
    expect(sanitizeCell(0)).toBe(0);
    expect(sanitizeCell(true)).toBe(true);
    expect(sanitizeCell(NaN)).toBe('');
    expect(sanitizeCell(Infinity)).toBe('');
    expect(sanitizeCell(null)).toBe('');
    expect(sanitizeCell(undefined)).toBe('');
  });
  it('writes Dates as ISO 8601 UTC strings', () => {
    expect(sanitizeCell(new Date(Date.UTC(2025, 0, 6, 12)))).toBe(
      '2025-01-06T12:00:00.000Z',
    );
    expect(sanitizeCell(new Date(NaN))).toBe('');
  });
  it('cuts strings to the 50,000-character cell limit', () => {
    expect((sanitizeCell('x'.repeat(60000)) as string).length).toBe(50000);
  });
});

describe('replaceTab', () => {
  it('creates a tab with one setValues, a frozen header, formats and an exact grid', () => {
    const {ss, mini} = book();
    const rows = Array.from({length: 1500}, (_, i) => [
      `2025-01-${String((i % 28) + 1).padStart(2, '0')}`,
      i,
      i / 7,
    ]);
    const r = replaceTab('facts', ['date', 'n', 'rate'], rows, {
      spreadsheet: ss,
      numberFormats: ['@', '0', '0.00'],
      columnWidths: [100, null, 80],
    });
    expect(r).toMatchObject({
      rows: 1500,
      columns: 3,
      setValuesCalls: 1,
      mode: 'swap',
    });
    expect(mini.calls.setValues).toBe(1);
    const s = mini.getSheetByName('facts')!;
    expect(s.maxRows).toBe(1501);
    expect(s.maxCols).toBe(3);
    expect(s.frozenRows).toBe(1);
    expect(s.formats).toEqual(['@', '0', '0.00']);
    expect(s.widths).toEqual({1: 100, 3: 80});
    expect(s.dump()[0]).toEqual(['date', 'n', 'rate']);
    expect(s.dump()[1500]).toEqual(['2025-01-16', 1499, 1499 / 7]);
  });

  it('replaces an existing tab at its position and leaves no helper sheets', () => {
    const {ss, mini} = book();
    replaceTab('a', ['x'], [[1]], {spreadsheet: ss});
    replaceTab('b', ['x'], [[2]], {spreadsheet: ss});
    replaceTab(
      'a',
      ['x', 'y'],
      [
        [3, 'z'],
        [4, 'w'],
      ],
      {spreadsheet: ss},
    );
    expect(mini.names()).toEqual(['Sheet1', 'a', 'b']);
    expect(mini.getSheetByName('a')!.dump()).toEqual([
      ['x', 'y'],
      [3, 'z'],
      [4, 'w'],
    ]);
  });

  it('leaves the old tab intact when the write fails', () => {
    const {ss, mini} = book();
    replaceTab('t', ['k'], [['old']], {spreadsheet: ss});
    mini.failOn = {what: 'setValues', n: (mini.calls.setValues ?? 0) + 2};
    expect(() =>
      replaceTab('t', ['k'], [['n1'], ['n2'], ['n3']], {
        spreadsheet: ss,
        chunkRows: 2,
      }),
    ).toThrow(/Service error/);
    expect(mini.names()).toEqual(['Sheet1', 't']);
    expect(mini.getSheetByName('t')!.dump()).toEqual([['k'], ['old']]);
  });

  it('recovers from a run that stopped between the renames', () => {
    const {ss, mini} = book();
    replaceTab('t', ['k'], [['old']], {spreadsheet: ss});
    mini.getSheetByName('t')!.setName('~old~t');
    replaceTab('t', ['k'], [['new']], {spreadsheet: ss});
    expect(mini.names()).toEqual(['Sheet1', 't']);
    expect(mini.getSheetByName('t')!.dump()).toEqual([['k'], ['new']]);
  });

  it('keeps the sheet id in place mode and blanks what the old content had beyond the new', () => {
    const {ss, mini} = book();
    const first = replaceTab(
      'lk_x',
      ['a', 'b', 'c'],
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
      {
        spreadsheet: ss,
      },
    );
    const before = mini.calls.setValues;
    const second = replaceTab('lk_x', ['a'], [['=evil()']], {
      spreadsheet: ss,
      keepSheetId: true,
    });
    expect(second.sheetId).toBe(first.sheetId);
    expect(second.mode).toBe('inPlace');
    expect(mini.calls.setValues - before).toBe(1);
    const s = mini.getSheetByName('lk_x')!;
    expect(s.dump()).toEqual([['a'], ["'=evil()"]]);
    expect(s.maxCols).toBe(1);
  });

  it('rejects ragged rows naming the tab and row, before touching the spreadsheet', () => {
    const {ss, mini} = book();
    expect(() =>
      replaceTab('t', ['a', 'b'], [[1, 2], [3]], {spreadsheet: ss}),
    ).toThrow('Tab "t": row 2 has 1 values for 2 columns');
    expect(mini.names()).toEqual(['Sheet1']);
  });

  it('refuses a tab that would push the spreadsheet past 10 million cells', () => {
    const {ss, mini} = book();
    mini.getSheets()[0].maxRows = 400_000; // 400k x 26 = 10.4M cells already
    expect(() => replaceTab('t', ['a'], [[1]], {spreadsheet: ss})).toThrow(
      /limit of 10000000 cells/,
    );
  });
});

describe('replacePartitions and appendRows', () => {
  it('replaces the days present and keeps the others, without duplicates on re-run', () => {
    const {ss, mini} = book();
    const h = ['date', 'school', 'n'];
    replacePartitions(
      'f',
      h,
      [
        ['2025-01-02', 'A', 1],
        ['2025-01-01', 'A', 2],
      ],
      'date',
      {
        spreadsheet: ss,
      },
    );
    replacePartitions(
      'f',
      h,
      [
        ['2025-01-02', 'A', 5],
        ['2025-01-02', 'B', 6],
      ],
      'date',
      {
        spreadsheet: ss,
      },
    );
    const again = replacePartitions(
      'f',
      h,
      [
        ['2025-01-02', 'A', 5],
        ['2025-01-02', 'B', 6],
      ],
      'date',
      {
        spreadsheet: ss,
      },
    );
    expect(again.rowsKept).toBe(1);
    expect(mini.getSheetByName('f')!.dump()).toEqual([
      h,
      ['2025-01-01', 'A', 2],
      ['2025-01-02', 'A', 5],
      ['2025-01-02', 'B', 6],
    ]);
  });

  it('appends under a matching header and refuses a different one', () => {
    const {ss, mini} = book();
    appendRows('log', ['run', 'status'], [['r1', 'ok']], {spreadsheet: ss});
    appendRows('log', ['run', 'status'], [['r2', '-failed']], {
      spreadsheet: ss,
    });
    expect(mini.getSheetByName('log')!.dump()).toEqual([
      ['run', 'status'],
      ['r1', 'ok'],
      ['r2', "'-failed"],
    ]);
    expect(() =>
      appendRows('log', ['run', 'other'], [['r3', 'x']], {spreadsheet: ss}),
    ).toThrow(/has columns \[run, status\]/);
  });

  it('reads a table back', () => {
    const {ss} = book();
    replaceTab('t', ['a', 'b'], [['x', 1]], {spreadsheet: ss});
    expect(readTable('t', ss)).toEqual({headers: ['a', 'b'], rows: [['x', 1]]});
    expect(readTable('missing', ss)).toBeNull();
  });
});

describe('rewriteTail', () => {
  const h = ['date', 'school', 'n'];
  const seed = (ss: GoogleAppsScript.Spreadsheet.Spreadsheet) =>
    replaceTab(
      'lk',
      h,
      [
        ['2025-01-01', 'A', 1],
        ['2025-01-02', 'A', 2],
        ['2025-01-02', 'B', 3],
        ['2025-01-03', 'A', 4],
      ],
      {spreadsheet: ss, keepSheetId: true},
    );

  it('rewrites from the first row of the key on, keeping earlier rows and the sheet id', () => {
    const {ss, mini} = book();
    const first = seed(ss);
    const r = rewriteTail(
      'lk',
      h,
      [
        ['2025-01-02', 'A', 20],
        ['2025-01-03', 'A', 40],
        ['2025-01-04', '=cmd', 50],
      ],
      'date',
      '2025-01-02',
      {spreadsheet: ss},
    );
    expect(r).not.toBeNull();
    expect(r!.sheetId).toBe(first.sheetId);
    expect(r!.rows).toBe(3);
    expect(mini.getSheetByName('lk')!.dump()).toEqual([
      h,
      ['2025-01-01', 'A', 1],
      ['2025-01-02', 'A', 20],
      ['2025-01-03', 'A', 40],
      ['2025-01-04', "'=cmd", 50],
    ]);
  });

  it('blanks rows left over when the tail shrinks; re-running changes nothing', () => {
    const {ss, mini} = book();
    seed(ss);
    const rows = [['2025-01-02', 'A', 9]];
    rewriteTail('lk', h, rows, 'date', '2025-01-02', {spreadsheet: ss});
    rewriteTail('lk', h, rows, 'date', '2025-01-02', {spreadsheet: ss});
    const dump = mini
      .getSheetByName('lk')!
      .dump()
      .filter(r => r.some(v => v !== ''));
    expect(dump).toEqual([h, ['2025-01-01', 'A', 1], ['2025-01-02', 'A', 9]]);
  });

  it('refuses a missing tab, another header, an unsorted key column or rows before the key', () => {
    const {ss} = book();
    const rows = [['2025-01-03', 'A', 1]];
    expect(
      rewriteTail('lk', h, rows, 'date', '2025-01-03', {spreadsheet: ss}),
    ).toBeNull();
    seed(ss);
    expect(
      rewriteTail('lk', ['day', 'school', 'n'], rows, 'day', '2025-01-03', {
        spreadsheet: ss,
      }),
    ).toBeNull();
    expect(
      rewriteTail('lk', h, [['2025-01-01', 'A', 1]], 'date', '2025-01-03', {
        spreadsheet: ss,
      }),
    ).toBeNull();
    replaceTab(
      'lk',
      h,
      [
        ['2025-01-03', 'A', 1],
        ['2025-01-01', 'A', 2],
      ],
      {spreadsheet: ss, keepSheetId: true},
    );
    expect(
      rewriteTail('lk', h, rows, 'date', '2025-01-03', {spreadsheet: ss}),
    ).toBeNull();
  });
});

describe('trimHead', () => {
  it('deletes the oldest whole keys until at most maxRows data rows remain', () => {
    const {ss, mini} = book();
    const h = ['date', 'school', 'n'];
    replaceTab(
      'lk',
      h,
      [
        ['2025-01-01', 'A', 1],
        ['2025-01-01', 'B', 2],
        ['2025-01-02', 'A', 3],
        ['2025-01-02', 'B', 4],
        ['2025-01-03', 'A', 5],
      ],
      {spreadsheet: ss, keepSheetId: true},
    );
    expect(trimHead('lk', 'date', 10, {spreadsheet: ss})).toBe(0);
    // Four rows allowed: one row of 2025-01-01 would do, but the day goes whole.
    expect(trimHead('lk', 'date', 4, {spreadsheet: ss})).toBe(2);
    expect(
      mini
        .getSheetByName('lk')!
        .dump()
        .filter(r => r.some(v => v !== '')),
    ).toEqual([
      h,
      ['2025-01-02', 'A', 3],
      ['2025-01-02', 'B', 4],
      ['2025-01-03', 'A', 5],
    ]);
  });
});
