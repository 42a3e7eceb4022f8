/** Sheet: one tab's rows, columns, frozen panes, widths, rules and charts. */
import type {Engine} from '../engine';
import {EmbeddedChart, EmbeddedChartBuilder} from './charts';
import {ConditionalFormatRule} from './conditional';
import {displayValue} from './formats';
import {MAX_COLUMNS, SheetModel, SpreadsheetStore, columnIndex} from './model';
import {Range, RangeSheet} from './range';
import {storeCell, toStored, toValue, typeName} from './values';

export function checkSheetName(engine: Engine, name: string): void {
  if (name.length > 100) {
    throw engine.error('Sheet names must be no longer than 100 characters.');
  }
  if (name.trim() === '') throw engine.error('Sheet name cannot be empty.');
}

export class Sheet implements RangeSheet {
  deleted = false;
  // Here rather than on SheetModel, which sits below rules and charts; the one facade
  // per sheet (Spreadsheet.sheetObject) makes them the sheet's own.
  private conditionalRules: ConditionalFormatRule[] = [];
  private readonly charts: EmbeddedChart[] = [];
  constructor(
    private readonly book: SpreadsheetStore,
    readonly model: SheetModel,
    private readonly parent: object,
  ) {}
  private get engine(): Engine {
    return this.book.engine;
  }
  private live(): SheetModel {
    if (this.deleted) throw this.engine.error('This sheet has been deleted.');
    return this.model;
  }
  getName(): string {
    return this.engine.call('Sheet.getName', () => this.live().name);
  }
  setName(name: string): Sheet {
    return this.engine.call('Sheet.setName', () => {
      const n = String(name);
      checkSheetName(this.engine, n);
      const other = this.book.findSheet(n);
      if (other && other !== this.model) {
        throw this.engine.error(
          `A sheet with the name "${n}" already exists. Please enter another name.`,
        );
      }
      this.live().name = n;
      return this;
    });
  }
  getSheetId(): number {
    return this.engine.call('Sheet.getSheetId', () => this.live().id);
  }
  getIndex(): number {
    return this.engine.call(
      'Sheet.getIndex',
      () => this.book.sheets.indexOf(this.live()) + 1,
    );
  }
  getParent(): object {
    return this.engine.call('Sheet.getParent', () => this.parent);
  }
  activate(): Sheet {
    return this.engine.call('Sheet.activate', () => {
      this.book.active = this.book.sheets.indexOf(this.live());
      return this;
    });
  }
  getRange(a: unknown, b?: unknown, c?: unknown, d?: unknown): Range {
    return this.engine.call('Sheet.getRange', () => {
      if (typeof a === 'string' && b === undefined) return this.rangeFromA1(a);
      const args = [a, b, c, d].filter(x => x !== undefined);
      if (!args.every(x => typeof x === 'number' && Number.isFinite(x))) {
        throw this.engine.error(
          `The parameters (${args.map(typeName).join(',')}) don't match the method signature for SpreadsheetApp.Sheet.getRange.`,
        );
      }
      const row = Math.floor(a as number);
      const col = Math.floor(b as number);
      const nr = c === undefined ? 1 : Math.floor(c as number);
      const nc = d === undefined ? 1 : Math.floor(d as number);
      return this.range(row, col, nr, nc);
    });
  }
  /** A range after the checks Apps Script makes on its coordinates. */
  range(row: number, col: number, nr: number, nc: number): Range {
    const m = this.live();
    if (row < 1)
      throw this.engine.error('The starting row of the range is too small.');
    if (col < 1)
      throw this.engine.error('The starting column of the range is too small.');
    if (nr < 1)
      throw this.engine.error(
        'The number of rows in the range must be at least 1.',
      );
    if (nc < 1)
      throw this.engine.error(
        'The number of columns in the range must be at least 1.',
      );
    if (row + nr - 1 > m.maxRows || col + nc - 1 > m.maxCols) {
      throw this.engine.error(
        'The coordinates of the range are outside the dimensions of the sheet.',
      );
    }
    return new Range(this.book, this, row, col, nr, nc);
  }
  rangeFromA1(a1: string): Range {
    const m = this.live();
    const s = a1.trim().replace(/\$/g, '').toUpperCase();
    let r = /^([A-Z]+)(\d+)(?::([A-Z]+)(\d*))?$/.exec(s);
    if (r) {
      const c1 = columnIndex(r[1]);
      const r1 = Number(r[2]);
      const c2 = r[3] ? columnIndex(r[3]) : c1;
      const r2 = r[3] ? (r[4] ? Number(r[4]) : m.maxRows) : r1;
      if (r1 < 1 || r2 < 1) throw this.engine.error('Range not found');
      return this.range(
        Math.min(r1, r2),
        Math.min(c1, c2),
        Math.abs(r2 - r1) + 1,
        Math.abs(c2 - c1) + 1,
      );
    }
    r = /^([A-Z]+):([A-Z]+)$/.exec(s);
    if (r) {
      const c1 = columnIndex(r[1]);
      const c2 = columnIndex(r[2]);
      return this.range(1, Math.min(c1, c2), m.maxRows, Math.abs(c2 - c1) + 1);
    }
    r = /^(\d+):(\d+)$/.exec(s);
    if (r) {
      const r1 = Number(r[1]);
      const r2 = Number(r[2]);
      if (r1 < 1 || r2 < 1) throw this.engine.error('Range not found');
      return this.range(Math.min(r1, r2), 1, Math.abs(r2 - r1) + 1, m.maxCols);
    }
    throw this.engine.error('Range not found');
  }
  getDataRange(): Range {
    return this.engine.call('Sheet.getDataRange', () => {
      const m = this.live();
      return this.range(
        1,
        1,
        Math.max(1, m.lastRow()),
        Math.max(1, m.lastColumn()),
      );
    });
  }
  getSheetValues(
    row: number,
    col: number,
    nr: number,
    nc: number,
  ): unknown[][] {
    return this.engine.call('Sheet.getSheetValues', () =>
      this.range(row, col, nr, nc).read(v =>
        toValue(v, this.engine.realm().Date),
      ),
    );
  }
  getLastRow(): number {
    return this.engine.call('Sheet.getLastRow', () => this.live().lastRow());
  }
  getLastColumn(): number {
    return this.engine.call('Sheet.getLastColumn', () =>
      this.live().lastColumn(),
    );
  }
  getMaxRows(): number {
    return this.engine.call('Sheet.getMaxRows', () => this.live().maxRows);
  }
  getMaxColumns(): number {
    return this.engine.call('Sheet.getMaxColumns', () => this.live().maxCols);
  }
  private growRows(n: number): void {
    const m = this.live();
    if (!(n >= 1))
      throw this.engine.error('The number of rows must be at least 1.');
    this.book.checkGrowth(n * m.maxCols);
  }
  private growCols(n: number): void {
    const m = this.live();
    if (!(n >= 1))
      throw this.engine.error('The number of columns must be at least 1.');
    if (m.maxCols + n > MAX_COLUMNS) {
      throw this.engine.error(
        `This action would increase the number of columns in the sheet above the limit of ${MAX_COLUMNS}.`,
      );
    }
    this.book.checkGrowth(n * m.maxRows);
  }
  /** Inserts rows at row `at` after checking `pos`, the row the caller named. */
  private insertRowsAt(
    method: string,
    pos: number,
    at: number,
    howMany: number,
  ): Sheet {
    return this.engine.call(`Sheet.${method}`, () => {
      const m = this.live();
      if (pos < 1 || pos > m.maxRows)
        throw this.engine.error('Those rows are out of bounds.');
      this.growRows(howMany);
      m.shiftRows(at, howMany);
      m.maxRows += howMany;
      return this;
    });
  }
  /** Inserts columns at column `at`, as insertRowsAt does rows. */
  private insertColumnsAt(
    method: string,
    pos: number,
    at: number,
    howMany: number,
  ): Sheet {
    return this.engine.call(`Sheet.${method}`, () => {
      const m = this.live();
      if (pos < 1 || pos > m.maxCols)
        throw this.engine.error('Those columns are out of bounds.');
      this.growCols(howMany);
      m.shiftCols(at, howMany);
      m.maxCols += howMany;
      return this;
    });
  }
  insertRowsAfter(after: number, howMany: number): Sheet {
    return this.insertRowsAt('insertRowsAfter', after, after + 1, howMany);
  }
  insertRowsBefore(before: number, howMany: number): Sheet {
    return this.insertRowsAt('insertRowsBefore', before, before, howMany);
  }
  insertRows(rowIndex: number, numRows = 1): void {
    this.insertRowsBefore(rowIndex, numRows);
  }
  insertColumnsAfter(after: number, howMany: number): Sheet {
    return this.insertColumnsAt(
      'insertColumnsAfter',
      after,
      after + 1,
      howMany,
    );
  }
  insertColumnsBefore(before: number, howMany: number): Sheet {
    return this.insertColumnsAt('insertColumnsBefore', before, before, howMany);
  }
  deleteRows(position: number, howMany: number): void {
    this.engine.call('Sheet.deleteRows', () => {
      const m = this.live();
      if (position < 1 || howMany < 1 || position + howMany - 1 > m.maxRows) {
        throw this.engine.error('Those rows are out of bounds.');
      }
      if (m.maxRows - howMany <= m.frozenRows || howMany >= m.maxRows) {
        throw this.engine.error(
          'Sorry, it is not possible to delete all non-frozen rows.',
        );
      }
      m.shiftRows(position, -howMany);
      m.maxRows -= howMany;
    });
  }
  deleteRow(position: number): Sheet {
    this.deleteRows(position, 1);
    return this;
  }
  deleteColumns(position: number, howMany: number): void {
    this.engine.call('Sheet.deleteColumns', () => {
      const m = this.live();
      if (position < 1 || howMany < 1 || position + howMany - 1 > m.maxCols) {
        throw this.engine.error('Those columns are out of bounds.');
      }
      if (howMany >= m.maxCols) {
        throw this.engine.error(
          'Sorry, it is not possible to delete all non-frozen columns.',
        );
      }
      m.shiftCols(position, -howMany);
      m.maxCols -= howMany;
    });
  }
  appendRow(rowContents: unknown[]): Sheet {
    return this.engine.call('Sheet.appendRow', () => {
      const m = this.live();
      if (!Array.isArray(rowContents)) {
        throw this.engine.error(
          `The parameters (${typeName(rowContents)}) don't match the method signature for SpreadsheetApp.Sheet.appendRow.`,
        );
      }
      const r = m.lastRow() + 1;
      if (r > m.maxRows) {
        this.book.checkGrowth(m.maxCols);
        m.maxRows = r;
      }
      if (rowContents.length > m.maxCols) {
        this.growCols(rowContents.length - m.maxCols);
        m.maxCols = rowContents.length;
      }
      rowContents.forEach((v, i) => {
        const plain = m.style(r, i + 1)?.numberFormat === '@';
        storeCell(m, r, i + 1, toStored(v, this.book, plain));
      });
      m.shareStyles(r, 1);
      return this;
    });
  }
  clear(): Sheet {
    return this.engine.call('Sheet.clear', () => {
      const m = this.live();
      m.rows = [];
      m.styles = [];
      return this;
    });
  }
  clearContents(): Sheet {
    return this.engine.call('Sheet.clearContents', () => {
      this.live().rows = [];
      return this;
    });
  }
  clearFormats(): Sheet {
    return this.engine.call('Sheet.clearFormats', () => {
      const m = this.live();
      const styles = m.styles;
      m.styles = [];
      styles.forEach((row, i) => {
        row?.forEach((s, j) => {
          if (s?.note !== undefined) m.setStyle(i + 1, j + 1, {note: s.note});
        });
      });
      return this;
    });
  }
  setFrozenRows(rows: number): void {
    this.setFrozen('Rows', rows);
  }
  getFrozenRows(): number {
    return this.engine.call(
      'Sheet.getFrozenRows',
      () => this.live().frozenRows,
    );
  }
  setFrozenColumns(cols: number): void {
    this.setFrozen('Columns', cols);
  }
  getFrozenColumns(): number {
    return this.engine.call(
      'Sheet.getFrozenColumns',
      () => this.live().frozenCols,
    );
  }
  /** Freezing every row (or column) there is fails, as in Sheets. */
  private setFrozen(what: 'Rows' | 'Columns', n: number): void {
    this.engine.call(`Sheet.setFrozen${what}`, () => {
      const m = this.live();
      const rows = what === 'Rows';
      if (n < 0 || n >= (rows ? m.maxRows : m.maxCols)) {
        throw this.engine.error(
          `You can't freeze all visible ${what.toLowerCase()} on the sheet.`,
        );
      }
      if (rows) m.frozenRows = n;
      else m.frozenCols = n;
    });
  }
  hideSheet(): Sheet {
    return this.engine.call('Sheet.hideSheet', () => {
      const m = this.live();
      if (this.book.sheets.filter(s => !s.hidden && s !== m).length === 0) {
        throw this.engine.error(
          'Sorry, it is not possible to hide all the sheets in a document.',
        );
      }
      m.hidden = true;
      return this;
    });
  }
  showSheet(): Sheet {
    return this.engine.call('Sheet.showSheet', () => {
      this.live().hidden = false;
      return this;
    });
  }
  isSheetHidden(): boolean {
    return this.engine.call('Sheet.isSheetHidden', () => this.live().hidden);
  }
  setColumnWidth(col: number, width: number): Sheet {
    return this.engine.call('Sheet.setColumnWidth', () => {
      this.live().columnWidths.set(col, width);
      return this;
    });
  }
  setColumnWidths(start: number, num: number, width: number): Sheet {
    return this.engine.call('Sheet.setColumnWidths', () => {
      for (let c = start; c < start + num; c++)
        this.live().columnWidths.set(c, width);
      return this;
    });
  }
  getColumnWidth(col: number): number {
    return this.engine.call(
      'Sheet.getColumnWidth',
      () => this.live().columnWidths.get(col) ?? 100,
    );
  }
  autoResizeColumns(start: number, num: number): Sheet {
    return this.engine.call('Sheet.autoResizeColumns', () => {
      const m = this.live();
      if (start < 1 || num < 1 || start + num - 1 > m.maxCols) {
        throw this.engine.error('Those columns are out of bounds.');
      }
      for (let c = start; c < start + num; c++) {
        let w = 0;
        for (let r = 1; r <= m.rows.length; r++) {
          const v = m.get(r, c);
          if (v !== '')
            w = Math.max(
              w,
              displayValue(v, m.style(r, c)?.numberFormat, this.book.tz())
                .length,
            );
        }
        m.columnWidths.set(c, Math.max(30, Math.min(1000, 7 * w + 10)));
      }
      return this;
    });
  }
  autoResizeColumn(col: number): Sheet {
    return this.autoResizeColumns(col, 1);
  }
  setConditionalFormatRules(rules: ConditionalFormatRule[]): void {
    this.engine.call('Sheet.setConditionalFormatRules', () => {
      if (
        !Array.isArray(rules) ||
        rules.some(r => !(r instanceof ConditionalFormatRule))
      ) {
        throw this.engine.error(
          "The parameters (Object) don't match the method signature for SpreadsheetApp.Sheet.setConditionalFormatRules.",
        );
      }
      this.live();
      this.conditionalRules = [...rules];
    });
  }
  getConditionalFormatRules(): ConditionalFormatRule[] {
    return this.engine.call('Sheet.getConditionalFormatRules', () => {
      const arr = new (this.engine.realm().Array)() as ConditionalFormatRule[];
      this.live();
      for (const r of this.conditionalRules) arr.push(r);
      return arr;
    });
  }
  newChart(): EmbeddedChartBuilder {
    return this.engine.call(
      'Sheet.newChart',
      () => new EmbeddedChartBuilder(this.book, this),
    );
  }
  insertChart(chart: EmbeddedChart): void {
    this.engine.call('Sheet.insertChart', () => {
      if (!(chart instanceof EmbeddedChart)) {
        throw this.engine.error(
          "The parameters (Object) don't match the method signature for SpreadsheetApp.Sheet.insertChart.",
        );
      }
      chart.chartId = this.book.newChartId();
      this.live();
      this.charts.push(chart);
    });
  }
  updateChart(chart: EmbeddedChart): void {
    this.engine.call('Sheet.updateChart', () => {
      this.live();
      const charts = this.charts;
      const i = charts.findIndex(c => c.chartId === chart.chartId);
      if (i < 0)
        throw this.engine.error('The chart does not exist on this sheet.');
      charts[i] = chart;
    });
  }
  getCharts(): EmbeddedChart[] {
    return this.engine.call('Sheet.getCharts', () => {
      const arr = new (this.engine.realm().Array)() as EmbeddedChart[];
      this.live();
      for (const c of this.charts) arr.push(c);
      return arr;
    });
  }
  removeChart(chart: EmbeddedChart): void {
    this.engine.call('Sheet.removeChart', () => {
      this.live();
      const charts = this.charts;
      const i = charts.findIndex(c => c.chartId === chart.chartId);
      if (i >= 0) charts.splice(i, 1);
    });
  }
}
