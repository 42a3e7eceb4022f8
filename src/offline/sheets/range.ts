/** Range: reading and writing a block of cells, its values, formulas and formats. */
import type {Engine} from '../engine';
import {displayValue} from './formats';
import {
  CellStyle,
  Formula,
  SheetModel,
  SpreadsheetStore,
  Stored,
  Typed,
  columnLetter,
} from './model';
import {storeCell, toStored, toValue, typeName} from './values';

type Grid<T> = T[][];

/** Widest range whose rows getValues copies with a realm row literal (wider ones push). */
const COPIED_ROW_MAX = 64;
const NO_CELLS: readonly Stored[] = [];

/** The sheet a range lies on, as ranges and charts see it (implemented by Sheet). */
export interface RangeSheet {
  readonly deleted: boolean;
  readonly model: SheetModel;
  range(row: number, col: number, nr: number, nc: number): Range;
}

export class Range {
  constructor(
    private readonly book: SpreadsheetStore,
    private readonly sheet: RangeSheet,
    readonly row: number,
    readonly col: number,
    readonly numRows: number,
    readonly numCols: number,
  ) {}
  private get engine(): Engine {
    return this.book.engine;
  }
  private get m(): SheetModel {
    if (this.sheet.deleted)
      throw this.engine.error('This sheet has been deleted.');
    return this.sheet.model;
  }
  private cells(): number {
    return this.numRows * this.numCols;
  }
  /** A grid of per-cell values, built in the current realm. */
  read<T>(fn: (v: Stored, r: number, c: number) => T): Grid<T> {
    // Realm literals filled in order: packed arrays, as the product's own are.
    const realm = this.engine.realm();
    const out = realm.newArray() as Grid<T>;
    const m = this.m;
    for (let i = 0; i < this.numRows; i++) {
      const row = realm.newArray() as T[];
      const src = m.rows[this.row - 1 + i];
      for (let j = 0; j < this.numCols; j++) {
        const v = src ? src[this.col - 1 + j] : undefined;
        row.push(fn(v === undefined ? '' : v, this.row + i, this.col + j));
      }
      out.push(row);
    }
    return out;
  }
  /** getValues' grid: read() without a callback per cell (the hottest read). */
  private readValues(): unknown[][] {
    const realm = this.engine.realm();
    const DateCtor = realm.Date;
    const out = realm.newArray() as unknown[][];
    const rows = this.m.rows;
    const c0 = this.col - 1;
    const nc = this.numCols;
    // Each row copied whole into an exact-size literal, then blanks and dates put right.
    const copy = nc <= COPIED_ROW_MAX ? realm.rowCopier(nc) : null;
    for (let i = 0; i < this.numRows; i++) {
      const src = rows[this.row - 1 + i];
      if (copy !== null) {
        const row = copy(src ?? NO_CELLS, c0);
        for (let j = 0; j < nc; j++) {
          const v = row[j];
          if (v === undefined) row[j] = '';
          else if (typeof v === 'object')
            row[j] = toValue(v as Stored, DateCtor);
        }
        out.push(row);
        continue;
      }
      const row = realm.newArray();
      for (let j = 0; j < nc; j++) {
        const v = src === undefined ? undefined : src[c0 + j];
        row.push(
          v === undefined
            ? ''
            : typeof v === 'object'
              ? toValue(v, DateCtor)
              : v,
        );
      }
      out.push(row);
    }
    return out;
  }
  /** Checks a 2-D argument's shape with Apps Script's messages. */
  private checkGrid(values: unknown, method: string): unknown[][] {
    if (!Array.isArray(values) || values.some(r => !Array.isArray(r))) {
      throw this.engine.error(
        `The parameters (${typeName(values)}) don't match the method signature for SpreadsheetApp.Range.${method}.`,
      );
    }
    if (values.length !== this.numRows) {
      throw this.engine.error(
        `The number of rows in the data does not match the number of rows in the range. The data has ${values.length} but the range has ${this.numRows}.`,
      );
    }
    for (const r of values as unknown[][]) {
      if (r.length !== this.numCols) {
        throw this.engine.error(
          `The number of columns in the data does not match the number of columns in the range. The data has ${r.length} but the range has ${this.numCols}.`,
        );
      }
    }
    return values as unknown[][];
  }
  private readCost(): {extraCost: number} {
    return {extraCost: this.cells() * this.engine.costs.perCellRead};
  }
  private writeCost(): {extraCost: number} {
    return {extraCost: this.cells() * this.engine.costs.perCellWrite};
  }
  private eachCell(fn: (r: number, c: number) => void): void {
    for (let r = this.row; r < this.row + this.numRows; r++) {
      for (let c = this.col; c < this.col + this.numCols; c++) fn(r, c);
    }
  }
  private writeValue(r: number, c: number, v: unknown): void {
    const m = this.m;
    const st = m.style(r, c);
    storeCell(m, r, c, toStored(v, this.book, st?.numberFormat === '@'));
  }

  getValues(): unknown[][] {
    return this.engine.call(
      'Range.getValues',
      () => this.readValues(),
      this.readCost(),
    );
  }
  getValue(): unknown {
    return this.engine.call('Range.getValue', () =>
      toValue(this.m.get(this.row, this.col), this.engine.realm().Date),
    );
  }
  getDisplayValues(): string[][] {
    const tz = this.book.tz();
    return this.engine.call(
      'Range.getDisplayValues',
      () =>
        this.read((v, r, c) =>
          displayValue(v, this.m.style(r, c)?.numberFormat, tz),
        ),
      this.readCost(),
    );
  }
  getDisplayValue(): string {
    return this.engine.call('Range.getDisplayValue', () =>
      displayValue(
        this.m.get(this.row, this.col),
        this.m.style(this.row, this.col)?.numberFormat,
        this.book.tz(),
      ),
    );
  }
  getFormulas(): string[][] {
    return this.engine.call(
      'Range.getFormulas',
      () => this.read(v => (v instanceof Formula ? v.text : '')),
      this.readCost(),
    );
  }
  getFormula(): string {
    return this.engine.call('Range.getFormula', () => {
      const v = this.m.get(this.row, this.col);
      return v instanceof Formula ? v.text : '';
    });
  }
  setValues(values: unknown[][]): Range {
    return this.engine.call(
      'Range.setValues',
      () => {
        const grid = this.checkGrid(values, 'setValues');
        // Convert every cell first so a bad cell leaves the range untouched.
        const m = this.m;
        const {row: r0, col: c0, numRows, numCols} = this;
        // A hole in a sparse row leaves its cell as it was (undefined here).
        const stored: (Stored | Typed | undefined)[][] = new Array(numRows);
        for (let i = 0; i < numRows; i++) {
          const src = grid[i];
          const styles = m.styles[r0 - 1 + i];
          const out: (Stored | Typed | undefined)[] = new Array(numCols);
          for (let j = 0; j < numCols; j++) {
            const v = src[j];
            if (v === undefined && !(j in src)) continue;
            const st = styles === undefined ? undefined : styles[c0 - 1 + j];
            out[j] = toStored(v, this.book, st?.numberFormat === '@');
          }
          stored[i] = out;
        }
        for (let i = 0; i < numRows; i++) {
          const out = stored[i];
          for (let j = 0; j < numCols; j++) {
            const s = out[j];
            if (s !== undefined) storeCell(m, r0 + i, c0 + j, s);
          }
        }
        // Typed text (a date, a percentage) may have given cells a number format.
        m.shareStyles(r0, numRows);
        return this;
      },
      this.writeCost(),
    );
  }
  setValue(value: unknown): Range {
    return this.engine.call(
      'Range.setValue',
      () => {
        this.eachCell((r, c) => this.writeValue(r, c, value));
        this.m.shareStyles(this.row, this.numRows);
        return this;
      },
      this.writeCost(),
    );
  }
  setFormula(formula: string): Range {
    return this.engine.call(
      'Range.setFormula',
      () => {
        const f = String(formula);
        this.eachCell((r, c) =>
          this.m.set(r, c, f.startsWith('=') ? new Formula(f) : f),
        );
        return this;
      },
      this.writeCost(),
    );
  }
  setFormulas(formulas: string[][]): Range {
    return this.engine.call(
      'Range.setFormulas',
      () => {
        const grid = this.checkGrid(formulas, 'setFormulas');
        grid.forEach((row, i) =>
          row.forEach((f, j) => {
            const s = String(f ?? '');
            this.m.set(
              this.row + i,
              this.col + j,
              s.startsWith('=') ? new Formula(s) : s,
            );
          }),
        );
        return this;
      },
      this.writeCost(),
    );
  }
  /**
   * Patches the styles of each row of the range (`patchRow(r)`), then shares the row's
   * style list. A row that starts from the same shared list as the row before, with the
   * same patch (`samePatch(i)`), ends the same: it takes that row's shared list without
   * patching cell by cell (a tab's format block is one row repeated).
   */
  private patchStyleRows(
    samePatch: (i: number) => boolean,
    patchRow: (r: number) => void,
  ): void {
    const m = this.m;
    const styles = m.styles;
    let prevOld: (CellStyle | undefined)[] | undefined;
    let prevNew: (CellStyle | undefined)[] | undefined;
    for (let i = 0; i < this.numRows; i++) {
      const r = this.row + i;
      const old = styles[r - 1];
      if (prevNew !== undefined && old === prevOld && samePatch(i)) {
        styles[r - 1] = prevNew;
        continue;
      }
      patchRow(r);
      m.shareStyles(r, 1);
      const now = styles[r - 1];
      // Only shared (frozen) lists stand for another row: a row's own list changes in place.
      prevNew =
        now !== undefined &&
        Object.isFrozen(now) &&
        (old === undefined || Object.isFrozen(old))
          ? now
          : undefined;
      prevOld = old;
    }
  }
  private setStyleAll(method: string, patch: CellStyle): Range {
    return this.engine.call(
      `Range.${method}`,
      () => {
        const m = this.m;
        const c1 = this.col + this.numCols;
        this.patchStyleRows(
          () => true,
          r => {
            for (let c = this.col; c < c1; c++) m.setStyle(r, c, patch);
          },
        );
        return this;
      },
      this.writeCost(),
    );
  }
  private setStyleGrid<T>(
    method: string,
    grid: T[][],
    patch: (v: T) => CellStyle,
  ): Range {
    return this.engine.call(
      `Range.${method}`,
      () => {
        const g = this.checkGrid(grid, method) as T[][];
        const m = this.m;
        // One patch per distinct value, so merges are memoised across cells.
        const patches = new Map<T, CellStyle>();
        this.patchStyleRows(
          i => g[i] === g[i - 1],
          r => {
            const row = g[r - this.row];
            for (let j = 0; j < row.length; j++) {
              const v = row[j];
              // Holes of a sparse row leave their cells as they were.
              if (v === undefined && !(j in row)) continue;
              let p = patches.get(v);
              if (p === undefined) {
                p = patch(v);
                patches.set(v, p);
              }
              m.setStyle(r, this.col + j, p);
            }
          },
        );
        return this;
      },
      this.writeCost(),
    );
  }
  private getStyleGrid<T>(
    method: string,
    get: (s: CellStyle | undefined) => T,
  ): T[][] {
    return this.engine.call(
      `Range.${method}`,
      () => this.read((_v, r, c) => get(this.m.style(r, c))),
      this.readCost(),
    );
  }
  setNumberFormat(format: string): Range {
    return this.setStyleAll('setNumberFormat', {numberFormat: String(format)});
  }
  setNumberFormats(formats: string[][]): Range {
    return this.setStyleGrid('setNumberFormats', formats, f => ({
      numberFormat: String(f),
    }));
  }
  getNumberFormat(): string {
    return this.engine.call(
      'Range.getNumberFormat',
      () => this.m.style(this.row, this.col)?.numberFormat ?? 'General',
    );
  }
  getNumberFormats(): string[][] {
    return this.getStyleGrid(
      'getNumberFormats',
      s => s?.numberFormat ?? 'General',
    );
  }
  setFontWeight(weight: string | null): Range {
    return this.setStyleAll('setFontWeight', {fontWeight: weight ?? 'normal'});
  }
  setFontWeights(weights: string[][]): Range {
    return this.setStyleGrid('setFontWeights', weights, w => ({
      fontWeight: w ?? 'normal',
    }));
  }
  getFontWeight(): string {
    return this.engine.call(
      'Range.getFontWeight',
      () => this.m.style(this.row, this.col)?.fontWeight ?? 'normal',
    );
  }
  setFontStyle(style: string | null): Range {
    return this.setStyleAll('setFontStyle', {fontStyle: style ?? 'normal'});
  }
  setFontSize(size: number): Range {
    return this.setStyleAll('setFontSize', {fontSize: size});
  }
  setFontColor(color: string | null): Range {
    return this.setStyleAll('setFontColor', {fontColor: color ?? '#000000'});
  }
  setFontColors(colors: string[][]): Range {
    return this.setStyleGrid('setFontColors', colors, c => ({
      fontColor: c ?? '#000000',
    }));
  }
  getFontColor(): string {
    return this.engine.call(
      'Range.getFontColor',
      () => this.m.style(this.row, this.col)?.fontColor ?? '#000000',
    );
  }
  setBackground(color: string | null): Range {
    return this.setStyleAll('setBackground', {background: color ?? '#ffffff'});
  }
  setBackgrounds(colors: string[][]): Range {
    return this.setStyleGrid('setBackgrounds', colors, c => ({
      background: c ?? '#ffffff',
    }));
  }
  getBackground(): string {
    return this.engine.call(
      'Range.getBackground',
      () => this.m.style(this.row, this.col)?.background ?? '#ffffff',
    );
  }
  getBackgrounds(): string[][] {
    return this.getStyleGrid('getBackgrounds', s => s?.background ?? '#ffffff');
  }
  setHorizontalAlignment(alignment: string | null): Range {
    return this.setStyleAll('setHorizontalAlignment', {
      horizontalAlignment: alignment ?? 'general',
    });
  }
  setHorizontalAlignments(alignments: string[][]): Range {
    return this.setStyleGrid('setHorizontalAlignments', alignments, a => ({
      horizontalAlignment: a ?? 'general',
    }));
  }
  getHorizontalAlignment(): string {
    return this.engine.call(
      'Range.getHorizontalAlignment',
      () => this.m.style(this.row, this.col)?.horizontalAlignment ?? 'general',
    );
  }
  setVerticalAlignment(alignment: string | null): Range {
    return this.setStyleAll('setVerticalAlignment', {
      verticalAlignment: alignment ?? 'bottom',
    });
  }
  setWrap(wrap: boolean): Range {
    return this.setStyleAll('setWrap', {wrap: Boolean(wrap)});
  }
  setWrapStrategy(strategy: string): Range {
    return this.setStyleAll('setWrapStrategy', {
      wrap: String(strategy) === 'WRAP',
    });
  }
  getWrap(): boolean {
    return this.engine.call(
      'Range.getWrap',
      () => this.m.style(this.row, this.col)?.wrap ?? false,
    );
  }
  setBorder(): Range {
    return this.engine.call('Range.setBorder', () => this);
  }
  setNote(note: string | null): Range {
    return this.setStyleAll('setNote', {note: note ?? ''});
  }
  getNote(): string {
    return this.engine.call(
      'Range.getNote',
      () => this.m.style(this.row, this.col)?.note ?? '',
    );
  }
  clear(options?: {contentsOnly?: boolean; formatOnly?: boolean}): Range {
    return this.engine.call('Range.clear', () => {
      const contents = !options?.formatOnly;
      const formats = !options?.contentsOnly;
      this.m.clear(
        this.row,
        this.col,
        this.numRows,
        this.numCols,
        contents,
        formats,
      );
      return this;
    });
  }
  clearContent(): Range {
    return this.engine.call('Range.clearContent', () => {
      this.m.clear(this.row, this.col, this.numRows, this.numCols, true, false);
      return this;
    });
  }
  clearFormat(): Range {
    return this.engine.call('Range.clearFormat', () => {
      this.m.clear(this.row, this.col, this.numRows, this.numCols, false, true);
      return this;
    });
  }
  isBlank(): boolean {
    return this.engine.call('Range.isBlank', () => {
      let blank = true;
      this.eachCell((r, c) => {
        if (this.m.get(r, c) !== '') blank = false;
      });
      return blank;
    });
  }
  getRow(): number {
    return this.engine.call('Range.getRow', () => this.row);
  }
  getColumn(): number {
    return this.engine.call('Range.getColumn', () => this.col);
  }
  getLastRow(): number {
    return this.engine.call(
      'Range.getLastRow',
      () => this.row + this.numRows - 1,
    );
  }
  getLastColumn(): number {
    return this.engine.call(
      'Range.getLastColumn',
      () => this.col + this.numCols - 1,
    );
  }
  getNumRows(): number {
    return this.engine.call('Range.getNumRows', () => this.numRows);
  }
  getNumColumns(): number {
    return this.engine.call('Range.getNumColumns', () => this.numCols);
  }
  getHeight(): number {
    return this.getNumRows();
  }
  getWidth(): number {
    return this.getNumColumns();
  }
  getA1Notation(): string {
    return this.engine.call('Range.getA1Notation', () => this.a1());
  }
  a1(): string {
    const tl = columnLetter(this.col) + this.row;
    if (this.numRows === 1 && this.numCols === 1) return tl;
    return `${tl}:${columnLetter(this.col + this.numCols - 1)}${this.row + this.numRows - 1}`;
  }
  getSheet(): RangeSheet {
    return this.engine.call('Range.getSheet', () => this.sheet);
  }
  offset(
    rowOffset: number,
    colOffset: number,
    numRows?: number,
    numCols?: number,
  ): Range {
    return this.engine.call('Range.offset', () =>
      this.sheet.range(
        this.row + rowOffset,
        this.col + colOffset,
        numRows ?? this.numRows,
        numCols ?? this.numCols,
      ),
    );
  }
  activate(): Range {
    return this.engine.call('Range.activate', () => this);
  }
}
